import Foundation
import RapportPostgres
import RapportVocabulary

// Reads of one customer, the list and its counts, on PostgreSQL.

extension PostgresStore {
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

    public func customerKey(externalId: String) throws -> Int64? {
        try read { c in
            try c.scalarInt64("SELECT customer_id FROM customer_keys WHERE external_id = $1", [.string(externalId)])
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

    // MARK: The customer list

    /// The WHERE clause of the list and its binds, numbered from `$1`. Text of three characters
    /// or more matches anywhere in name, email or id through the trigram index; shorter text
    /// matches the start of the name through the name index, as on SQLite.
    static func listFilter(_ q: ListQuery) -> (String, [PGValue]) {
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
    static func orderSQL(_ sort: ListSort, reversed: Bool) -> String {
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

    static func listFrom(_ q: ListQuery) -> String {
        q.sort.drivesFromMetrics
            ? "customer_metrics m JOIN customers c ON c.id = m.customer_id"
            : "customers c LEFT JOIN customer_metrics m ON m.customer_id = c.id"
    }

    public func unknownRecencyCount(_ q: ListQuery) throws -> Int {
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
    public func customerPage(_ q: ListQuery, offset: Int, limit: Int, total: Int?, part: RecencyPart?) throws
        -> [CustomerListItem]
    {
        var (filter, binds) = Self.listFilter(q)
        if let part { filter = "(\(filter)) AND \(part.condition)" }
        let (reversed, off, lim) = PageWindow.nearerEnd(offset: offset, limit: limit, total: total)
        let order = Self.orderSQL(q.sort, reversed: reversed != q.reversed)
        let columns = """
            c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days, m.orders, m.spend, m.clv_12m
            """
        // The rows skipped by OFFSET are walked in the sort's own table only, and the other table
        // is joined to the page alone, when the filter does not need both.
        let sql: String
        if !q.sort.drivesFromMetrics && q.segment == nil && q.stage == nil && part == nil {
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
        let rows = try read { c in try c.rows(sql, binds).map { try StoredRows.listRow($0) } }
        return reversed ? rows.reversed() : rows
    }

    public func customerCount(_ q: ListQuery, cap: Int?) throws -> Int {
        let (filter, binds) = Self.listFilter(q)
        return try read { c in
            if filter == "true" { return try allCustomersCount(c) }
            let limit = cap.map { " LIMIT \($0)" } ?? ""
            let from =
                q.segment == nil && q.stage == nil
                ? "customers c" : Self.listFrom(ListQuery(sort: .spend))
            return Int(
                try c.scalarInt64("SELECT COUNT(*) FROM (SELECT 1 FROM \(from) WHERE \(filter)\(limit)) counted", binds)
                    ?? 0)
        }
    }

    // MARK: Audit

}
