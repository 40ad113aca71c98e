import Foundation

// An events file into an empty events table on PostgreSQL loads like `psql \copy` into a bare
// table: every index goes, the primary key and the unique identities too, and all are built
// after the rows by one sort each. Nothing stored can conflict with a new row, and the file's
// own repeats are refused (event ids) or numbered apart (content) before the rows are written,
// so the unique indexes built after decide nothing an ON CONFLICT would have. An error rolls
// the drop back with the rows.

extension DeferredIndexes {
    /// Drops every index and the primary key of `table` when it holds no rows and the current
    /// role owns it; nil otherwise (the caller keeps its ON CONFLICT path).
    static func dropAllIfEmpty(_ db: any SQLDatabase, table: String) throws -> DeferredIndexes? {
        guard db.dialect == .postgres else { return nil }
        let owned = try db.int64(
            """
            SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?
            AND pg_has_role(current_user, tableowner, 'USAGE')
            """, [.string(table)])
        guard owned != nil, try db.int64("SELECT 1 FROM \(table) LIMIT 1") == nil else { return nil }
        var deferred = DeferredIndexes()
        // Constraints first (their indexes go with them), rebuilt first too: the key comes back
        // before the indexes that were made after it.
        let constraints = try db.all(
            """
            SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = ?::regclass AND contype IN ('p', 'u') ORDER BY conname
            """, [.string(table)]
        ) { (try $0.string(0) ?? "", try $0.string(1) ?? "") }
        for (name, definition) in constraints where !name.isEmpty && !definition.isEmpty {
            try db.execute("ALTER TABLE \(table) DROP CONSTRAINT \(name)")
            deferred.definitions.append("ALTER TABLE \(table) ADD CONSTRAINT \(name) \(definition)")
        }
        let indexes = try db.all(
            """
            SELECT indexname::text, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname
            """, [.string(table)]
        ) { (try $0.string(0) ?? "", try $0.string(1) ?? "") }
        for (name, definition) in indexes where !name.isEmpty && !definition.isEmpty {
            try db.execute("DROP INDEX \(name)")
            deferred.definitions.append(onEveryPartition(definition))
        }
        return deferred
    }
}
