import Foundation
import PostgresNIO

extension PGConnection {
    /// Bulk-loads `rows` with `COPY table (columns) FROM STDIN` in text format; nil fields are NULL.
    public func copyIn(table: String, columns: [String], rows: some Sequence<[String?]>) throws {
        try copyIn(table: table, columns: columns) { emit in
            for row in rows { try emit(row) }
        }
    }

    /// Bulk-loads the rows `produce` passes to `emit`, streaming them in ~256 KiB chunks so a million-row import
    /// never sits in memory whole. `produce` runs on the calling thread; throwing from it aborts the COPY.
    ///
    /// `table` is an unqualified name found through `search_path` (postgres-nio quotes it whole).
    public func copyIn(
        table: String, columns: [String], produce: (_ emit: ([String?]) throws -> Void) throws -> Void
    ) throws {
        for name in [table] + columns where name.contains("\"") || name.contains("\0") || name.isEmpty {
            throw PGError.invalidIdentifier(name)
        }
        let channel = ChunkChannel(closeWatch)
        let connection = self.connection
        let logger = self.logger
        let done = DispatchSemaphore(value: 0)
        let copyResult = PGResultBox<Void>()
        // The COPY task's end, waited for at most `waitLimit`: a server that stops answering
        // mid-COPY ends the import with an error instead of holding it for good.
        // A channel that closes ends the wait too: postgres-nio never answers a COPY sent on it.
        func waitForCopy() throws {
            _ = try closeWatch.wait(done) { copyResult.get() }
        }
        func copy() throws {
            Task(executorPreference: Blocking.executor) {
                do {
                    try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                        while let chunk = try await channel.next() { try await writer.write(chunk) }
                    }
                    copyResult.set(.success(()))
                } catch {
                    copyResult.set(.failure(error))
                }
                channel.abort()
                done.signal()
            }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(Self.copyChunkSize + 4096)
            do {
                try produce { row in
                    guard row.count == columns.count else {
                        throw PGError.copyRowWidth(expected: columns.count, got: row.count)
                    }
                    Self.appendCopyRow(row, to: &buffer)
                    if buffer.readableBytes >= Self.copyChunkSize {
                        try channel.send(buffer)
                        buffer = ByteBuffer()
                        buffer.reserveCapacity(Self.copyChunkSize + 4096)
                    }
                }
                if buffer.readableBytes > 0 { try channel.send(buffer) }
                channel.finish()
            } catch is ChunkChannel.Aborted {
                // The COPY failed on the server side; its error is in copyResult.
            } catch {
                channel.fail(error)
                try waitForCopy()
                throw error
            }
            try waitForCopy()
            try copyResult.get()!.get()
        }
        try withConnectionLock {
            try guarded { try copy() }
        }
    }

    static let copyChunkSize = 256 * 1024

    /// One line of PostgreSQL's text COPY format: tab-separated, `\N` for NULL, and backslash, tab, newline and
    /// carriage return escaped so any string round-trips.
    static func appendCopyRow(_ row: [String?], to buffer: inout ByteBuffer) {
        for (i, field) in row.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            guard var text = field else {
                buffer.writeStaticString("\\N")
                continue
            }
            text.withUTF8 { bytes in
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                    case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                    case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                    case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(byte)
                    }
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}

/// Hands COPY chunks from the producing thread to the task writing them, at most a few in flight so the
/// producer slows to the server's pace.
final class ChunkChannel: @unchecked Sendable {
    struct Aborted: Error {}

    private let lock = NSLock()
    private var queue: [ByteBuffer] = []
    private var finished = false
    private var failure: (any Error)?
    private var aborted = false
    private var waiter: CheckedContinuation<ByteBuffer?, any Error>?
    /// Free places in the queue. Made at 0 and given its 4 places at once: libdispatch traps when
    /// a semaphore is freed below the value it was made with (as a COPY cut off mid-stream leaves it).
    private let space = DispatchSemaphore(value: 0)
    private let closeWatch: PGCloseWatch

    init(_ closeWatch: PGCloseWatch) {
        self.closeWatch = closeWatch
        for _ in 0..<4 { space.signal() }
    }

    /// Blocks while the queue is full; throws `Aborted` once the consumer has given up, and
    /// `PGError.timedOut` when the server took no chunk for `PGConnection.waitLimit`.
    func send(_ chunk: ByteBuffer) throws {
        let deadline = Date().addingTimeInterval(PGConnection.waitLimit)
        while space.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if lock.withLock({ aborted }) { throw Aborted() }
            if closeWatch.isClosed { throw PGError.connectionLost }
            if Date() > deadline { throw PGError.timedOut(seconds: Int(PGConnection.waitLimit)) }
        }
        lock.lock()
        if aborted {
            lock.unlock()
            throw Aborted()
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: chunk)
        } else {
            queue.append(chunk)
            lock.unlock()
        }
    }

    func finish() { close(nil) }

    func fail(_ error: any Error) { close(error) }

    private func close(_ error: (any Error)?) {
        lock.lock()
        finished = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The consumer is done (or failed): unblock the producer.
    func abort() {
        lock.withLock { aborted = true }
    }

    func next() async throws -> ByteBuffer? {
        let chunk: ByteBuffer? = try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if !queue.isEmpty {
                let chunk = queue.removeFirst()
                lock.unlock()
                continuation.resume(returning: chunk)
            } else if finished {
                let failure = self.failure
                lock.unlock()
                if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
        if chunk != nil { space.signal() }
        return chunk
    }
}
