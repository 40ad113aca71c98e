import Foundation
import RapportVocabulary

// The customer list: its filter, pages and counts, written once. What the databases do
// differently is asked of the dialect: the text search (SQLite's FTS5 trigram index or a
// `pg_trgm` LIKE), the name order, and the page's shape (SQLite is told which index to walk;
// PostgreSQL pages one table and joins the other to the page alone).

extension StoreBackend {
    /// A page of the customer list. By recency, customers who never bought (no recency) come
    /// last in either direction: the page is read from the known recencies, then from the
    /// unknown ones, each in its index's order. `total`, when known, lets deep pages be read
    /// from the nearer end.
    public func customerPage(_ q: ListQuery, offset: Int, limit: Int, total: Int? = nil) throws
        -> [CustomerListItem]
    {
        guard q.sort == .recency else {
            return try customerPage(q, offset: offset, limit: limit, total: total, part: nil)
        }
        let unknown = try unknownRecencyCount(q)
        let known = max(0, (try total ?? customerCount(q, cap: nil)) - unknown)
        var rows: [CustomerListItem] = []
        if offset < known {
            rows = try customerPage(
                q, offset: offset, limit: min(limit, known - offset), total: known, part: .known)
        }
        if rows.count < limit && unknown > 0 {
            rows += try customerPage(
                q, offset: max(0, offset - known), limit: limit - rows.count, total: unknown,
                part: .unknown)
        }
        return rows
    }

    /// How many of the list's customers have no recency (never bought).
    public func unknownRecencyCount(_ q: ListQuery) throws -> Int {
        try readSQL { db in
            let filter = ListFilter(q, db.dialect)
            // Unfiltered: the recency index alone answers (every metrics row has its customer).
            if filter.isEmpty {
                return try db.count("SELECT COUNT(*) FROM customer_metrics WHERE recency_days IS NULL")
            }
            return try db.count(
                "SELECT COUNT(*) FROM \(ListSQL.from(q)) WHERE \(filter.sql) AND m.recency_days IS NULL", filter.args)
        }
    }

    /// How many customers the list shows, counted up to `cap` (a broad text filter over
    /// millions of customers is reported as "cap or more" rather than counted while typing).
    public func customerCount(_ q: ListQuery = ListQuery(), cap: Int? = nil) throws -> Int {
        // Every customer has a metrics row after a refresh, so the join need not be counted.
        // Unfiltered: the count the store keeps as customers come and go (no index is read).
        if ListFilter.isUnfiltered(q) {
            return try readSQL { db in try CustomerTally.stored(db) ?? db.count("SELECT COUNT(*) FROM customers") }
        }
        return try readSQL { db in
            let filter = ListFilter(q, db.dialect)
            let limit = cap.map { " LIMIT \($0)" } ?? ""
            if filter.textOnly, let matches = db.dialect.textMatchRows {
                // Every search row is a customer: count the matches without joining them.
                return try db.count("SELECT COUNT(*) FROM (\(matches)\(limit)) counted", filter.args)
            }
            let from = q.segment == nil && q.stage == nil ? "customers c" : ListSQL.from(ListQuery(sort: .spend))
            return try db.count(
                "SELECT COUNT(*) FROM (SELECT 1 FROM \(from) WHERE \(filter.sql)\(limit)) counted", filter.args)
        }
    }

    /// A page among the rows of one part of the list by recency (nil: all of it), `total` of
    /// them when known. Deep pages are read backwards from the nearer end.
    func customerPage(_ q: ListQuery, offset: Int, limit: Int, total: Int?, part: RecencyPart?) throws
        -> [CustomerListItem]
    {
        let (reversed, off, lim) = PageWindow.nearerEnd(offset: offset, limit: limit, total: total)
        let rows = try readSQL { db in
            let filter = ListFilter(q, db.dialect, part: part)
            let sql = ListSQL.page(
                q, filter: filter, part: part, total: total, reversed: reversed != q.reversed, dialect: db.dialect)
            return try db.all(sql, filter.args + [.int(lim), .int(off)], StoredRows.listRow)
        }
        return reversed ? rows.reversed() : rows
    }
}

/// The two parts of the list by recency: customers who bought (a known recency) and those who
/// never did, who come last in either direction.
enum RecencyPart: Sendable {
    case known
    case unknown

    /// The condition on the metrics `m` that selects this part.
    var condition: String {
        switch self {
        case .known: "m.recency_days IS NOT NULL"
        case .unknown: "m.recency_days IS NULL"
        }
    }
}

/// The WHERE clause of the list and its values. Text of three characters or more matches
/// anywhere in a name, email or id through the text search index; one or two characters match
/// the start of the name through the name index (a scan of every customer would not keep up
/// with typing).
struct ListFilter {
    var clauses: [String] = []
    var args: [SQLValue] = []
    /// Only a text search of three characters or more.
    var textOnly = false

