import Foundation
import RapportVocabulary

/// What the service asks of a profile store, whichever database holds it: `ProfileStore` (one
/// SQLite file, the default) and `PostgresStore` (a shared PostgreSQL database) both conform.
///
/// The store's domain (the analyst's actions with their audit entries, a customer's facts and
/// events, the list, segments, model state, the audit log, a refresh's reads and writes) is
/// written once, in extensions of this protocol (`Domain/`), against the seam `SQLTransactions`:
/// read and write transactions over a connection that speaks portable SQL, with one bulk write.
/// What each driver does its own way is in two small protocols: `StoreDriver` (lifecycle, the
/// change feed, erasure's scrubbing) and `BulkData` (imports and the whole-store scans).
public protocol StoreBackend: StoreDriver, BulkData {}

/// The usual arguments, so callers read as they did when there was one store.
extension StoreBackend {
    /// Closes every connection.
    public func closeStore() throws { try closeStore(checkpointing: false) }
    /// Moves everything from the WAL into the main file and closes the store, so the file can
    /// be renamed or copied whole (PostgreSQL: closes).
    public func checkpointAndClose() throws { try closeStore(checkpointing: true) }
    public func importFile(_ path: String, options: ImportOptions) throws -> ImportSummary {
        try importFile(path, options: options, progress: nil)
    }
    public func requireCustomer(_ externalId: String) throws -> Int64 {
        guard let key = try customerKey(externalId: externalId) else { throw StoreError.unknownCustomer(externalId) }
        return key
    }
    public func forEachEvent(customer key: Int64, _ body: (EventRow) throws -> Void) throws {
        try forEachEvent(customer: key, newestFirst: false, body)
    }
    public func auditEntries(customer key: Int64? = nil, limit: Int = 1000) throws -> [AuditEntry] {
        try auditEntries(customer: key, limit: limit, offset: 0)
    }
    public func scanEvents(_ body: (EventFact) throws -> Void) throws { try scanEvents(customers: nil, body) }
    public func refreshPending() throws -> RefreshPending? { try refreshPendingAll().first }
    public func scanActivity(
        _ body: (_ customer: Int64, _ segment: Int?, _ clv12m: Double?, _ pAlive: Double?, UnsafeRawBufferPointer)
            throws -> Void
    ) throws {
        try scanActivity(customers: Int64.min...Int64.max, body)
    }
}

/// A full refresh's writes, the same for every backend: compare with what is stored, write
/// only what changed, or rewrite everything when most of it did.
extension StoreBackend {
    /// Writes a full refresh's metrics, touching only the rows whose figures changed; when more than a third changed,
    /// rewrites the table with its indexes dropped and rebuilt, which is faster than updating them row by row.
    /// Returns how many rows were written and the customers left out (see `writeMetrics`).
    @discardableResult
    public func writeChangedMetrics(_ rows: [MetricsRecord], unlessChangedSince since: ChangeMark? = nil)
        throws -> (written: Int, skipped: Set<Int64>)
    {
        if try comparesOnServer { return try mergeRefreshedMetrics(rows, unlessChangedSince: since) }
        // A refresh lists customers in key order already; sorting a copy would double the memory.
        let inOrder = zip(rows, rows.dropFirst()).allSatisfy { $0.customerId < $1.customerId }
        let sorted = inOrder ? rows : rows.sorted { $0.customerId < $1.customerId }
        var changed: [Int] = []
        var next = 0
        // A merge of the stored rows and the new ones, both in key order: no table in memory.
        try forEachStoredMetrics { old in
            while next < sorted.count && sorted[next].customerId < old.customerId {
                changed.append(next)
                next += 1
            }
            // A stored row the refresh did not list belongs to a customer created since it
            // started (an erased customer's row goes with them): it is left as it is.
            guard next < sorted.count, sorted[next].customerId == old.customerId else { return }
            var same = old
            same.updatedAt = sorted[next].updatedAt
            if same != sorted[next] { changed.append(next) }
            next += 1
        }
        changed += next..<sorted.count
        if changed.count * 3 > rows.count {
            let skipped = try writeMetrics(sorted, replacingAll: true, unlessChangedSince: since)
            return (rows.count - skipped.count, skipped)
        }
        let skipped = try writeMetrics(changed.map { sorted[$0] }, replacingAll: false, unlessChangedSince: since)
        return (changed.count - changed.filter { skipped.contains(sorted[$0].customerId) }.count, skipped)
    }

    /// Writes a full refresh's activity, touching only rows that changed; when more than a
    /// third changed, empties the table and writes every row, which is faster than replacing
    /// them one by one.
    /// `rows` are in key order. Returns how many rows were written.
    @discardableResult
    public func writeChangedActivity(_ rows: [ActivityRow], unlessChangedSince since: ChangeMark? = nil) throws -> Int {
        if try comparesOnServer { return try mergeRefreshedActivity(rows, unlessChangedSince: since) }
        var changed: [Int] = []
        var next = 0
        try scanActivity { key, segment, clv, pAlive, bytes in
            while next < rows.count && rows[next].customer < key {
                changed.append(next)
                next += 1
            }
            guard next < rows.count, rows[next].customer == key else { return }
            let r = rows[next]
            if r.segment != segment || r.clv12m != clv || r.pAlive != pAlive || !r.bytes.elementsEqual(bytes) {
                changed.append(next)
            }
            next += 1
        }
        changed += next..<rows.count
        if changed.count * 3 > rows.count {
            try writeActivity(rows, replacingAll: true, unlessChangedSince: since)
            return rows.count
        }
        try writeActivity(changed.map { rows[$0] }, replacingAll: false, unlessChangedSince: since)
        return changed.count
    }
}

/// What a change announced touches, for the reads a driver keeps until one.
public enum ChangeScope: Sendable {
    /// Products may have changed (an import).
    case catalogue
}

/// Where to read a page of a list of `total` rows: past the middle, backwards from the other
/// end (the rows come back reversed), so a page costs the distance to the nearer end.
enum PageWindow {
    static func nearerEnd(offset: Int, limit: Int, total: Int?) -> (reversed: Bool, offset: Int, limit: Int) {
        guard let total, offset > total / 2 else { return (false, offset, limit) }
        let lim = max(0, min(limit, total - offset))
        return (true, max(0, total - offset - lim), lim)
    }
}

/// A point in the store's history of changes: the newest audit entry and event then.
public struct ChangeMark: Sendable, Equatable {
    public var audit: Int64
    public var event: Int64
    public init(audit: Int64, event: Int64) {
        self.audit = audit
        self.event = event
    }
}

/// Unix seconds now. Writes take `now` as a parameter so tests can fix it.
public func storeNowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }

extension ProfileStore: StoreBackend {}
