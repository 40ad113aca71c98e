import Foundation
import RapportPostgres

// Reads of one customer, the list and its counts, on PostgreSQL.

extension PostgresStore {
    static let customerColumns = """
        id, external_id, name, email, phone, birth_year, gender, city, country, signup_time, stated_channel,
        consent_personalization, consent_email, consent_sms, consent_push, attributes
        """

    static func customer(_ r: PGRow, from i: Int = 0) throws -> CustomerRecord {
        CustomerRecord(
            id: try r.int64(i), externalId: try r.string(i + 1) ?? "", name: try r.string(i + 2),
            email: try r.string(i + 3), phone: try r.string(i + 4), birthYear: try r.int(i + 5),
            gender: try r.string(i + 6), city: try r.string(i + 7), country: try r.string(i + 8),
            signupTime: try r.int64(i + 9), statedChannel: try r.string(i + 10),
            consentPersonalization: try r.bool(i + 11), consentEmail: try r.bool(i + 12),
            consentSms: try r.bool(i + 13), consentPush: try r.bool(i + 14), attributes: try r.string(i + 15))
    }

    /// Events without their products: the products come from `productNames`, so a customer's
    /// history is one index scan (joined in SQL, a long history is planned as a hash of every product).
    static let eventColumns = """
        e.id, e.external_id, e.customer_id, e.product_id, e.type, e.time, e.quantity, e.amount, e.channel,
        e.is_gift, e.gift_note
        """

    static func event(_ r: PGRow, _ products: [Int64: ProductName]) throws -> EventRow {
        let product = try r.int64(3)
        let name = product.flatMap { products[$0] }
        return EventRow(
            id: try r.int64(0) ?? 0, externalId: try r.string(1), customerId: try r.int64(2) ?? 0,
            productId: product, productExternalId: name?.externalId, productTitle: name?.title,
            productCategory: name?.category, type: try r.int(4) ?? 0, time: try r.int64(5) ?? 0,
            quantity: try r.int(6) ?? 1, amount: try r.double(7) ?? 0, channel: try r.string(8),
            isGift: try r.bool(9) ?? false, giftNote: try r.string(10))
    }

    static let metricsColumns = """
        customer_id, orders, spend, first_purchase, last_purchase, last_event, recency_days, r, f, m, rfm_segment,
        stage, p_alive, expected_90d, clv_12m, updated_at
        """

    static func metrics(_ r: PGRow) throws -> MetricsRecord {
        MetricsRecord(
            customerId: try r.int64(0) ?? 0, orders: try r.int(1) ?? 0, spend: try r.double(2) ?? 0,
            firstPurchase: try r.int64(3), lastPurchase: try r.int64(4), lastEvent: try r.int64(5),
            recencyDays: try r.int(6), r: try r.int(7), f: try r.int(8), m: try r.int(9), rfmSegment: try r.string(10),
            stage: try r.string(11), pAlive: try r.double(12), expected90d: try r.double(13), clv12m: try r.double(14),
            updatedAt: try r.int64(15) ?? 0)
    }

    static func product(_ r: PGRow) throws -> ProductRecord {
        ProductRecord(
            id: try r.int64(0), externalId: try r.string(1) ?? "", title: try r.string(2) ?? "",
            category: try r.string(3) ?? "", brand: try r.string(4) ?? "", price: try r.double(5),
            replenishDays: try r.int(6))
    }

    static func stated(_ r: PGRow) throws -> StatedPreferenceRecord {
        StatedPreferenceRecord(
            id: try r.int64(0), customerId: try r.int64(1) ?? 0, polarity: try r.string(2) ?? "",
            kind: try r.string(3) ?? "", value: try r.string(4) ?? "")
    }

    static func listRow(_ r: PGRow) throws -> CustomerListRow {
        CustomerListRow(
            key: try r.int64(0) ?? 0, externalId: try r.string(1) ?? "", name: try r.string(2),
            email: try r.string(3), segment: try r.string(4), stage: try r.string(5), recencyDays: try r.int(6),
            orders: try r.int(7), spend: try r.double(8), clv: try r.double(9))
    }

    public func customerKey(externalId: String) throws -> Int64? {
        try read { c in
            try c.scalarInt64("SELECT customer_id FROM customer_keys WHERE external_id = $1", [.string(externalId)])
        }
    }

    public func customer(_ key: Int64) throws -> CustomerRecord? {
        try read { c in
            try c.rows("SELECT \(Self.customerColumns) FROM customers WHERE id = $1", [.int64(key)])
                .first.map { try Self.customer($0) }
        }
    }

