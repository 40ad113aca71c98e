import Foundation
import RapportPostgres

/// The PostgreSQL driver's side of the seam: a pooled connection, inside a transaction for writes.
struct PostgresDatabase: SQLDatabase {
    let connection: PGConnection
    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ args: [SQLValue]) throws -> Int {
        try connection.execute(Self.numbered(sql), args.map(\.postgresValue))
    }

    func rows(_ sql: String, _ args: [SQLValue]) throws -> [any SQLRow] {
        try connection.rows(Self.numbered(sql), args.map(\.postgresValue))
    }

    func forEachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        try connection.forEachRow(Self.numbered(sql), args.map(\.postgresValue)) { try body($0) }
    }

    /// `?` placeholders numbered `$1, $2 …` as PostgreSQL writes them; text inside quotes is left alone.
    static func numbered(_ sql: String) -> String {
        guard sql.utf8.contains(UInt8(ascii: "?")) else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

extension PGRow: SQLRow {}

extension SQLValue {
    var postgresValue: PGValue {
        switch self {
        case .int64(let v): .int64(v)
        case .double(let v): .double(v)
        case .string(let v): .string(v)
        case .bool(let v): .bool(v)
        case .bytes(let v): .bytes(v)
        case .int64List(let keys): .int64Array(keys)
        }
    }
}

extension PostgresStore: SQLTransactions {
    /// Each statement sees the data committed when it starts (no transaction around a read:
    /// one round trip less on every page).
    public func readSQL<T>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        try read { c in try body(PostgresDatabase(connection: c)) }
    }

    public func writeSQL<T>(_ intent: WriteIntent, _ body: (any SQLDatabase) throws -> T) throws -> T {
        switch intent {
        case .analyst:
            try write { c in try body(PostgresDatabase(connection: c)) }
        case .exclusive:
            try write(exclusive: true, announce: "customers") { c in try body(PostgresDatabase(connection: c)) }
        }
    }
}

extension PostgresStore {
    /// The key map is distributed by external id, so it has no foreign key to the customer.
    public func eraseDriverTraces(_ db: any SQLDatabase, customer key: Int64, now: Int64) throws {
        try db.execute("DELETE FROM customer_keys WHERE customer_id = ?", [.int64(key)])
    }

    /// The server owns the files: deleted rows stay in their pages until VACUUM reuses them, which
    /// the operator runs (docs/postgres.md says how an erasure is completed on PostgreSQL).
    public func scrubErasedData() throws {}
}
