import Foundation
import Testing

enum Mounting {
    /// Whether this machine lets the tests mount a small tmpfs (root in CI): a real full disk.
    static let allowed: Bool = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-mount-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        guard ExportCLITests.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", dir.path]) else {
            return false
        }
        return ExportCLITests.tool("/bin/umount", [dir.path])
    }()
}

/// Issue 20, item 1 from the command line: a full disk, a read-only store, `--read-only`.
@Suite("Audited exports from the command line", .serialized)
struct ExportCLITests {
    /// Runs `rapport` through `sh` with standard output sent to `stdout`.
    func runRedirected(_ cli: CLI, _ args: [String], stdout: String) throws -> CLI.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        let quoted = ([CLI.binary.path] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        p.arguments = ["-c", "exec \(quoted.joined(separator: " ")) > '\(stdout)'"]
        p.environment = cli.env
        p.currentDirectoryURL = cli.dir
        let err = Pipe()
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLI.Result(
            status: p.terminationStatus, out: "", err: String(decoding: e, as: UTF8.self), outData: Data())
    }

    /// Runs a tool, answering whether it exited 0.
    @discardableResult
    static func tool(_ path: String, _ args: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    func auditActions(_ cli: CLI, _ store: String) throws -> [String] {
        let r = try cli.run(["audit", "--customer", "C00001", "--store", store, "--json"])
        let json = try JSONSerialization.jsonObject(with: r.outData) as? [String: Any]
        return ((json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
    }

    /// The disk fills while the export is written (a 16 KB tmpfs): an error in words, exit 1,
    /// no file (not a truncated one), and the audit log says the export began and failed.
    /// Before: a truncated 12 KB file stayed, with a raw NSCocoaErrorDomain error.
    @Test(.enabled(if: Mounting.allowed)) func aFullDiskLeavesNoFileAndSaysSo() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let out = cli.dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try #require(Self.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", out.path]))
        defer { Self.tool("/bin/umount", [out.path]) }
        let r = try cli.run(["export", "C00001", "--out", out.appendingPathComponent("c1.json").path, "--store", store])
        #expect(r.status == 1, "\(r.err)")
        #expect(r.err.hasPrefix("rapport: error: ") && r.err.contains("the disk is full"), "\(r.err)")
        #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("Error Domain"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty)
        let actions = try auditActions(cli, store)
        #expect(actions.prefix(2) == ["customer.export.failed", "customer.export"], "\(actions.prefix(3))")
    }

    /// Standard output that cannot be written (a full disk): the error in words, not a crash.
    @Test func standardOutputOnAFullDiskIsAnError() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let r = try runRedirected(cli, ["export", "C00001", "--store", store], stdout: "/dev/full")
        #expect(r.status == 1, "\(r.err)")
        #expect(r.err.contains("standard output") && r.err.contains("disk is full"), "\(r.err)")
        #expect(try auditActions(cli, store).prefix(2) == ["customer.export.failed", "customer.export"])
    }

    /// `--read-only` on every command, as docs/postgres.md says: reads answer, a write or an
    /// export is refused and the store file is not touched.
    @Test func readOnlyOnTheCommandLine() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        #expect(try cli.run(["profile", "C00001", "--read-only", "--store", store]).status == 0)
        let note = try cli.run(["note", "C00001", "hello", "--read-only", "--store", store])
        #expect(note.status == 1 && note.err.contains("read-only"), "\(note.err)")
        let file = cli.dir.appendingPathComponent("c1.json").path
        let export = try cli.run(["export", "C00001", "--out", file, "--read-only", "--store", store])
        #expect(export.status == 1 && export.err.contains("read-only"), "\(export.err)")
        #expect(!FileManager.default.fileExists(atPath: file))
        let stdout = try cli.run(["export", "C00001", "--read-only", "--store", store])
        #expect(stdout.status == 1 && stdout.out.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }
}