    /// One customer's events in one round trip (`forEachEvent` streams the very long histories).
    public func events(customer key: Int64) throws -> [EventRow] {
        let products = try productNames()
        return try read { c in
            try c.rows(
                """
                SELECT \(Self.eventColumns) FROM events e WHERE e.customer_id = $1 ORDER BY e.time, e.id
                """, [.int64(key)]
            ).map { try Self.event($0, products) }
        }
    }

    public func forEachEvent(customer key: Int64, newestFirst: Bool, _ body: (EventRow) throws -> Void) throws {
        let order = newestFirst ? "e.time DESC, e.id DESC" : "e.time, e.id"
        let products = try productNames()
        try read { c in
            try c.forEachRow(
                "SELECT \(Self.eventColumns) FROM events e WHERE e.customer_id = $1 ORDER BY \(order)", [.int64(key)]
            ) { try body(try Self.event($0, products)) }
        }
    }

    /// The events a display id names: `#key`, or a file's event id (unique per customer here,
    /// so the same id may name events of several customers).
    static func eventKeys(_ c: PGConnection, _ displayId: String) throws -> [(customer: Int64, id: Int64)] {
        let rows: [PGRow]
        if displayId.hasPrefix("#"), let k = Int64(displayId.dropFirst()) {
            rows = try c.rows("SELECT customer_id, id FROM events WHERE id = $1", [.int64(k)])
        } else {
            rows = try c.rows(
                "SELECT customer_id, id FROM events WHERE external_id = $1 LIMIT 2", [.string(displayId)])
        }
        return try rows.map { (try $0.int64(0) ?? 0, try $0.int64(1) ?? 0) }
    }

    public func event(displayId: String) throws -> EventRow? {
        let products = try productNames()
        return try snapshot { c in
            guard let key = try Self.eventKeys(c, displayId).first else { return nil }
            return try c.rows(
                "SELECT \(Self.eventColumns) FROM events e WHERE e.customer_id = $1 AND e.id = $2",
                [.int64(key.customer), .int64(key.id)]
            ).first.map { try Self.event($0, products) }
        }
    }

    public func eventCount(customer key: Int64) throws -> Int {
        try read { c in Int(try c.scalarInt64("SELECT COUNT(*) FROM events WHERE customer_id = $1", [.int64(key)]) ?? 0)
        }
    }

    public func statedPreferences(customer key: Int64) throws -> [StatedPreferenceRecord] {
        try read { c in
            try c.rows(
                "SELECT id, customer_id, polarity, kind, value FROM stated_preferences WHERE customer_id = $1 ORDER BY id",
                [.int64(key)]
            ).map(Self.stated)
        }
    }

    public func notes(customer key: Int64) throws -> [NoteRecord] {
        try read { c in
            try c.rows(
                "SELECT id, customer_id, time, analyst, text FROM notes WHERE customer_id = $1 ORDER BY time DESC, id DESC",
                [.int64(key)]
            ).map {
                NoteRecord(
                    id: try $0.int64(0), customerId: try $0.int64(1) ?? 0, time: try $0.int64(2) ?? 0,
                    analyst: try $0.string(3) ?? "", text: try $0.string(4) ?? "")
            }
        }
    }

