import Foundation
import Testing

@testable import RapportPostgres

/// The server under test, from RAPPORT_TEST_POSTGRES (e.g. the URL printed by scripts/pg-test-cluster.sh).
private let serverURL = ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES"].flatMap {
    $0.isEmpty ? nil : $0
}

/// Each test works in its own schema so tests can run in parallel and leave nothing behind.
private final class Scratch {
    let url: PostgresURL
    let password: String?
    let schema: String
    let conn: PGConnection

    init() throws {
        url = try PostgresURL(serverURL!)
        password = url.password().password
        schema = "rapport_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        conn = try PGConnection.connect(url, password: password)
        try conn.execute("CREATE SCHEMA \(schema)")
        try conn.execute("SET search_path TO \(schema)")
    }

    /// Another connection on the same schema.
    func connect() throws -> PGConnection {
        let c = try PGConnection.connect(url, password: password)
        try c.execute("SET search_path TO \(schema)")
        return c
    }

    deinit {
        _ = try? conn.execute("DROP SCHEMA \(schema) CASCADE")
        conn.close()
    }
}

@Suite(.enabled(if: serverURL != nil, "set RAPPORT_TEST_POSTGRES to a PostgreSQL URL"))
struct PGServerTests {
    @Test func roundTripsEveryValueType() throws {
        let s = try Scratch()
        try s.conn.execute(
            """
            CREATE TABLE t (i int8, d float8, s text, b bool, y bytea, ia int8[], sa text[])
            """)
        let bytes: [UInt8] = [0, 1, 2, 255, 10, 92]
        let n = try s.conn.execute(
            "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7), ($8, $9, $10, $11, $12, $13, $14)",
            [
                .int64(Int64.min), .double(-1.5e300), .string("héllo\t'\"\\\n"), .bool(true), .bytes(bytes),
                .int64Array([1, -2, Int64.max]), .stringArray(["a", "", "ünï,{}\""]),
                .int64(nil), .double(nil), .string(nil), .bool(nil), .bytes(nil), .int64Array(nil),
                .stringArray(nil)
            ])
        #expect(n == 2)
        let rows = try s.conn.rows("SELECT * FROM t ORDER BY i NULLS LAST")
        #expect(rows.count == 2)
        let r = rows[0]
        #expect(try r.int64(0) == Int64.min)
        #expect(try r.double(1) == -1.5e300)
        #expect(try r.string(2) == "héllo\t'\"\\\n")
        #expect(try r.bool(3) == true)
        #expect(try r.bytes(4) == bytes)
        #expect(try r.int64Array(5) == [1, -2, Int64.max])
        #expect(try r.stringArray(6) == ["a", "", "ünï,{}\""])
        #expect(r.columnName(2) == "s")
        let nulls = rows[1]
        for i in 0..<7 { #expect(nulls.isNull(i)) }
        #expect(try nulls.int64(0) == nil)
        #expect(try nulls.string(2) == nil)
        #expect(try nulls.bytes(4) == nil)
        // Int, Data and literal conveniences; an untyped NULL.
        #expect(try s.conn.scalarInt64("SELECT $1::int8 + 1", [.int(41)]) == 42)
        #expect(try s.conn.rows("SELECT $1::bytea", [.data(Data([7, 8]))])[0].bytes(0) == [7, 8])
        #expect(try s.conn.scalarString("SELECT $1 || $2", ["a", "b"]) == "ab")
        #expect(try s.conn.rows("SELECT $1::text IS NULL", [nil])[0].bool(0) == true)
        // A type that does not fit is an error, not nil.
        #expect(throws: PGError.self) { try s.conn.rows("SELECT 'x'::text")[0].int64(0) }
    }

    @Test func tolerantNumericDecoding() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE n (v int4)")
        try s.conn.execute("INSERT INTO n SELECT g FROM generate_series(1, 100) g")
        // COUNT(*) is int8, SUM(int4) is int8, SUM(int8) is numeric, AVG is numeric.
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM n") == 100)
        #expect(try s.conn.scalarInt64("SELECT sum(v::int8) FROM n") == 5050)
        #expect(try s.conn.scalarDouble("SELECT sum(v::int8) FROM n") == 5050)
        #expect(try s.conn.scalarDouble("SELECT avg(v) FROM n") == 50.5)
        #expect(try s.conn.rows("SELECT v FROM n WHERE v = 7")[0].int(0) == 7)
        #expect(try s.conn.scalarDouble("SELECT 3::int2") == 3)
        #expect(try s.conn.scalarDouble("SELECT 1.25::float4") == 1.25)
        #expect(try s.conn.scalarInt64("SELECT sum(v) FROM n WHERE false") == nil)
        #expect(throws: PGError.self) { try s.conn.scalarInt64("SELECT 1.5::numeric") }
    }

