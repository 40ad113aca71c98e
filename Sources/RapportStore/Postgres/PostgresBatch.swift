import Foundation
import RapportPostgres

// What a refresh reads and writes on PostgreSQL. Reads of customer ranges run on separate
// pooled connections, so the service's parallel slices read in parallel; the final writes
// hold the exclusive write lock, so an analyst's change waits for them and is never
// overwritten by figures computed before it.

extension PostgresStore {
    static let factColumns = "id, customer_id, product_id, type, time, quantity, amount, channel, is_gift"

    static func fact(_ r: PGRow) throws -> EventFact {
        EventFact(
            key: try r.int64(0) ?? 0, customer: try r.int64(1) ?? 0, product: try r.int64(2), type: try r.int(3) ?? 0,
            time: try r.int64(4) ?? 0, quantity: try r.int(5) ?? 1, amount: try r.double(6) ?? 0,
            channel: try r.string(7), isGift: try r.bool(8) ?? false)
    }

    public func scanEvents(customers: ClosedRange<Int64>?, _ body: (EventFact) throws -> Void) throws {
        let range = customers.map { [PGValue.int64($0.lowerBound), .int64($0.upperBound)] } ?? []
        try read { c in
            try c.forEachRow(
                """
                SELECT \(Self.factColumns) FROM events
                \(customers == nil ? "" : "WHERE customer_id BETWEEN $1 AND $2") ORDER BY customer_id, time, id
                """, range
            ) { try body(try Self.fact($0)) }
        }
    }

    static func metricsText(_ m: MetricsRecord) -> [String?] {
        [
            String(m.customerId), String(m.orders), String(m.spend), m.firstPurchase.map(String.init),
            m.lastPurchase.map(String.init), m.lastEvent.map(String.init), m.recencyDays.map(String.init),
            m.r.map(String.init), m.f.map(String.init), m.m.map(String.init), m.rfmSegment, m.stage,
            m.pAlive.map { String($0) }, m.expected90d.map { String($0) }, m.clv12m.map { String($0) },
            String(m.updatedAt)
        ]
    }

    static let metricsColumnList = [
        "customer_id", "orders", "spend", "first_purchase", "last_purchase", "last_event", "recency_days", "r", "f",
        "m", "rfm_segment", "stage", "p_alive", "expected_90d", "clv_12m", "updated_at"
    ]

    public func writeMetrics(_ rows: [MetricsRecord], replacingAll: Bool, unlessChangedSince since: ChangeMark?) throws
        -> Set<Int64>
    {
        defer { if rows.count >= Self.analyzeAfterRows { analyze(["customer_metrics"]) } }
        return try write(exclusive: true) { c in
            let skip = try since.map { try ChangedCustomers.since($0, PostgresDatabase(connection: c)) } ?? []
            if replacingAll {
                if skip.isEmpty {
                    _ = try c.execute("DELETE FROM customer_metrics")
                } else {
                    _ = try c.execute(
                        "DELETE FROM customer_metrics WHERE NOT (customer_id = ANY($1))", [.int64Array(Array(skip))])
                }
            }
            // Staged, then merged: a row for a customer erased meanwhile is dropped, not an error.
            _ = try c.execute("CREATE TEMP TABLE staged_metrics (LIKE customer_metrics) ON COMMIT DROP")
            try c.copyIn(
                table: "staged_metrics", columns: Self.metricsColumnList,
                rows: rows.lazy.filter { !skip.contains($0.customerId) }.map(Self.metricsText))
            let columns = Self.metricsColumnList.joined(separator: ", ")
            let updates = Self.metricsColumnList.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            _ = try c.execute(
                """
                INSERT INTO customer_metrics(\(columns))
                SELECT s.* FROM staged_metrics s WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)
                ON CONFLICT (customer_id) DO UPDATE SET \(updates)
                """)
            return skip
        }
    }

    public func writeNeighbors(_ lists: [Int64: [(product: Int64, weight: Double)]]) throws {
        try write(exclusive: true) { c in
            _ = try c.execute("DELETE FROM item_neighbor_lists")
            try c.copyIn(
                table: "item_neighbor_lists", columns: ["product_id", "neighbors"],
                rows: lists.lazy.filter { !$0.value.isEmpty }.map { product, list in
                    [String(product), Self.byteaText(NeighborBlob.encode(list.map { ($0.product, $0.weight) }))]
                })
        }
    }

