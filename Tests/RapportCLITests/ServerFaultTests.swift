import Foundation
import Testing

/// Issue 20, item 5: the PostgreSQL server stops in the middle of a command. Each test starts a
/// throw-away cluster of its own (`scripts/pg-test-cluster.sh`), so stopping it disturbs no other
/// test; skipped where PostgreSQL's server programs are not installed.
enum PostgreSQLServer {
    static let installed: Bool = {
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return dirs.contains { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }
    }()
}

@Suite("PostgreSQL server faults", .serialized, .enabled(if: PostgreSQLServer.installed))
struct ServerFaultTests {
    static let script = CLI.root.appendingPathComponent("scripts/pg-test-cluster.sh").path

    /// Runs the cluster script; returns the URL of its server. Spawned and reaped with
    /// posix_spawn/waitpid, every descriptor above 2 closed first: the server it starts would
    /// otherwise keep Foundation's exit-watching socket (and other tests' pipes) open, and
    /// `Process.waitUntilExit` would never return.
    @discardableResult
    static func cluster(_ command: String, _ dir: String) throws -> String {
        let closeAll =
            #"for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done; exec /bin/bash "$0" "$@""#
        let args = ["/bin/bash", "-c", closeAll, script, command, dir]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ) == 0 else {
            throw CLIError("cannot run pg-test-cluster.sh")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw CLIError("pg-test-cluster.sh \(command) failed (\(status))") }
        return "postgres://postgres@/rapport_test?host=\(dir)"
    }

    /// A command running in the background, its output collected as it comes.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var outData = Data()
        private var errData = Data()

        init(_ cli: CLI, _ args: [String]) throws {
            process.executableURL = CLI.binary
            process.arguments = args
            process.environment = cli.env
            process.currentDirectoryURL = cli.dir
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [weak self] h in
                let d = h.availableData
                self?.lock.withLock { self?.outData.append(d) }
            }
            err.fileHandleForReading.readabilityHandler = { [weak self] h in
                let d = h.availableData
                self?.lock.withLock { self?.errData.append(d) }
            }
            try process.run()
        }

        var err: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

        /// Waits up to `seconds` for the process to end; false if it is still running (then killed).
        func finish(within seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
                return false
            }
            process.waitUntilExit()
            return true
        }
    }

    /// Events enough that an import takes a while: `n` rows for 500 customers.
    static func events(_ n: Int) -> String {
        var s = "event_id,customer_id,timestamp,type,product_id,amount\n"
        s.reserveCapacity(n * 48)
        for i in 0..<n {
            s +=
                "E\(i),C\(i % 500),2024-0\(1 + i % 9)-1\(i % 10),\(i % 3 == 0 ? "purchase" : "view"),P\(i % 50),\(i % 3 == 0 ? "9.5" : "")\n"
        }
        return s
    }

    /// The server stops (as a crash would) while an import runs: the command ends within the
    /// deadline with exit 1 and the lost connection in words, never a crash (SIGILL) or a hang.
    /// After the server is back, the store answers and holds the file whole or not at all.
    @Test(arguments: ["import", "refresh"])
    func theServerStopsMidCommand(_ command: String) throws {
        let dir = "/tmp/rf-\(UUID().uuidString.prefix(6))"
        let url = try Self.cluster("start", dir)
        defer { _ = try? Self.cluster("stop", dir) }
        let cli = try CLI()
        defer { cli.cleanup() }
        let file = cli.dir.appendingPathComponent("events.csv").path
        try Self.events(command == "import" ? 200_000 : 60_000).write(toFile: file, atomically: true, encoding: .utf8)
        if command == "refresh" {
            let first = try cli.run(["import", file, "--store", url])
            #expect(first.status == 0, "\(first.err)")
        }
        let running = try Running(
            cli, command == "import" ? ["import", file, "--store", url] : ["refresh", "--store", url])
        // Stop the server while the command works on it: an import mid-COPY (its rows on the
        // wire, nothing committed), a refresh once it runs a statement.
        let deadline = Date().addingTimeInterval(60)
        let working = command == "import" ? "%COPY%stage_rows%" : "%"
        while running.process.isRunning && Date() < deadline && !Self.announced(dir, working) { usleep(20_000) }
        #expect(running.process.isRunning, "\(command) ended before the server could be stopped under it")
        try Self.cluster("halt", dir)
        let ended = running.finish(within: 90)
        #expect(ended, "\(command) still running 90 s after the server stopped")
        #expect(
            running.process.terminationReason == .exit, "\(command) died of signal \(running.process.terminationStatus)"
        )
        let err = running.err
        #expect(running.process.terminationStatus == 1 || running.process.terminationStatus == 0, "\(err)")
        if running.process.terminationStatus == 1 {
            #expect(err.hasPrefix("rapport: error: ") && err.contains("PostgreSQL"), "\(err)")
            #expect(!err.contains("PSQLError") && !err.contains("Fatal error"), "\(err)")
        }
        try Self.cluster("resume", dir)
        let after = try cli.run(["customers", "--store", url, "--json", "--limit", "1"])
        #expect(after.status == 0, "\(after.err)")
        if command == "import" {
            let count = try Self.psql(dir, "SELECT count(*) FROM events")
            #expect(count == "0" || count == "200000", "a partial import: \(count) events")
            #expect((count == "200000") == (running.process.terminationStatus == 0), "exit code and commit disagree")
        }
    }

    /// True once a statement of the command matching `pattern` (ILIKE) is running on the server.
    static func announced(_ dir: String, _ pattern: String) -> Bool {
        (try? psql(
            dir,
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query NOT ILIKE '%pg_stat_activity%' "
                + "AND datname = 'rapport_test' AND query ILIKE '\(pattern)'"
        )).map { $0 != "0" } ?? false
    }

    static func psql(_ dir: String, _ sql: String) throws -> String {
        let bin = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().last.map {
            "/usr/lib/postgresql/\($0)/bin/psql"
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin ?? "/usr/bin/psql")
        p.arguments = ["-h", dir, "-U", "postgres", "-d", "rapport_test", "-Atc", sql]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIError("psql failed: \(sql)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
