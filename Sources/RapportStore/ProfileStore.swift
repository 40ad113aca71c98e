import Foundation
import GRDB

/// Errors the store reports to callers; each renders as one clear line.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case unknownCustomer(String)
    case unknownEvent(String)
    case notAPurchase(String)
    case readOnly
    case invalidArgument(String)
    case cannotOpen(path: String, reason: String)
    /// Opened read-only, but the store's schema is older than this program's.
    case needsMigration(path: String)
    /// An erasure was interrupted and cannot be completed here (no write access).
    case erasurePending(path: String)
    /// The erasure committed, but making the deleted data unreadable in the files did not finish.
    case erasedNotCompacted(reason: String)
    /// The database server refused or failed an operation (already in words for a person).
    case database(String)

    public var description: String {
        switch self {
        case .unknownCustomer(let id): "unknown customer '\(id)'"
        case .unknownEvent(let id): "unknown event '\(id)'"
        case .notAPurchase(let id): "event '\(id)' is not a purchase: only purchases can be flagged as gifts"
        case .readOnly: "the store is open read-only"
        case .database(let s): s
        case .invalidArgument(let s): s
        case .cannotOpen(let path, let reason): "cannot open store \(path): \(reason)"
        case .needsMigration(let path):
            "cannot open store \(path): it needs a migration, which a read-only open cannot make; "
                + "open it once for writing first (e.g. `rapport audit --store \(path)`)"
        case .erasurePending(let path):
            "cannot open store \(path): an interrupted erasure must be completed first; "
                + "open it once by someone who can write to it"
        case .erasedNotCompacted(let reason):
            "the customer is erased, but compacting the store's files did not finish (\(reason)); "
                + "it is completed the next time the store is opened for writing"
        }
    }
}

/// The profile store: one SQLite file in WAL mode, accessed through a GRDB pool.
/// All writes are methods named after the analyst's intent (see `Writes.swift`); each one
/// appends to the audit log inside the same transaction.
public final class ProfileStore: @unchecked Sendable {
    public let path: String
    public let isReadOnly: Bool
    /// The database pool. `@unchecked Sendable` is sound because `DatabasePool` is itself thread-safe.
    let pool: DatabasePool
    private let busy: BusyWait
    /// The erasure lock this store took inside an erasure's transaction, kept until the erasure
    /// is completed, so no other process finds the committed marker without its lock.
    let heldErasureLock = HeldErasureLock()

    /// Called once per wait when the store has been busy with another process's write for a
    /// second, so a command can say it is waiting rather than look frozen.
    public func onBusy(_ report: @escaping @Sendable () -> Void) { busy.report = report }

    /// Opens (creating if needed, with mode 0600) the store at `path` and migrates it.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        self.isReadOnly = readOnly
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        if readOnly && !exists {
            throw StoreError.cannotOpen(path: path, reason: "no such file")
        }
        if !exists {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                try fm.createDirectory(
                    atPath: dir, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            }
            // Create the file ourselves so its mode is 0600 before SQLite writes anything.
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd < 0 { throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            close(fd)
        }
        if readOnly {
            // An interrupted erasure is completed before anything reads the file.
            if try Self.hasPendingErasure(path: path) {
                do {
                    try ProfileStore(path: path).closeStore()
                } catch {
                    throw StoreError.erasurePending(path: path)
                }
            }
        }
        var config = Configuration()
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        // Several analysts share a store: a write waits for another to finish, with backoff,
        // up to `BusyWait.limit`, instead of failing after SQLite's few seconds.
        let busy = BusyWait()
        self.busy = busy
        config.busyMode = .callback { attempts in busy.retry(after: attempts) }
        config.prepareDatabase { db in
            // Deleted content is overwritten, so erasure leaves no readable remains in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Statement journals (one per INSERT that may abort on a constraint) stay in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            pool = try Self.retryingTransientBusy {
                try DatabasePool(path: readOnly ? Self.readOnlyPath(path) : path, configuration: config)
            }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Self.openReason(error, path: path))
        }
        if !readOnly {
            do {
                try Self.retryingTransientBusy { try Schema.migrator.migrate(pool) }
            } catch {
                throw StoreError.cannotOpen(path: path, reason: Self.openReason(error, path: path))
            }
            // SQLite creates -wal and -shm with the main file's mode; keep them private too.
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: path + suffix) {
                chmod(path + suffix, 0o600)
            }
            // An erasure interrupted after its commit is finished before anything reads.
            try completePendingErasures()
        } else {
            let applied = try Self.retryingTransientBusy {
                try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
            }
            if !applied {
                throw StoreError.needsMigration(path: path)
            }
        }
    }

    /// Runs `body` again while SQLite answers SQLITE_BUSY without calling the busy handler, as it
    /// does while another process opens or closes the same WAL store (recovering or
    /// checkpointing the shared index): a few milliseconds' matter, retried for up to 10 s,
    /// where the busy handler's words ("waited 120 s") would be false.
    static func retryingTransientBusy<T>(_ body: () throws -> T) throws -> T {
        var delay: useconds_t = 1_000
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                return try body()
            } catch let e as DatabaseError where e.resultCode.primaryResultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(delay)
                delay = min(delay * 2, 100_000)
            }
        }
    }

    /// Closes every connection (a writable store's last close checkpoints and removes the WAL;
    /// `checkpointing` moves the WAL into the file first even when others still have it open,
    /// so the file can be renamed or copied whole).
    public func closeStore(checkpointing: Bool) throws {
        if checkpointing { _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
        heldErasureLock.take()?.release()
        try pool.close()
    }

    /// Seconds a write waits for another process's lock before failing, having changed nothing.
    public static var busyLimit: Double { BusyWait.limit }

    func requireWritable() throws {
        if isReadOnly { throw StoreError.readOnly }
    }

    /// Unix seconds now. Writes take `now` as a parameter so tests can fix it.
    public static func nowSeconds() -> Int64 { storeNowSeconds() }

    /// Rewrites the file without free pages and truncates the WAL, so deleted data is gone
    /// from every file on disk.
    public func compact() throws {
        try requireWritable()
        try pool.vacuum()
        _ = try pool.writeWithoutTransaction { db in
            try db.checkpoint(.truncate)
        }
    }

}

