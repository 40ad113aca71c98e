import Foundation
import Testing

/// A team on one PostgreSQL store: two explorers and a script at once. Runs when
/// `RAPPORT_TEST_POSTGRES` names a server (`.ci/run` starts one) and tmux is installed.
@Suite("Team on PostgreSQL")
struct TeamE2ETests {
    static let server = ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: server != nil && E2E.tmuxAvailable))
    func twoExplorersAndAScriptSeeEachOther() throws {
        let base = try #require(Self.server)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-team-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = "rapport_team_" + UUID().uuidString.prefix(8).lowercased()
        try psql(base, "CREATE DATABASE \(database)")
        defer { try? psql(base, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
        let current = try #require(base.range(of: #"/[A-Za-z0-9_]+(\?|$)"#, options: .regularExpression))
        let url = base.replacingCharacters(
            in: current, with: "/\(database)" + (base[current].hasSuffix("?") ? "?" : ""))

        let files: [(String, String)] = [
            (
                "customers.csv",
                "customer_id,name,email\nC1,Ann Zed,ann@x.io\nC2,Bob Young,bob@x.io\nC3,Cy Ode,cy@x.io\n"
            ),
            ("products.csv", "product_id,title,category\nP1,Book A,Books\nP2,Toy B,Toys\n"),
            (
                "events.csv",
                "event_id,customer_id,timestamp,type,product_id,amount\nE1,C1,2024-01-01,purchase,P1,10\n"
                    + "E2,C2,2024-02-01,purchase,P2,20\nE3,C3,2024-03-01,purchase,P1,10\n"
            )
        ]
        var paths: [String] = []
        for (name, text) in files {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        let env = [
            "HOME": dir.path, "RAPPORT_LOG": dir.appendingPathComponent("rapport.log").path, "USER": "e2e",
            "XDG_CONFIG_HOME": dir.appendingPathComponent("config").path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"
        ]
        #expect(try rapport(["import", "--store", url] + paths, env: env) == 0)

        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("ben"), withIntermediateDirectories: true)
        let ana = try TmuxSession(
            command: [E2E.binary, "--store", url, "--analyst", "ana"], environment: env, workDir: dir)
        let ben = try TmuxSession(
            command: [E2E.binary, "--store", url, "--analyst", "ben"], environment: env,
            workDir: dir.appendingPathComponent("ben"))
        try ana.waitFor(text: "/3 customers")
        try ben.waitFor(text: "/3 customers")
        // A script imports a customer: both explorers' lists count them.
        let more = dir.appendingPathComponent("more.csv").path
        try "customer_id,name,email\nC4,Dee New,dee@x.io\n".write(toFile: more, atomically: true, encoding: .utf8)
        #expect(try rapport(["import", "--store", url, more, "--analyst", "script"], env: env) == 0)
        try ana.waitFor(text: "/4 customers")
        try ben.waitFor(text: "/4 customers")
        // Ben reads Bob's profile while Ana erases Bob: Ben's profile closes and says why.
        try ben.send(":")
        try ben.type("goto C2")
        try ben.send("Enter")
        try ben.waitFor(text: "[C2]")
        try ana.send(":")
        try ana.type("goto C2")
        try ana.send("Enter")
        try ana.waitFor(text: "[C2]")
        try ana.send("X")
        try ana.waitFor(text: "Type the customer id")
        try ana.type("C2")
        try ana.send("Enter")
        try ana.waitFor(text: "C2 erased")
        try ben.waitFor(text: "C2 was erased in another session")
        #expect(
            try rapport(["note", "C1", "Called about the order", "--store", url, "--analyst", "script"], env: env) == 0)
        try ana.send("q")
        try ben.send("q")
        E2E.checkRestored(try ana.waitFor(text: "[end]"), status: "0")
        E2E.checkRestored(try ben.waitFor(text: "[end]"), status: "0")

        // The audit names each analyst: the explorer's --analyst, the script's.
        let audit = try auditActions(url, env: env)
        #expect(audit.contains { $0.action == "customer.forget" && $0.analyst == "ana" })
        #expect(audit.contains { $0.action == "note.add" && $0.analyst == "script" })
        #expect(audit.contains { $0.action == "import" && $0.analyst == "script" })
    }

    func psql(_ url: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = [url, "-qc", sql]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw CLIFailure("psql failed: \(sql)") }
    }

    @discardableResult
    func rapport(_ args: [String], env: [String: String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: E2E.binary)
        p.arguments = args
        p.environment = env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    func auditActions(_ url: String, env: [String: String]) throws -> [(action: String, analyst: String)] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: E2E.binary)
        p.arguments = ["audit", "--store", url, "--json"]
        p.environment = env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let items = object?["items"] as? [[String: Any]] ?? []
        return items.map { ($0["action"] as? String ?? "", $0["analyst"] as? String ?? "") }
    }
}
