import Foundation
import GRDB

/// The SQLite driver's side of the seam: a GRDB `Database` inside one of the pool's transactions.
struct SQLiteDatabase: SQLDatabase {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ args: [SQLValue]) throws -> Int {
        try db.execute(sql: sql, arguments: Self.arguments(args))
        return db.changesCount
    }

    func rows(_ sql: String, _ args: [SQLValue]) throws -> [any SQLRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.arguments(args)).map { SQLiteRow(row: $0) }
    }

    /// Each row read from the statement as it steps (`SQLiteStatementRow`): the cursor reuses one
    /// row, and the cells are read where SQLite holds them.
    func forEachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(args))
        let row = SQLiteStatementRow(statement: statement.sqliteStatement)
        while try cursor.next() != nil { try body(row) }
    }

    /// SQLite has no round trip to save: the same stepping as `forEachRow`.
    func eachRow(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        try forEachRow(sql, args, body)
    }

    func insertRows<Rows: Sequence>(_ insert: BulkInsert, _ rows: Rows) throws where Rows.Element == [SQLValue] {
        let marks = insert.columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
        let into =
            "\(insert.key == nil ? "INSERT" : "INSERT OR REPLACE") INTO \(insert.table)(\(insert.columns.joined(separator: ", ")))"
        let sql =
            insert.existingIn.map { "\(into) SELECT \(marks) WHERE EXISTS (SELECT 1 FROM \($0) WHERE id = ?1)" }
            ?? "\(into) VALUES (\(marks))"
        var indexes: [String] = []
        if insert.rebuildsIndexes {
            let found = try Row.fetchAll(
                db,
                sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                arguments: [insert.table])
            for index in found {
                try db.execute(sql: "DROP INDEX \(index["name"] as String)")
                indexes.append(index["sql"])
            }
        }
        let statement = try RawStatement(db, sql)
        for row in rows {
            for (i, value) in row.enumerated() { statement.bind(Int32(i + 1), value) }
            try statement.run()
        }
        for index in indexes { try db.execute(sql: index) }
    }

    static func arguments(_ args: [SQLValue]) -> StatementArguments {
        StatementArguments(args.map(\.sqliteValue))
    }
}

struct SQLiteRow: SQLRow {
    let row: Row
    func int64(_ i: Int) throws -> Int64? { row[i] }
    func double(_ i: Int) throws -> Double? { row[i] }
    func string(_ i: Int) throws -> String? { row[i] }
    func bool(_ i: Int) throws -> Bool? { row[i] }
    /// A blob's bytes, or a text's UTF-8 (older stores kept model state as text).
    func bytes(_ i: Int) throws -> [UInt8]? {
        switch (row[i] as DatabaseValue).storage {
        case .blob(let data): [UInt8](data)
        case .string(let text): Array(text.utf8)
        case .null: nil
        case .int64(let n): Array(String(n).utf8)
        case .double(let d): Array(String(d).utf8)
        }
    }
}

extension SQLValue {
    var sqliteValue: DatabaseValue {
        switch self {
        case .int64(let v): v.databaseValue
        case .double(let v): v.databaseValue
        case .string(let v): v.databaseValue
        case .bool(let v): v.databaseValue
        case .bytes(let v): v.map { Data($0) }.databaseValue
        // One JSON array for `json_each`.
        case .int64List(let keys): ("[" + keys.map(String.init).joined(separator: ",") + "]").databaseValue
        }
    }
}

extension RawStatement {
    func bind(_ i: Int32, _ value: SQLValue) {
        switch value {
        case .int64(let v): bind(i, v)
        case .double(let v): bind(i, v)
        case .string(let v): bind(i, v)
        case .bool(let v): bind(i, v)
        case .bytes(let v):
            if let v { bind(i, v) } else { bind(i, nil as Int64?) }
        case .int64List(let keys): bind(i, "[" + keys.map(String.init).joined(separator: ",") + "]")
        }
    }
}

extension ProfileStore: SQLTransactions {
    public func readSQL<T>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteDatabase(db: db)) }
    }

    /// SQLite has one writer at a time: every intent is exclusive already.
    public func writeSQL<T>(_ intent: WriteIntent, _ body: (any SQLDatabase) throws -> T) throws -> T {
        try requireWritable()
        return try pool.write { db in try body(SQLiteDatabase(db: db)) }
    }
}

extension ProfileStore {
    /// The trigram index keeps deleted entries until its segments merge: merge now. A marker
    /// committed with the deletion makes the next open finish the scrub if it is interrupted.
    public func eraseDriverTraces(_ db: any SQLDatabase, customer key: Int64, now: Int64) throws {
        // Taken before the marker commits: another process opening the store right after the
        // commit sees an erasure under way, not an interrupted one.
        heldErasureLock.acquire(storePath: path)
        try db.execute("INSERT INTO customers_search(customers_search) VALUES ('optimize')")
        try db.execute(
            """
            INSERT INTO pending_erasures(customer_id, started_at) VALUES (?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET started_at = excluded.started_at
            """, [.int64(key), .int64(now)])
    }

    /// Vacuums the file and truncates the WAL, so nothing of the erased customer stays on disk.
    public func scrubErasedData() throws { try completePendingErasures() }
}

extension ProfileStore {
    /// A number that changes whenever anything is written to the store by anyone: every
    /// write is audited, and refreshes stamp the model state. Cheap enough to poll.
    public func writeStamp() throws -> String {
        try pool.read { db in
            let audit = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM audit_log") ?? 0
            let model = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(updated_at), 0) FROM model_state") ?? 0
            let events = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0
            return "\(audit)/\(model)/\(events)"
        }
    }

    /// Nothing is kept: the reads run again in-process (no round trip), and a history joins its
    /// products (one primary-key look-up per event).
    public func keptUntilChange<T>(_ scope: ChangeScope, _ read: () throws -> T) throws -> T? { nil }
}