    /// bytea in COPY's text form (hex).
    static func byteaText<D: Sequence<UInt8>>(_ bytes: D) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Imports waiting for a refresh

    static func markRefreshPending(_ c: PGConnection, file: String, now: Int64) throws -> String {
        let mark = RefreshPending(name: RefreshPending.newName(), file: file, time: now)
        try ModelState.put(PostgresDatabase(connection: c), mark.name, mark.value, now: now)
        return mark.name
    }

    // MARK: Affinities

    public func writeAffinities(
        _ vectors: [(customer: Int64, vector: [String: Double])], covering keys: [Int64]?, replacingAll: Bool,
        skipping: Set<Int64>
    ) throws {
        try write(exclusive: replacingAll) { c in
            if replacingAll {
                _ = try c.execute(
                    "DELETE FROM customer_affinities WHERE NOT (customer_id = ANY($1))", [.int64Array(Array(skipping))])
            } else if let keys {
                _ = try c.execute(
                    "DELETE FROM customer_affinities WHERE customer_id = ANY($1)",
                    [.int64Array(keys.filter { !skipping.contains($0) })])
            }
            _ = try c.execute("CREATE TEMP TABLE staged_affinities (LIKE customer_affinities) ON COMMIT DROP")
            try c.copyIn(
                table: "staged_affinities", columns: ["customer_id", "vector"],
                rows: vectors.lazy.filter { !skipping.contains($0.customer) && !$0.vector.isEmpty }.map {
                    [String($0.customer), Self.byteaText(AffinityBlob.encode($0.vector))]
                })
            _ = try c.execute(
                """
                INSERT INTO customer_affinities(customer_id, vector)
                SELECT s.customer_id, s.vector FROM staged_affinities s
                WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)
                ON CONFLICT (customer_id) DO UPDATE SET vector = excluded.vector
                """)
        }
    }

    // MARK: Business metrics' activity rows

    public func writeActivity(_ rows: [ActivityRow], replacingAll: Bool, unlessChangedSince since: ChangeMark?) throws {
        defer { if rows.count >= Self.analyzeAfterRows { analyze(["customer_activity"]) } }
        try write(exclusive: true) { c in
            let skip = try since.map { try ChangedCustomers.since($0, PostgresDatabase(connection: c)) } ?? []
            if replacingAll { _ = try c.execute("DELETE FROM customer_activity") }
            _ = try c.execute("CREATE TEMP TABLE staged_activity (LIKE customer_activity) ON COMMIT DROP")
            try c.copyIn(
                table: "staged_activity", columns: ["customer_id", "rfm_segment", "clv_12m", "p_alive", "days"],
                rows: rows.lazy.filter { !skip.contains($0.customer) }.map {
                    [
                        String($0.customer), $0.segment.map(String.init), $0.clv12m.map { String($0) },
                        $0.pAlive.map { String($0) }, Self.byteaText($0.bytes)
                    ]
                })
            _ = try c.execute(
                """
                INSERT INTO customer_activity SELECT s.* FROM staged_activity s
                WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)
                ON CONFLICT (customer_id) DO UPDATE SET rfm_segment = excluded.rfm_segment,
                    clv_12m = excluded.clv_12m, p_alive = excluded.p_alive, days = excluded.days
                """)
        }
    }

    public func scanActivity(
        customers: ClosedRange<Int64>,
        _ body: (_ customer: Int64, _ segment: Int?, _ clv12m: Double?, _ pAlive: Double?, UnsafeRawBufferPointer)
            throws -> Void
    ) throws {
        try read { c in
            try c.forEachRow(
                """
                SELECT customer_id, rfm_segment, clv_12m, p_alive, days FROM customer_activity
                WHERE customer_id BETWEEN $1 AND $2 ORDER BY customer_id
                """, [.int64(customers.lowerBound), .int64(customers.upperBound)]
            ) { r in
                let bytes = try r.bytes(4) ?? []
                try bytes.withUnsafeBytes { raw in
                    try body(try r.int64(0) ?? 0, try r.int(1), try r.double(2), try r.double(3), raw)
                }
            }
        }
    }

}
