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

    /// One round trip for all the rows, then each handed over (`forEachRow` hops per batch).
    func eachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        for row in try connection.rows(Self.numbered(sql), args.map(\.postgresValue)) { try body(row) }
    }

    /// Staged, then merged: a row whose key is gone is dropped, and one whose key is stored
    /// replaces it. Without a key or a table to check, COPY writes straight into the table.
    func insertRows<Rows: Sequence>(_ insert: BulkInsert, _ rows: Rows) throws where Rows.Element == [SQLValue] {
        let text = rows.lazy.map { $0.map(\.copyText) }
        guard insert.key != nil || insert.existingIn != nil else {
            return try connection.copyIn(table: insert.table, columns: insert.columns, rows: text)
        }
        let staged = "staged_\(insert.table)"
        _ = try connection.execute("DROP TABLE IF EXISTS \(staged)")
        _ = try connection.execute("CREATE TEMP TABLE \(staged) (LIKE \(insert.table)) ON COMMIT DROP")
        try connection.copyIn(table: staged, columns: insert.columns, rows: text)
        let columns = insert.columns.joined(separator: ", ")
        let existing = insert.existingIn.map {
            " WHERE EXISTS (SELECT 1 FROM \($0) k WHERE k.id = s.\(insert.columns[0]))"
        }
        let conflict = insert.key.map { key in
            " ON CONFLICT (\(key)) DO UPDATE SET "
                + insert.columns.filter { $0 != key }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        }
        _ = try connection.execute(
            "INSERT INTO \(insert.table)(\(columns)) SELECT \(columns) FROM \(staged) s\(existing ?? "")\(conflict ?? "")"
        )
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
    /// The value in COPY's text form (nil: NULL).
    var copyText: String? {
        switch self {
        case .int64(let v): v.map(String.init)
        case .double(let v): v.map { String($0) }
        case .string(let v): v
        case .bool(let v): v.map { $0 ? "t" : "f" }
        case .bytes(let v): v.map(PostgresStore.byteaText)
        case .int64List(let keys): "{" + keys.map(String.init).joined(separator: ",") + "}"
        }
    }
}

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
