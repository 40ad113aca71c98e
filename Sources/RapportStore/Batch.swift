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
                    if let c = channels[s] { channel = c } else { channels[s] = s; channel = s }
                }
                try body(EventFact(
                    key: sqlite3_column_int64(stmt, 0), customer: sqlite3_column_int64(stmt, 1),
                    product: sqlite3_column_type(stmt, 2) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, 2),
                    type: Int(sqlite3_column_int(stmt, 3)), time: sqlite3_column_int64(stmt, 4),
                    quantity: Int(sqlite3_column_int(stmt, 5)), amount: sqlite3_column_double(stmt, 6),
                    channel: channel, isGift: sqlite3_column_int(stmt, 8) != 0))
            }
        }
    }

    /// Replaces the per-customer metrics of the given customers (all customers on a full refresh).
    public func writeMetrics(_ rows: [MetricsRecord], replacingAll: Bool) throws {
        try requireWritable()
        try pool.write { db in
            if replacingAll {
                for name in Schema.metricsIndexNames { try db.execute(sql: "DROP INDEX IF EXISTS \(name)") }
                try db.execute(sql: "DELETE FROM customer_metrics")
            }
            let stmt = try RawStatement(db, """
                INSERT OR REPLACE INTO customer_metrics(customer_id, orders, spend, first_purchase, last_purchase,
                    last_event, recency_days, r, f, m, rfm_segment, stage, p_alive, expected_90d, clv_12m, updated_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            for m in rows {
                stmt.bind(1, m.customerId); stmt.bind(2, m.orders); stmt.bind(3, m.spend)
                stmt.bind(4, m.firstPurchase); stmt.bind(5, m.lastPurchase); stmt.bind(6, m.lastEvent)
                stmt.bind(7, m.recencyDays); stmt.bind(8, m.r); stmt.bind(9, m.f); stmt.bind(10, m.m)
                stmt.bind(11, m.rfmSegment); stmt.bind(12, m.stage); stmt.bind(13, m.pAlive)
                stmt.bind(14, m.expected90d); stmt.bind(15, m.clv12m); stmt.bind(16, m.updatedAt)
                try stmt.run()
            }
            if replacingAll { for sql in Schema.metricsIndexes { try db.execute(sql: sql) } }
        }
    }

    /// Writes a full refresh's metrics, touching only the rows whose figures changed and
    /// deleting rows of customers no longer listed; when most rows changed, rewrites the table
    /// with its indexes dropped and rebuilt, which is faster than updating them row by row.
    /// Returns how many rows were written.
    @discardableResult
    public func writeChangedMetrics(_ rows: [MetricsRecord]) throws -> Int {
        let existing = try metricsByCustomer()
        var changed: [MetricsRecord] = []
        for row in rows {
            guard var old = existing[row.customerId] else { changed.append(row); continue }
            old.updatedAt = row.updatedAt
            if old != row { changed.append(row) }
        }
        if changed.count * 3 > rows.count {
            try writeMetrics(rows, replacingAll: true)
            return rows.count
        }
        let listed = Set(rows.map(\.customerId))
        let gone = existing.keys.filter { !listed.contains($0) }
        try writeMetrics(changed, replacingAll: false)
        if !gone.isEmpty {
            try pool.write { db in
                let delete = try RawStatement(db, "DELETE FROM customer_metrics WHERE customer_id = ?")
                for key in gone { delete.bind(1, key); try delete.run() }
            }
        }
        return changed.count
    }

    /// Every metrics row by customer, read positionally (a million rows in well under a second).
    func metricsByCustomer() throws -> [Int64: MetricsRecord] {
        try pool.read { db in
            var out: [Int64: MetricsRecord] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT customer_id, orders, spend, first_purchase, last_purchase, last_event, recency_days,
                       r, f, m, rfm_segment, stage, p_alive, expected_90d, clv_12m, updated_at
                FROM customer_metrics
                """)
            while let r = try cursor.next() {
                let m = MetricsRecord(customerId: r[0], orders: r[1], spend: r[2], firstPurchase: r[3],
                                      lastPurchase: r[4], lastEvent: r[5], recencyDays: r[6], r: r[7], f: r[8],
                                      m: r[9], rfmSegment: r[10], stage: r[11], pAlive: r[12],
                                      expected90d: r[13], clv12m: r[14], updatedAt: r[15])
                out[m.customerId] = m
            }
            return out
        }
    }

    /// Replaces the item-neighbour table built by a batch model fit.
    public func writeNeighbors(_ rows: [(product: Int64, neighbor: Int64, weight: Double)]) throws {
        try requireWritable()
        try pool.write { db in
            try db.execute(sql: "DELETE FROM item_neighbors")
            let stmt = try RawStatement(db, "INSERT INTO item_neighbors(product_id, neighbor_id, weight) VALUES (?,?,?)")
            for r in rows {
                stmt.bind(1, r.product); stmt.bind(2, r.neighbor); stmt.bind(3, r.weight)
                try stmt.run()
            }
        }
    }

    public func readNeighbors() throws -> [(product: Int64, neighbor: Int64, weight: Double)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT product_id, neighbor_id, weight FROM item_neighbors")
                .map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// Batch model state (fitted parameters, thresholds, popularity lists) as opaque JSON blobs.
    public func writeModelState(_ entries: [String: Data], now: Int64) throws {
        try requireWritable()
        try pool.write { db in
            for (name, value) in entries {
                try db.execute(sql: "INSERT OR REPLACE INTO model_state(name, value, updated_at) VALUES (?,?,?)",
                               arguments: [name, value, now])
            }
        }
    }

    public func modelState(_ name: String) throws -> Data? {
        try pool.read { db in try Data.fetchOne(db, sql: "SELECT value FROM model_state WHERE name = ?", arguments: [name]) }
    }

    public func replaceSegmentMembers(segment name: String, customers: [Int64]) throws {
        try requireWritable()
        try pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM segments WHERE name = ?", arguments: [name]) else {
                throw StoreError.invalidArgument("no segment named '\(name)'")
            }
            try db.execute(sql: "DELETE FROM segment_members WHERE segment_id = ?", arguments: [id])
            let stmt = try RawStatement(db, "INSERT INTO segment_members(segment_id, customer_id) VALUES (?,?)")
            for c in customers { stmt.bind(1, id); stmt.bind(2, c); try stmt.run() }
            try db.execute(sql: "UPDATE segments SET member_count = ? WHERE id = ?", arguments: [customers.count, id])
        }
    }

    public func segmentMembers(segment name: String, limit: Int = 1000, offset: Int = 0) throws -> [CustomerListRow] {
        try pool.read { db in
            try CustomerListRow.fetchAll(db, sql: """
                SELECT c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days,
                       m.orders, m.spend, m.clv_12m
                FROM segments s JOIN segment_members sm ON sm.segment_id = s.id
                JOIN customers c ON c.id = sm.customer_id LEFT JOIN customer_metrics m ON m.customer_id = c.id
                WHERE s.name = ? ORDER BY c.name COLLATE NOCASE, c.id LIMIT ? OFFSET ?
                """, arguments: [name, limit, offset])
        }
    }

    /// Every customer with the facts rule segments and RFM need (batch passes only).
    public func allCustomers() throws -> [CustomerRecord] {
        try pool.read { db in try CustomerRecord.order(sql: "id").fetchAll(db) }
    }

    public func allStatedPreferences() throws -> [StatedPreferenceRecord] {
        try pool.read { db in try StatedPreferenceRecord.order(sql: "customer_id, id").fetchAll(db) }
    }
}

