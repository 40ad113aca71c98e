import Foundation
import GRDB
import RapportVocabulary

/// How the store gives each sort order of the customer list: an index, so paging never sorts the table.
extension ListSort {
    /// ORDER BY terms as (expression, descending).
    var terms: [(String, Bool)] {
        switch self {
        case .name: [("c.name COLLATE NOCASE", false), ("c.id", false)]
        case .id: [("c.external_id", false)]
        case .segment: [("m.rfm_segment", false), ("m.customer_id", false)]
        case .stage: [("m.stage", false), ("m.customer_id", false)]
        case .recency: [("m.recency_days", false), ("m.customer_id", false)]
        case .orders: [("m.orders", true), ("m.customer_id", false)]
        case .spend: [("m.spend", true), ("m.customer_id", false)]
        case .clv: [("m.clv_12m", true), ("m.customer_id", false)]
        }
    }

    /// Metric sorts walk the metrics table's index; identity sorts walk the customers table.
    var drivesFromMetrics: Bool { self != .name && self != .id }

    /// The index that gives this order (nil: the external id's own unique index).
    var index: String? {
        switch self {
        case .name: "customers_by_name"
        case .id: nil
        case .segment: "metrics_by_segment_id"
        case .stage: "metrics_by_stage_id"
        case .recency: "metrics_by_recency"
        case .orders: "metrics_by_orders"
        case .spend: "metrics_by_spend"
        case .clv: "metrics_by_clv"
        }
    }

    func orderSQL(reversed: Bool) -> String {
        terms.map { "\($0.0) \(($0.1 != reversed) ? "DESC" : "ASC")" }.joined(separator: ", ")
    }
}

