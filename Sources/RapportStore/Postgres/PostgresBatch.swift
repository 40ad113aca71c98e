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

    public func eventFacts(customers keys: ArraySlice<Int64>, _ body: (Int64, [EventFact]) throws -> Void) throws {
        for chunk in Array(keys).chunked(2_000) {
            var byCustomer: [Int64: [EventFact]] = [:]
            try read { c in
                try c.forEachRow(
                    "SELECT \(Self.factColumns) FROM events WHERE customer_id = ANY($1) ORDER BY customer_id, time, id",
                    [.int64Array(Array(chunk))]
                ) { row in
                    let f = try Self.fact(row)
                    byCustomer[f.customer, default: []].append(f)
                }
            }
            for key in chunk { try body(key, byCustomer[key] ?? []) }
        }
    }

    /// Customers with an audited change or a new event after `mark`.
    static func customersChanged(_ c: PGConnection, since mark: ChangeMark) throws -> Set<Int64> {
        var out = Set<Int64>()
        for r in try c.rows(
            "SELECT customer_id FROM audit_log WHERE id > $1 AND customer_id IS NOT NULL", [.int64(mark.audit)])
        {
            if let k = try r.int64(0) { out.insert(k) }
        }
        for r in try c.rows("SELECT customer_id FROM events WHERE id > $1", [.int64(mark.event)]) {
            if let k = try r.int64(0) { out.insert(k) }
        }
        return out
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
            let skip = try since.map { try Self.customersChanged(c, since: $0) } ?? []
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

    public func forEachStoredMetrics(_ body: (MetricsRecord) throws -> Void) throws {
        try read { c in
            try c.forEachRow("SELECT \(Self.metricsColumns) FROM customer_metrics ORDER BY customer_id") {
                try body(try Self.metrics($0))
            }
        }
    }

    public func allMetrics() throws -> [MetricsRecord] {
        var out: [MetricsRecord] = []
        try forEachStoredMetrics { out.append($0) }
        return out
    }

    public func existingCustomers(_ keys: [Int64]) throws -> [Int64] {
        try read { c in
            try c.rows("SELECT id FROM customers WHERE id = ANY($1) ORDER BY id", [.int64Array(keys)])
                .compactMap { try $0.int64(0) }
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

    public func readNeighbors() throws -> [Int64: [(product: Int64, weight: Double)]] {
        try read { c in
            var out: [Int64: [(product: Int64, weight: Double)]] = [:]
            try c.forEachRow("SELECT product_id, neighbors FROM item_neighbor_lists") { r in
                out[try r.int64(0) ?? 0] = NeighborBlob.decode(Data(try r.bytes(1) ?? [])).map {
                    (product: $0.0, weight: $0.1)
                }
            }
            return out
        }
    }

    static func putModelState(_ c: PGConnection, _ name: String, _ value: Data, now: Int64) throws {
        _ = try c.execute(
            """
            INSERT INTO model_state(name, value, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, [.string(name), .data(value), .int64(now)])
    }

    public func writeModelState(_ entries: [String: Data], now: Int64) throws {
        try write { c in for (name, value) in entries { try Self.putModelState(c, name, value, now: now) } }
    }

    public func setModelState(_ name: String, _ value: Data, action: String, details: [String: String], by actor: Actor)
        throws
    {
        try write { c in
            try Self.putModelState(c, name, value, now: actor.now)
            try Self.audit(c, actor, action, customer: nil, customerRef: nil, details: details)
        }
    }

    public func modelState(_ name: String) throws -> Data? {
        try read { c in
            try c.rows("SELECT value FROM model_state WHERE name = $1", [.string(name)]).first?.bytes(0).map {
                Data($0)
            }
        }
    }

    public func allCustomers() throws -> [CustomerRecord] {
        try read { c in
            try c.rows("SELECT \(Self.customerColumns) FROM customers ORDER BY id").map { try Self.customer($0) }
        }
    }

    public func allStatedPreferences() throws -> [StatedPreferenceRecord] {
        try read { c in
            try c.rows("SELECT id, customer_id, polarity, kind, value FROM stated_preferences ORDER BY customer_id, id")
                .map(Self.stated)
        }
    }

    static func storedLatest(_ c: PGConnection) throws -> Int64? {
        guard let bytes = try c.rows("SELECT value FROM model_state WHERE name = 'latest_event_time'").first?.bytes(0)
        else { return nil }
        return Int64(String(decoding: bytes, as: UTF8.self))
    }

    public func latestEventTime() throws -> Int64? {
        try read { c in
            if let t = try Self.storedLatest(c) { return t }
            return try c.scalarInt64("SELECT MAX(time) FROM events")
        }
    }

    public func recomputeLatestEventTime(now: Int64) throws -> Int64? {
        try write { c in try Self.recomputeLatestEventTime(c, now: now) }
    }

    @discardableResult
    static func recomputeLatestEventTime(_ c: PGConnection, now: Int64) throws -> Int64? {
        guard let latest = try c.scalarInt64("SELECT MAX(time) FROM events") else {
            _ = try c.execute("DELETE FROM model_state WHERE name = 'latest_event_time'")
            return nil
        }
        try putModelState(c, "latest_event_time", Data(String(latest).utf8), now: now)
        return latest
    }

    /// After deleting events whose newest time was `removed`: recompute the as-of date only if
    /// those events could have set it.
    static func lowerLatestEventTime(_ c: PGConnection, removed: Int64?, now: Int64) throws {
        guard let removed else { return }
        if let stored = try storedLatest(c), removed < stored { return }
        try recomputeLatestEventTime(c, now: now)
    }

    public func customerKeys() throws -> [Int64] {
        try read { c in try c.rows("SELECT id FROM customers ORDER BY id").compactMap { try $0.int64(0) } }
    }

    public func lastEventKey() throws -> Int64 {
        try read { c in try c.scalarInt64("SELECT COALESCE(MAX(id), 0) FROM events") ?? 0 }
    }

    public func eventCount(after key: Int64) throws -> Int { Int(max(0, try lastEventKey() - key)) }

    public func customersWithoutMetrics() throws -> [Int64] {
        try read { c in
            try c.rows(
                """
                SELECT id FROM customers WHERE id > (SELECT COALESCE(MAX(customer_id), 0) FROM customer_metrics)
                ORDER BY id
                """
            ).compactMap { try $0.int64(0) }
        }
    }

    public func ruleFacts(customers keys: [Int64]) throws
        -> (customers: [CustomerRecord], metrics: [Int64: MetricsRecord], stated: [Int64: [StatedPreferenceRecord]])
    {
        try snapshot { c in
            let any: [PGValue] = [.int64Array(keys)]
            let customers = try c.rows("SELECT \(Self.customerColumns) FROM customers WHERE id = ANY($1)", any)
                .map { try Self.customer($0) }
            var metrics: [Int64: MetricsRecord] = [:]
            for r in try c.rows("SELECT \(Self.metricsColumns) FROM customer_metrics WHERE customer_id = ANY($1)", any)
            {
                let m = try Self.metrics(r)
                metrics[m.customerId] = m
            }
            var stated: [Int64: [StatedPreferenceRecord]] = [:]
            for r in try c.rows(
                "SELECT id, customer_id, polarity, kind, value FROM stated_preferences WHERE customer_id = ANY($1) ORDER BY id",
                any)
            {
                let p = try Self.stated(r)
                stated[p.customerId, default: []].append(p)
            }
            return (customers, metrics, stated)
        }
    }

    // MARK: Imports waiting for a refresh

    static func markRefreshPending(_ c: PGConnection, file: String, now: Int64) throws -> String {
        let mark = RefreshPending(name: RefreshPending.newName(), file: file, time: now)
        try putModelState(c, mark.name, mark.value, now: now)
        return mark.name
    }

    public func refreshPendingAll() throws -> [RefreshPending] {
        try read { c in
            try c.rows(
                "SELECT name, value FROM model_state WHERE starts_with(name, $1)",
                [.string(ProfileStore.refreshPendingPrefix)]
            )
            .compactMap { row in RefreshPending(name: try row.string(0) ?? "", value: try row.bytes(1) ?? []) }
            .sorted { ($0.time, $0.name) < ($1.time, $1.name) }
        }
    }

    public func clearRefreshPending(_ marks: [RefreshPending]) throws {
        guard !isReadOnly, !marks.isEmpty else { return }
        try write { c in
            _ = try c.execute("DELETE FROM model_state WHERE name = ANY($1)", [.stringArray(marks.map(\.name))])
        }
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

    public func clearAffinities(flag: String) throws {
        if isReadOnly { throw StoreError.readOnly }
        let present = try read { c in
            try c.scalarInt64("SELECT 1 FROM model_state WHERE name = $1", [.string(flag)]) != nil
                || c.scalarInt64("SELECT 1 FROM customer_affinities LIMIT 1") != nil
        }
        guard present else { return }
        try write { c in
            _ = try c.execute("DELETE FROM customer_affinities")
            _ = try c.execute("DELETE FROM model_state WHERE name = $1", [.string(flag)])
        }
    }

    public func affinities(customers keys: [Int64]?) throws -> [Int64: [String: Double]] {
        try read { c in
            var out: [Int64: [String: Double]] = [:]
            let filter = keys == nil ? "" : " WHERE customer_id = ANY($1)"
            try c.forEachRow(
                "SELECT customer_id, vector FROM customer_affinities\(filter)", keys.map { [.int64Array($0)] } ?? []
            ) { r in out[try r.int64(0) ?? 0] = AffinityBlob.decode(Data(try r.bytes(1) ?? [])) }
            return out
        }
    }

    public func personalizationRefused() throws -> Set<Int64> {
        try read { c in
            Set(
                try c.rows("SELECT id FROM customers WHERE consent_personalization = false").compactMap {
                    try $0.int64(0)
                })
        }
    }

    // MARK: Business metrics' activity rows

    public func writeActivity(_ rows: [ActivityRow], replacingAll: Bool, unlessChangedSince since: ChangeMark?) throws {
        defer { if rows.count >= Self.analyzeAfterRows { analyze(["customer_activity"]) } }
        try write(exclusive: true) { c in
            let skip = try since.map { try Self.customersChanged(c, since: $0) } ?? []
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

    public func hasActivity() throws -> Bool { try modelState(ProfileStore.activityStateName) != nil }

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

    public func customerKeyBounds() throws -> ClosedRange<Int64> {
        try read { c in
            let row = try c.rows("SELECT MIN(customer_id), MAX(customer_id) FROM customer_activity").first
            let lo = try row?.int64(0) ?? 0
            let hi = try row?.int64(1) ?? 0
            return lo...max(lo, hi)
        }
    }

    public func scopeKeys(_ scope: MetricScope) throws -> [Int64] {
        let (sql, binds): (String, [PGValue]) =
            switch scope {
            case .all: ("SELECT id FROM customers", [])
            case .rfmSegment(let s):
                ("SELECT customer_id AS id FROM customer_metrics WHERE rfm_segment = $1", [.string(s)])
            case .stage(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE stage = $1", [.string(s)])
            case .ruleSegment(let s):
                (
                    "SELECT sm.customer_id AS id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = $1",
                    [.string(s)]
                )
            }
        return try read { c in
            try c.rows("SELECT id FROM (\(sql)) scope ORDER BY id", binds).compactMap { try $0.int64(0) }
        }
    }
}
