import Foundation
import Testing

/// A `rapport` process running beside others, its output going to files (no pipe to fill).
final class Running {
    let process = Process()
    let args: [String]
    private let outURL: URL
    private let errURL: URL

    init(_ cli: CLI, _ args: [String]) throws {
        self.args = args
        let id = UUID().uuidString
        outURL = cli.dir.appendingPathComponent("out-\(id)")
        errURL = cli.dir.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = CLI.binary
        process.arguments = args
        process.environment = cli.env
        process.currentDirectoryURL = cli.dir
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for the process and returns what it did.
    func finish() throws -> CLI.Result {
        process.waitUntilExit()
        let out = try Data(contentsOf: outURL)
        let err = try Data(contentsOf: errURL)
        return CLI.Result(
            status: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
            err: String(decoding: err, as: UTF8.self), outData: out)
    }
}

/// Text no analyst should ever see: SQLite's own words.
func rawDatabaseText(_ s: String) -> String? {
    for needle in ["SQLite error", "database is locked", "SQLITE_", "FOREIGN KEY", "while executing"]
    where s.contains(needle) {
        return needle
    }
    return nil
}

/// Several real `rapport` processes on one store at once, as analysts on a shared server.
@Suite("Several processes on one store", .serialized)
struct ConcurrencyTests {
    /// Orders and spend of every customer, which depend on the events only (not on the fit).
    func figures(_ cli: CLI, _ store: String) throws -> [String: [Double]] {
        let rows = try #require(
            try cli.allItems(["customers", "--store", store, "--sort", "name"]))
        var out: [String: [Double]] = [:]
        for r in rows {
            guard let id = r["id"] as? String else { continue }
            out[id] = [(r["orders"] as? Double) ?? -1, (r["spend"] as? Double) ?? -1]
        }
        return out
    }

    func purchases(_ cli: CLI, _ store: String, _ customer: String) throws -> [String] {
        let history = try #require(try cli.allItems(["history", customer, "--store", store]))
        return history.filter { $0["type"] as? String == "purchase" }.compactMap { $0["event_id"] as? String }
    }

    @Test func writersAnImportAndARefreshAtOnceLoseNothing() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let giftEvents = try purchases(cli, store, "C00010").prefix(2) + purchases(cli, store, "C00011").prefix(1)
        try #require(giftEvents.count == 3)
        // An import of new purchases for one customer and notes for another.
        let events = cli.dir.appendingPathComponent("more-events.csv")
        let eventRows = (1...5).map { "X-CONC-\($0),C00030,2026-10-2\($0)T10:00:00Z,purchase,P0001,1,19.5" }
        try Data(
            ("event_id,customer_id,timestamp,type,product_id,quantity,amount\n" + eventRows.joined(separator: "\n")
                + "\n").utf8
        ).write(to: events)

        var notes: [(String, String)] = []
        var running: [Running] = []
        running.append(try Running(cli, ["refresh", "--store", store]))
        running.append(try Running(cli, ["import", "--store", store, events.path]))
        for i in 1...8 {
            let customer = String(format: "C%05d", 100 + i)
            let text = "concurrent note \(i) \(UUID().uuidString.prefix(6))"
            notes.append((customer, text))
            running.append(try Running(cli, ["note", customer, text, "--store", store, "--analyst", "writer\(i)"]))
        }
        for event in giftEvents {
            running.append(try Running(cli, ["gift", event, "--note", "for a friend", "--store", store]))
        }
        running.append(try Running(cli, ["refresh", "--store", store]))

        for r in running {
            let result = try r.finish()
            #expect(result.status == 0, "\(r.args.prefix(2)): exit \(result.status): \(result.err)")
            #expect(rawDatabaseText(result.out + result.err) == nil, "\(r.args.prefix(2)): \(result.err)")
        }
        // Every note is there, once.
        for (customer, text) in notes {
            let profile = try #require(try cli.json(["profile", customer, "--store", store]) as? [String: Any])
            let texts = (profile["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(texts.filter { $0 == text }.count == 1, "note of \(customer)")
        }
        // Every gift flag is set.
        for customer in ["C00010", "C00011"] {
            let history = try #require(try cli.allItems(["history", customer, "--store", store]))
            for e in history where giftEvents.contains(e["event_id"] as? String ?? "") {
                #expect(e["gift"] as? Bool == true, "\(e["event_id"] ?? "")")
            }
        }
        // The imported events are there, and every customer's figures are those a refresh
        // run alone now computes: no write was overwritten by stale figures.
        let history = try #require(try cli.allItems(["history", "C00030", "--store", store]))
        #expect(history.filter { ($0["event_id"] as? String ?? "").hasPrefix("X-CONC-") }.count == 5)
        let during = try figures(cli, store)
        #expect(try cli.run(["refresh", "--store", store]).status == 0)
        let after = try figures(cli, store)
        #expect(during.count == 2000)
        let differing = after.keys.filter { during[$0] != after[$0] }.sorted()
        #expect(differing.isEmpty, "figures written from stale reads: \(differing.prefix(5))")
    }

    /// A clear-history committed while a refresh computes: the refresh must not write the
    /// customer's old figures back. Four rounds, the write started at different moments of
    /// the refresh (these delays place the write; the test waits on the processes).
    @Test func aRefreshNeverWritesBackFiguresAClearHistoryRemoved() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        var overlapped = 0
        for (round, delay) in [0, 150_000, 300_000, 600_000].enumerated() {
            let customer = String(format: "C%05d", 200 + round)
            let before = try figures(cli, store)[customer]
            try #require((before?[0] ?? 0) > 0, "\(customer) has purchases to clear")
            let refresh = try Running(cli, ["refresh", "--store", store])
            usleep(UInt32(delay))
            let clear = try cli.run(["clear-history", customer, "--all", "--store", store])
            if refresh.process.isRunning { overlapped += 1 }
            let refreshed = try refresh.finish()
            #expect(clear.status == 0, "\(clear.err)")
            #expect(refreshed.status == 0, "\(refreshed.err)")
            #expect(rawDatabaseText(clear.err + refreshed.err) == nil)
            #expect(try figures(cli, store)[customer] == [0, 0], "round \(round): \(customer) kept old figures")
        }
        print("refresh vs clear-history: \(overlapped) of 4 clear-histories committed while a refresh ran")
        #expect(overlapped > 0, "no clear-history ran during a refresh: the test proved nothing")
    }

