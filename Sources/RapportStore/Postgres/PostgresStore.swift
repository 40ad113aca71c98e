import Foundation
import RapportPostgres

/// The profile store in a PostgreSQL database shared by a team. Same behaviour as the SQLite
/// `ProfileStore`, through the same `StoreBackend` protocol; the differences are the server's:
/// several machines write at once, so every analyst write is a READ COMMITTED transaction that
/// audits itself and announces itself (`NOTIFY rapport_changes`) at commit, and refreshes take
/// an exclusive advisory lock for their short final write so no analyst change is lost under
/// them. Explorers LISTEN and see each other's changes within a second.
public final class PostgresStore: @unchecked Sendable {
    /// The URL without any password: what people and logs see.
    public let path: String
    public let isReadOnly: Bool
    let url: PostgresURL
    let pool: PGPool
    /// Receives NOTIFY; its count is the store's write stamp.
    private var listener: PGConnection?
    private let changes = ChangeCounter()
    /// Every product's names, kept until a change (joined in SQL, a long history is planned as
    /// a hash of every product).
    private let catalogueCache = StampedCache<Any>()

    /// The notification channel every write announces itself on.
    static let channel = "rapport_changes"
    /// Advisory lock key: analyst writes hold it shared, a refresh's final write exclusively.
    static let writeLock: Int64 = 0x7261_7070

    /// Connects (password from PGPASSWORD or ~/.pgpass), migrates a writable store, refuses a
    /// read-only open of a store that needs migration, and starts listening for changes.
    public init(
        url text: String, readOnly: Bool = false, create: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws
    {
        let url: PostgresURL
        do {
            url = try PostgresURL(text, environment: environment)
        } catch {
            throw StoreError.cannotOpen(path: "(postgres url)", reason: "\(error)")
        }
        self.url = url
        path = url.redacted
        isReadOnly = readOnly
        let lookup = url.password(environment: environment)
        let password = lookup.password
        openWarnings = lookup.warning.map { [$0] } ?? []
        let display = url.redacted
        pool = PGPool(url: url, password: password, maxConnections: 4)
        do {
            try pool.withConnection { c in
                // Only a store that needs them runs migrations: an analyst's role may not create tables.
                let pending = try pendingMigrations(c, PostgresSchema.migrations)
                // A database without Rapport's tables is not a store: only a command that makes
                // one (an import, a copy) creates them; any other says the store is not there
                // rather than fill a wrong database with tables.
                if pending.count == PostgresSchema.migrations.count && !create {
                    throw StoreError.cannotOpen(
                        path: display,
                        reason:
                            "there is no Rapport store in database '\(url.database)' (no tables); check --store, "
                            + "or create one with 'rapport import' or 'rapport copy'")
                }
                if !pending.isEmpty {
                    if readOnly { throw StoreError.needsMigration(path: display) }
                    _ = try migrate(c, PostgresSchema.migrations)
                }
            }
            let listener = try PGConnection.connect(url, password: password)
            let changes = self.changes
            try listener.listen(channel: Self.channel) { payload in changes.bump(payload) }
            self.listener = listener
        } catch let e as StoreError {
            pool.close()
            throw e
        } catch {
            pool.close()
            // A .pgpass ignored for its permissions is most often why a password was missing.
            let reason = PGError.friendly(error) ?? "\(error)"
            throw StoreError.cannotOpen(
                path: display, reason: lookup.warning.map { "\(reason) (\($0))" } ?? reason)
        }
    }

    /// What the person should know about how the store was opened (a `.pgpass` ignored because
    /// others may read it), said by the command or the explorer.
    public let openWarnings: [String]

    deinit {
        listener?.close()
        pool.close()
    }

    /// Whether `location` is a PostgreSQL URL (else it is a SQLite file's path).
    public static func accepts(_ location: String) -> Bool { PostgresURL.isPostgres(location) }

    /// The database user a URL connects as: the audit's analyst when none is named.
    public static func databaseUser(_ location: String) -> String? { try? PostgresURL(location).user }

    // MARK: Connections and transactions

    /// An error from the database or the connection as one line for a person; any other error
    /// (the store's own, or one a caller's closure threw to stop a scan) passes through as it is.
    func mapped(_ error: Error) -> Error {
        guard let words = PGError.friendly(error) else { return error }
        return StoreError.database(words)
    }

    func read<T>(_ body: (PGConnection) throws -> T) throws -> T {
        do {
            return try pool.withConnection(body)
        } catch {
            throw mapped(error)
        }
    }

    /// An analyst's write: one transaction, retried on a serialization failure or deadlock,
    /// announced to every explorer at commit.
    ///
    /// `announce` says what changed: `write` for an analyst's change, `customers` when customers
    /// come or go, `catalogue` when products may have too (imports).
    func write<T>(exclusive: Bool = false, announce: String = "write", _ body: (PGConnection) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly }
        do {
            return try pool.withConnection { conn in
                try conn.transactionRetrying(isolation: .readCommitted) { c in
                    // A write waits for another's lock up to the same limit as on SQLite, then fails whole.
                    _ = try c.execute("SET LOCAL lock_timeout = '\(Int(BusyWait.limit))s'")
                    let mode = exclusive ? "" : "_shared"
                    let free = try c.rows("SELECT pg_try_advisory_xact_lock\(mode)($1)", [.int64(Self.writeLock)])
                    if try free.first?.bool(0) != true {
                        // Another session holds the write lock: say who, then wait for it.
                        busyReport.get()?()
                        _ = try c.execute("SELECT pg_advisory_xact_lock\(mode)($1)", [.int64(Self.writeLock)])
                    }
                    let result = try body(c)
                    _ = try c.execute("SELECT pg_notify($1, $2)", [.string(Self.channel), .string(announce)])
                    return result
                }
            }
        } catch {
            throw mapped(error)
        }
    }