extension ProfileStore {
    /// The time of the newest event: the analysis date of a snapshot store. Kept up to date
    /// by imports, so no scan of the events table is needed.
    public func latestEventTime() throws -> Int64? {
        try pool.read { db in
            if let t = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM model_state WHERE name = 'latest_event_time'") { return t }
            return try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM events")
        }
    }

    /// Roughly how many events there are (the largest key), for progress reports.
    public func approximateEventCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0 }
    }

    /// Every customer key, ascending.
    public func customerKeys() throws -> [Int64] {
        try pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM customers ORDER BY id") }
    }
}

extension ProfileStore {
    /// Every customer's metrics row (batch passes only).
    public func allMetrics() throws -> [MetricsRecord] {
        try pool.read { db in try MetricsRecord.fetchAll(db, sql: "SELECT * FROM customer_metrics ORDER BY customer_id") }
    }
}

extension ProfileStore {
    /// The largest event key: events with a larger key arrived after a point that recorded it.
    public func lastEventKey() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0 }
    }

    /// How many events arrived after the one keyed `key`. Events are numbered as they arrive
    /// (an ignored duplicate takes no number), so this is the largest key minus `key`: one
    /// look-up, exact unless the newest events were since deleted.
    public func eventCount(after key: Int64) throws -> Int {
        Int(max(0, try lastEventKey() - key))
    }

    /// Customers that have no metrics row yet: new keys are larger than every key with a row,
    /// so this reads a range of the primary key, not the whole table.
    public func customersWithoutMetrics() throws -> [Int64] {
        try pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM customers
                WHERE id > (SELECT COALESCE(MAX(customer_id), 0) FROM customer_metrics) ORDER BY id
                """)
        }
    }

    /// The customer records, metrics and stated preferences of some customers, for rules.
    public func ruleFacts(customers keys: [Int64]) throws
        -> (customers: [CustomerRecord], metrics: [Int64: MetricsRecord], stated: [Int64: [StatedPreferenceRecord]]) {
        try pool.read { db in
            var customers: [CustomerRecord] = []
            var metrics: [Int64: MetricsRecord] = [:]
            var stated: [Int64: [StatedPreferenceRecord]] = [:]
            for chunk in keys.chunked(500) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let args = StatementArguments(chunk)
                customers += try CustomerRecord.fetchAll(db, sql: "SELECT * FROM customers WHERE id IN (\(marks))",
                                                         arguments: args)
                for m in try MetricsRecord.fetchAll(db, sql: "SELECT * FROM customer_metrics WHERE customer_id IN (\(marks))",
                                                    arguments: args) {
                    metrics[m.customerId] = m
                }
                for p in try StatedPreferenceRecord.fetchAll(
                    db, sql: "SELECT * FROM stated_preferences WHERE customer_id IN (\(marks)) ORDER BY id", arguments: args) {
                    stated[p.customerId, default: []].append(p)
                }
            }
            return (customers, metrics, stated)
        }
    }

    /// Brings one rule segment's membership up to date for some customers only.
    public func updateSegmentMembers(segment name: String, members: [Int64], nonMembers: [Int64]) throws {
        try requireWritable()
        try pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM segments WHERE name = ?", arguments: [name]) else {
                throw StoreError.invalidArgument("no segment named '\(name)'")
            }
            let add = try RawStatement(db, "INSERT OR IGNORE INTO segment_members(segment_id, customer_id) VALUES (?,?)")
            for c in members { add.bind(1, id); add.bind(2, c); try add.run() }
            let remove = try RawStatement(db, "DELETE FROM segment_members WHERE segment_id = ? AND customer_id = ?")
            for c in nonMembers { remove.bind(1, id); remove.bind(2, c); try remove.run() }
            try db.execute(sql: """
                UPDATE segments SET member_count = (SELECT COUNT(*) FROM segment_members WHERE segment_id = ?) WHERE id = ?
                """, arguments: [id, id])
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