extension ProfileStore {
    public func customerKey(externalId: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM customers WHERE external_id = ?", arguments: [externalId])
        }
    }

    static let eventColumns = """
        e.id, e.external_id, e.customer_id, e.product_id, p.external_id AS product_external_id,
        p.title AS product_title, p.category AS product_category, e.type, e.time, e.quantity,
        e.amount, e.channel, e.is_gift, e.gift_note
        """

    /// A customer's events, oldest first (file order among equal times).
    public func events(customer key: Int64) throws -> [EventRow] {
        try pool.read { db in
            try EventRow.fetchAll(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM events e LEFT JOIN products p ON p.id = e.product_id
                    WHERE e.customer_id = ? ORDER BY e.time, e.id
                    """, arguments: [key])
        }
    }

    public func event(displayId: String) throws -> EventRow? {
        try pool.read { db in
            guard let key = try Self.eventKey(db, displayId) else { return nil }
            return try EventRow.fetchOne(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM events e LEFT JOIN products p ON p.id = e.product_id
                    WHERE e.id = ?
                    """, arguments: [key])
        }
    }

    /// The WHERE clause of the list. Text of three characters or more matches anywhere in a
    /// name, email or id through the trigram index; one or two characters match the start of
    /// the name through the name index (a scan of every customer would not keep up with typing).
    static func listFilter(_ q: ListQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var args: StatementArguments = []
        let text = q.text.trimmingCharacters(in: .whitespaces)
        if text.count >= 3 {
            clauses.append("c.id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ?)")
            args += ["\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""]
        } else if !text.isEmpty, let upper = prefixUpperBound(text) {
            clauses.append("(c.name COLLATE NOCASE >= ? AND c.name COLLATE NOCASE < ?)")
            args += [text, upper]
        }
        if let s = q.segment {
            clauses.append("m.rfm_segment = ?")
            args += [s]
        }
        if let s = q.stage {
            clauses.append("m.stage = ?")
            args += [s]
        }
        if let s = q.ruleSegment {
            clauses.append(
                "c.id IN (SELECT sm.customer_id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = ?)"
            )
            args += [s]
        }
        if let keys = q.keys {
            // One JSON array argument: a set of any size, where `IN (?, ?, …)` stops at 32,766.
            clauses.append("c.id IN (SELECT value FROM json_each(?))")
            args += ["[" + keys.map(String.init).joined(separator: ",") + "]"]
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), args)
    }

    /// The smallest string above every string that starts with `prefix` (last scalar + 1).
    static func prefixUpperBound(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        guard let last = scalars.popLast(), let next = Unicode.Scalar(last.value + 1) else { return nil }
        return String(String.UnicodeScalarView(scalars + [next]))
    }

    /// Text matches at most this many customers: the page reads the matches and sorts them,
    /// instead of walking a sort index until enough matches turn up (all of it, when they are few).
    static let fewMatches = 5_000

    /// Whether a page is read from the text matches (few of them) rather than a sort index.
    static func drivesFromMatches(_ q: ListQuery, total: Int?) -> Bool {
        guard let total, q.text.trimmingCharacters(in: .whitespaces).count >= 3 else { return false }
        return total <= fewMatches
    }

    /// With `forceIndex`, the page walks the sort's index even when the planner would rather
    /// read every text match and sort them: with many matches, walking the index finds a page
    /// of them in a few thousand steps.
    static func listFrom(_ q: ListQuery, forceIndex: Bool = false) -> String {
        let indexed = forceIndex ? q.sort.index.map { " INDEXED BY \($0)" } ?? "" : ""
        return q.sort.drivesFromMetrics
            ? "customer_metrics m\(indexed) JOIN customers c ON c.id = m.customer_id"
            : "customers c\(indexed) LEFT JOIN customer_metrics m ON m.customer_id = c.id"
    }

    public func unknownRecencyCount(_ q: ListQuery) throws -> Int {
        let (filter, args) = Self.listFilter(q)
        return try pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM \(Self.listFrom(q)) WHERE \(filter) AND m.recency_days IS NULL",
                arguments: args) ?? 0
        }
    }

    /// A list row from the columns of `listColumns`, in their order.
    static func listItem(_ r: Row) -> CustomerListItem {
        CustomerListItem(
            key: r[0], externalId: r[1], name: r[2], email: r[3], segment: r[4], stage: r[5], recencyDays: r[6],
            orders: r[7], spend: r[8], clv: r[9])
    }

    /// A page of the rows of one part of the list by recency (nil: all), `total` of them.
    public func customerPage(_ q: ListQuery, offset: Int, limit: Int, total: Int?, part: RecencyPart?) throws
        -> [CustomerListItem]
    {
        var (filter, args) = Self.listFilter(q)
        if let part { filter = "(\(filter)) AND \(part.condition)" }
        let from =
            Self.drivesFromMatches(q, total: total)
            ? "customers c NOT INDEXED LEFT JOIN customer_metrics m NOT INDEXED ON m.customer_id = c.id"
            : Self.listFrom(q, forceIndex: total != nil && !q.text.trimmingCharacters(in: .whitespaces).isEmpty)
        let (reversed, off, lim) = PageWindow.nearerEnd(offset: offset, limit: limit, total: total)
        return try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days,
                           m.orders, m.spend, m.clv_12m
                    FROM \(from) WHERE \(filter) ORDER BY \(q.sort.orderSQL(reversed: reversed != q.reversed))
                    LIMIT ? OFFSET ?
                    """, arguments: args + [lim, off]
            ).map(Self.listItem)
            return reversed ? rows.reversed() : rows
        }
    }

    /// How many customers the list shows, counted up to `cap` (a broad text filter over
    /// millions of customers is reported as "cap or more" rather than counted while typing).
    public func customerCount(_ q: ListQuery = ListQuery(), cap: Int? = nil) throws -> Int {
        let (filter, args) = Self.listFilter(q)
        return try pool.read { db in
            // Every customer has a metrics row after a refresh, so the join need not be counted.
            if filter == "1" {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customers") ?? 0
            }
            let limit = cap.map { " LIMIT \($0)" } ?? ""
            let text = q.text.trimmingCharacters(in: .whitespaces)
            if text.count >= 3 && q.segment == nil && q.stage == nil && q.ruleSegment == nil && q.keys == nil {
                // Every search row is a customer: count the matches without joining them.
                return try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM (SELECT rowid FROM customers_search WHERE customers_search MATCH ?\(limit))
                        """, arguments: args) ?? 0
            }
            let from =
                q.segment == nil && q.stage == nil
                ? "customers c" : Self.listFrom(ListQuery(sort: .spend))
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM \(from) WHERE \(filter)\(limit))", arguments: args) ?? 0
        }
    }

}

extension ProfileStore {
    /// Finds an event by the id people see: its file event id, or `#key` for events without one.
    static func eventKey(_ db: Database, _ displayId: String) throws -> Int64? {
        if displayId.hasPrefix("#"), let k = Int64(displayId.dropFirst()) {
            return try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE id = ?", arguments: [k])
        }
        return try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE external_id = ?", arguments: [displayId])
    }
}
