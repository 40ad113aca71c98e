import Foundation

// What a refresh reads besides the whole-store event scan: the events of some customers, the
// stored metrics to compare with, and who changed since a mark. The same statements on both stores.

extension StoreBackend {
    /// The events of some customers, each customer's in time order (then file order): what an
    /// import's refresh of its customers reads. A few thousand customers per statement.
    public func eventFacts(customers keys: ArraySlice<Int64>, _ body: (Int64, [EventFact]) throws -> Void) throws {
        for chunk in Array(keys).chunked(2_000) {
            var byCustomer: [Int64: [EventFact]] = [:]
            try readSQL { db in
                try db.forEachRow(EventFacts.ofCustomers(db.dialect), [.int64List(Array(chunk))]) { row in
                    let fact = try EventFacts.fact(row)
                    byCustomer[fact.customer, default: []].append(fact)
                }
            }
            for key in chunk { try body(key, byCustomer[key] ?? []) }
        }
    }

    /// Every stored metrics row in key order, streamed.
    public func forEachStoredMetrics(_ body: (MetricsRecord) throws -> Void) throws {
        try readSQL { db in
            try db.forEachRow("SELECT \(StoredRows.metricsColumns) FROM customer_metrics ORDER BY customer_id", []) {
                try body(try StoredRows.metrics($0))
            }
        }
    }
}

/// Who changed since a mark: a refresh leaves their figures to be recomputed rather than write
/// back figures a concurrent write made stale (or rows for a customer erased meanwhile).
enum ChangedCustomers {
    static let byAudit = "SELECT customer_id FROM audit_log WHERE id > ? AND customer_id IS NOT NULL"
    static let byEvents = "SELECT customer_id FROM events WHERE id > ?"

    /// Customers with an audited change (gift, clear-history, erasure...) or a new event after `mark`.
    static func since(_ mark: ChangeMark, _ db: any SQLDatabase) throws -> Set<Int64> {
        // No DISTINCT: with it SQLite walks the whole customer_id index (21M entries on the
        // reference store, half a second per gift flag) instead of the few rows past the mark.
        var out = Set<Int64>()
        try db.forEachRow(byAudit, [.int64(mark.audit)]) { if let k = try $0.int64(0) { out.insert(k) } }
        try db.forEachRow(byEvents, [.int64(mark.event)]) { if let k = try $0.int64(0) { out.insert(k) } }
        return out
    }
}

/// The columns of an `EventFact` and the fact a row of them makes.
enum EventFacts {
    static let columns = "id, customer_id, product_id, type, time, quantity, amount, channel, is_gift"

    /// The events of a set of customers, in the order of the index on (customer, time): no sort.
    static func ofCustomers(_ dialect: SQLDialect) -> String {
        "SELECT \(columns) FROM events WHERE \(dialect.anyOf("customer_id")) ORDER BY customer_id, time, id"
    }

    static func fact(_ r: any SQLRow) throws -> EventFact {
        EventFact(
            key: try r.int64(0) ?? 0, customer: try r.int64(1) ?? 0, product: try r.int64(2), type: try r.int(3) ?? 0,
            time: try r.int64(4) ?? 0, quantity: try r.int(5) ?? 1, amount: try r.double(6) ?? 0,
            channel: try r.string(7), isGift: try r.bool(8) ?? false)
    }
}
