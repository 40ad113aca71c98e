import Foundation
import RapportPostgres

/// The roles a team store needs, made by the program rather than pasted from the docs:
/// `rapport admin init-roles` (issue 20).
public struct PostgresRoles: Sendable {
    /// Owns the tables and runs the migrations (first import or copy, upgrades).
    public var owner: String
    /// Group role of the analysts: read, act (audited), add to the audit log.
    public var analyst: String
    /// Group role of the readers: read only (`--read-only`).
    public var reader: String

    public init(owner: String = "rapport_owner", analyst: String = "rapport_analyst", reader: String = "rapport_reader")
    {
        self.owner = owner
        self.analyst = analyst
        self.reader = reader
    }

    /// Creates the three roles where missing (the owner may log in; the other two are groups
    /// that analysts' and readers' own login roles join), grants them the database and schema,
    /// grants on the tables that exist and, through default privileges of the owner, on every
    /// table and sequence later migrations add. Analysts may not update, delete or truncate the
    /// audit log (a trigger enforces it too). Run by a role that may create roles and grant on
    /// the database (a superuser, or the database owner with CREATEROLE). Returns the statements run.
    public func apply(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [String]
    {
        let url: PostgresURL
        do {
            url = try PostgresURL(text, environment: environment)
        } catch {
            throw StoreError.cannotOpen(path: "(postgres url)", reason: "\(error)")
        }
        let o = try PGConnection.quoteIdentifier(owner)
        let a = try PGConnection.quoteIdentifier(analyst)
        let r = try PGConnection.quoteIdentifier(reader)
        let db = try PGConnection.quoteIdentifier(url.database)
        var done: [String] = []
        do {
            let c = try PGConnection.connect(url, password: url.password(environment: environment).password)
            defer { c.close() }
            try c.transaction { c in
                func run(_ sql: String) throws {
                    _ = try c.execute(sql)
                    done.append(sql)
                }
                for (name, login) in [(owner, true), (analyst, false), (reader, false)] {
                    let exists = try c.scalarInt64("SELECT count(*) FROM pg_roles WHERE rolname = $1", [.string(name)])
                    if exists ?? 0 == 0 {
                        try run("CREATE ROLE \(try PGConnection.quoteIdentifier(name)) \(login ? "LOGIN" : "NOLOGIN")")
                    }
                }
                try run("GRANT CONNECT, TEMPORARY, CREATE ON DATABASE \(db) TO \(o)")
                try run("GRANT USAGE, CREATE ON SCHEMA public TO \(o)")
                try run("GRANT CONNECT, TEMPORARY ON DATABASE \(db) TO \(a)")
                try run("GRANT CONNECT ON DATABASE \(db) TO \(r)")
                try run("GRANT USAGE ON SCHEMA public TO \(a), \(r)")
                try run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(a)")
                try run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(a)")
                try run("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(r)")
                try run(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA public "
                        + "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(a)")
                try run(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO \(a)")
                try run("ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA public GRANT SELECT ON TABLES TO \(r)")
                if try c.scalarString("SELECT to_regclass('audit_log')::text") != nil {
                    // The log exists already: only additions (the v7 migration does this for a log made later).
                    try run("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM \(a)")
                    try run("GRANT UPDATE (customer_ref, details) ON audit_log TO \(a)")
                }
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.database(PGError.friendly(error) ?? "\(error)")
        }
        return done
    }
}
