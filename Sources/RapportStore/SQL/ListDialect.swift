import Foundation
import RapportVocabulary

// The phrases of the customer list and the key look-up that differ between the databases.

extension SQLDialect {
    /// A customer's key by external id (PostgreSQL: through the key map, which is distributed by
    /// external id where the customers are distributed by key).
    var customerKeyByExternalId: String {
        switch self {
        case .sqlite: "SELECT id FROM customers WHERE external_id = ?"
        case .postgres: "SELECT customer_id FROM customer_keys WHERE external_id = ?"
        }
    }

    /// Customers `c` whose name, email or id contains `text` (three characters or more), through
    /// the trigram index, and the value bound to its `?`.
    func textMatch(_ text: String) -> (String, SQLValue) {
        switch self {
        case .sqlite:
            (
                "c.id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ?)",
                .string("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            )
        case .postgres:
            ("\(PostgresSchema.searchText("c")) LIKE ?", .string("%" + Self.likeEscaped(text.lowercased()) + "%"))
        }
    }

    /// The matches of `textMatch` alone, one row per customer, when the search index can list
    /// them without the customers table.
    var textMatchRows: String? {
        switch self {
        case .sqlite: "SELECT rowid FROM customers_search WHERE customers_search MATCH ?"
        case .postgres: nil
        }
    }

    /// A customer's name as the name index orders it, for comparisons with `folded` text.
    var nameKey: String {
        switch self {
        case .sqlite: "c.name COLLATE NOCASE"
        case .postgres: "lower(c.name) COLLATE \"C\""
        }
    }

    /// Text as `nameKey` compares it.
    func folded(_ text: String) -> String {
        switch self {
        case .sqlite: text
        case .postgres: text.lowercased()
        }
    }

    /// ORDER BY for a sort. On PostgreSQL in byte order, as SQLite compares (the server's locale
    /// would order names differently), and nulls placed as SQLite places them (smallest), so
    /// the indexes give the order.
    func listOrder(_ sort: ListSort, reversed: Bool) -> String {
        sort.terms.map { term, descending in
            let desc = descending != reversed
            guard self == .postgres else { return "\(term) \(desc ? "DESC" : "ASC")" }
            let expression =
                switch term {
                case "c.name COLLATE NOCASE": nameKey
                case "c.external_id", "m.rfm_segment", "m.stage": "\(term) COLLATE \"C\""
                default: term
                }
            // Keys are never null: their plain order is the indexes' (a NULLS clause that differs
            // from the index's, even on a column without nulls, makes the planner sort instead).
            if ["c.id", "m.customer_id", "c.external_id"].contains(term) {
                return "\(expression) \(desc ? "DESC" : "ASC")"
            }
            return "\(expression) \(desc ? "DESC NULLS LAST" : "ASC NULLS FIRST")"
        }.joined(separator: ", ")
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
