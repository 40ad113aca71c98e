import Foundation
import Logging
import RapportEngine
import RapportSampleData
import RapportStore
import RapportVocabulary

/// The application layer both the CLI and the explorer use: one open store plus the analyst
/// acting on it. Commands call these methods; they hold no logic of their own.
public final class Workspace: @unchecked Sendable {
    let store: any StoreBackend
    public let analyst: String
    public var insightSettings: InsightSettings
    /// Extra customer columns imports keep (`[import] keep_columns`); others are dropped.
    public var keepColumns: [String]
    /// `[accounts] required_roles`: the buying committee account coverage counts.
    public var requiredRoles = Config.defaultRequiredRoles
    /// λ of the item model a full refresh fits (a stored `RecommenderTuning` sets it).
    var itemLambda = ModelBuilder(asOf: 0).itemLambda
    /// `[insights] clv_model`: the BG/NBD variant a fit uses.
    public var clvModel: BGNBD.Variant = .classic
    /// `[insights] auto_tune`: tune the recommender on a small store's first fit.
    public var autoTune: Bool
    /// The evaluation behind the tuning the last import chose on its own, if it did.
    public internal(set) var lastAutoTuning: RecEvaluation?
    /// What the last import did about the recommender's settings (tuned, and why; or why not).
    public internal(set) var lastTuningNote: TuningNote?
    /// `[insights] recommender_lambda` / `recommender_tau_days`: settings no tuning changes.
    public let pinnedLambda: Double?
    public let pinnedTauDays: Double?
    /// `[corrections] hold_hours`, in seconds: how long a clear-history stays undoable.
    public var holdSeconds: Int64 = 86_400
    let logger = Logger(label: "rapport.workspace")
    let cache = EngineCache()
    /// Models of past moments already decoded (`--as-of`, the explorer's `@`).
    let stoodOnCache = StoodOnCache()
    /// Rows of the customer list at known positions, for pages read by keyset.
    let listPositions = ListPositions()
    /// Figures of rows of the customer list as of a past day, computed once per row and day.
    let listFiguresStoodOn = ListFiguresCache()
    /// Rows of the accounts list as of a past day, computed once per firm and day.
    let accountRowsStoodOn = AccountRowsCache()

    /// The time as this workspace counts it (Unix seconds): the wall clock, unless a test or
    /// caller fixes it. Audit entries, exports and write times all read it.
    public let clock: @Sendable () -> Int64
    /// What the last import left undone after its files were committed, if anything.
    public private(set) var importWarning: String?
    /// Customers the last import created whose ids had been erased before: said, so that an
    /// analyst can erase them again if they should not be here.
    private(set) var erasedAgain: [ErasedAgain] = []

    /// What the person should know about how the store was opened (a PostgreSQL `.pgpass`
    /// ignored because others may read it).
    public var openWarnings: [String] { (store as? PostgresStore)?.openWarnings ?? [] }

    /// What the last import brought back that had been erased, in words (nil: nothing).
    public var erasedAgainWarning: String? {
        guard let first = erasedAgain.first else { return nil }
        let shown = erasedAgain.prefix(5).map { "\($0.externalId), erased \(Dates.isoDate($0.erasedAt))" }
        let more = erasedAgain.count > 5 ? "; and \(erasedAgain.count - 5) more" : ""
        let whom = erasedAgain.count == 1 ? "a customer" : "\(erasedAgain.count) customers"
        return "this import brought back \(whom) erased before (\(shown.joined(separator: "; "))\(more)): "
            + (erasedAgain.count == 1
                ? "run 'rapport forget \(first.externalId)' if they should not be here"
                : "run 'rapport forget ID' for each who should not be here")
    }
    /// The path of the default store when this open created it from the bundled sample (the first run).
    public private(set) var createdFromSample: String?

    /// What the first run says: that it made a store, where, and from what.
    public var createdMessage: String? {
        createdFromSample.map {
            "first run: created the store \($0) from the bundled sample; --store or $RAPPORT_STORE choose another"
        }
    }

