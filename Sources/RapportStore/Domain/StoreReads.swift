import Foundation

// Reads a refresh, the list's counts and the explorer's change polling need: the same
// statements on both stores.

extension StoreBackend {
    /// Number of rows in the main tables, for summaries.
    public func counts() throws -> StoreCounts {
        try readSQL { db in
            StoreCounts(
                customers: try db.count("SELECT COUNT(*) FROM customers"),
                products: try db.count("SELECT COUNT(*) FROM products"),
                events: try db.count("SELECT COUNT(*) FROM events"),
                notes: try db.count("SELECT COUNT(*) FROM notes"),
                segments: try db.count("SELECT COUNT(*) FROM segments"))
        }
    }

    /// Customers per RFM segment and per lifecycle stage, largest first (ties by name).
    public func segmentCounts() throws -> (rfm: [(String, Int)], stages: [(String, Int)]) {
        try readSQL { db in
            func counts(_ column: String) throws -> [(String, Int)] {
                try db.all(
                    """
                    SELECT \(column), COUNT(*) FROM customer_metrics WHERE \(column) IS NOT NULL
                    GROUP BY \(column) ORDER BY 2 DESC, 1
                    """
                ) { (try $0.string(0) ?? "", try $0.int(1) ?? 0) }
            }
            return (try counts("rfm_segment"), try counts("stage"))
        }
    }

    /// The newest audit entry and event: writes after this point are someone else's news.
    public func changeMark() throws -> ChangeMark {
        try readSQL { db in
            ChangeMark(
                audit: try db.int64("SELECT COALESCE(MAX(id), 0) FROM audit_log") ?? 0,
                event: try db.int64("SELECT COALESCE(MAX(id), 0) FROM events") ?? 0)
        }
    }

    /// Every customer with the facts rule segments and RFM need (batch passes only).
    public func allCustomers() throws -> [CustomerRecord] {
        try readSQL { db in
            var out: [CustomerRecord] = []
            try db.forEachRow("SELECT \(StoredRows.customerColumns) FROM customers ORDER BY id", []) {
                out.append(try StoredRows.customer($0))
            }
            return out
        }
    }

    public func allStatedPreferences() throws -> [StatedPreferenceRecord] {
        try readSQL { db in
            var out: [StatedPreferenceRecord] = []
            try db.forEachRow(
                "SELECT \(StoredRows.statedColumns) FROM stated_preferences ORDER BY customer_id, id", []
            ) { out.append(try StoredRows.stated($0)) }
            return out
        }
    }

    /// Every customer's metrics row, in key order (batch passes only).
    public func allMetrics() throws -> [MetricsRecord] {
        var out: [MetricsRecord] = []
        try forEachStoredMetrics { out.append($0) }
        return out
    }

    /// Every customer key, ascending.
    public func customerKeys() throws -> [Int64] {
        try readSQL { db in
            var out: [Int64] = []
            try db.forEachRow("SELECT id FROM customers ORDER BY id", []) { out.append(try $0.int64(0) ?? 0) }
            return out
        }
    }

    /// Those of `keys` that are still customers (not erased meanwhile), ascending.
    public func existingCustomers(_ keys: [Int64]) throws -> [Int64] {
        try readSQL { db in
            try db.all(
                "SELECT id FROM customers WHERE \(db.dialect.anyOf("id")) ORDER BY id", [.int64List(keys)]
            ) { try $0.int64(0) ?? 0 }
        }
    }

    /// The largest event key: events with a larger key arrived after a point that recorded it.
    public func lastEventKey() throws -> Int64 {
        try readSQL { db in try db.int64("SELECT COALESCE(MAX(id), 0) FROM events") ?? 0 }
    }

    /// How many events arrived after the one keyed `key`. Events are numbered as they arrive
    /// (an ignored duplicate takes no number), so this is the largest key minus `key`: one
    /// look-up, exact unless the newest events were since deleted.
    public func eventCount(after key: Int64) throws -> Int { Int(max(0, try lastEventKey() - key)) }

    /// Customers that have no metrics row yet: new keys are larger than every key with a row,
    /// so this reads a range of the primary key, not the whole table.
    public func customersWithoutMetrics() throws -> [Int64] {
        try readSQL { db in
            try db.all(
                """
                SELECT id FROM customers WHERE id > (SELECT COALESCE(MAX(customer_id), 0) FROM customer_metrics)
                ORDER BY id
                """
            ) { try $0.int64(0) ?? 0 }
        }
    }

    /// The customer records, metrics and stated preferences of some customers, for rules.
    public func ruleFacts(customers keys: [Int64]) throws
        -> (customers: [CustomerRecord], metrics: [Int64: MetricsRecord], stated: [Int64: [StatedPreferenceRecord]])
    {
        try readSQL { db in
            let set: [SQLValue] = [.int64List(keys)]
            let customers = try db.all(
                "SELECT \(StoredRows.customerColumns) FROM customers WHERE \(db.dialect.anyOf("id")) ORDER BY id", set
            ) { try StoredRows.customer($0) }
            var metrics: [Int64: MetricsRecord] = [:]
            for m in try db.all(
                "SELECT \(StoredRows.metricsColumns) FROM customer_metrics WHERE \(db.dialect.anyOf("customer_id"))",
                set, StoredRows.metrics)
            {
                metrics[m.customerId] = m
            }
            var stated: [Int64: [StatedPreferenceRecord]] = [:]
            for p in try db.all(
                """
                SELECT \(StoredRows.statedColumns) FROM stated_preferences WHERE \(db.dialect.anyOf("customer_id"))
                ORDER BY id
                """, set, StoredRows.stated)
            {
                stated[p.customerId, default: []].append(p)
            }
            return (customers, metrics, stated)
        }
    }

