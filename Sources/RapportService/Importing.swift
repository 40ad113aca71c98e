import Foundation
import RapportStore
import RapportVocabulary

/// How to import: the kind when the header cannot tell, and where bad rows go (`--skip-bad`).
public struct ImportRequest: Sendable {
    public var kind: ImportFileKind?
    public var rejectsPath: String?
    /// Whether rejects files that exist already may be replaced (never the store or an input).
    public var replaceRejects: Bool

    public init(kind: ImportFileKind? = nil, rejectsPath: String? = nil, replaceRejects: Bool = false) {
        self.kind = kind
        self.rejectsPath = rejectsPath
        self.replaceRejects = replaceRejects
    }
}

/// What the import of one file did.
public struct ImportReport: Codable, Sendable, Equatable {
    public var file: String
    public var kind: ImportFileKind
    public var rows: Int
    public var inserted: Int
    public var updated: Int
    public var duplicates: Int
    public var rejected: Int
    public var createdCustomers: Int
    public var createdProducts: Int
    public var seconds: Double
    public var rejectsFile: String?
    /// Customer columns not stored because `[import] keep_columns` does not declare them.
    public var droppedColumns: [String]

    enum CodingKeys: String, CodingKey {
        case file, kind, rows, inserted, updated, duplicates, rejected, seconds
        case createdCustomers = "created_customers", createdProducts = "created_products"
        case rejectsFile = "rejects_file", droppedColumns = "dropped_columns"
    }

    init(_ s: ImportSummary) {
        file = s.file
        kind = s.kind
        rows = s.rows
        inserted = s.inserted
        updated = s.updated
        duplicates = s.duplicates
        rejected = s.rejected
        createdCustomers = s.createdCustomers
        createdProducts = s.createdProducts
        seconds = s.seconds
        rejectsFile = s.rejectsFile
        droppedColumns = s.droppedColumns
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(kind, forKey: .kind)
        try c.encode(rows, forKey: .rows)
        try c.encode(inserted, forKey: .inserted)
        try c.encode(updated, forKey: .updated)
        try c.encode(duplicates, forKey: .duplicates)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(createdCustomers, forKey: .createdCustomers)
        try c.encode(createdProducts, forKey: .createdProducts)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(rejectsFile, forKey: .rejectsFile)
        try c.encode(droppedColumns, forKey: .droppedColumns)
    }
}

extension Workspace {
    /// How far past the clock an event may be and still be imported (time zones, clock skew).
    public static let futureTolerance: Int64 = 86_400

    /// Imports files (see `importFiles(_:options:)`) on behalf of this workspace's analyst.
    public func importFiles(
        _ paths: [String], request: ImportRequest,
        progress: (@Sendable (ImportProgressReport) -> Void)? = nil,
        refreshProgress: ((String, Double) -> Void)? = nil
    ) throws -> [ImportReport] {
        if let target = request.rejectsPath {
            try RejectsPlan(target, inputs: paths).check(
                store: store.path, inputs: paths,
                replacing: request.replaceRejects)
        }
        var options = ImportOptions(
            kind: request.kind, rejectsPath: request.rejectsPath, analyst: analyst,
            keepColumns: Set(keepColumns))
        // One future-dated event would become every customer's as-of date: such rows are bad.
        options.notAfter = clock() + Self.futureTolerance
        return try importFiles(paths, options: options, progress: progress, refreshProgress: refreshProgress)
            .map(ImportReport.init)
    }
}

/// The words a person sees for a failure of the service; nil for errors it does not own.
public enum ServiceFailure {
    /// The store could not be opened read-only because its schema needs migrating first.
    public static func needsMigration(_ error: Error) -> Bool {
        if case .needsMigration? = error as? StoreError { return true }
        return false
    }

    public static func message(_ error: Error) -> String? {
        if let e = error as? ImportFailure { return e.description }
        return StoreError.friendly(error).map { "rapport: error: \($0)" }
    }
}