    public init(
        store: any StoreBackend, analyst: String, config: Config = Config(),
        clock: @escaping @Sendable () -> Int64 = { ProfileStore.nowSeconds() }
    ) {
        self.store = store
        self.analyst = analyst
        self.clock = clock
        keepColumns = config.keepColumns
        requiredRoles = config.requiredRoles
        insightSettings = InsightSettings(tauDays: config.tauDays, explorationShare: config.explorationShare)
        insightSettings.recommendations.ownedAfterViews = config.ownedAfterViews
        insightSettings.recommendations.lastSessionViewsOwned = config.lastSessionViewsOwned
        autoTune = config.autoTune
        clvModel = BGNBD.Variant(rawValue: config.clvModel) ?? .classic
        pinnedLambda = config.recommenderLambda
        pinnedTauDays = config.recommenderTauDays
        holdSeconds = Int64(config.holdHours * 3600)
        if let tuning = try? recommenderTuning() { apply(tuning) } else { applyPins() }
    }

    /// What opening a store does when it carries the mark of a `rapport copy` that has not finished.
    public enum UnfinishedCopyPolicy: Sendable {
        /// Refuse it: its data is partial (every command but the copy itself).
        case refuse
        /// Open it anyway (the copy, which starts it over).
        case allow
    }

    /// Opens the store at `location`. A default store that does not exist yet is created
    /// from the bundled sample, so the first run shows data.
    public static func open(
        _ location: StoreLocation, analyst: String, readOnly: Bool = false,
        config: Config = Config(), create: Bool = true, unfinishedCopy: UnfinishedCopyPolicy = .refuse
    ) throws -> Workspace {
        var created = false
        if location.isDefault && !FileManager.default.fileExists(atPath: location.path) {
            try createFromSample(at: location.path, analyst: analyst)
            created = true
        }
        let store: any StoreBackend
        if location.isServer {
            store = try PostgresStore(url: location.path, readOnly: readOnly, create: create)
        } else {
            store = try ProfileStore(path: location.path, readOnly: readOnly)
        }
        if unfinishedCopy == .refuse, let mark = try? store.unfinishedCopy() {
            try? store.closeStore()
            throw StoreError.cannotOpen(
                path: store.path,
                reason:
                    "'rapport copy' from \(mark.source) is filling it (started \(DateParsing.isoDateTime(mark.started))) "
                    + "or did not finish: wait for it, or run the copy again")
        }
        let ws = Workspace(store: store, analyst: analyst, config: config)
        if created { ws.createdFromSample = location.path }
        // Held clears past their retention window are purged at the next writable open. One
        // that cannot purge (a role without DELETE) opens anyway: the next writer purges.
        if !readOnly {
            do { try ws.purgeExpiredHolds() } catch {
                ws.logger.warning("purge of held events at open failed", metadata: ["error": "\(type(of: error))"])
            }
        }
        return ws
    }

    /// The database user of a server location (the audit's analyst when none is named).
    public static func databaseUser(_ location: StoreLocation) -> String? {
        location.isServer ? PostgresStore.databaseUser(location.path) : nil
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
            try ws.store.checkpointAndClose()
        }
        guard rename(partial, path) == 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public var actor: Actor { Actor(analyst: analyst, now: clock()) }

    /// Imports the sample that ships with the binary.
    public func loadBundledSample() throws {
        let urls = SampleDataFiles.urls
        guard urls.count == SampleDataFiles.names.count else {
            throw StoreError.invalidArgument("the bundled sample data is missing from this build")
        }
        logger.info("creating store from bundled sample", metadata: ["store": "\(store.path)"])
        // The sample shows the shop defaults (habits over spikes); tuning is for real data.
        let tune = autoTune
        autoTune = false
        defer { autoTune = tune }
        // The sample declares its one extra column, as a real deployment's config would.
        _ = try importFiles(urls.map(\.path), options: ImportOptions(analyst: analyst, keepColumns: ["loyalty_tier"]))
    }

