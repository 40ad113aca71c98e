import Foundation
import RapportVocabulary

// Pages of the customer list read by keyset: from the sort key and customer key of the page's
// edge row, so a deep page costs what the first one does (an OFFSET walks every row before it).
// The list's order is cut into runs that each one index range gives in order (the edge's ties,
// the rows past the edge's value, the rows without a value), read one after another.

/// Which way a keyset page reads from its edge row.
public enum PageDirection: Sendable, Equatable {
    /// The rows after the edge, in the list's order.
    case forward
    /// The rows before the edge (still returned in the list's order).
    case backward
}

extension StoreBackend {
    /// `limit` rows of the customer list next to `edge` (nil: from the list's start forward, or
    /// from its end backward), after passing over `skip` rows. `total`, when known, picks the
    /// statement's shape as `customerPage(_:offset:limit:total:)` does.
    public func customerKeysetPage(
        _ q: ListQuery, from edge: CustomerListItem?, _ direction: PageDirection, skip: Int = 0, limit: Int,
        total: Int? = nil
    ) throws -> [CustomerListItem] {
        guard limit > 0 else { return [] }
        let order = KeysetOrder(q.sort, listReversed: q.reversed, backward: direction == .backward)
        let rows = try readSQL { db in
            var rows: [CustomerListItem] = []
            var skip = max(0, skip)
            for run in order.runs(after: edge, db.dialect) {
                guard rows.count < limit else { break }
                var filter = ListFilter(q, db.dialect)
                filter.clauses.append(run.condition)
                let args = filter.args + run.args
                let sql = ListSQL.keysetPage(q, filter: filter, total: total, order: order, dialect: db.dialect)
                let got = try db.all(sql, args + [.int(limit - rows.count), .int(skip)], StoredRows.listRow)
                if got.isEmpty && skip > 0 {
                    // The whole run was passed over: count it (at most `skip` rows) to know how much.
                    let counted =
                        "SELECT COUNT(*) FROM (SELECT 1 FROM \(ListSQL.from(q)) WHERE \(filter.sql) LIMIT ?) n"
                    skip -= try db.count(counted, args + [.int(skip)])
                } else {
                    skip = 0
                }
                rows += got
            }
            return rows
        }
        return direction == .backward ? rows.reversed() : rows
    }
}

/// The order a keyset page reads in: the sort's leading term, its direction and where rows
/// without a value go, then the customer key that breaks ties.
struct KeysetOrder {
    let sort: ListSort
    /// Read from the list's end towards its start.
    let backward: Bool
    /// The order as written (`ListSort.terms`), or the other way round.
    let reversed: Bool

    init(_ sort: ListSort, listReversed: Bool, backward: Bool) {
        self.sort = sort
        self.backward = backward
        reversed = listReversed != backward
    }

    var leading: String { sort.terms[0].0 }
    /// Whether the leading term runs from high to low in this reading.
    var descending: Bool { sort.terms[0].1 != reversed }
    /// The tie-breaking key and whether it runs from high to low (nil: the leading term is unique).
    var tieBreak: (String, Bool)? { sort.terms.count > 1 ? (sort.terms[1].0, sort.terms[1].1 != reversed) : nil }
    /// Rows without a value come after the others: by recency, customers who never bought come
    /// last in either direction of the list; otherwise a missing value is the smallest, as
    /// SQLite orders (and `SQLDialect.listOrder` asks of PostgreSQL).
    var nullsLast: Bool { sort == .recency ? !backward : descending }

    /// One index range of the order: a condition and its values.
    struct Run {
        var condition: String
        var args: [SQLValue] = []
    }