    public func noteTexts(_ ids: [Int64]) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try read { c in
            var out: [Int64: String] = [:]
            for r in try c.rows("SELECT id, text FROM notes WHERE id = ANY($1)", [.int64Array(ids)]) {
                out[try r.int64(0) ?? 0] = try r.string(1)
            }
            return out
        }
    }

    public func metrics(customer key: Int64) throws -> MetricsRecord? {
        try read { c in
            try c.rows("SELECT \(Self.metricsColumns) FROM customer_metrics WHERE customer_id = $1", [.int64(key)])
                .first.map(Self.metrics)
        }
    }

    static let productColumns = "id, external_id, title, category, brand, price, replenish_days"

    public func products(keys: [Int64]) throws -> [ProductRecord] {
        try read { c in
            try c.rows("SELECT \(Self.productColumns) FROM products WHERE id = ANY($1)", [.int64Array(keys)])
                .map(Self.product)
        }
    }

    public func allProducts() throws -> [ProductRecord] {
        try read { c in try c.rows("SELECT \(Self.productColumns) FROM products ORDER BY id").map(Self.product) }
    }

    public func erasedCustomerKey(externalId: String) throws -> Int64? {
        try read { c in
            guard let hex = try c.rows("SELECT value FROM model_state WHERE name = 'audit_key'").first?.bytes(0)
            else { return nil }
            let hash = ProfileStore.idHash(
                externalId, secret: AuditKey.bytes(hex: String(decoding: hex, as: UTF8.self)))
            return try c.scalarInt64(
                """
                SELECT customer_id FROM audit_log
                WHERE action = 'customer.forget' AND (details::jsonb ->> 'id_hash') = $1
                ORDER BY id DESC LIMIT 1
                """, [.string(hash)])
        }
    }

    public func statedPreferenceValues() throws -> Set<String> {
        try read { c in
            Set(try c.rows("SELECT DISTINCT value FROM stated_preferences").compactMap { try $0.string(0) })
        }
    }

    // MARK: The customer list

    /// The WHERE clause of the list and its binds, numbered from `$1`. Text of three characters
    /// or more matches anywhere in name, email or id through the trigram index; shorter text
    /// matches the start of the name through the name index, as on SQLite.
    static func listFilter(_ q: CustomerQuery) -> (String, [PGValue]) {
        var clauses: [String] = []
        var binds: [PGValue] = []
        func next(_ v: PGValue) -> String {
            binds.append(v)
            return "$\(binds.count)"
        }
        let text = q.text.trimmingCharacters(in: .whitespaces)
        if text.count >= 3 {
            let pattern = "%" + likeEscaped(text.lowercased()) + "%"
            clauses.append("\(PostgresSchema.searchText("c")) LIKE \(next(.string(pattern)))")
        } else if !text.isEmpty, let upper = ProfileStore.prefixUpperBound(text.lowercased()) {
            let name = "lower(c.name) COLLATE \"C\""
            clauses.append("(\(name) >= \(next(.string(text.lowercased()))) AND \(name) < \(next(.string(upper))))")
        }
        if let s = q.segment { clauses.append("m.rfm_segment = \(next(.string(s)))") }
        if let s = q.stage { clauses.append("m.stage = \(next(.string(s)))") }
        if let s = q.ruleSegment {
            clauses.append(
                "c.id IN (SELECT sm.customer_id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = \(next(.string(s))))"
            )
        }
        if let keys = q.keys { clauses.append("c.id = ANY(\(next(.int64Array(keys))))") }
        return (clauses.isEmpty ? "true" : clauses.joined(separator: " AND "), binds)
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    /// ORDER BY for a sort, nulls placed as SQLite places them (smallest), so the indexes of
    /// `PostgresSchema` give the order.
    static func orderSQL(_ sort: CustomerSort, reversed: Bool) -> String {
        sort.terms.map { term, descending in
            // Byte order, as SQLite compares: the server's locale would order names differently.
            let expression =
                switch term {
                case "c.name COLLATE NOCASE": "lower(c.name) COLLATE \"C\""
                case "c.external_id", "m.rfm_segment", "m.stage": "\(term) COLLATE \"C\""
                default: term
                }
            let desc = descending != reversed
            // Keys are never null: their plain order is the indexes' (a NULLS clause that differs
            // from the index's, even on a column without nulls, makes the planner sort instead).
            if ["c.id", "m.customer_id", "c.external_id"].contains(term) {
                return "\(expression) \(desc ? "DESC" : "ASC")"
            }
            return "\(expression) \(desc ? "DESC NULLS LAST" : "ASC NULLS FIRST")"
        }.joined(separator: ", ")
    }

    static func listFrom(_ q: CustomerQuery) -> String {
        q.sort.drivesFromMetrics
            ? "customer_metrics m JOIN customers c ON c.id = m.customer_id"
            : "customers c LEFT JOIN customer_metrics m ON m.customer_id = c.id"
    }

    public func unknownRecencyCount(_ q: CustomerQuery) throws -> Int {
        let (filter, binds) = Self.listFilter(q)
        return try read { c in
            // Unfiltered: the recency index alone answers (every metrics row has its customer).
            if filter == "true" {
                return Int(try c.scalarInt64("SELECT COUNT(*) FROM customer_metrics WHERE recency_days IS NULL") ?? 0)
            }
            return Int(
                try c.scalarInt64(
                    "SELECT COUNT(*) FROM \(Self.listFrom(q)) WHERE \(filter) AND m.recency_days IS NULL", binds) ?? 0)
        }
    }

    /// A page; deep pages past the middle are read backwards from the other end.
    public func customerPage(_ q: CustomerQuery, offset: Int, limit: Int, total: Int?, only: String?) throws
        -> [CustomerListRow]
    {
        var (filter, binds) = Self.listFilter(q)
        if let only { filter = "(\(filter)) AND \(only)" }
        let (reversed, off, lim) = PageWindow.nearerEnd(offset: offset, limit: limit, total: total)
        let order = Self.orderSQL(q.sort, reversed: reversed != q.reversed)
        let columns = """
            c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days, m.orders, m.spend, m.clv_12m
            """
        // The rows skipped by OFFSET are walked in the sort's own table only, and the other table
        // is joined to the page alone, when the filter does not need both.
        let sql: String
        if !q.sort.drivesFromMetrics && q.segment == nil && q.stage == nil && only == nil {
            sql = """
                SELECT \(columns) FROM (
                    SELECT c.id, c.external_id, c.name, c.email FROM customers c WHERE \(filter)
                    ORDER BY \(order) LIMIT \(lim) OFFSET \(off)) c
                LEFT JOIN customer_metrics m ON m.customer_id = c.id ORDER BY \(order)
                """
        } else if q.sort.drivesFromMetrics && q.text.trimmingCharacters(in: .whitespaces).isEmpty && q.keys == nil
            && q.ruleSegment == nil
        {
            sql = """
                SELECT \(columns) FROM (
                    SELECT * FROM customer_metrics m WHERE \(filter) ORDER BY \(order) LIMIT \(lim) OFFSET \(off)) m
                JOIN customers c ON c.id = m.customer_id ORDER BY \(order)
                """
        } else {
            sql = """
                SELECT \(columns) FROM \(Self.listFrom(q)) WHERE \(filter) ORDER BY \(order) LIMIT \(lim) OFFSET \(off)
                """
        }
        let rows = try read { c in try c.rows(sql, binds).map(Self.listRow) }
        return reversed ? rows.reversed() : rows
    }

    public func customerCount(_ q: CustomerQuery, cap: Int?) throws -> Int {
        let (filter, binds) = Self.listFilter(q)
        return try read { c in
            if filter == "true" { return try allCustomersCount(c) }
            let limit = cap.map { " LIMIT \($0)" } ?? ""
            let from =
                q.segment == nil && q.stage == nil
                ? "customers c" : Self.listFrom(CustomerQuery(sort: .spend))
            return Int(
                try c.scalarInt64("SELECT COUNT(*) FROM (SELECT 1 FROM \(from) WHERE \(filter)\(limit)) counted", binds)
                    ?? 0)
        }
    }

    public func segmentCounts() throws -> (rfm: [(String, Int)], stages: [(String, Int)]) {
        try snapshot { c in
            func counts(_ column: String) throws -> [(String, Int)] {
                try c.rows(
                    """
                    SELECT \(column), COUNT(*) FROM customer_metrics WHERE \(column) IS NOT NULL
                    GROUP BY \(column) ORDER BY 2 DESC
                    """
                ).map { (try $0.string(0) ?? "", try $0.int(1) ?? 0) }
            }
            return (try counts("rfm_segment"), try counts("stage"))
        }
    }

    // MARK: Audit

    public func auditEntries(customer key: Int64?, limit: Int, offset: Int) throws -> [AuditEntry] {
        try read { c in
            let filter = key == nil ? "" : "WHERE customer_id = $1"
            return try c.rows(
                """
                SELECT id, time, analyst, action, customer_id, customer_ref, details FROM audit_log \(filter)
                ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
                """, key.map { [.int64($0)] } ?? []
            ).map {
                AuditEntry(
                    id: try $0.int64(0), time: try $0.int64(1) ?? 0, analyst: try $0.string(2) ?? "",
                    action: try $0.string(3) ?? "", customerId: try $0.int64(4), customerRef: try $0.string(5),
                    details: try $0.string(6) ?? "{}")
            }
        }
    }

    public func appendAudit(_ entries: [AuditEntry]) throws {
        try write { c in
            try c.copyIn(
                table: "audit_log", columns: ["time", "analyst", "action", "customer_id", "customer_ref", "details"],
                rows: entries.lazy.map {
                    [String($0.time), $0.analyst, $0.action, $0.customerId.map(String.init), $0.customerRef, $0.details]
                })
        }
    }

    public func allNotes() throws -> [NoteRecord] {
        try read { c in
            try c.rows("SELECT id, customer_id, time, analyst, text FROM notes ORDER BY id").map {
                NoteRecord(
                    id: try $0.int64(0), customerId: try $0.int64(1) ?? 0, time: try $0.int64(2) ?? 0,
                    analyst: try $0.string(3) ?? "", text: try $0.string(4) ?? "")
            }
        }
    }

    public func auditCount(customer key: Int64?) throws -> Int {
        try read { c in
            if let key {
                return Int(
                    try c.scalarInt64("SELECT COUNT(*) FROM audit_log WHERE customer_id = $1", [.int64(key)]) ?? 0)
            }
            return Int(try c.scalarInt64("SELECT COUNT(*) FROM audit_log") ?? 0)
        }
    }
}
