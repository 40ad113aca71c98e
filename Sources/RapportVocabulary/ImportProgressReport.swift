import Foundation

/// How far an import of one file has got: the importer reports it, the commands show it.
public struct ImportProgressReport: Sendable {
    public var file: String
    public var bytesDone: Int
    public var bytesTotal: Int
    public var rows: Int

    public init(file: String, bytesDone: Int, bytesTotal: Int, rows: Int) {
        self.file = file
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.rows = rows
    }
}
