/// Stores loaded by a large import before the fix of `DeferredIndexes.onEveryPartition` hold
/// the dropped indexes as PostgreSQL listed them, `CREATE INDEX … ON ONLY events …`: an empty,
/// invalid index on the partitioned parent that no query can use. This migration builds each
/// invalid index of the store again on every partition. On a store without one it does nothing;
/// SQLite has no such state (its migration of the same name is empty).
enum ValidIndexesRepair {
    static let name = "v16-valid-indexes"

    static let postgres = """
        DO $repair$
        DECLARE r record;
        BEGIN
            FOR r IN
                SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
                FROM pg_index x
                JOIN pg_class c ON c.oid = x.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND NOT x.indisvalid
                ORDER BY c.relname
            LOOP
                EXECUTE format('DROP INDEX %I', r.name);
                EXECUTE replace(r.definition, ' ON ONLY ', ' ON ');
            END LOOP;
        END
        $repair$;
        """
}