    init(_ q: ListQuery, _ dialect: SQLDialect, part: RecencyPart? = nil) {
        let text = q.text.trimmingCharacters(in: .whitespaces)
        if text.count >= 3 {
            let (clause, value) = dialect.textMatch(text)
            clauses.append(clause)
            args.append(value)
        } else if !text.isEmpty, let upper = Self.prefixUpperBound(dialect.folded(text)) {
            clauses.append("(\(dialect.nameKey) >= ? AND \(dialect.nameKey) < ?)")
            args += [.string(dialect.folded(text)), .string(upper)]
        }
        textOnly = text.count >= 3
        if let s = q.segment {
            clauses.append("m.rfm_segment = ?")
            args.append(.string(s))
        }
        if let s = q.stage {
            clauses.append("m.stage = ?")
            args.append(.string(s))
        }
        if let s = q.ruleSegment {
            clauses.append(
                "c.id IN (SELECT sm.customer_id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = ?)"
            )
            args.append(.string(s))
        }
        if let keys = q.keys {
            clauses.append(dialect.anyOf("c.id"))
            args.append(.int64List(keys))
        }
        if let t = q.seenBy {
            // A seek per customer walked (events by customer and time), never a scan of events.
            clauses.append(
                "(c.signup_time <= ? OR EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.time <= ?))")
            args += [.int64(t), .int64(t)]
        }
        textOnly = textOnly && clauses.count == 1
        if let part { clauses.append(part.condition) }
    }

    var isEmpty: Bool { clauses.isEmpty }

    /// Whether the list is every customer.
    static func isUnfiltered(_ q: ListQuery) -> Bool {
        q.text.trimmingCharacters(in: .whitespaces).isEmpty && q.segment == nil && q.stage == nil
            && q.ruleSegment == nil && q.keys == nil && q.seenBy == nil
    }
    var sql: String { clauses.isEmpty ? "1 = 1" : clauses.joined(separator: " AND ") }

    /// The smallest string above every string that starts with `prefix` (last scalar + 1).
    static func prefixUpperBound(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        guard let last = scalars.popLast(), let next = Unicode.Scalar(last.value + 1) else { return nil }
        return String(String.UnicodeScalarView(scalars + [next]))
    }
}

/// The statements of a list page: the same columns, filter and order on both databases; only
/// the page's shape differs (index hints on SQLite, page-then-join on PostgreSQL).
enum ListSQL {
    /// Text matches at most this many customers: the page reads the matches and sorts them,
    /// instead of walking a sort index until enough matches turn up (all of it, when they are few).
    static let fewMatches = 5_000

    /// Metric sorts walk the metrics table's index; identity sorts walk the customers table.
    static func from(_ q: ListQuery, index: String? = nil) -> String {
        let indexed = index.map { " INDEXED BY \($0)" } ?? ""
        return q.sort.drivesFromMetrics
            ? "customer_metrics m\(indexed) JOIN customers c ON c.id = m.customer_id"
            : "customers c\(indexed) LEFT JOIN customer_metrics m ON m.customer_id = c.id"
    }

    /// A page of the list, `?` for its limit and offset after the filter's values.
    static func page(
        _ q: ListQuery, filter: ListFilter, part: RecencyPart?, total: Int?, reversed: Bool, dialect: SQLDialect
    ) -> String {
        let order = dialect.listOrder(q.sort, reversed: reversed)
        let columns = StoredRows.listColumns
        let text = q.text.trimmingCharacters(in: .whitespaces)
        switch dialect {
        case .sqlite:
            // With few text matches, read them and sort; with many, walk the sort's index even
            // when the planner would rather read every match and sort them: a page of them turns
            // up in a few thousand steps.
            let from =
                total.map { $0 <= fewMatches && text.count >= 3 } == true
                ? "customers c NOT INDEXED LEFT JOIN customer_metrics m NOT INDEXED ON m.customer_id = c.id"
                : Self.from(q, index: total != nil && !text.isEmpty ? q.sort.index : nil)
            return "SELECT \(columns) FROM \(from) WHERE \(filter.sql) ORDER BY \(order) LIMIT ? OFFSET ?"
        case .postgres:
            // The rows skipped by OFFSET are walked in the sort's own table only, and the other
            // table is joined to the page alone, when the filter does not need both.
            if !q.sort.drivesFromMetrics && q.segment == nil && q.stage == nil && part == nil {
                return """
                    SELECT \(columns) FROM (
                        SELECT c.id, c.external_id, c.name, c.email FROM customers c WHERE \(filter.sql)
                        ORDER BY \(order) LIMIT ? OFFSET ?) c
                    LEFT JOIN customer_metrics m ON m.customer_id = c.id ORDER BY \(order)
                    """
            }
            if q.sort.drivesFromMetrics && text.isEmpty && q.keys == nil && q.ruleSegment == nil {
                return """
                    SELECT \(columns) FROM (
                        SELECT * FROM customer_metrics m WHERE \(filter.sql) ORDER BY \(order) LIMIT ? OFFSET ?) m
                    JOIN customers c ON c.id = m.customer_id ORDER BY \(order)
                    """
            }
            return "SELECT \(columns) FROM \(from(q)) WHERE \(filter.sql) ORDER BY \(order) LIMIT ? OFFSET ?"
        }
    }
}

/// How the store gives each sort order of the customer list: an index, so paging never sorts the table.
extension ListSort {
    /// ORDER BY terms as (expression, descending), in SQLite's words (`SQLDialect.listOrder`).
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
}