public struct StoreCounts: Codable, Sendable, Equatable {
    public var customers: Int
    public var products: Int
    public var events: Int
    public var notes: Int
    public var segments: Int
}

/// How long a connection waits for another's lock, and when it tells someone it is waiting.
/// SQLite calls `retry` with the number of earlier attempts of the same wait.
final class BusyWait: @unchecked Sendable {
    /// Seconds a statement waits for a lock before the operation fails (having changed nothing).
    static let limit: Double = 120
    private let lock = NSLock()
    private var reporter: (@Sendable () -> Void)?

    var report: (@Sendable () -> Void)? {
        get { lock.withLock { reporter } }
        set { lock.withLock { reporter = newValue } }
    }

    /// Sleeps 5 ms, doubling to 200 ms, then 200 ms a time; false once `limit` has passed.
    func retry(after attempts: Int) -> Bool {
        let waited = Self.waited(before: attempts)
        guard waited < Self.limit else { return false }
        if attempts == 10 { report?() }
        usleep(UInt32(Self.pause(attempts) * 1_000_000))
        return true
    }

    static func pause(_ attempt: Int) -> Double { min(0.2, 0.005 * pow(2, Double(min(attempt, 10)))) }

    static func waited(before attempts: Int) -> Double {
        (0..<min(attempts, 6)).reduce(0) { $0 + pause($1) } + Double(max(0, attempts - 6)) * 0.2
    }
}

extension ProfileStore {
    /// Why a store file could not be opened, in words: SQLite's own ("SQLite error 8: attempt to
    /// write a readonly database - while executing `PRAGMA …`") means nothing to the person.
    static func openReason(_ error: Error, path: String) -> String {
        if let e = error as? DatabaseError {
            switch e.resultCode.primaryResultCode {
            case .SQLITE_READONLY:
                return "you cannot write to it (the file, or its folder where SQLite keeps "
                    + "\((path as NSString).lastPathComponent)-wal, is read-only for you); read it with --read-only"
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                if access(path, R_OK) != 0 { return "you may not read the file (\(String(cString: strerror(errno))))" }
                return "the file or its folder cannot be written by you; read it with --read-only"
            default:
                break
            }
        }
        return StoreError.friendly(error) ?? "\(error)"
    }
}

extension StoreError {
    /// Words for a person for any error the store can raise, SQLite's included: never a raw
    /// "SQLite error 5" on a screen. Nil for errors that are not the store's.
    public static func friendly(_ error: Error) -> String? {
        if let e = error as? StoreError { return e.description }
        guard let e = error as? DatabaseError else { return nil }
        switch e.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return
                "the store is busy with another analyst's write (waited \(Int(BusyWait.limit)) s); nothing was changed, try again"
        case .SQLITE_READONLY:
            return "the store cannot be written (read-only file or folder); nothing was changed"
        case .SQLITE_FULL:
            return "the disk is full; nothing was changed"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the store file is damaged or is not a Rapport store"
        case .SQLITE_CONSTRAINT:
            return
                "the change conflicts with a concurrent one (\(e.message ?? "constraint")); nothing was changed, try again"
        default:
            return "the store could not complete the operation (\(e.resultCode.primaryResultCode)); nothing was changed"
        }
    }
}
