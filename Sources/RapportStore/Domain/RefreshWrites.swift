import Foundation

// A refresh's figures written back, once for both stores: who changed meanwhile is left for the
// caller to recompute, rows of customers erased meanwhile are dropped, and the rows themselves go
// through the driver's bulk write (`SQLDatabase.insertRows`).

extension StoreBackend {
    /// Replaces the per-customer metrics of the given customers (all customers on a full refresh).
    /// With `since`, rows of customers changed after that mark are left out (the caller
    /// recomputes them): a refresh never writes back figures a concurrent write made stale, nor
    /// rows for a customer erased meanwhile. Returns the customers left out.
    @discardableResult
    public func writeMetrics(_ rows: [MetricsRecord], replacingAll: Bool, unlessChangedSince since: ChangeMark? = nil)
        throws -> Set<Int64>
    {
        let (skip, dialect) = try writeSQL(.exclusive) { db in
            let skip = try since.map { try ChangedCustomers.since($0, db) } ?? []
            // The rows a concurrent write just made are kept through the rewrite.
            if replacingAll { try Self.deleteAll(db, "customer_metrics", keeping: skip) }
            try db.insertRows(
                BulkInsert(
                    table: "customer_metrics", columns: MetricsRows.columns, key: "customer_id",
                    existingIn: "customers", rebuildsIndexes: replacingAll),
                rows.lazy.filter { !skip.contains($0.customerId) }.map(MetricsRows.values))
            return (skip, db.dialect)
        }
        if rows.count >= BulkInsert.analyzeAfterRows { analyze("customer_metrics", dialect) }
        return skip
    }

    /// Replaces the item neighbours built by a batch model fit: per product, its neighbours
    /// and their weights, strongest first.
    public func writeNeighbors(_ lists: [Int64: [(product: Int64, weight: Double)]]) throws {
        try writeSQL(.exclusive) { db in
            try db.execute("DELETE FROM item_neighbor_lists")
            try db.insertRows(
                BulkInsert(table: "item_neighbor_lists", columns: ["product_id", "neighbors"]),
                lists.lazy.filter { !$0.value.isEmpty }.map { product, list in
                    [.int64(product), .bytes([UInt8](NeighborBlob.encode(list.map { ($0.product, $0.weight) })))]
                })
        }
    }

    /// Stores the affinity vectors of some customers (all of them with `replacingAll`; else the
    /// customers of `keys` lose their old vector first). Customers in `skipping` (changed by
    /// someone else meanwhile: their caller recomputes them) are left as they are; customers
    /// erased meanwhile are not written back.
    public func writeAffinities(
        _ vectors: [(customer: Int64, vector: [String: Double])], covering keys: [Int64]? = nil,
        replacingAll: Bool, skipping: Set<Int64> = []
    ) throws {
        try writeSQL(replacingAll ? .exclusive : .analyst) { db in
            if replacingAll {
                try Self.deleteAll(db, "customer_affinities", keeping: skipping)
            } else if let keys {
                try db.execute(
                    "DELETE FROM customer_affinities WHERE \(db.dialect.anyOf("customer_id"))",
                    [.int64List(keys.filter { !skipping.contains($0) })])
            }
            try db.insertRows(
                BulkInsert(
                    table: "customer_affinities", columns: ["customer_id", "vector"], key: "customer_id",
                    existingIn: "customers"),
                vectors.lazy.filter { !skipping.contains($0.customer) && !$0.vector.isEmpty }.map {
                    [.int64($0.customer), .bytes([UInt8](AffinityBlob.encode($0.vector)))]
                })
        }
    }

    /// Writes activity rows. `replacingAll` empties the table first (a full refresh); with
    /// `since`, customers changed after that mark are left out, as for the metrics rows.
    public func writeActivity(_ rows: [ActivityRow], replacingAll: Bool, unlessChangedSince since: ChangeMark? = nil)
        throws
    {
        let dialect = try writeSQL(.exclusive) { db in
            let skip = try since.map { try ChangedCustomers.since($0, db) } ?? []
            if replacingAll { try db.execute("DELETE FROM customer_activity") }
            try db.insertRows(
                BulkInsert(
                    table: "customer_activity", columns: ["customer_id", "rfm_segment", "clv_12m", "p_alive", "days"],
                    key: "customer_id", existingIn: "customers"),
                rows.lazy.filter { !skip.contains($0.customer) }.map {
                    [.int64($0.customer), .int($0.segment), .double($0.clv12m), .double($0.pAlive), .bytes($0.bytes)]
                })
            return db.dialect
        }
        if rows.count >= BulkInsert.analyzeAfterRows { analyze("customer_activity", dialect) }
    }

    /// Empties a table keyed by customer but for the rows of `keeping` (the whole table at once
    /// when there are none: SQLite truncates rather than deleting row by row).
    static func deleteAll(_ db: any SQLDatabase, _ table: String, keeping: Set<Int64>) throws {
        if keeping.isEmpty {
            try db.execute("DELETE FROM \(table)")
        } else {
            try db.execute(
                "DELETE FROM \(table) WHERE NOT (\(db.dialect.anyOf("customer_id")))", [.int64List(Array(keeping))])
        }
    }

    /// After a large rewrite PostgreSQL's planner needs the table's new statistics (best effort:
    /// a role that does not own the table leaves it to autovacuum). SQLite's planner keeps none.
    func analyze(_ table: String, _ dialect: SQLDialect) {
        guard dialect == .postgres else { return }
        _ = try? readSQL { db in try db.execute("ANALYZE \(table)") }
    }
}

extension BulkInsert {
    /// Rows written at once after which PostgreSQL's statistics are refreshed.
    static let analyzeAfterRows = 50_000
}

/// The metrics columns and a record's values in their order.
enum MetricsRows {
    static let columns = [
        "customer_id", "orders", "spend", "first_purchase", "last_purchase", "last_event", "recency_days", "r", "f",
        "m", "rfm_segment", "stage", "p_alive", "expected_90d", "clv_12m", "updated_at"
    ]

    static func values(_ m: MetricsRecord) -> [SQLValue] {
        [
            .int64(m.customerId), .int(m.orders), .double(m.spend), .int64(m.firstPurchase), .int64(m.lastPurchase),
            .int64(m.lastEvent), .int(m.recencyDays), .int(m.r), .int(m.f), .int(m.m), .string(m.rfmSegment),
            .string(m.stage), .double(m.pAlive), .double(m.expected90d), .double(m.clv12m), .int64(m.updatedAt)
        ]
    }
}
