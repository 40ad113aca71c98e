import Foundation
import Logging
import PostgresNIO

/// A blocking PostgreSQL connection for Rapport's synchronous code (main thread, `concurrentPerform` workers).
///
/// It waits on EventLoopFutures, so it must never be used from an event loop thread, nor from inside Swift
/// concurrency tasks (the async-only pieces, COPY and streaming scans, block the caller on a semaphore).
/// One statement at a time: a recursive lock serialises callers and keeps a `transaction` body's statements
/// together when threads share a connection.
public final class PGConnection: @unchecked Sendable {
    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    public let url: PostgresURL
    let connection: PostgresConnection
    let logger: Logger
    private let lock = NSRecursiveLock()
    private var inTransaction = false
    /// Set when the connection broke: nothing is sent on it again, and the pool drops it.
    var broken = false
    private var listeners: [PostgresListenContext] = []

    /// postgres-nio logs at debug/trace; by default that goes nowhere so queries and binds never reach a log.
    public static let quietLogger = Logger(label: "rapport.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private static let nextID = NSLock()
    nonisolated(unsafe) private static var lastID = 0

    /// Wakes a caller waiting on this connection when its channel closes.
    let closeWatch = PGCloseWatch()

    private init(url: PostgresURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
        connection.closeFuture.whenComplete { [closeWatch] _ in closeWatch.channelClosed() }
    }

    deinit {
        if !connection.isClosed { (connection.close() as EventLoopFuture<Void>).whenComplete { _ in } }
    }

    /// Opens a connection. TLS: none over a Unix socket or with sslmode=disable; `prefer` and `require` encrypt
    /// without checking the certificate (as libpq does); `verify-full` checks the chain and the host name.
    public static func connect(
        _ url: PostgresURL, password: String?, logger: Logger = PGConnection.quietLogger
    ) throws -> PGConnection {
        let tls: PostgresConnection.Configuration.TLS
        if url.socketPath != nil {
            if url.sslMode == .require || url.sslMode == .verifyFull {
                throw PGError.tlsUnavailable(url: url.redacted)
            }
            tls = .disable
        } else {
            do {
                tls = try Self.tls(for: url)
            } catch {
                throw PGError.tlsUnavailable(url: url.redacted)
            }
        }
        let connectTimeout = TimeAmount.seconds(Int64(url.connectTimeout.flatMap { $0 > 0 ? $0 : nil } ?? 10))
        let channel: any Channel
        do {
            channel = try Self.openChannel(url, timeout: connectTimeout).wait()
        } catch {
            throw Self.connectError(error, url: url)
        }
        // The channel is opened here rather than by postgres-nio so that PGReadGuard heads its pipeline.
        var configuration = PostgresConnection.Configuration(
            establishedChannel: channel, tls: tls, username: url.user, password: password, database: url.database)
        if url.socketPath == nil, let host = url.host, !Self.isIPAddress(host) {
            // Server name for TLS (SNI and the certificate's host check), as postgres-nio sets it for a host it opens.
            configuration.options.tlsServerName = host
        }
        if let name = url.applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", name))
        }
        configuration.options.connectTimeout = connectTimeout
        let id: Int = nextID.withLock {
            lastID += 1
            return lastID
        }
        do {
            let connection = try PostgresConnection.connect(
                on: channel.eventLoop, configuration: configuration, id: id, logger: logger
            ).wait()
            return PGConnection(url: url, connection: connection, logger: logger)
        } catch {
            channel.close(promise: nil)
            throw Self.connectError(error, url: url)
        }
    }