    /// The runs that, read in turn, give the rows after `edge` (nil: every row) in this order.
    func runs(after edge: CustomerListItem?, _ dialect: SQLDialect) -> [Run] {
        let (column, param) = dialect.keysetTerm(leading)
        let notNull = Run(condition: dialect.hasValue(column, text: sort.keysetText))
        let isNull = Run(condition: "\(column) IS NULL")
        guard let edge else {
            if tieBreak == nil || !sort.keysetNullable { return [Run(condition: "1 = 1")] }
            return nullsLast ? [notNull, isNull] : [isNull, notNull]
        }
        let value = sort.keysetValue(of: edge)
        let past = descending ? "<" : ">"
        guard let (key, keyDescending) = tieBreak else {
            return [Run(condition: "\(column) \(past) \(param)", args: [value])]
        }
        let afterKey = "\(key) \(keyDescending ? "<" : ">") ?"
        if value.isNull {
            let ties = Run(condition: "\(column) IS NULL AND \(afterKey)", args: [.int64(edge.key)])
            return nullsLast ? [ties] : [ties, notNull]
        }
        let ties = Run(condition: "\(column) = \(param) AND \(afterKey)", args: [value, .int64(edge.key)])
        let beyond = Run(condition: "\(column) \(past) \(param)", args: [value])
        return nullsLast && sort.keysetNullable ? [ties, beyond, isNull] : [ties, beyond]
    }
}

extension ListSort {
    /// Whether the leading column may hold no value (orders and spend are never null, nor ids).
    var keysetNullable: Bool { ![.orders, .spend, .id].contains(self) }
    /// Whether the leading column holds text.
    var keysetText: Bool { [.name, .id, .segment, .stage].contains(self) }

    /// The edge row's value of the sort's leading term, as the store holds it.
    func keysetValue(of row: CustomerListItem) -> SQLValue {
        switch self {
        case .name: .string(row.name)
        case .id: .string(row.externalId)
        case .segment: .string(row.segment)
        case .stage: .string(row.stage)
        case .recency: .int(row.recencyDays)
        case .orders: .int(row.orders)
        case .spend: .double(row.spend)
        case .clv: .double(row.clv)
        }
    }
}

extension SQLValue {
    var isNull: Bool {
        switch self {
        case .int64(let v): v == nil
        case .double(let v): v == nil
        case .string(let v): v == nil
        case .bool(let v): v == nil
        case .bytes(let v): v == nil
        case .int64List: false
        }
    }
}

extension SQLDialect {
    /// "Has a value" as a condition the column's index seeks to: SQLite scans for `IS NOT NULL`,
    /// but seeks to a range (every text is at least '', every number at least minus infinity).
    func hasValue(_ column: String, text: Bool) -> String {
        switch self {
        case .sqlite: text ? "\(column) >= ''" : "\(column) >= -9e999"
        case .postgres: "\(column) IS NOT NULL"
        }
    }

    /// A sort term as the list's index compares it, and its placeholder compared the same way
    /// (on PostgreSQL names fold and text compares in byte order, as `listOrder` sorts).
    func keysetTerm(_ term: String) -> (column: String, param: String) {
        switch (self, term) {
        case (.postgres, "c.name COLLATE NOCASE"): (nameKey, "lower(?)")
        case (.postgres, "c.external_id"), (.postgres, "m.rfm_segment"), (.postgres, "m.stage"):
            ("\(term) COLLATE \"C\"", "?")
        default: (term, "?")
        }
    }
}

extension ListSQL {
    /// A keyset page's statement: the page statement's columns and shape, the run's condition
    /// in the filter, `?` for the limit and the rows passed over.
    static func keysetPage(_ q: ListQuery, filter: ListFilter, total: Int?, order: KeysetOrder, dialect: SQLDialect)
        -> String
    {
        let columns = StoredRows.listColumns
        let sorted = dialect.listOrder(order.sort, reversed: order.reversed)
        let text = q.text.trimmingCharacters(in: .whitespaces)
        var from = Self.from(q)
        if dialect == .sqlite {
            // As `page`: few text matches are read and sorted; many are found along the sort's index.
            from =
                total.map { $0 <= fewMatches && text.count >= 3 } == true
                ? "customers c NOT INDEXED LEFT JOIN customer_metrics m NOT INDEXED ON m.customer_id = c.id"
                : Self.from(q, index: total != nil && !text.isEmpty ? q.sort.index : nil)
        }
        return "SELECT \(columns) FROM \(from) WHERE \(filter.sql) ORDER BY \(sorted) LIMIT ? OFFSET ?"
    }
}
