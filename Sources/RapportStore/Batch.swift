import Foundation
import GRDB
import GRDBSQLite

/// A compact event for batch passes over the whole store (model fits, metric refresh).
public struct EventFact: Sendable, Equatable {
    public var key: Int64
    public var customer: Int64
    /// Product key, or nil for a purchase of unknown items.
    public var product: Int64?
    public var type: Int
    public var time: Int64
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var isGift: Bool
}

extension ProfileStore {
    /// Streams every event ordered by customer then time (then file order), without
    /// materialising them: memory stays flat on stores of tens of millions of events.
    /// With `customers`, only the events of customers whose key is in that range: separate
    /// ranges can be read at once on separate connections.
    public func scanEvents(customers: ClosedRange<Int64>? = nil, _ body: (EventFact) throws -> Void) throws {
        try pool.read { db in
            guard let conn = db.sqliteConnection else { return }
            var stmt: OpaquePointer?
            let sql = """
                SELECT id, customer_id, product_id, type, time, quantity, amount, channel, is_gift
                FROM events \(customers == nil ? "" : "WHERE customer_id BETWEEN ?1 AND ?2")
                ORDER BY customer_id, time, id
                """
            guard sqlite3_prepare_v2(conn, sql, -1, &stmt, nil) == SQLITE_OK else {
                throw DatabaseError(message: String(cString: sqlite3_errmsg(conn)))
            }
            defer { sqlite3_finalize(stmt) }
            if let customers {
                sqlite3_bind_int64(stmt, 1, customers.lowerBound)
                sqlite3_bind_int64(stmt, 2, customers.upperBound)
            }
            var channels: [String: String] = [:]
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw DatabaseError(message: String(cString: sqlite3_errmsg(conn))) }
                var channel: String?
                if let p = sqlite3_column_text(stmt, 7) {
                    let s = String(cString: p)
                    if let c = channels[s] {
                        channel = c
                    } else {
                        channels[s] = s
                        channel = s
                    }
                }
                try body(
                    EventFact(
                        key: sqlite3_column_int64(stmt, 0), customer: sqlite3_column_int64(stmt, 1),
                        product: sqlite3_column_type(stmt, 2) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, 2),
                        type: Int(sqlite3_column_int(stmt, 3)), time: sqlite3_column_int64(stmt, 4),
                        quantity: Int(sqlite3_column_int(stmt, 5)), amount: sqlite3_column_double(stmt, 6),
                        channel: channel, isGift: sqlite3_column_int(stmt, 8) != 0))
            }
        }
    }

    /// Replaces the per-customer metrics of the given customers (all customers on a full refresh).
    /// With `since`, rows of customers changed after that mark are left out (the caller
    /// recomputes them): a refresh never writes back figures a concurrent write made stale, nor
    /// rows for a customer erased meanwhile. Returns the customers left out.
    @discardableResult
    public func writeMetrics(_ rows: [MetricsRecord], replacingAll: Bool, unlessChangedSince since: ChangeMark? = nil)
        throws -> Set<Int64>
    {
        try requireWritable()
        return try pool.write { db in
            let skip = try since.map { try ChangedCustomers.since($0, SQLiteDatabase(db: db)) } ?? []
            var kept: [MetricsRecord] = []
            if replacingAll {
                // The rows a concurrent write just made are kept through the rewrite.
                let keys = Array(skip)
                for chunk in keys.chunked(500) {
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    kept += try MetricsRecord.fetchAll(
                        db, sql: "SELECT * FROM customer_metrics WHERE customer_id IN (\(marks))",
                        arguments: StatementArguments(Array(chunk)))
                }
                for name in Schema.metricsIndexNames { try db.execute(sql: "DROP INDEX IF EXISTS \(name)") }
                try db.execute(sql: "DELETE FROM customer_metrics")
            }
            let stmt = try RawStatement(
                db,
                """
                INSERT OR REPLACE INTO customer_metrics(customer_id, orders, spend, first_purchase, last_purchase,
                    last_event, recency_days, r, f, m, rfm_segment, stage, p_alive, expected_90d, clv_12m, updated_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            func insert(_ m: MetricsRecord) throws {
                stmt.bind(1, m.customerId)
                stmt.bind(2, m.orders)
                stmt.bind(3, m.spend)
                stmt.bind(4, m.firstPurchase)
                stmt.bind(5, m.lastPurchase)
                stmt.bind(6, m.lastEvent)
                stmt.bind(7, m.recencyDays)
                stmt.bind(8, m.r)
                stmt.bind(9, m.f)
                stmt.bind(10, m.m)
                stmt.bind(11, m.rfmSegment)
                stmt.bind(12, m.stage)
                stmt.bind(13, m.pAlive)
                stmt.bind(14, m.expected90d)
                stmt.bind(15, m.clv12m)
                stmt.bind(16, m.updatedAt)
                try stmt.run()
            }
            for m in rows where !skip.contains(m.customerId) { try insert(m) }
            for m in kept { try insert(m) }
            if replacingAll { for sql in Schema.metricsIndexes { try db.execute(sql: sql) } }
            return skip
        }
    }

    /// Replaces the item neighbours built by a batch model fit: per product, its neighbours
    /// and their weights, strongest first.
    public func writeNeighbors(_ lists: [Int64: [(product: Int64, weight: Double)]]) throws {
        try requireWritable()
        try pool.write { db in
            try db.execute(sql: "DELETE FROM item_neighbor_lists")
            let stmt = try RawStatement(db, "INSERT INTO item_neighbor_lists(product_id, neighbors) VALUES (?,?)")
            for (product, list) in lists where !list.isEmpty {
                stmt.bind(1, product)
                stmt.bind(2, NeighborBlob.encode(list.map { ($0.product, $0.weight) }))
                try stmt.run()
            }
        }
    }

}

extension ProfileStore {

}

extension ProfileStore {
}

extension ProfileStore {

    /// Adds a member (?1 segment, ?2 customer) unless it is one already or the customer is gone.
    static let insertMemberIfCustomer = """
        INSERT OR IGNORE INTO segment_members(segment_id, customer_id)
        SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM customers WHERE id = ?2)
        """

}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// A product's neighbours packed as little-endian (key: Int64, weight: Float64) pairs.
enum NeighborBlob {
    static func encode(_ list: [(Int64, Double)]) -> Data {
        var data = Data(capacity: list.count * 16)
        for (key, weight) in list {
            withUnsafeBytes(of: key.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: weight.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [(Int64, Double)] {
        data.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - 15, by: 16).map { at in
                let key = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
                return (key, Double(bitPattern: bits))
            }
        }
    }
}