    /// Imports files in dependency order (customers and products before events and notes),
    /// each in its own transaction, then brings the derived figures up to date: only the
    /// customers the import touched, unless the population models are stale (`RefitRule`).
    /// With several files, `options.rejectsPath` names a folder that gets one rejects file
    /// per input (`NAME.rejects.csv`, or `.jsonl`).
    public func importFiles(
        _ paths: [String], options: ImportOptions,
        progress: (@Sendable (ImportProgressReport) -> Void)? = nil,
        refreshProgress: ((String, Double) -> Void)? = nil
    ) throws -> [ImportSummary] {
        var summaries: [ImportSummary] = []
        importWarning = nil
        erasedAgain = []
        let newestBefore = try store.newestCustomerKey()
        // Said whatever the outcome: the files before a failed one are committed.
        defer { erasedAgain = (try? store.erasedAgain(after: newestBefore)) ?? [] }
        lastTuningNote = nil
        lastAutoTuning = nil
        let rejects = try RejectsPlan(options.rejectsPath, inputs: paths)
        var failure: Error?
        let ordered = paths.sorted(by: { Self.importRank($0) < Self.importRank($1) })
        for (n, path) in ordered.enumerated() {
            var fileOptions = options
            fileOptions.rejectsPath = rejects.path(for: path)
            do {
                let s = try announcing("import") { announce in
                    try store.importFile(path, options: fileOptions) { p in
                        progress?(p)
                        let share = p.bytesTotal > 0 ? Double(p.bytesDone) / Double(p.bytesTotal) : 0
                        announce((Double(n) + share) / Double(ordered.count))
                    }
                }
                logger.info(
                    "imported", metadata: ["file": "\(s.file)", "rows": "\(s.rows)", "seconds": "\(s.seconds)"])
                summaries.append(s)
            } catch {
                // The files before this one are committed: their figures are still brought up to date.
                failure = error
                break
            }
        }
        if let failure {
            if !summaries.isEmpty { _ = try? refreshAfterImport(summaries, progress: refreshProgress) }
            throw failure
        }
        do {
            try announcing("refresh after an import") { announce in
                let whole = try refreshAfterImport(summaries) { step, fraction in
                    refreshProgress?(step, fraction)
                    announce(fraction)
                }
                // The whole refresh computed the account figures in its pass already.
                if !whole { try refreshAccountFigures() }
            }
            // An import that did not refit the models does not tune either: say so, and why.
            if lastTuningNote == nil, let why = try reasonNotToTune() {
                lastTuningNote = TuningNote(tuned: false, text: "recommender not tuned: \(why)")
            }
        } catch {
            // The files are committed: say what is left to do rather than fail, so nobody
            // imports the same files again.
            logger.error("refresh after import failed", metadata: ["error": "\(type(of: error))"])
            importWarning =
                "the files were imported, but updating the figures failed "
                + "(\(StoreError.friendly(error) ?? "\(error)")); run 'rapport refresh'"
        }
        return summaries
    }

    static func importRank(_ path: String) -> Int {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.contains("customer") { return 0 }
        if name.contains("product") { return 1 }
        // Accounts before the events and memberships that name them.
        if name.contains("membership") { return 2 }
        if name.contains("account") { return 1 }
        if name.contains("note") { return 3 }
        return 2
    }

    /// Rebuilds every derived figure: per-customer metrics, segments and the recommendation model.
    public func refresh(progress: ((String, Double) -> Void)? = nil) throws {
        try announcing("refresh") { announce in
            try refreshDerived { step, fraction in
                progress?(step, fraction)
                announce(fraction)
            }
        }
    }
}

/// Where each input's bad rows go under `--skip-bad`: the given file for one input, a folder of
/// one file per input for several (named after the input, so each can be fixed and re-imported).
struct RejectsPlan {
    private var paths: [String: String] = [:]

    init(_ target: String?, inputs: [String]) throws {
        guard let target else { return }
        guard inputs.count > 1 else {
            if let only = inputs.first { paths[only] = target }
            return
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), !isFolder.boolValue {
            throw StoreError.invalidArgument(
                "\(target): with several files, --skip-bad names a folder for their rejects")
        }
        try FileManager.default.createDirectory(
            atPath: target, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        var used = Set<String>()
        for input in inputs {
            let url = URL(fileURLWithPath: input)
            let ext = url.pathExtension.lowercased() == "csv" || url.pathExtension.isEmpty ? "csv" : "jsonl"
            var name = url.deletingPathExtension().lastPathComponent + ".rejects." + ext
            var n = 2
            while used.contains(name) {
                name = url.deletingPathExtension().lastPathComponent + "-\(n).rejects." + ext
                n += 1
            }
            used.insert(name)
            paths[input] = (target as NSString).appendingPathComponent(name)
        }
    }

    func path(for input: String) -> String? { paths[input] }

    /// Refuses rejects files that would replace the store, an input, or (unless `replacing`)
    /// any file that exists already.
    func check(store: String, inputs: [String], replacing: Bool) throws {
        let protected = Set(([store, store + "-wal", store + "-shm"] + inputs).map(Self.canonical))
        for target in paths.values {
            if protected.contains(Self.canonical(target)) {
                throw StoreError.invalidArgument("\(target): --skip-bad may not write over the store or an input file")
            }
            if !replacing && FileManager.default.fileExists(atPath: target) {
                throw StoreError.invalidArgument(
                    "\(target) exists already: choose another rejects file, or add --force")
            }
        }
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
