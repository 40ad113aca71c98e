import Foundation

// A full refresh's figures written back by one set-based merge: the new rows go into a staging
// table in bulk (COPY on PostgreSQL), and the database compares them with the stored rows and
// writes only those that differ. Nothing stored is read back over the wire, no row is deleted to
// be inserted again, and on a distributed store (Citus) the staging table and the merge are
// co-located by customer. Same semantics as `writeChangedMetrics`'s comparison in the client.

extension StoreBackend {
    /// Merges a full refresh's metrics: rows whose figures (all but `updated_at`) differ from the
    /// stored ones are updated, rows of customers without stored metrics are added, and stored rows
    /// the refresh did not list (customers created since it started) are left alone. With `since`,
    /// customers changed after that mark are left out (as in `writeMetrics`), and so are customers
    /// erased meanwhile. Returns how many rows were written and the customers left out.
    @discardableResult
    public func mergeRefreshedMetrics(_ rows: [MetricsRecord], unlessChangedSince since: ChangeMark? = nil)
        throws -> (written: Int, skipped: Set<Int64>)
    {
        let (written, skip, dialect) = try writeSQL(.exclusive) { db in
            let skip = try since.map { try ChangedCustomers.since($0, db) } ?? []
            let merge = RefreshMerge(table: "customer_metrics", columns: MetricsRows.columns, unchanged: ["updated_at"])
            let written = try merge.run(db, rows.lazy.filter { !skip.contains($0.customerId) }.map(MetricsRows.values))
            return (written, skip, db.dialect)
        }
        if written >= BulkInsert.analyzeAfterRows { analyze("customer_metrics", dialect) }
        return (written, skip)
    }

    /// Merges a full refresh's activity rows as `mergeRefreshedMetrics` does its metrics (every
    /// column is compared). Returns how many rows were written.
    @discardableResult
    public func mergeRefreshedActivity(_ rows: [ActivityRow], unlessChangedSince since: ChangeMark? = nil) throws
        -> Int
    {
        let (written, dialect) = try writeSQL(.exclusive) { db in
            let skip = try since.map { try ChangedCustomers.since($0, db) } ?? []
            let merge = RefreshMerge(table: "customer_activity", columns: ActivityRows.columns, unchanged: [])
            let written = try merge.run(db, rows.lazy.filter { !skip.contains($0.customer) }.map(ActivityRows.values))
            return (written, db.dialect)
        }
        if written >= BulkInsert.analyzeAfterRows { analyze("customer_activity", dialect) }
        return written
    }
}

/// The activity columns and a row's values in their order.
enum ActivityRows {
    static let columns = ["customer_id", "rfm_segment", "clv_12m", "p_alive", "days"]

    static func values(_ r: ActivityRow) -> [SQLValue] {
        [.int64(r.customer), .int(r.segment), .double(r.clv12m), .double(r.pAlive), .bytes(r.bytes)]
    }
}

/// One table keyed by customer (its first column), merged from a staging table of new rows.
struct RefreshMerge {
    let table: String
    /// Key first.
    let columns: [String]
    /// Columns written with a changed row but not compared (a timestamp of the write).
    let unchanged: Set<String>

    var staged: String { "refresh_\(table)" }
    var key: String { columns[0] }

    /// Stages the rows, updates the stored rows that differ, adds the missing ones of existing
    /// customers, and drops the staging table. Returns the rows written.
    func run<Rows: Sequence>(_ db: any SQLDatabase, _ rows: Rows) throws -> Int where Rows.Element == [SQLValue] {
        try db.execute("DROP TABLE IF EXISTS \(staged)")
        try db.execute(Self.createStaging(staged, like: table, db.dialect))
        // No key and no table to check: the driver's plainest bulk write (COPY on PostgreSQL).
        try db.insertRows(BulkInsert(table: staged, columns: columns), rows)
        if db.dialect == .postgres { try db.execute("ANALYZE \(staged)") }
        let updated = try db.execute(updateChanged(db.dialect))
        let added = try db.execute(insertMissing)
        try db.execute("DROP TABLE \(staged)")
        return updated + added
    }

    /// A temporary table with the columns of `table` and no rows (PostgreSQL: gone at commit,
    /// also when the transaction fails).
    static func createStaging(_ name: String, like table: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: "CREATE TEMP TABLE \(name) AS SELECT * FROM \(table) WHERE 0"
        case .postgres: "CREATE TEMP TABLE \(name) (LIKE \(table)) ON COMMIT DROP"
        }
    }

    /// Rows that differ in a compared column, NULLs included (a figure that became n/a).
    func updateChanged(_ dialect: SQLDialect) -> String {
        let values = columns.dropFirst()
        let compared = values.filter { !unchanged.contains($0) }
        let distinct = dialect == .postgres ? "IS DISTINCT FROM" : "IS NOT"
        return """
            UPDATE \(table) AS t SET \(values.map { "\($0) = s.\($0)" }.joined(separator: ", "))
            FROM \(staged) AS s
            WHERE t.\(key) = s.\(key)
            AND (\(compared.map { "t.\($0)" }.joined(separator: ", "))) \(distinct) (\(compared.map { "s.\($0)" }.joined(separator: ", ")))
            """
    }

    /// Rows of customers that have none stored yet, unless the customer was erased meanwhile.
    var insertMissing: String {
        let list = columns.joined(separator: ", ")
        return """
            INSERT INTO \(table)(\(list)) SELECT \(columns.map { "s.\($0)" }.joined(separator: ", ")) FROM \(staged) AS s
            WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = s.\(key))
            AND NOT EXISTS (SELECT 1 FROM \(table) t WHERE t.\(key) = s.\(key))
            """
    }
}

extension StoreBackend {
    /// Whether a full refresh's rows are compared with the stored ones by the database (a merge)
    /// rather than read back and compared here: on PostgreSQL, where reading them back crosses the
    /// wire. SQLite reads them from the file as fast, and rewrites with its indexes dropped.
    var comparesOnServer: Bool {
        get throws { try readSQL { $0.dialect } == .postgres }
    }
}
