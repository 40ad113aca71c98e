import Foundation

/// Test files, (name, text), written into a fresh temporary folder: `body` gets their paths,
/// and the folder is removed after it (the files are imported by then).
func withTemporaryFiles<T>(_ files: [(String, String)], _ body: ([String]) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-files-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let paths = try files.map { name, text in
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
    return try body(paths)
}