    /// The socket to the server (Unix or TCP), with PGReadGuard at the head of its pipeline.
    private static func openChannel(_ url: PostgresURL, timeout: TimeAmount) -> EventLoopFuture<any Channel> {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton.any())
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(PGReadGuard()) }
            }
        if let socketPath = url.socketPath {
            return bootstrap.connect(unixDomainSocketPath: socketPath)
        }
        return bootstrap.connect(host: url.host ?? "localhost", port: url.port)
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Why a socket could not be opened, in words rather than NIO's dump of the system call.
    static func connectReason(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "no server socket there"
            case ECONNREFUSED: return "connection refused"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        if let failed = error as? NIOConnectionError {
            if let first = failed.connectionErrors.first { return connectReason(first.error) }
            return "the host name could not be resolved"
        }
        if case .connectTimeout? = error as? ChannelError { return "no answer in time" }
        return "\(error)"
    }

    private static func tls(for url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        var tlsConfig = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable:
            return .disable
        case .prefer:
            tlsConfig.certificateVerification = .none
            return .prefer(try NIOSSLContext(configuration: tlsConfig))
        case .require:
            tlsConfig.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: tlsConfig))
        case .verifyFull:
            tlsConfig.certificateVerification = .fullVerification
            return .require(try NIOSSLContext(configuration: tlsConfig))
        }
    }

    /// Errors before the session starts become one of ours, so the message names the (redacted) URL.
    private static func connectError(_ error: any Error, url: PostgresURL) -> any Error {
        guard let psql = error as? PSQLError else {
            return PGError.cannotConnect(url: url.redacted, reason: Self.connectReason(error))
        }
        if let state = psql.serverInfo?[.sqlState] {
            if state == "28000", psql.serverInfo?[.message]?.hasSuffix("does not exist") == true {
                return PGError.unknownRole(role: url.user, url: url.redacted)
            }
            if state == "28P01" || state == "28000" { return PGError.authenticationFailed(url: url.redacted) }
            return psql
        }
        switch psql.code {
        case .connectionError:
            let reason = psql.underlying.map(Self.connectReason) ?? "connection failed"
            return PGError.cannotConnect(url: url.redacted, reason: reason)
        case .sslUnsupported:
            return PGError.tlsUnavailable(url: url.redacted)
        case .authMechanismRequiresPassword:
            return PGError.authenticationFailed(url: url.redacted)
        default:
            return psql
        }
    }

    public var isClosed: Bool { connection.isClosed || lock.withLock { broken } }

    /// How long the client waits for any one answer of the server before it gives up and closes
    /// the connection: 300 s (a write waits up to 120 s for a lock; a long scan answers batch by
    /// batch), or `RAPPORT_PG_TIMEOUT` seconds.
    public static let waitLimit: TimeInterval = {
        let env = ProcessInfo.processInfo.environment["RAPPORT_PG_TIMEOUT"].flatMap(Double.init)
        return env.map { max(1, $0) } ?? 300
    }()

    /// Waits for `future` at most `waitLimit`; a lost connection or a wait past the limit marks
    /// this connection broken (and closes it) before the error goes up.
    func bounded<T>(_ future: EventLoopFuture<T>) throws -> T {
        try guarded {
            let done = DispatchSemaphore(value: 0)
            let box = PGResultBox<T>()
            future.whenComplete { result in
                box.set(result)
                done.signal()
            }
            return try closeWatch.wait(done) { box.get() }.get()
        }
    }

    /// Runs `body` on a connection that is not broken; an error that breaks the connection
    /// marks it so and closes it.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        if broken || closeWatch.isClosed {
            broken = true
            throw PGError.connectionLost
        }
        do {
            return try body()
        } catch  where PGError.isConnectionLoss(error) {
            broken = true
            if !connection.isClosed { (connection.close() as EventLoopFuture<Void>).whenComplete { _ in } }
            if error is PostgresError { throw PGError.connectionLost }
            throw error
        }
    }

    /// Holds the one-statement-at-a-time lock across several driver calls (COPY).
    func withConnectionLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock(body)
    }

    public func close() {
        lock.withLock {
            for listener in listeners { listener.stop() }
            listeners.removeAll()
            if !connection.isClosed { _ = try? bounded(connection.close() as EventLoopFuture<Void>) }
        }
    }

    // MARK: - Queries

    /// Runs one statement and returns the rows it affected (0 for statements without a count).
    @discardableResult
    public func execute(_ sql: String, _ binds: [PGValue] = []) throws -> Int {
        try lock.withLock {
            try bounded(connection.query(Self.query(sql, binds), logger: logger)).metadata.rows ?? 0
        }
    }

    /// Runs one statement and collects its rows; for big results use `forEachRow`.
    public func rows(_ sql: String, _ binds: [PGValue] = []) throws -> [PGRow] {
        try lock.withLock {
            try bounded(connection.query(Self.query(sql, binds), logger: logger)).rows.map(PGRow.init)
        }
    }

    /// Streams rows to `body` on the calling thread, a batch at a time with back-pressure, so a big scan neither
    /// materialises the result nor runs caller code on the event loop. Throwing from `body` stops the scan.
    public func forEachRow(_ sql: String, _ binds: [PGValue] = [], _ body: (PGRow) throws -> Void) throws {
        try lock.withLock {
            let query = Self.query(sql, binds)
            let connection = self.connection
            let logger = self.logger
            let iterator = try guarded {
                try Blocking.run(watching: closeWatch) {
                    IteratorBox(try await connection.query(query, logger: logger).makeAsyncIterator())
                }
            }
            while true {
                let batch = try guarded {
                    try Blocking.run(watching: closeWatch) { try await iterator.nextBatch(Self.scanBatch) }
                }
                for row in batch { try body(PGRow(row)) }
                if batch.count < Self.scanBatch { return }
            }
        }
    }

    /// Rows handed over per hop from the driver to the caller of `forEachRow`.
    static let scanBatch = 2048

    public func scalarInt64(_ sql: String, _ binds: [PGValue] = []) throws -> Int64? {
        try rows(sql, binds).first?.int64(0)
    }

    public func scalarString(_ sql: String, _ binds: [PGValue] = []) throws -> String? {
        try rows(sql, binds).first?.string(0)
    }

    public func scalarDouble(_ sql: String, _ binds: [PGValue] = []) throws -> Double? {
        try rows(sql, binds).first?.double(0)
    }

    /// Runs a multi-statement script (the extended protocol takes one statement per query, so the script runs
    /// inside a `DO` block's `EXECUTE`). Not for statements that refuse a transaction block, like
    /// `CREATE INDEX CONCURRENTLY` or `VACUUM`.
    public func executeScript(_ sql: String) throws {
        var n = 0
        var tag = "$rapport_script$"
        while sql.contains(tag) || sql.contains("$rapport_do\(n)$") {
            n += 1
            tag = "$rapport_script\(n)$"
        }
        let outer = "$rapport_do\(n)$"
        try execute("DO \(outer) BEGIN EXECUTE \(tag)\(sql)\(tag); END \(outer)")
    }

    static func query(_ sql: String, _ binds: [PGValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds { value.append(to: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    // MARK: - Transactions

    /// Runs `body` between BEGIN and COMMIT, rolling back if it throws. Statements from other threads on this
    /// connection wait until it is done.
    @discardableResult
    public func transaction<T>(
        isolation: Isolation = .readCommitted, readOnly: Bool = false, _ body: (PGConnection) throws -> T
    ) throws -> T {
        try lock.withLock {
            if inTransaction { throw PGError.nestedTransaction }
            inTransaction = true
            defer { inTransaction = false }
            try execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)" + (readOnly ? " READ ONLY" : ""))
            let result: T
            do {
                result = try body(self)
            } catch {
                // Nothing is sent on a broken connection: the server rolls back on its own.
                if !broken { _ = try? execute("ROLLBACK") }
                throw error
            }
            let commit: PostgresQueryResult
            do {
                commit = try bounded(connection.query("COMMIT", logger: logger))
            } catch  where PGError.isConnectionLoss(error) {
                throw PGError.commitUnknown
            }
            if commit.metadata.command == "ROLLBACK" { throw PGError.transactionAborted }
            return result
        }
    }

    /// `transaction`, run again (up to `attempts` times, with growing jittered pauses) when the server reports
    /// a serialization failure or deadlock. `body` may therefore run more than once: keep side effects out of it.
    @discardableResult
    public func transactionRetrying<T>(
        isolation: Isolation = .serializable, readOnly: Bool = false, attempts: Int = 5,
        _ body: (PGConnection) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try transaction(isolation: isolation, readOnly: readOnly, body)
            } catch  where PGError.isRetryable(error) && attempt < attempts {
                let base = 0.01 * Double(1 << (attempt - 1))
                Thread.sleep(forTimeInterval: base + Double.random(in: 0..<base))
                attempt += 1
            }
        }
    }

    // MARK: - LISTEN / NOTIFY

    /// Calls `handler` with each payload NOTIFY'd on `channel`, on an event loop thread: keep it short.
    public func listen(channel: String, handler: @Sendable @escaping (String) -> Void) throws {
        let quoted = try Self.quoteIdentifier(channel)
        try lock.withLock {
            let context = connection.addListener(channel: channel) { _, notification in
                handler(notification.payload)
            }
            listeners.append(context)
            do {
                try execute("LISTEN \(quoted)")
            } catch {
                context.stop()
                listeners.removeLast()
                throw error
            }
        }
    }

    public func notify(channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify($1, $2)", [.string(channel), .string(payload)])
    }

    /// `"name"` with embedded quotes doubled; rejects what PostgreSQL cannot name (empty, NUL).
    public static func quoteIdentifier(_ name: String) throws -> String {
        guard !name.isEmpty, !name.contains("\0") else { throw PGError.invalidIdentifier(name) }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Carries a row iterator between the short tasks of `forEachRow`; only one task touches it at a time.
private final class IteratorBox: @unchecked Sendable {
    var iterator: PostgresRowSequence.AsyncIterator

    init(_ iterator: PostgresRowSequence.AsyncIterator) { self.iterator = iterator }

    func nextBatch(_ limit: Int) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        rows.reserveCapacity(limit)
        while rows.count < limit, let row = try await iterator.next() { rows.append(row) }
        return rows
    }
}

/// Runs async work from a synchronous caller by blocking it on a semaphore.
///
/// The tasks run on a private queue, not the cooperative pool: a caller that is itself on the pool (a
/// Swift Testing test, say) would otherwise block one of the pool's few threads on work that needs one to run,
/// and with two cores two such callers deadlock. The queue is concurrent: parallel scans on separate
/// connections (a refresh's slices) each pull their rows at once, not in turn.
enum Blocking {
    private final class Unchecked<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    final class QueueExecutor: TaskExecutor, @unchecked Sendable {
        let queue = DispatchQueue(label: "rapport.postgres.bridge", attributes: .concurrent)

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedTaskExecutor()
            queue.async { job.runSynchronously(on: executor) }
        }
    }

    static let executor = QueueExecutor()

    /// Waits at most `PGConnection.waitLimit` (then throws `PGError.timedOut`, and the caller's
    /// `guarded` closes the connection, which ends the task), or until `watch`'s channel closes.
    static func run<T>(watching watch: PGCloseWatch, _ operation: @escaping () async throws -> T) throws -> T {
        let box = PGResultBox<T>()
        let op = Unchecked(operation)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: executor) {
            let result: Result<T, any Error>
            do {
                result = .success(try await op.value())
            } catch {
                result = .failure(error)
            }
            box.set(result)
            done.signal()
        }
        return try watch.wait(done) { box.get() }.get()
    }
}

