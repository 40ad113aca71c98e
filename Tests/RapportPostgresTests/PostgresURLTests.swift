import Foundation
import Testing

import PostgresNIO

@testable import RapportPostgres

@Suite struct PostgresURLTests {
    let env = ["PGUSER": "envuser"]

    @Test func tcpWithEverything() throws {
        let url = try PostgresURL(
            "postgresql://alice@db.example.com:6543/crm?sslmode=require&application_name=rapport%20cli",
            environment: env)
        #expect(url.user == "alice")
        #expect(url.host == "db.example.com")
        #expect(url.socketDirectory == nil)
        #expect(url.port == 6543)
        #expect(url.database == "crm")
        #expect(url.sslMode == .require)
        #expect(url.applicationName == "rapport cli")
        #expect(!url.isUnixSocket)
    }

    @Test func defaults() throws {
        let url = try PostgresURL("postgres://db.example.com", environment: env)
        #expect(url.user == "envuser")
        #expect(url.port == 5432)
        #expect(url.database == "envuser")
        #expect(url.sslMode == .prefer)
        #expect(url.applicationName == nil)
        let noEnv = try PostgresURL("postgres://h/d", environment: [:])
        #expect(noEnv.user == PostgresURL.osUserName())
        let bare = try PostgresURL("postgres://", environment: ["PGHOST": "/run/pg", "PGPORT": "5433"])
        #expect(bare.socketDirectory == "/run/pg")
        #expect(bare.port == 5433)
    }

    @Test func socketAsQueryParameter() throws {
        let url = try PostgresURL("postgres://postgres@/rapport_test?host=/tmp/rapport-pg", environment: env)
        #expect(url.host == nil)
        #expect(url.socketDirectory == "/tmp/rapport-pg")
        #expect(url.socketPath == "/tmp/rapport-pg/.s.PGSQL.5432")
        #expect(url.database == "rapport_test")
        #expect(url.isUnixSocket)
        let withPort = try PostgresURL("postgres:///db?host=%2Fvar%2Frun%2Fpostgresql&port=5433", environment: env)
        #expect(withPort.socketPath == "/var/run/postgresql/.s.PGSQL.5433")
        #expect(withPort.user == "envuser")
    }

    @Test func socketPercentEncodedInHostPosition() throws {
        let url = try PostgresURL("postgres://bob@%2Ftmp%2Fpg:5999/shop", environment: env)
        #expect(url.socketDirectory == "/tmp/pg")
        #expect(url.port == 5999)
        #expect(url.user == "bob")
        #expect(url.database == "shop")
    }

    @Test func ipv6() throws {
        let url = try PostgresURL("postgres://u@[::1]:5433/d", environment: env)
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.redacted == "postgres://u@[::1]:5433/d")
    }

    @Test func badPortsAndModes() {
        for bad in [
            "postgres://h:0/d", "postgres://h:70000/d", "postgres://h:abc/d", "postgres://h/d?sslmode=allow",
            "postgres://h/d?sslmode=verify-ca", "postgres://h/d?frobnicate=1", "postgres://a,b/d",
            "postgres://[::1/d"
        ] {
            #expect(throws: PostgresURL.ParseError.self, "\(bad)") { try PostgresURL(bad, environment: env) }
        }
        #expect(throws: PostgresURL.ParseError.notPostgres) { try PostgresURL("/tmp/store.sqlite") }
    }

    @Test func sslModes() throws {
        for mode in PostgresURL.SSLMode.allCases {
            #expect(try PostgresURL("postgres://h/d?sslmode=\(mode.rawValue)", environment: env).sslMode == mode)
        }
    }

    @Test func passwordInURLIsRejected() {
        for bad in ["postgres://alice:secret@h/d", "postgres://alice:@h/d", "postgres://alice@h/d?password=secret"] {
            #expect(throws: PostgresURL.ParseError.passwordInURL) { try PostgresURL(bad, environment: env) }
        }
        let message = PostgresURL.ParseError.passwordInURL.description
        #expect(message.contains("PGPASSWORD or ~/.pgpass"))
    }

    @Test func redaction() throws {
        #expect(try PostgresURL("postgres://a@h/d", environment: env).redacted == "postgres://a@h/d")
        #expect(
            try PostgresURL("postgresql://a%40b@h:1/my%20db?sslmode=disable", environment: env).redacted
                == "postgres://a%40b@h:1/my%20db?sslmode=disable")
        #expect(
            try PostgresURL("postgres://p@/t?host=/tmp/x&port=6000", environment: env).redacted
                == "postgres://p@/t?host=%2Ftmp%2Fx&port=6000")
        // The redacted form parses back to the same URL.
        let url = try PostgresURL("postgres://u@%2Fs%2Fd:7/db?application_name=a%26b", environment: env)
        #expect(try PostgresURL(url.redacted, environment: env) == url)
        #expect("\(url)" == url.redacted)
    }

    @Test func isPostgres() {
        #expect(PostgresURL.isPostgres("postgres://x"))
        #expect(PostgresURL.isPostgres("PostgreSQL://x"))
        #expect(!PostgresURL.isPostgres("store.sqlite"))
        #expect(!PostgresURL.isPostgres("postgres.sqlite"))
    }
}