    /// Customers who refused personalization (their consent is recorded as false).
    public func personalizationRefused() throws -> Set<Int64> {
        try readSQL { db in
            Set(
                try db.all("SELECT id FROM customers WHERE consent_personalization = ?", [.bool(false)]) {
                    try $0.int64(0) ?? 0
                })
        }
    }

    /// The stored preference vectors of some customers (nil: every customer's).
    public func affinities(customers keys: [Int64]? = nil) throws -> [Int64: [String: Double]] {
        try readSQL { db in
            var out: [Int64: [String: Double]] = [:]
            let filter = keys == nil ? "" : " WHERE \(db.dialect.anyOf("customer_id"))"
            try db.forEachRow(
                "SELECT customer_id, vector FROM customer_affinities\(filter)", keys.map { [.int64List($0)] } ?? []
            ) { out[try $0.int64(0) ?? 0] = AffinityBlob.decode(Data(try $0.bytes(1) ?? [])) }
            return out
        }
    }

    /// Drops every vector and the entry `flag` that says they are kept (no segment needs them).
    public func clearAffinities(flag: String) throws {
        if isReadOnly { throw StoreError.readOnly }
        let present = try readSQL { db in
            try db.int64("SELECT 1 FROM model_state WHERE name = ?", [.string(flag)]) != nil
                || db.int64("SELECT 1 FROM customer_affinities LIMIT 1") != nil
        }
        guard present else { return }
        try writeSQL(.analyst) { db in
            try db.execute("DELETE FROM customer_affinities")
            try db.execute("DELETE FROM model_state WHERE name = ?", [.string(flag)])
        }
    }

    /// Every product's neighbour list, as the item model stored it.
    public func readNeighbors() throws -> [Int64: [(product: Int64, weight: Double)]] {
        try readSQL { db in
            var out: [Int64: [(product: Int64, weight: Double)]] = [:]
            try db.forEachRow("SELECT product_id, neighbors FROM item_neighbor_lists", []) { r in
                out[try r.int64(0) ?? 0] = NeighborBlob.decode(Data(try r.bytes(1) ?? [])).map {
                    (product: $0.0, weight: $0.1)
                }
            }
            return out
        }
    }

    /// The neighbour lists of some products (those without one are absent), in one query: what
    /// a session reads for the products a profile ranks from, instead of the whole catalogue's.
    public func readNeighbors(of products: [Int64]) throws -> [Int64: [(product: Int64, weight: Double)]] {
        guard !products.isEmpty else { return [:] }
        return try readSQL { db in
            var out: [Int64: [(product: Int64, weight: Double)]] = [:]
            try db.forEachRow(
                "SELECT product_id, neighbors FROM item_neighbor_lists WHERE \(db.dialect.anyOf("product_id"))",
                [.int64List(products)]
            ) { r in
                out[try r.int64(0) ?? 0] = NeighborBlob.decode(Data(try r.bytes(1) ?? [])).map {
                    (product: $0.0, weight: $0.1)
                }
            }
            return out
        }
    }

    /// Every import still waiting for a refresh, oldest first.
    public func refreshPendingAll() throws -> [RefreshPending] {
        let prefix = ProfileStore.refreshPendingPrefix
        // The names that start with the prefix: from it up to the prefix with its last character
        // raised by one (":" becomes ";"), a range of the primary key on both stores.
        let end = String(prefix.dropLast()) + ";"
        return try readSQL { db in
            try db.all(
                "SELECT name, value FROM model_state WHERE name >= ? AND name < ?", [.string(prefix), .string(end)]
            ) { row in RefreshPending(name: try row.string(0) ?? "", value: try row.bytes(1) ?? []) }
            .compactMap { $0 }
            .sorted { ($0.time, $0.name) < ($1.time, $1.name) }
        }
    }

    /// Removes the marks of imports a finished refresh covered.
    public func clearRefreshPending(_ marks: [RefreshPending]) throws {
        guard !isReadOnly, !marks.isEmpty else { return }
        try writeSQL(.analyst) { db in
            for m in marks { try db.execute("DELETE FROM model_state WHERE name = ?", [.string(m.name)]) }
        }
    }

    /// Whether the business metrics' per-customer activity has been written.
    public func hasActivity() throws -> Bool { try modelState(ProfileStore.activityStateName) != nil }

    /// The smallest and largest key of `customer_activity` (0...0 when empty).
    public func customerKeyBounds() throws -> ClosedRange<Int64> {
        try readSQL { db in
            let bounds = try db.first("SELECT MIN(customer_id), MAX(customer_id) FROM customer_activity") {
                (try $0.int64(0) ?? 0, try $0.int64(1) ?? 0)
            }
            let lo = bounds?.0 ?? 0
            return lo...max(lo, bounds?.1 ?? 0)
        }
    }

    /// The customer keys a scope covers, ascending.
    public func scopeKeys(_ scope: MetricScope) throws -> [Int64] {
        let (sql, args): (String, [SQLValue]) =
            switch scope {
            case .all: ("SELECT id FROM customers", [])
            case .rfmSegment(let s):
                ("SELECT customer_id AS id FROM customer_metrics WHERE rfm_segment = ?", [.string(s)])
            case .stage(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE stage = ?", [.string(s)])
            case .ruleSegment(let s):
                (
                    """
                    SELECT sm.customer_id AS id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id
                    WHERE s.name = ?
                    """, [.string(s)]
                )
            }
        return try readSQL { db in
            var out: [Int64] = []
            try db.forEachRow("SELECT id FROM (\(sql)) scope ORDER BY id", args) { out.append(try $0.int64(0) ?? 0) }
            return out
        }
    }
}
