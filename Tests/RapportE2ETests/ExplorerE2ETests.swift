import Foundation
import Testing

/// The real binary in a real terminal (tmux), on a fresh store made from the bundled sample.
struct E2E {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary: String = {
        if let dir = Bundle.main.executableURL?.deletingLastPathComponent() {
            let c = dir.appendingPathComponent("rapport").path
            if FileManager.default.isExecutableFile(atPath: c) { return c }
        }
        return root.appendingPathComponent(".build/debug/rapport").path
    }()

    static var tmuxAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    let dir: URL
    let store: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = dir.appendingPathComponent("store.sqlite").path
        let sample = E2E.root.appendingPathComponent("SampleData")
        let r = try run(
            ["import", "--store", store]
                + ["customers", "products", "events", "notes"].map { sample.appendingPathComponent("\($0).csv").path })
        guard r.status == 0 else { throw CLIFailure(r.err) }
    }

    func cleanup() { try? FileManager.default.removeItem(at: dir) }

    var env: [String: String] {
        [
            "HOME": dir.path, "RAPPORT_LOG": dir.appendingPathComponent("rapport.log").path, "USER": "e2e",
            "XDG_CONFIG_HOME": dir.appendingPathComponent("config").path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"
        ]
    }

    struct Output {
        var status: Int32
        var out: Data
        var err: String
    }

    func run(_ args: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: E2E.binary)
        p.arguments = args
        p.environment = env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, out: out, err: String(decoding: err, as: UTF8.self))
    }

    func json(_ args: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: try run(args + ["--json", "--store", store]).out)
    }

    func session(_ extra: [String] = [], env more: [String: String] = [:], width: Int = 80, height: Int = 24) throws
        -> TmuxSession
    {
        try TmuxSession(
            command: [E2E.binary, "--store", store] + extra, environment: env.merging(more) { _, b in b },
            width: width, height: height, workDir: dir)
    }

    /// After the program exits, the pane shows "[exit N]" and `stty -a`: the terminal must be
    /// back in cooked mode with echo on.
    static func checkRestored(_ screen: String, status: String) {
        #expect(screen.contains("[exit \(status)]"), "\(screen)")
        #expect(screen.contains(" icanon") && !screen.contains("-icanon"), "terminal left in raw mode:\n\(screen)")
        #expect(screen.contains(" echo ") && !screen.contains("-echo "), "terminal left without echo:\n\(screen)")
    }
}

struct CLIFailure: Error {
    var message: String
    init(_ m: String) { message = m }
}

