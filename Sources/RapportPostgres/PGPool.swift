import Foundation
import Logging

/// Up to `maxConnections` connections, opened on first need, each lent to one closure at a time, so parallel
/// readers (`concurrentPerform` workers) do not queue behind one connection's lock.
public final class PGPool: @unchecked Sendable {
    public let url: PostgresURL
    public let maxConnections: Int
    private let password: String?
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0
    private var closed = false

    public init(
        url: PostgresURL, password: String?, maxConnections: Int = ProcessInfo.processInfo.activeProcessorCount + 1,
        logger: Logger = PGConnection.quietLogger
    ) {
        self.url = url
        self.password = password
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    deinit { close() }

    /// Lends a connection to `body`, waiting for one when all are busy. A connection that died in `body` is
    /// dropped rather than lent again.
    public func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Connections currently open (idle or lent).
    public var openCount: Int { condition.withLock { open } }

    public func close() {
        let toClose: [PGConnection] = condition.withLock {
            closed = true
            defer { idle.removeAll() }
            condition.broadcast()
            return idle
        }
        for connection in toClose { connection.close() }
    }

    private func checkOut() throws -> PGConnection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw PGError.cannotConnect(url: url.redacted, reason: "the pool is closed")
            }
            if let connection = idle.popLast() {
                condition.unlock()
                return connection
            }
            if open < maxConnections {
                open += 1
                condition.unlock()
                do {
                    return try PGConnection.connect(url, password: password, logger: logger)
                } catch {
                    condition.withLock {
                        open -= 1
                        condition.signal()
                    }
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ connection: PGConnection) {
        condition.lock()
        if connection.isClosed || closed {
            open -= 1
            condition.signal()
            condition.unlock()
            connection.close()
            return
        }
        idle.append(connection)
        condition.signal()
        condition.unlock()
    }
}
