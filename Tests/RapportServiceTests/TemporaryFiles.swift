import Foundation

@testable import RapportService

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

/// A workspace on a new store of `backend` with `files` imported, as analyst "ana" on `clock`,
/// without the tuning a first import does (the figures are the defaults'); the cleanup removes
/// the store, and is run here if the import fails.
func workspaceImporting(
    _ files: [(String, String)], on backend: Backend, clock: @escaping @Sendable () -> Int64
) throws -> (Workspace, () -> Void) {
    let (location, cleanup) = try backend.makeStore()
    do {
        return try withTemporaryFiles(files) { paths in
            var config = Config()
            config.autoTune = false
            let ws = Workspace(store: try backend.open(location), analyst: "ana", config: config, clock: clock)
            _ = try ws.importFiles(paths, request: ImportRequest())
            return (ws, cleanup)
        }
    } catch {
        cleanup()
        throw error
    }
}