@Suite("Explorer in a real terminal (tmux)", .serialized, .enabled(if: E2E.tmuxAvailable))
struct ExplorerE2ETests {
    @Test func analystWorkflow() throws {
        let e = try E2E()
        defer { e.cleanup() }
        // Which of Margot's purchases are toys, newest first (as the history screen lists them).
        let history = try #require(try e.allItems(["history", "C00001"]))
        let purchases = history.filter { $0["type"] as? String == "purchase" }
        let toyIndexes = purchases.indices.filter { purchases[$0]["category"] as? String == "Toys" }
        #expect(toyIndexes.count >= 2)

        let t = try e.session()
        try t.waitFor(text: "/2000 customers")
        // Filter to a customer and open the profile.
        try t.send("/")
        try t.type("Lindqvist")
        // The filter runs off the key loop: open the row only once the list shows its result.
        try t.waitFor("the filtered list") { $0.contains("filter: Lindqvist") && $0.contains("1/1 customers") }
        try t.send("Enter")
        try t.send("Enter")
        var screen = try t.waitFor("the whole profile") {
            $0.contains("Margot Lindqvist  [C00001]") && $0.contains("Recommendations") && $0.contains("Care")
        }
        #expect(screen.contains("Toys"))
        // History, purchases only, flag every toy purchase as a gift.
        try t.send("H")
        try t.waitFor(text: "History • Margot Lindqvist")
        try t.send("t")
        try t.waitFor(text: "type: purchase")
        var messages: [String] = []
        for i in toyIndexes {
            let id = try #require(purchases[i]["event_id"] as? String)
            try t.send("Home")
            for _ in 0..<i { try t.send("j") }
            try t.send("f")
            try t.waitFor(text: "Flag \(id) as a gift")
            try t.type("for the grandchildren")
            try t.send("Enter")
            screen = try t.waitFor(text: "\(id) flagged as a gift")
            messages.append(
                screen.split(separator: "\n").first { $0.contains("flagged as a gift") }.map(String.init) ?? "")
        }
        // The status line said what changed, at the moment it changed.
        #expect(messages.contains { $0.contains("Toys no longer inferred") }, "\(messages)")
        // Back to the profile: Toys is gone from the preferences.
        try t.send("Escape")
        screen = try t.waitFor("the whole profile") {
            $0.contains("Preferences") && $0.contains("Recommendations") && $0.contains("Care")
        }
        #expect(!screen.contains("Toys"))
        // Clear history through the dialog: all time, views only.
        try t.send("H")
        try t.waitFor(text: "History • Margot")
        try t.send("C")
        try t.waitFor(text: "Clear history")
        try t.send("Right")
        try t.send("Right")
        try t.send("Down")
        try t.send("Down")
        screen = try t.waitFor("a count for all views") {
            // "Types: views " alone would also match "views and searches", the step before.
            $0.contains("all time") && $0.contains("Types: views   (Up/Down)") && $0.contains("will be removed")
        }
        let shown = screen.range(of: #"\d+ events? will be removed"#, options: .regularExpression)
            .flatMap { Int(screen[$0].prefix { $0.isNumber }) }
        try t.send("Enter")
        do {
            try t.waitFor(text: "Remove them for good?")
        } catch {
            Issue.record("the dialog showed, before Enter:\n\(screen)")
            throw error
        }
        try t.send("y")
        try t.waitFor(text: "removed \(shown ?? -1) events")
        // Erase another customer, confirmed by typing the id.
        try t.send("Escape")
        try t.send("Escape")
        try t.waitFor(text: "/1 customers")
        try t.send("Escape")
        try t.waitFor(text: "/2000 customers")
        try t.send(":")
        try t.type("goto C00002")
        try t.send("Enter")
        try t.waitFor(text: "[C00002]")
        try t.send("X")
        try t.waitFor(text: "Type the customer id")
        try t.type("C00002")
        try t.send("Enter")
        try t.waitFor(text: "C00002 erased")
        try t.send("Home") // any key clears the message and shows the count again
        try t.waitFor(text: "/1999 customers")
        try t.send("q")
        E2E.checkRestored(try t.waitFor(text: "[end]"), status: "0")

        // The store holds what the screen said.
        let after = try #require(try e.allItems(["history", "C00001"]))
        let gifts = after.filter { $0["gift"] as? Bool == true }
        #expect(gifts.count == toyIndexes.count)
        #expect(
            gifts.allSatisfy {
                $0["category"] as? String == "Toys" && $0["gift_note"] as? String == "for the grandchildren"
            })
        #expect(!after.contains { $0["type"] as? String == "view" })
        #expect(after.count == history.count - (shown ?? 0))
        #expect(try e.run(["profile", "C00002", "--store", e.store]).status == 1)
        let profile = try #require(try e.json(["profile", "C00001"]) as? [String: Any])
        let inferred = (profile["preferences"] as? [String: Any])?["inferred"] as? [[String: Any]] ?? []
        #expect(!inferred.contains { $0["value"] as? String == "Toys" })
    }

    @Test func ctrlCRestoresTheTerminal() throws {
        let e = try E2E()
        defer { e.cleanup() }
        let t = try e.session()
        try t.waitFor(text: "/2000 customers")
        try t.send("C-c")
        E2E.checkRestored(try t.waitFor(text: "[end]"), status: "0")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let e = try E2E()
        defer { e.cleanup() }
        let t = try e.session()
        try t.waitFor(text: "/2000 customers")
        let shell = try t.tmux(["display", "-p", "-t", t.name, "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        p.arguments = ["-TERM", "-P", shell, "-f", "rapport"]
        try p.run()
        p.waitUntilExit()
        E2E.checkRestored(try t.waitFor(text: "[end]"), status: "143")
    }

    @Test func resizeSmallTerminalAndASCIIWithoutColour() throws {
        let e = try E2E()
        defer { e.cleanup() }
        let t = try e.session(env: ["LANG": "C", "LC_ALL": "C", "NO_COLOR": "1", "TERM": "vt100"])
        var screen = try t.waitFor(text: "/2000 customers")
        #expect(screen.allSatisfy { $0.isASCII })
        try t.resize(width: 60, height: 20)
        try t.waitFor(text: "Rapport needs at least 80x24")
        try t.resize(width: 100, height: 30)
        screen = try t.waitFor("the list redrawn at 100x30") { $0.contains("CLV") && $0.contains("/2000 customers") }
        #expect(screen.split(separator: "\n").contains { $0.contains("/2000 customers") })
        try t.send("q")
        E2E.checkRestored(try t.waitFor(text: "[end]"), status: "0")
    }
}
