import Foundation
import Logging
import RapportSampleData
import RapportEngine
import RapportStore

/// The application layer both the CLI and the explorer use: one open store plus the analyst
/// acting on it. Commands call these methods; they hold no logic of their own.
public final class Workspace: @unchecked Sendable {
    public let store: ProfileStore
    public let analyst: String
    public var insightSettings: InsightSettings
    let logger = Logger(label: "rapport.workspace")
    let cache = EngineCache()

    public init(store: ProfileStore, analyst: String, config: Config = Config()) {
        self.store = store
        self.analyst = analyst
        insightSettings = InsightSettings(tauDays: config.tauDays, explorationShare: config.explorationShare)
    }

    /// Opens the store at `location`. A default store that does not exist yet is created
    /// from the bundled sample, so the first run shows data.
    public static func open(_ location: StoreLocation, analyst: String, readOnly: Bool = false,
                            config: Config = Config()) throws -> Workspace {
        if location.isDefault && !FileManager.default.fileExists(atPath: location.path) {
            try createFromSample(at: location.path, analyst: analyst)
        }
        return Workspace(store: try ProfileStore(path: location.path, readOnly: readOnly), analyst: analyst, config: config)
    }

    /// Builds the sample store beside `path` and renames it into place only when complete,
    /// so an interrupted first run never leaves a half-filled default store.
    static func createFromSample(at path: String, analyst: String) throws {
        let partial = path + ".creating-\(getpid())"
        let fm = FileManager.default
        defer { for s in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: partial + s) } }
        do {
            let ws = Workspace(store: try ProfileStore(path: partial), analyst: analyst)
            try ws.loadBundledSample()
            // Move everything from the WAL into the main file before the file is renamed.
            _ = try ws.store.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try ws.store.pool.close()
        }
        guard rename(partial, path) == 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public var actor: Actor { Actor(analyst: analyst) }

    /// Imports the sample that ships with the binary.
    public func loadBundledSample() throws {
        let urls = SampleDataFiles.urls
        guard urls.count == SampleDataFiles.names.count else {
            throw StoreError.invalidArgument("the bundled sample data is missing from this build")
        }
        logger.info("creating store from bundled sample", metadata: ["store": "\(store.path)"])
        _ = try importFiles(urls.map(\.path), options: ImportOptions(analyst: analyst))
    }

    /// Imports files in dependency order (customers and products before events and notes),
    /// each in its own transaction, then refreshes the derived figures.
    public func importFiles(_ paths: [String], options: ImportOptions,
                            progress: (@Sendable (ImportProgress) -> Void)? = nil) throws -> [ImportSummary] {
        var summaries: [ImportSummary] = []
        for path in paths.sorted(by: { Self.importRank($0) < Self.importRank($1) }) {
            let s = try store.importFile(path, options: options, progress: progress)
            logger.info("imported", metadata: ["file": "\(s.file)", "rows": "\(s.rows)", "seconds": "\(s.seconds)"])
            summaries.append(s)
        }
        try refresh()
        return summaries
    }

    static func importRank(_ path: String) -> Int {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.contains("customer") { return 0 }
        if name.contains("product") { return 1 }
        if name.contains("note") { return 3 }
        return 2
    }

    /// Rebuilds every derived figure: per-customer metrics, segments and the recommendation model.
    public func refresh(progress: ((String, Double) -> Void)? = nil) throws {
        try refreshDerived(progress: progress)
    }
}
