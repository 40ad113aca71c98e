import Foundation
import GRDB
import RapportPostgres
import Testing
@testable import RapportStore

/// The two stores behind `StoreBackend`: SQLite always, PostgreSQL when `RAPPORT_TEST_POSTGRES`
/// names a server (`.ci/run` starts a throw-away one). A test of store behaviour takes one as its
/// argument (`@Test(arguments: Backend.available)`) and expects the same of each.
enum Backend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Backend] { serverURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }
    var testDescription: String { rawValue }
}

/// The test server's databases: one migrated template per test process, cloned for each test
/// (a clone costs a file copy; migrating a new database costs its hundred-odd partitions).
enum TestServer {
    static func location(of database: String) throws -> String {
        let base = try #require(Backend.serverURL)
        let url = try PostgresURL(base)
        return base.replacingOccurrences(of: "/\(url.database)", with: "/\(database)")
    }

    static func admin<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let url = try PostgresURL(try #require(Backend.serverURL))
        let c = try PGConnection.connect(url, password: url.password().password)
        defer { c.close() }
        return try body(c)
    }

    /// The migrated template, made on first use and dropped when the process exits.
    static let template: Result<String, any Error> = Result {
        let name = "rapport_tpl_" + UUID().uuidString.prefix(8).lowercased()
        try admin { c in _ = try c.execute("CREATE DATABASE \(name)") }
        templateName.withLock { $0 = name }
        atexit {
            guard let name = TestServer.templateName.withLock({ $0 }) else { return }
            _ = try? TestServer.admin { c in try c.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
        try PostgresStore(url: try location(of: name)).closeStore()
        return name
    }
    static let templateName = Locked<String?>(nil)

    /// A new database with the store's schema; returns its name.
    static func makeDatabase() throws -> String {
        let template = try template.get()
        let name = "rapport_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try admin { c in _ = try c.execute("CREATE DATABASE \(name) TEMPLATE \(template)") }
        return name
    }

    static func dropDatabase(_ name: String) {
        _ = try? admin { c in try c.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
}

/// A lock around a value, for the few statics the tests share.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }
}

/// A fresh store per test (a SQLite file in a new directory, or a new database on the test
/// server) and a directory for the files it imports, all removed afterwards.
final class TempStore {
    let backend: Backend
    let dir: URL
    /// The SQLite file's path, or the PostgreSQL database's URL.
    let location: String
    private let database: String?
    private(set) var store: any StoreBackend
    let actor = Actor(analyst: "tester", now: 1_790_000_000)

    init(_ backend: Backend = .sqlite) throws {
        self.backend = backend
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            switch backend {
            case .sqlite:
                database = nil
                location = dir.appendingPathComponent("store.sqlite").path
                store = try ProfileStore(path: location)
            case .postgres:
                let name = try TestServer.makeDatabase()
                database = name
                location = try TestServer.location(of: name)
                do {
                    store = try PostgresStore(url: location)
                } catch {
                    TestServer.dropDatabase(name)
                    throw error
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    deinit {
        try? store.closeStore()
        if let database { TestServer.dropDatabase(database) }
        try? FileManager.default.removeItem(at: dir)
    }

    /// Another handle on the same store.
    func open(readOnly: Bool = false) throws -> any StoreBackend {
        switch backend {
        case .sqlite: try ProfileStore(path: location, readOnly: readOnly)
        case .postgres: try PostgresStore(url: location, readOnly: readOnly)
        }
    }

    /// The SQLite store, for the tests that are about SQLite itself.
    var sqlite: ProfileStore {
        get throws { try #require(store as? ProfileStore, "a SQLite-only test on \(backend)") }
    }

    /// Writes `text` to a file in the test directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func importFile(_ path: String, rejects: String? = nil) throws -> ImportSummary {
        try store.importFile(
            path,
            options: ImportOptions(
                rejectsPath: rejects, analyst: "tester", now: actor.now, keepColumns: ["loyalty_tier"]))
    }

    /// The SQLite file's bytes after folding the WAL into it.
    func fileBytes() throws -> Data {
        _ = try (try sqlite).pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        return try Data(contentsOf: URL(fileURLWithPath: location))
    }

    // MARK: Raw SQL, the same statement on either store

    /// The first column of each row of `sql` (a text column, or cast to one).
    func texts(_ sql: String) throws -> [String?] {
        switch store {
        case let s as ProfileStore:
            return try s.pool.read { db in try String?.fetchAll(db, sql: sql) }
        case let s as PostgresStore:
            return try s.read { c in try c.rows(sql).map { try $0.string(0) } }
        default:
            throw StoreError.invalidArgument("unknown store \(type(of: store))")
        }
    }

    func count(_ table: String) throws -> Int {
        Int((try texts("SELECT CAST(COUNT(*) AS TEXT) FROM \(table)").first ?? nil) ?? "") ?? -1
    }

    /// Every table of the store (on PostgreSQL a partitioned table once, not its partitions).
    func tables() throws -> [String] {
        try texts(
            backend == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                : """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1
                """
        ).compactMap { $0 }
    }

    /// How many rows each table holds, in one statement.
    func rowCounts() throws -> [String: Int] {
        let tables = try tables()
        let sql =
            "SELECT " + tables.map { "CAST((SELECT COUNT(*) FROM \($0)) AS TEXT)" }.joined(separator: " || ',' || ")
        let counts = (try texts(sql).first ?? nil)?.split(separator: ",").map { Int($0) ?? -1 } ?? []
        return Dictionary(uniqueKeysWithValues: zip(tables, counts))
    }

    /// Everything the store holds, to compare before and after: SQLite's file (the WAL folded
    /// in), PostgreSQL's rows (a digest of each table's rows in a fixed order).
    func contents() throws -> Data {
        guard backend == .postgres else { return try fileBytes() }
        var digests: [String] = []
        for table in try tables() {
            let digest = try texts(
                "SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \(table) t")
            digests.append("\(table):\(digest.first.flatMap { $0 } ?? "")")
        }
        return Data(digests.joined(separator: "\n").utf8)
    }

    /// How many rows of each table belong to customer `key` (the audit log and the action log,
    /// which keep their entries under an erased reference and without details, aside); tables
    /// without any are left out.
    func rowsByCustomer(_ key: Int64) throws -> [String: Int] {
        var rows: [String: Int] = [:]
        for table in try tables() where table != "audit_log" && table != "action_log" {
            let columns = try texts(
                backend == .sqlite
                    ? "SELECT name FROM pragma_table_info('\(table)')"
                    : """
                    SELECT column_name::text FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = '\(table)'
                    """
            ).compactMap { $0 }
            let column = table == "customers" ? "id" : "customer_id"
            guard columns.contains(column) else { continue }
            let n = try count("\(table) WHERE \(column) = \(key)")
            if n > 0 { rows[table] = n }
        }
        return rows
    }

    /// The tables with a row that holds `text` in any of its columns.
    func tablesMentioning(_ text: String) throws -> [String] {
        let quoted = "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        var found: [String] = []
        for table in try tables() {
            let condition: String
            if backend == .postgres {
                condition = "strpos(t::text, \(quoted)) > 0"
            } else {
                let columns = try texts("SELECT name FROM pragma_table_info('\(table)')").compactMap { $0 }
                guard !columns.isEmpty else { continue }
                condition = columns.map { "instr(CAST(\"\($0)\" AS TEXT), \(quoted)) > 0" }.joined(separator: " OR ")
            }
            if try count("\(table) t WHERE \(condition)") > 0 { found.append(table) }
        }
        return found
    }

    static let customersCSV = """
        customer_id,name,email,consent_personalization,consent_email,likes,dislikes,loyalty_tier
        C1,Zoë Müller,zoe@example.com,true,false,Music/Jazz;brand:Bean & Co,Music/Rock,gold
        C2,山田 太郎,taro@example.com,false,,,,
        """
    static let productsCSV = """
        product_id,title,category,brand,price,replenish_days
        P1,Ethiopian Yirgacheffe,Coffee,Bean & Co,12.50,30
        P2,Wooden Train,Toys,Tiny Giants,35,
        """
    static let eventsCSV = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel,gift
        E1,C1,2026-01-05,purchase,P1,1,12.50,web,
        E2,C1,2026-01-05T10:00:00Z,view,P2,1,0,app,
        E3,C1,2026-01-06T10:00:00+01:00,purchase,P2,1,35,web,true
        E4,C2,1767225600,view,P1,1,0,email,
        E5,C3,2026-02-01,purchase,,1,20,store,
        """
}
