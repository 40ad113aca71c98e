import Foundation

// The seam between the store's domain code, written once, and the two SQL drivers (SQLite
// through GRDB, PostgreSQL through RapportPostgres). Domain code writes portable SQL with `?`
// placeholders and asks the dialect for the few phrases that differ; each driver adapts its
// connection to `SQLDatabase` and runs bodies in its own read and write transactions.

/// A value bound to a `?` placeholder. Each case carries its type, so a NULL still has one
/// (PostgreSQL needs it to plan `x = ?`).
public enum SQLValue: Sendable, Equatable {
    case int64(Int64?)
    case double(Double?)
    case string(String?)
    case bool(Bool?)
    case bytes([UInt8]?)
    /// A set of keys, bound where `SQLDialect.anyOf` put its placeholder.
    case int64List([Int64])

    public static func int(_ v: Int?) -> SQLValue { .int64(v.map(Int64.init)) }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// One result row, read by column position. Valid only inside the callback that received it.
public protocol SQLRow {
    func int64(_ i: Int) throws -> Int64?
    func double(_ i: Int) throws -> Double?
    func string(_ i: Int) throws -> String?
    func bool(_ i: Int) throws -> Bool?
    func bytes(_ i: Int) throws -> [UInt8]?
}

extension SQLRow {
    public func int(_ i: Int) throws -> Int? { try int64(i).map { Int($0) } }
}

/// What differs in the SQL the two databases accept.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// `column` is one of a set of keys bound with one placeholder (`.int64List`): any size,
    /// where `IN (?, ?, …)` stops at SQLite's limit of 32,766 parameters.
    public func anyOf(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) IN (SELECT value FROM json_each(?))"
        case .postgres: "\(column) = ANY(?)"
        }
    }

    /// A customer name compared case-insensitively in byte order, as the name index orders it.
    public var nameOrder: String {
        switch self {
        case .sqlite: "c.name COLLATE NOCASE"
        case .postgres: "lower(c.name) COLLATE \"C\" NULLS FIRST"
        }
    }

    /// The names of the store's own tables (not SQLite's virtual tables, such as the search index,
    /// nor their shadow tables: triggers keep those in step with the tables they index).
    public var dataTablesQuery: String {
        switch self {
        case .sqlite:
            """
            SELECT t.name FROM sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
            AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'
                AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND substr(t.name, 1, length(v.name)) = v.name)
            ORDER BY t.name
            """
        case .postgres: "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
    }

    /// One string field of a JSON object stored as text.
    public func jsonField(_ column: String, _ key: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(key)')"
        case .postgres: "(\(column)::jsonb ->> '\(key)')"
        }
    }
}

/// One connection inside a transaction the driver opened.
public protocol SQLDatabase {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns the rows it changed.
    @discardableResult func execute(_ sql: String, _ args: [SQLValue]) throws -> Int
    /// Every row of a query, in one round trip (a customer's rows, a page).
    func rows(_ sql: String, _ args: [SQLValue]) throws -> [any SQLRow]
    /// Streams the rows of a query to `body`, without holding them all (a whole table);
    /// throwing from `body` stops the scan.
    func forEachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
    /// Every row of a query, in one round trip, each handed to `body` while it is valid, without
    /// the rows copied first: what `all` builds its values from (a customer's 10,000 events).
    func eachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
    /// Writes many rows into one table at once, each driver its fastest way (SQLite: one
    /// prepared statement; PostgreSQL: COPY into a staging table merged into the table).
    func insertRows<Rows: Sequence>(_ insert: BulkInsert, _ rows: Rows) throws where Rows.Element == [SQLValue]
}

/// A bulk write into one table: a refresh's figures for every customer.
public struct BulkInsert: Sendable {
    public var table: String
    public var columns: [String]
    /// The unique column: a row replaces the stored row with the same value (nil: rows are only added).
    public var key: String?
    /// The table the first column's key must still be in: rows of keys gone meanwhile (a customer
    /// erased while a refresh computed) are left out, not an error.
    public var existingIn: String?
    /// The table was emptied for this write: SQLite drops its secondary indexes and builds them
    /// again after the rows, which is faster than keeping them up to date row by row.
    public var rebuildsIndexes: Bool

    public init(
        table: String, columns: [String], key: String? = nil, existingIn: String? = nil, rebuildsIndexes: Bool = false
    ) {
        self.table = table
        self.columns = columns
        self.key = key
        self.existingIn = existingIn
        self.rebuildsIndexes = rebuildsIndexes
    }
}

extension SQLDatabase {
    @discardableResult public func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    /// Every row, each turned into a value by `transform` while it is valid.
    public func all<T>(_ sql: String, _ args: [SQLValue] = [], _ transform: (any SQLRow) throws -> T) throws -> [T] {
        var values: [T] = []
        try eachRow(sql, args) { values.append(try transform($0)) }
        return values
    }

    /// The first row's value, if any row.
    public func first<T>(_ sql: String, _ args: [SQLValue] = [], _ transform: (any SQLRow) throws -> T) throws -> T? {
        try rows(sql, args).first.map(transform)
    }

    public func int64(_ sql: String, _ args: [SQLValue] = []) throws -> Int64? {
        try first(sql, args) { try $0.int64(0) } ?? nil
    }

    public func string(_ sql: String, _ args: [SQLValue] = []) throws -> String? {
        try first(sql, args) { try $0.string(0) } ?? nil
    }

    public func count(_ sql: String, _ args: [SQLValue] = []) throws -> Int { Int(try int64(sql, args) ?? 0) }
}

/// What a write transaction is for: the driver decides what that means for locks and for the
/// other sessions it tells.
public enum WriteIntent: Sendable {
    /// An analyst's change: runs beside other analysts' changes.
    case analyst
    /// A change no other write may interleave with (an erasure: an import running meanwhile
    /// must not add events for the customer being erased); customers come or go.
    case exclusive
}

/// The transactions a driver offers the domain code.
public protocol SQLTransactions {
    /// A read that sees one consistent state of the store.
    func readSQL<T>(_ body: (any SQLDatabase) throws -> T) throws -> T
    /// A write transaction: all of `body` or nothing.
    func writeSQL<T>(_ intent: WriteIntent, _ body: (any SQLDatabase) throws -> T) throws -> T
}