    // MARK: Lifecycle

    /// Called when a write finds another session's write holding the store's write lock, before
    /// it waits for it (up to `lock_timeout`), so the person can be told who they wait for.
    public func onBusy(_ report: @escaping @Sendable () -> Void) { busyReport.set(report) }

    private let busyReport = BusyReport()

    final class BusyReport: @unchecked Sendable {
        private let lock = NSLock()
        private var report: (@Sendable () -> Void)?
        func set(_ r: @escaping @Sendable () -> Void) { lock.withLock { report = r } }
        func get() -> (@Sendable () -> Void)? { lock.withLock { report } }
    }

    /// The server keeps no log to fold in: `checkpointing` changes nothing.
    public func closeStore(checkpointing: Bool) throws {
        listener?.close()
        listener = nil
        pool.close()
    }

    /// On PostgreSQL the server owns the files: deleted rows stay in their pages until VACUUM
    /// reuses them (see docs/postgres.md). This runs VACUUM on the tables erasure touches,
    /// which the store's role may only do if it owns them; otherwise the operator does.
    public func compact() throws {
        if isReadOnly { throw StoreError.readOnly }
        try read { c in
            for table in Self.customerTables { _ = try c.execute("VACUUM \(table)") }
        }
    }

    static let customerTables = [
        "customers", "customer_keys", "events", "stated_preferences", "notes", "customer_metrics",
        "segment_members", "customer_affinities", "customer_activity", "audit_log"
    ]

    /// What this session is doing, for another analyst's explorer to show while it waits.
    ///
    /// The row is keyed by the backend of the pooled connection that wrote it, which need not be
    /// the one that ends the activity: the pid written is remembered and its row removed by
    /// pid, and rows of sessions that have ended are removed too, so none is left behind.
    public func announce(_ activity: StoreActivity?) {
        guard !isReadOnly else { return }
        try? pool.withConnection { c in
            let previous = announcedBackend.swap(nil)
            if let previous {
                _ = try c.execute("DELETE FROM store_activity WHERE backend_pid = $1", [.int64(previous)])
            }
            _ = try c.execute(
                "DELETE FROM store_activity WHERE backend_pid NOT IN (SELECT pid FROM pg_stat_activity)")
            if let activity, let json = try? JSONEncoder().encode(activity) {
                let pid = try c.scalarInt64(
                    """
                    INSERT INTO store_activity(backend_pid, activity) VALUES (pg_backend_pid(), $1)
                    ON CONFLICT (backend_pid) DO UPDATE SET activity = excluded.activity
                    RETURNING backend_pid::bigint
                    """, [.string(String(decoding: json, as: UTF8.self))])
                _ = announcedBackend.swap(pid)
            }
        }
    }

    /// The backend pid of this store's announced activity row, if any.
    private let announcedBackend = AnnouncedBackend()

    final class AnnouncedBackend: @unchecked Sendable {
        private let lock = NSLock()
        private var pid: Int64?
        /// Sets the pid and returns the one before.
        var current: Int64? { lock.withLock { pid } }
        func swap(_ new: Int64?) -> Int64? {
            lock.lock()
            defer { lock.unlock() }
            let old = pid
            pid = new
            return old
        }
    }

    /// Another live session's announced activity (rows of sessions that ended are ignored).
    public func currentActivity() -> StoreActivity? {
        // Not this process's own row, whichever pooled connection wrote it.
        let own = announcedBackend.current ?? -1
        let json = try? pool.withConnection { c in
            try c.scalarString(
                """
                SELECT activity FROM store_activity
                WHERE backend_pid <> pg_backend_pid() AND backend_pid <> $1
                AND backend_pid IN (SELECT pid FROM pg_stat_activity)
                ORDER BY backend_pid LIMIT 1
                """, [.int64(own)])
        }
        guard let json, let data = json.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(StoreActivity.self, from: data)
    }

    /// Changes since this store was opened, counted from NOTIFY: the explorer polls it for free.
    public func writeStamp() throws -> String { "\(changes.value)" }

    public func keptUntilChange<T>(_ scope: ChangeScope, _ read: () throws -> T) throws -> T? {
        let (cache, stamp) =
            switch scope {
            case .catalogue: (catalogueCache, changes.catalogue)
            }
        if let kept = cache.get(stamp) as? T { return kept }
        let value = try read()
        cache.set(stamp, value)
        return value
    }
}

/// A value read from the store, kept until the next NOTIFY, and never longer than 10 s (should
/// the listening connection drop, nothing stays stale for long).
final class StampedCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (stamp: Int, value: Value, at: Date)?
    func get(_ stamp: Int) -> Value? {
        lock.withLock {
            guard let value, value.stamp == stamp, Date().timeIntervalSince(value.at) < 10 else { return nil }
            return value.value
        }
    }
    func set(_ stamp: Int, _ v: Value) { lock.withLock { value = (stamp, v, Date()) } }
}

/// How many NOTIFYs arrived: every one (the write stamp), and those that may change the
/// catalogue.
final class ChangeCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (all: 0, catalogue: 0)
    func bump(_ payload: String) {
        lock.withLock {
            counts.all += 1
            if payload == "catalogue" { counts.catalogue += 1 }
        }
    }
    var value: Int { lock.withLock { counts.all } }
    var catalogue: Int { lock.withLock { counts.catalogue } }
}

extension PostgresStore: StoreBackend {}