/// Wakes the caller waiting for an answer on a connection when the connection's channel closes.
///
/// Why: postgres-nio writes a query to its channel without a promise of its own, so a query sent
/// after the server went away (a pooled connection idle while the server stopped) is never
/// answered, and the caller would wait out the whole `waitLimit`. One statement runs at a time on
/// a connection, so there is at most one waiter.
final class PGCloseWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    private var waiter: DispatchSemaphore?

    var isClosed: Bool { lock.withLock { closed } }

    func channelClosed() {
        lock.withLock {
            closed = true
            waiter?.signal()
        }
    }

    /// Waits until `done` is signalled with a result, the channel closes, or `waitLimit` passes.
    /// After a close, the answer has a moment to arrive (postgres-nio fails the queries it knows
    /// of with their own error); then the connection counts as lost.
    func wait<T>(_ done: DispatchSemaphore, result: () -> Result<T, any Error>?) throws -> Result<T, any Error> {
        let alreadyClosed: Bool = lock.withLock {
            waiter = done
            return closed
        }
        defer { lock.withLock { waiter = nil } }
        let deadline = DispatchTime.now() + PGConnection.waitLimit
        var closedAt: DispatchTime? = alreadyClosed ? .now() : nil
        while true {
            let until = closedAt.map { min($0 + .seconds(2), deadline) } ?? deadline
            let woke = done.wait(timeout: until) == .success
            if let r = result() { return r }
            if !woke {
                if closedAt != nil { throw PGError.connectionLost }
                throw PGError.timedOut(seconds: Int(PGConnection.waitLimit))
            }
            if closedAt == nil && isClosed { closedAt = .now() }
        }
    }
}

/// A result handed from the event loop or a task to the thread waiting for it.
final class PGResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    func set(_ r: Result<T, any Error>) { lock.withLock { result = r } }
    func get() -> Result<T, any Error>? { lock.withLock { result } }
}