/// A class so each test's folder of pgpass files is removed when the test ends.
@Suite final class PGPassTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ text: String, mode: Int = 0o600) throws -> String {
        let path = dir.appendingPathComponent("pgpass-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func environmentWins() throws {
        let url = try PostgresURL("postgres://u@h/d", environment: [:])
        let path = try write("*:*:*:*:fromfile\n")
        let found = url.password(environment: ["PGPASSWORD": "fromenv"], pgpassPath: path)
        #expect(found.password == "fromenv")
        #expect(url.password(environment: [:], pgpassPath: path).password == "fromfile")
    }

    @Test func wildcardsAndFirstMatch() throws {
        let path = try write(
            """
            # comment
            other:5432:*:u:nope
            h:5432:d:u:exact
            *:*:*:u:any
            """)
        let exact = try PostgresURL("postgres://u@h/d", environment: [:])
        #expect(exact.password(environment: [:], pgpassPath: path).password == "exact")
        let otherDB = try PostgresURL("postgres://u@h/x", environment: [:])
        #expect(otherDB.password(environment: [:], pgpassPath: path).password == "any")
        let otherUser = try PostgresURL("postgres://v@h/d", environment: [:])
        #expect(otherUser.password(environment: [:], pgpassPath: path).password == nil)
    }

    @Test func escapes() throws {
        let pgpass = PGPass(parsing: #"h\:x:5432:d\\b:u:pa\:ss\\word"# + "\n" + #"\*:*:*:*:literal-star"#)
        #expect(pgpass.password(host: "h:x", port: 5432, database: #"d\b"#, user: "u") == #"pa:ss\word"#)
        // An escaped star is a literal star, not a wildcard.
        #expect(pgpass.password(host: "*", port: 1, database: "a", user: "b") == "literal-star")
        #expect(pgpass.password(host: "other", port: 1, database: "a", user: "b") == nil)
    }

    @Test func unixSocketMatchesLocalhostOrDirectory() throws {
        let url = try PostgresURL("postgres://u@/d?host=/tmp/sock", environment: [:])
        let viaLocalhost = try write("localhost:5432:d:u:local\n")
        #expect(url.password(environment: [:], pgpassPath: viaLocalhost).password == "local")
        let viaDirectory = try write("/tmp/sock:5432:d:u:dir\n")
        #expect(url.password(environment: [:], pgpassPath: viaDirectory).password == "dir")
    }

    @Test func groupOrWorldReadableFileIsIgnored() throws {
        let url = try PostgresURL("postgres://u@h/d", environment: [:])
        let open = try write("*:*:*:*:leaked\n", mode: 0o644)
        let lookup = url.password(environment: [:], pgpassPath: open)
        #expect(lookup.password == nil)
        #expect(lookup.warning?.contains("chmod 0600") == true)
        #expect(lookup.warning?.contains("leaked") == false)
        let strict = try write("*:*:*:*:ok\n", mode: 0o400)
        #expect(url.password(environment: [:], pgpassPath: strict).password == "ok")
        let missing = url.password(environment: [:], pgpassPath: dir.appendingPathComponent("none").path)
        #expect(missing == PostgresURL.PasswordLookup(password: nil, warning: nil))
    }

    @Test func defaultPathIsHomePgpass() throws {
        let home = dir.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let path = home.appendingPathComponent(".pgpass").path
        try "*:*:*:*:homepw\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let url = try PostgresURL("postgres://u@h/d", environment: [:])
        #expect(url.password(environment: ["HOME": home.path]).password == "homepw")
    }
}

@Suite struct CopyEncodingTests {
    @Test func escapesTextFormat() {
        var buffer = ByteBuffer()
        PGConnection.appendCopyRow(["a\tb", nil, "c\\d\ne\rf", "é", ""], to: &buffer)
        let text = String(buffer: buffer)
        #expect(text == "a\\tb\t\\N\tc\\\\d\\ne\\rf\té\t\n")
    }
}
