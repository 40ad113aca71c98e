import Foundation

/// One schema step, applied once per database and recorded by name in `rapport_migrations`.
public struct PGMigration: Sendable, Equatable {
    public let name: String
    /// May hold several statements; runs in its own transaction (so no `CREATE INDEX CONCURRENTLY`).
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// The advisory lock key that serialises migrators across processes ("RAPPORT\0" in ASCII).
public let pgMigrationLockKey: Int64 = 0x5241_5050_4F52_5400

private let createMigrationsTable = """
    CREATE TABLE IF NOT EXISTS rapport_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
    )
    """

/// Applies, in order, each migration of `list` not yet recorded, each in its own transaction under a
/// transaction-scoped advisory lock, so two processes opening the same database never apply one twice.
/// Returns the names applied now.
@discardableResult
public func migrate(_ conn: PGConnection, _ list: [PGMigration]) throws -> [String] {
    var applied: [String] = []
    for migration in list {
        let didApply = try conn.transaction { c -> Bool in
            try c.execute("SELECT pg_advisory_xact_lock($1)", [.int64(pgMigrationLockKey)])
            try c.execute(createMigrationsTable)
            let done = try c.scalarInt64(
                "SELECT count(*) FROM rapport_migrations WHERE name = $1", [.string(migration.name)])
            if done ?? 0 > 0 { return false }
            try c.executeScript(migration.sql)
            try c.execute("INSERT INTO rapport_migrations (name) VALUES ($1)", [.string(migration.name)])
            return true
        }
        if didApply { applied.append(migration.name) }
    }
    return applied
}

/// The names in `list` not yet applied, without writing anything: a read-only open refuses a store that
/// needs migrating instead of migrating it.
public func pendingMigrations(_ conn: PGConnection, _ list: [PGMigration]) throws -> [String] {
    let exists = try conn.scalarString("SELECT to_regclass('rapport_migrations')::text")
    guard exists != nil else { return list.map(\.name) }
    let done = try conn.rows("SELECT name FROM rapport_migrations").compactMap { try $0.string(0) }
    let doneSet = Set(done)
    return list.map(\.name).filter { !doneSet.contains($0) }
}