    @Test func arraysWithAny() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE c (id int8 PRIMARY KEY, name text)")
        try s.conn.execute("INSERT INTO c SELECT g, 'n' || g FROM generate_series(1, 50) g")
        let ids = try s.conn.rows("SELECT id FROM c WHERE id = ANY($1) ORDER BY id", [.int64Array([3, 9, 99, 27])])
            .map { try $0.int64(0) }
        #expect(ids == [3, 9, 27])
        let names = try s.conn.rows(
            "SELECT id FROM c WHERE name = ANY($1) ORDER BY id", [.stringArray(["n5", "n6", "zz"])]
        ).map { try $0.int64(0) }
        #expect(names == [5, 6])
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM c WHERE id = ANY($1)", [.int64Array([])]) == 0)
    }

    @Test func streamingScan() throws {
        let s = try Scratch()
        var sum: Int64 = 0
        var count = 0
        try s.conn.forEachRow("SELECT g FROM generate_series(1, $1::int8) g", [.int64(5000)]) { row in
            sum += try row.int64(0) ?? 0
            count += 1
        }
        #expect(count == 5000)
        #expect(sum == 5000 * 5001 / 2)
        // Stopping early leaves the connection usable.
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try s.conn.forEachRow("SELECT g FROM generate_series(1, 100000) g") { _ in
                seen += 1
                if seen == 10 { throw Stop() }
            }
        }
        #expect(try s.conn.scalarInt64("SELECT 1") == 1)
    }

    @Test func transactionRollsBackOnThrow() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE t (v int8)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try s.conn.transaction { c in
                try c.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM t") == 0)
        let v = try s.conn.transaction(isolation: .repeatableRead) { c -> Int64? in
            try c.execute("INSERT INTO t VALUES (2)")
            return try c.scalarInt64("SELECT sum(v) FROM t")
        }
        #expect(v == 2)
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM t") == 1)
        // Read-only transactions refuse writes with a friendly line.
        do {
            try s.conn.transaction(readOnly: true) { c in try c.execute("INSERT INTO t VALUES (3)") }
            Issue.record("read-only transaction wrote")
        } catch {
            #expect(PGError.sqlState(of: error) == "25006")
        }
        // A swallowed statement error turns COMMIT into ROLLBACK: reported, not silently lost.
        #expect(throws: PGError.transactionAborted) {
            try s.conn.transaction { c in
                try c.execute("INSERT INTO t VALUES (4)")
                _ = try? c.execute("SELECT 1/0")
            }
        }
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM t") == 1)
        #expect(throws: PGError.nestedTransaction) {
            try s.conn.transaction { c in try c.transaction { _ in } }
        }
    }

    @Test func serializationFailureIsRetried() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE counter (id int PRIMARY KEY, v int8)")
        try s.conn.execute("INSERT INTO counter VALUES (1, 0)")
        let a = try s.connect()
        let b = try s.connect()
        defer {
            a.close()
            b.close()
        }
        // A reads, then B commits an increment, then A writes: A's first attempt must fail with 40001.
        let bDone = DispatchSemaphore(value: 0)
        let aRead = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var attempts = 0
        nonisolated(unsafe) var bError: (any Error)?
        let thread = Thread {
            aRead.wait()
            do {
                try b.transaction(isolation: .serializable) { c in
                    try c.execute("UPDATE counter SET v = v + 1 WHERE id = 1")
                }
            } catch {
                bError = error
            }
            bDone.signal()
        }
        thread.start()
        try a.transactionRetrying { c in
            attempts += 1
            let v = try c.scalarInt64("SELECT v FROM counter WHERE id = 1") ?? 0
            if attempts == 1 {
                aRead.signal()
                bDone.wait()
            }
            try c.execute("UPDATE counter SET v = $1 WHERE id = 1", [.int64(v + 1)])
        }
        #expect(bError == nil)
        #expect(attempts == 2)
        #expect(try s.conn.scalarInt64("SELECT v FROM counter WHERE id = 1") == 2)

        // Without retrying, the conflict surfaces as a friendly line.
        do {
            try a.transaction(isolation: .serializable) { c in
                _ = try c.scalarInt64("SELECT v FROM counter WHERE id = 1")
                try b.execute("UPDATE counter SET v = v + 1 WHERE id = 1")
                try c.execute("UPDATE counter SET v = 0 WHERE id = 1")
            }
            Issue.record("expected a serialization failure")
        } catch {
            #expect(PGError.isRetryable(error))
            #expect(
                PGError.friendly(error) == "the change conflicts with a concurrent one; nothing was changed, try again")
        }
    }

    @Test func copyInNastyStrings() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE people (id int8, name text, note text)")
        let nasty: [[String?]] = [
            ["1", "tab\there", "new\nline"],
            ["2", "back\\slash \\N", "cr\r\nlf"],
            ["3", "ünïcødé 🎉 日本", nil],
            ["4", "", "\\."],
            ["5", nil, "end\\"]
        ]
        try s.conn.copyIn(table: "people", columns: ["id", "name", "note"], rows: nasty)
        let back = try s.conn.rows("SELECT id, name, note FROM people ORDER BY id").map {
            [try $0.int64(0).map { String($0) }, try $0.string(1), try $0.string(2)]
        }
        #expect(back == nasty)
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM people WHERE name = ''") == 1)
    }

    @Test func copyInStreamsManyChunks() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE big (id int8, payload text)")
        let payload = String(repeating: "x", count: 100)
        try s.conn.copyIn(table: "big", columns: ["id", "payload"]) { emit in
            for i in 0..<20_000 { try emit([String(i), payload]) }
        }
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM big") == 20_000)
        #expect(try s.conn.scalarInt64("SELECT sum(id) FROM big") == 19_999 * 20_000 / 2)

        // A bad row fails the whole COPY with the server's error, and the connection stays usable.
        #expect(throws: (any Error).self) {
            try s.conn.copyIn(table: "big", columns: ["id", "payload"], rows: [["1", "a"], ["notanumber", "b"]])
        }
        // A producer error aborts it too.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try s.conn.copyIn(table: "big", columns: ["id", "payload"]) { emit in
                for i in 0..<10_000 { try emit([String(i), payload]) }
                throw Stop()
            }
        }
        #expect(throws: PGError.copyRowWidth(expected: 2, got: 1)) {
            try s.conn.copyIn(table: "big", columns: ["id", "payload"], rows: [["1"]])
        }
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM big") == 20_000)
    }

    @Test func listenNotify() throws {
        let s = try Scratch()
        let listener = try s.connect()
        defer { listener.close() }
        let received = Received()
        let channel = "rapport_\(s.schema)"
        try listener.listen(channel: channel) { payload in received.append(payload) }
        try s.conn.notify(channel: channel, payload: "hello")
        try s.conn.notify(channel: channel, payload: "wörld")
        let deadline = Date().addingTimeInterval(10)
        // The listener is idle: delivery must not depend on it running a query.
        while received.values.count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(received.values == ["hello", "wörld"])
    }

    @Test func migrationsApplyOnceAndAreIdempotent() throws {
        let s = try Scratch()
        let tableA = "\(s.schema).mig_a"
        let list = [
            PGMigration(
                name: "\(s.schema)-v1", sql: "CREATE TABLE \(tableA) (id int8); INSERT INTO \(tableA) VALUES (1);"),
            PGMigration(
                name: "\(s.schema)-v2",
                sql: """
                    ALTER TABLE \(tableA) ADD COLUMN label text DEFAULT 'x';
                    CREATE FUNCTION \(s.schema).one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
                    """)
        ]
        let names = list.map(\.name)
        #expect(try pendingMigrations(s.conn, list) == names)
        #expect(try migrate(s.conn, Array(list.prefix(1))) == [names[0]])
        #expect(try pendingMigrations(s.conn, list) == [names[1]])
        #expect(try migrate(s.conn, list) == [names[1]])
        #expect(try migrate(s.conn, list) == [])
        #expect(try pendingMigrations(s.conn, list) == [])
        #expect(try s.conn.scalarInt64("SELECT count(*) FROM \(tableA)") == 1)
        #expect(try s.conn.scalarString("SELECT label FROM \(tableA)") == "x")
        // A failing migration leaves nothing half-applied.
        let bad = list + [PGMigration(name: "\(s.schema)-v3", sql: "CREATE TABLE \(s.schema).x (a int); SELECT 1/0;")]
        #expect(throws: (any Error).self) { try migrate(s.conn, bad) }
        #expect(try pendingMigrations(s.conn, bad) == ["\(s.schema)-v3"])
        #expect(try s.conn.scalarString("SELECT to_regclass('\(s.schema).x')::text") == nil)
        try s.conn.execute("DELETE FROM rapport_migrations WHERE name LIKE $1", [.string("\(s.schema)-%")])
    }

    @Test func friendlyUniqueViolationAndSQLState() throws {
        let s = try Scratch()
        try s.conn.execute("CREATE TABLE u (email text CONSTRAINT u_email_key UNIQUE)")
        try s.conn.execute("INSERT INTO u VALUES ('a@example.com')")
        do {
            try s.conn.execute("INSERT INTO u VALUES ($1)", ["a@example.com"])
            Issue.record("expected a unique violation")
        } catch {
            #expect(PGError.sqlState(of: error) == "23505")
            let line = try #require(PGError.friendly(error))
            #expect(line == "that value already exists (u_email_key); nothing was changed")
            #expect(!line.contains("\n"))
        }
        #expect(PGError.friendly(CocoaError(.fileNoSuchFile)) == nil)
    }

    @Test func connectionErrorsAreFriendly() throws {
        let url = try PostgresURL(serverURL!)
        let missing = try PostgresURL("postgres://nobody@/x?host=/nonexistent-rapport-dir")
        do {
            _ = try PGConnection.connect(missing, password: "s3cret-pw")
            Issue.record("connected to nowhere")
        } catch {
            let line = try #require(PGError.friendly(error))
            #expect(line.hasPrefix("cannot reach the PostgreSQL server at postgres://nobody@/x?host=%2Fnonexistent"))
            #expect(!line.contains("s3cret"))
        }
        var noDB = url
        noDB.database = "rapport_no_such_db_\(UInt32.random(in: 0...UInt32.max))"
        do {
            _ = try PGConnection.connect(noDB, password: url.password().password)
            Issue.record("connected to a missing database")
        } catch {
            #expect(PGError.friendly(error)?.hasPrefix("the database does not exist") == true)
        }
        // A role the server does not know is named as such (issue 20 item 3), not as a password problem.
        var stranger = url
        stranger.user = "rapport_no_such_role"
        do {
            _ = try PGConnection.connect(stranger, password: nil)
            Issue.record("connected as a role that does not exist")
        } catch {
            let line = try #require(PGError.friendly(error))
            #expect(line.hasPrefix("the PostgreSQL server has no role 'rapport_no_such_role'"), "\(line)")
        }
    }

    @Test func poolLendsDistinctConnectionsToParallelWorkers() throws {
        let url = try PostgresURL(serverURL!)
        let pool = PGPool(url: url, password: url.password().password, maxConnections: 3)
        defer { pool.close() }
        let pids = Received()
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            try? pool.withConnection { c in
                let pid = try c.scalarInt64("SELECT pg_backend_pid()::int8 FROM pg_sleep(0.02)") ?? 0
                pids.append(String(pid))
            }
        }
        #expect(pids.values.count == 12)
        #expect(Set(pids.values).count <= 3)
        #expect(pool.openCount <= 3)
    }
}

private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ s: String) { lock.withLock { list.append(s) } }
    var values: [String] { lock.withLock { list } }
}