    /// An erasure during a refresh: the refresh finishes without a foreign-key failure and
    /// the customer stays erased.
    @Test func anErasureDuringARefreshFailsNeither() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        var overlapped = 0
        for (round, delay) in [0, 150_000, 300_000, 600_000].enumerated() {
            let customer = String(format: "C%05d", 300 + round)
            try cli.run(["segment", "create", "buyers\(round)", "orders >= 1", "--store", store])
            let refresh = try Running(cli, ["refresh", "--store", store])
            usleep(UInt32(delay))
            let forget = try cli.run(["forget", customer, "--yes", "--store", store])
            if refresh.process.isRunning { overlapped += 1 }
            let refreshed = try refresh.finish()
            #expect(forget.status == 0, "\(forget.err)")
            #expect(refreshed.status == 0, "round \(round): \(refreshed.err)")
            #expect(rawDatabaseText(forget.err + refreshed.err) == nil, "\(refreshed.err)")
            #expect(try figures(cli, store)[customer] == nil)
            #expect(try cli.run(["profile", customer, "--store", store]).status == 1)
        }
        print("refresh vs forget: \(overlapped) of 4 erasures committed while a refresh ran")
        #expect(overlapped > 0, "no erasure ran during a refresh: the test proved nothing")
    }

    /// A note written while an import holds the write lock waits, says who it waits for and
    /// how far they are, then succeeds.
    @Test func aWaitingWriterSaysWhoItWaitsFor() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let file = cli.dir.appendingPathComponent("big-events.csv")
        var text = "event_id,customer_id,timestamp,type,product_id,quantity,amount\n"
        for i in 0..<300_000 {
            text += "B-\(i),C\(String(format: "%05d", 1 + i % 2000)),2026-10-0\(1 + i % 9)T10:00:00Z,view,P0001,1,0\n"
        }
        try Data(text.utf8).write(to: file)
        let job = try Running(cli, ["import", "--store", store, file.path, "--analyst", "ana.s"])
        // Poll (with a deadline) until the import reports progress from inside its transaction.
        let deadline = Date().addingTimeInterval(30)
        var underway = false
        while Date() < deadline && job.process.isRunning {
            if let data = FileManager.default.contents(atPath: store + "-activity"),
                String(decoding: data, as: UTF8.self).contains("fraction")
            {
                underway = true
                break
            }
            usleep(20_000)
        }
        try #require(underway && job.process.isRunning, "the import finished before the note could wait for it")
        let note = try cli.run(["note", "C00001", "written while an import ran", "--store", store])
        let imported = try job.finish()
        #expect(imported.status == 0, "\(imported.err)")
        #expect(note.status == 0, "\(note.err)")
        #expect(note.err.contains("the store is busy (import by ana.s, "), "\(note.err)")
        #expect(rawDatabaseText(note.err + imported.err) == nil)
        #expect(!FileManager.default.fileExists(atPath: store + "-activity"), "the activity file outlived the import")
    }

    /// A write command closes the store when it ends: its log is moved into the file, so the
    /// file alone holds the write (copying a store copies what it says).
    @Test func aWriteCommandLeavesItsChangeInTheStoreFile() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let r = try cli.run(["note", "C00001", "kept in the file", "--store", store])
        #expect(r.status == 0, "\(r.err)")
        let wal = (try? FileManager.default.attributesOfItem(atPath: store + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the write-ahead log still holds \(wal) bytes after the command")
        let copy = cli.dir.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: store, toPath: copy)
        let profile = try #require(try cli.json(["profile", "C00001", "--store", copy]) as? [String: Any])
        let notes = (profile["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(notes.contains("kept in the file"))
    }
}
