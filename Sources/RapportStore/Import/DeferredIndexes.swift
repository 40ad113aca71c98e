import Foundation
import RapportVocabulary

// A large import writes its rows without the tables' secondary indexes and builds them after,
// in its own transaction: sorting the finished table once is what a database's own bulk load
// costs, where keeping every index in step costs a random B-tree write per row and index.
// Unique indexes stay: they decide which rows are new (ON CONFLICT), so the rows' identity
// is checked as before. An error anywhere rolls the drop back with the rows.

/// The secondary indexes an import dropped, with the statements that build them again.
struct DeferredIndexes {
    var definitions: [String] = []

    /// Whether an import of about `rows` rows into a table holding about `stored` rows writes
    /// faster without the indexes: an empty table, or a file that adds at least half again.
    static func worthDeferring(rows: Int, stored: Int64) -> Bool {
        rows > 0 && Int64(rows) * 2 >= stored
    }

    /// Drops the non-unique indexes of `tables`. On PostgreSQL only the tables' owner may drop
    /// them: for another role the indexes stay and the import keeps them row by row.
    static func drop(_ db: any SQLDatabase, tables: [String]) throws -> DeferredIndexes {
        var deferred = DeferredIndexes()
        for table in tables {
            let found: [(name: String, sql: String)]
            switch db.dialect {
            case .sqlite:
                found = try db.all(
                    """
                    SELECT name, sql FROM sqlite_master
                    WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
                    ORDER BY name
                    """, [.string(table)]
                ) { (try $0.string(0) ?? "", try $0.string(1) ?? "") }
            case .postgres:
                let owned = try db.int64(
                    """
                    SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?
                    AND pg_has_role(current_user, tableowner, 'USAGE')
                    """, [.string(table)])
                guard owned != nil else { continue }
                found = try db.all(
                    """
                    SELECT indexname::text, indexdef FROM pg_indexes
                    WHERE schemaname = current_schema() AND tablename = ? AND indexdef NOT LIKE 'CREATE UNIQUE%'
                    ORDER BY indexname
                    """, [.string(table)]
                ) { (try $0.string(0) ?? "", try $0.string(1) ?? "") }
            }
            for index in found where !index.name.isEmpty && !index.sql.isEmpty {
                try db.execute("DROP INDEX \(index.name)")
                deferred.definitions.append(onEveryPartition(index.sql))
            }
        }
        return deferred
    }

    /// PostgreSQL gives a partitioned table's index as `CREATE INDEX … ON ONLY t …`: run as it
    /// stands, that makes an empty, invalid index on the parent alone. Without ONLY it is built
    /// on every partition.
    static func onEveryPartition(_ definition: String) -> String {
        definition.replacingOccurrences(of: " ON ONLY ", with: " ON ")
    }

    /// Builds the dropped indexes again over the finished rows.
    func rebuild(_ db: any SQLDatabase) throws {
        for sql in definitions { try db.execute(sql) }
    }
}

/// How big a file is before it is read: its lines, counted at memchr speed.
enum ImportSize {
    static func lines(_ data: Data) -> Int {
        data.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return 0 }
            let end = p + raw.count
            var n = 0
            while p < end, let hit = memchr(p, 0x0A, end - p) {
                n += 1
                p = UnsafeRawPointer(hit) + 1
            }
            return n
        }
    }
}

extension DeferredIndexes {
    /// The tables a file of `kind` fills in bulk; the first is the one whose size decides.
    static func tables(for kind: ImportFileKind) -> [String] {
        switch kind {
        case .customers: ["customers", "stated_preferences"]
        case .events: ["events"]
        case .products, .notes, .accounts, .memberships: []
        }
    }

    /// Drops the indexes of the tables a file of `kind` fills when its `rows` are many next to
    /// what the store holds (the largest key stands for the count, which a whole index would cost).
    static func dropIfLarge(_ db: any SQLDatabase, kind: ImportFileKind, rows: Int) throws -> DeferredIndexes {
        let tables = tables(for: kind)
        guard let first = tables.first else { return DeferredIndexes() }
        let stored = try db.int64("SELECT COALESCE(MAX(id), 0) FROM \(first)") ?? 0
        guard worthDeferring(rows: rows, stored: stored) else { return DeferredIndexes() }
        return try drop(db, tables: tables)
    }
}
