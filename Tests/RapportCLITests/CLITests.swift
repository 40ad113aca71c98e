import Foundation
import Testing

/// Runs the built `rapport` binary, as scripts would.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let binary: URL = {
        if let dir = Bundle.main.executableURL?.deletingLastPathComponent() {
            let candidate = dir.appendingPathComponent("rapport")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/rapport")
    }()

    struct Result {
        var status: Int32
        var out: String
        var err: String
        var outData: Data
    }

    let dir: URL
    var env: [String: String]

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        env = [
            "HOME": dir.path, "XDG_DATA_HOME": dir.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": dir.appendingPathComponent("config").path,
            "RAPPORT_LOG": dir.appendingPathComponent("rapport.log").path, "USER": "ci-user", "PATH": "/usr/bin:/bin"
        ]
    }

    func cleanup() { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func run(_ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.environment = env
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
            err: String(decoding: e, as: UTF8.self), outData: o)
    }

    func json(_ args: [String]) throws -> Any {
        let r = try run(args + ["--json"])
        guard r.status == 0 else { throw CLIError(r.err) }
        return try JSONSerialization.jsonObject(with: r.outData)
    }

    /// A copy of the bundled sample imported once for the whole suite, removed when the test
    /// process exits.
    static let sampleStore: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-cli-sample-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-cli-sample-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
        }
        let store = dir.appendingPathComponent("sample.sqlite")
        if !FileManager.default.fileExists(atPath: store.path) {
            let p = Process()
            p.executableURL = binary
            let sample = root.appendingPathComponent("SampleData")
            p.arguments =
                ["import", "--store", store.path]
                + ["customers", "products", "events", "notes"].map { sample.appendingPathComponent("\($0).csv").path }
            p.environment = [
                "RAPPORT_LOG": dir.appendingPathComponent("log").path, "HOME": dir.path, "PATH": "/usr/bin:/bin"
            ]
            p.standardOutput = FileHandle.nullDevice
            try? p.run()
            p.waitUntilExit()
        }
        return store
    }()

    /// A private copy of the sample store for a test that writes.
    func sampleCopy() throws -> String {
        let dest = dir.appendingPathComponent("store.sqlite")
        try FileManager.default.copyItem(at: CLI.sampleStore, to: dest)
        return dest.path
    }
}

struct CLIError: Error {
    var message: String
    init(_ m: String) { message = m }
}

@Suite("Command line, end to end", .serialized)
struct CLITests {
    @Test func readCommandsOnTheSample() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let rows = try #require(
            try cli.items(["customers", "--store", store, "--limit", "5", "--sort", "spend"]))
        #expect(rows.count == 5)
        let spends = rows.compactMap { $0["spend"] as? Double }
        #expect(spends == spends.sorted(by: >))
        let history = try #require(try cli.items(["history", "C00001", "--store", store]))
        #expect(history.count > 50)
        #expect(history.first?["event_id"] as? String != nil)
        let profile = try #require(try cli.json(["profile", "C00001", "--store", store]) as? [String: Any])
        let customer = try #require(profile["customer"] as? [String: Any])
        #expect(customer["name"] as? String == "Margot Lindqvist")
        let prefs = try #require(profile["preferences"] as? [String: Any])
        let inferred = try #require(prefs["inferred"] as? [[String: Any]])
        #expect(
            inferred.contains {
                $0["value"] as? String == "Music/Jazz" && ($0["evidence"] as? [String])?.isEmpty == false
            })
        #expect((prefs["stated"] as? [[String: Any]])?.count == 3)
        let rfm = try #require(profile["rfm"] as? [String: Any])
        #expect(rfm["segment"] as? String != nil && rfm["r"] as? Int != nil)
        let lifecycle = try #require(profile["lifecycle"] as? [String: Any])
        #expect(
            lifecycle["p_alive"] as? Double != nil && lifecycle["clv_12m"] as? Double != nil
                && lifecycle["expected_purchases_90d"] as? Double != nil)
        let recs = try #require(profile["recommendations"] as? [[String: Any]])
        #expect(
            recs.count == 10
                && recs.allSatisfy {
                    ($0["reason"] as? String)?.isEmpty == false && $0["kind"] != nil && $0["product_id"] != nil
                })
        #expect(
            profile["channel"] as? [String: Any] != nil && profile["milestones"] as? [Any] != nil
                && profile["replenishment"] as? [Any] != nil)
        let segs = try #require(try cli.items(["segments", "--store", store]))
        #expect(segs.contains { $0["name"] as? String == "champions" && ($0["members"] as? Int ?? 0) > 0 })
        let recommend = try #require(
            try cli.json(["recommend", "C00001", "--k", "3", "--store", store]) as? [[String: Any]])
        #expect(recommend.count == 3)
    }

    @Test func writesAreAuditedWithTheAnalyst() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let history = try #require(try cli.items(["history", "C00001", "--store", store]))
        let purchase = try #require(history.first { $0["type"] as? String == "purchase" }?["event_id"] as? String)
        var r = try cli.run(["gift", purchase, "--note", "for grandson", "--store", store, "--analyst", "ana"])
        #expect(r.status == 0 && r.out.contains("flagged as a gift"))
        r = try cli.run(["gift", purchase, "--undo", "--store", store, "--analyst", "ana"])
        #expect(r.status == 0 && r.out.contains("no longer a gift"))
        r = try cli.run(["clear-history", "C00001", "--store", store])
        #expect(r.status == 2 && r.err.contains("--all for the whole history"))
        r = try cli.run(["clear-history", "C00001", "--all", "--types", "view", "--dry-run", "--store", store])
        let wouldRemove = try #require(r.out.split(separator: " ").dropFirst(2).first.flatMap { Int($0) })
        #expect(r.status == 0 && wouldRemove > 0 && r.out.contains("(all time); nothing was removed"))
        r = try cli.run(["clear-history", "C00001", "--all", "--types", "view", "--dry-run", "--store", store])
        #expect(r.out.hasPrefix("would remove \(wouldRemove) "))
        r = try cli.run(["clear-history", "C00001", "--since", "2026-09-01", "--types", "view", "--store", store])
        #expect(r.status == 0 && r.out.hasPrefix("removed ") && r.out.contains("recommendation"))
        r = try cli.run(["note", "C00001", "Called about delivery", "--store", store])
        #expect(r.status == 0)
        r = try cli.run(["export", "C00001", "--out", cli.dir.appendingPathComponent("c1.json").path, "--store", store])
        #expect(r.status == 0)
        let export =
            try JSONSerialization.jsonObject(with: Data(contentsOf: cli.dir.appendingPathComponent("c1.json")))
            as? [String: Any]
        #expect((export?["customer"] as? [String: Any])?["id"] as? String == "C00001")
        #expect((export?["events"] as? [Any])?.isEmpty == false)
        let audit = try #require(try cli.items(["audit", "--customer", "C00001", "--store", store]))
        let actions = audit.map { $0["action"] as? String ?? "" }
        #expect(actions.starts(with: ["customer.export", "note.add", "history.clear", "gift.unflag", "gift.flag"]))
        #expect(audit.first { $0["action"] as? String == "gift.flag" }?["analyst"] as? String == "ana")
        #expect(audit.first { $0["action"] as? String == "note.add" }?["analyst"] as? String == "ci-user")
    }

    @Test func forgetThenTheCustomerIsUnknown() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        // Without a terminal to type the id into, erasure needs --yes and changes nothing without it.
        let refused = try cli.run(["forget", "C00002", "--store", store])
        #expect(refused.status == 1 && refused.err.contains("add --yes to confirm (nothing was erased)"))
        #expect(try cli.run(["profile", "C00002", "--store", store]).status == 0)
        #expect(try cli.run(["forget", "C00002", "--yes", "--store", store]).status == 0)
        let r = try cli.run(["profile", "C00002", "--store", store])
        #expect(r.status == 1)
        #expect(r.err == "rapport: error: unknown customer 'C00002'\n")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: store))
        #expect(bytes.range(of: Data("gretamuller.2@example.com".utf8)) == nil)
    }

    /// Dates and durations are parsed with the arguments, into types: a bad one is a usage error
    /// on one line that names the option, the value and what it should look like.
    @Test func badDatesAndDurationsSayWhatTheyShouldLookLike() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let cases: [([String], String)] = [
            (["clear-history", "C00001", "--since", "nope"], "'nope' is invalid for '--since <since>': not a date"),
            (
                ["clear-history", "C00001", "--last", "3x"],
                "'3x' is invalid for '--last <last>': not a duration like 30d"
            ),
            (["metrics", "--until", "soon"], "'soon' is invalid for '--until <until>': not a date (YYYY-MM-DD"),
            (
                ["eval", "clv", "--calibration-end", "bad", "--holdout-end", "2026-10-31"],
                "'bad' is invalid for '--calibration-end <calibration-end>': not a date"
            )
        ]
        for (args, words) in cases {
            let r = try cli.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.err.split(separator: "\n").count == 1 && r.err.contains(words), "\(args): \(r.err)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        var r = try cli.run(["customers", "--bogus"])
        #expect(r.status == 2)
        #expect(r.err.split(separator: "\n").count == 1)
        r = try cli.run(["clear-history", "C00001", "--since", "2026-01-01", "--last", "30d"])
        #expect(r.status == 2 && r.err.contains("give --since or --last, not both"))
        r = try cli.run(["sample", "--customers", "5"])
        #expect(r.status == 2)
        r = try cli.run(["customers", "--limit", "0"])
        #expect(r.status == 2 && r.err.contains("--limit must be ≥ 1"))
        r = try cli.run(["eval", "recs", "--k", "0"])
        #expect(r.status == 2 && r.err.contains("--k must be ≥ 1"))
    }

    @Test func badFileExitsOneListingRows() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let bad = cli.dir.appendingPathComponent("bad.csv")
        try Data("customer_id,timestamp,type\nC1,2026-01-01,view\nC1,nope,view\nC2,2026-01-01,buy\n".utf8).write(
            to: bad)
        let r = try cli.run(["import", "--store", cli.dir.appendingPathComponent("s.sqlite").path, bad.path])
        #expect(r.status == 1)
        #expect(r.err.contains("bad.csv:3: timestamp: 'nope' is not a date"))
        #expect(r.err.contains("bad.csv:4: type: unknown event type 'buy'"))
        #expect(r.out.isEmpty)
    }

    @Test func sampleIsDeterministic() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let a = cli.dir.appendingPathComponent("a").path, b = cli.dir.appendingPathComponent("b").path
        #expect(try cli.run(["sample", "--customers", "50", "--out", a]).status == 0)
        #expect(try cli.run(["sample", "--customers", "50", "--out", b]).status == 0)
        for f in ["customers.csv", "products.csv", "events.csv", "notes.csv"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + f)),
                y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + f))
            #expect(x == y && !x.isEmpty, "\(f) differs between runs")
        }
        let other = cli.dir.appendingPathComponent("c").path
        #expect(try cli.run(["sample", "--customers", "50", "--seed", "7", "--out", other]).status == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: other + "/events.csv"))
                != Data(contentsOf: URL(fileURLWithPath: a + "/events.csv")))
    }

    @Test func shopSampleIsDeterministic() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let a = cli.dir.appendingPathComponent("a").path
        let b = cli.dir.appendingPathComponent("b").path
        #expect(try cli.run(["sample", "--customers", "30", "--products", "400", "--out", a]).status == 0)
        #expect(try cli.run(["sample", "--customers", "30", "--products", "400", "--out", b]).status == 0)
        for f in ["customers.csv", "products.csv", "events.csv", "notes.csv"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + f))
            #expect(x == (try Data(contentsOf: URL(fileURLWithPath: b + "/" + f))) && !x.isEmpty, "\(f) differs")
        }
        let products = try String(contentsOfFile: a + "/products.csv", encoding: .utf8)
        #expect(products.split(separator: "\n").count == 401)
        let tooFew = try cli.run(["sample", "--customers", "3", "--products", "5", "--out", a])
        #expect(tooFew.status == 2 && tooFew.err.contains("--products must be at least"))
    }

    @Test func firstRunCreatesTheDefaultStoreFromTheBundledSample() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let rows = try #require(try cli.items(["customers", "--limit", "5"]))
        #expect(rows.count == 5)
        let path = cli.dir.appendingPathComponent("data/rapport/store.sqlite").path
        #expect(FileManager.default.fileExists(atPath: path))
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func textOutputNeverCarriesEscapeBytes() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        for args in [["customers", "--filter", "Mallory"], ["profile", "C00007"], ["history", "C00007"]] {
            let r = try cli.run(args + ["--store", store])
            #expect(r.status == 0)
            #expect(!r.outData.contains(0x1B), "\(args) printed an escape byte")
        }
        #expect(
            try cli.run(["customers", "--filter", "Mallory", "--store", store]).out.contains("Mallory \u{FFFD}]0;pwned")
        )
    }

    @Test func evalCommandsRunOnTheStore() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let clv = try #require(
            try cli.json([
                "eval", "clv", "--calibration-end", "2026-04-30", "--holdout-end", "2026-10-31", "--store", store
            ]) as? [String: Any])
        for k in ["customers", "r", "alpha", "a", "b", "log_likelihood", "predicted_holdout", "actual_holdout"] {
            #expect(clv[k] != nil, "\(k)")
        }
        // Both models, each with its holdout errors, and which one validated better.
        let models = try #require(clv["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["model"] as? String } == ["bgnbd", "mbgnbd"])
        #expect(models.allSatisfy { $0["rmse"] as? Double != nil && $0["mae"] as? Double != nil })
        #expect(["bgnbd", "mbgnbd"].contains(clv["better"] as? String ?? ""))
        let segment = try cli.run([
            "segment", "create", "coffee people", #"affinity("Coffee") > 0.5 and consent.email"#, "--store", store
        ])
        #expect(segment.status == 0 && segment.out.hasPrefix("segment coffee people: "))
        let bad = try cli.run(["segment", "create", "x", "orders >> 3", "--store", store])
        #expect(bad.status == 1 && bad.err.contains("column 9"))
        let members = try #require(
            try cli.items(["segment", "members", "coffee people", "--store", store]))
        #expect(!members.isEmpty)
    }

    @Test func aLongerExportAddsOnlyItsNewRowsAndSaysWhenTheModelsWereFitted() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let header = "customer_id,timestamp,type,product_id,amount\n"
        var rows = (1...30).map { "C\($0),2026-01-\(10 + $0 % 9),purchase,P\($0 % 3),12.5\n" }
        rows.append(rows[0]) // the same order line twice: two orders
        let yesterday = cli.dir.appendingPathComponent("yesterday.csv")
        try Data((header + rows.joined()).utf8).write(to: yesterday)
        let first = try cli.run(["import", "--store", store, yesterday.path])
        #expect(first.status == 0 && first.out.contains("31 rows, 31 new"))
        #expect(first.out.contains("no events since"))
        let today = cli.dir.appendingPathComponent("today.csv")
        try Data((header + rows.joined() + rows[0]).utf8).write(to: today)
        let second = try cli.run(["import", "--store", store, today.path])
        #expect(second.out.contains("32 rows, 1 new, 31 already imported"))
        #expect(second.out.contains("; 1 event since"))
        let profile = try #require(try cli.json(["profile", "C1", "--store", store]) as? [String: Any])
        let model = try #require(profile["model"] as? [String: Any])
        #expect(model["events_at_fit"] as? Int == 31 && model["events_since_fit"] as? Int == 1)
        #expect((profile["rfm"] as? [String: Any])?["orders"] as? Int == 1)
    }

    @Test func nothingIsCreatedOrOverwrittenByAccident() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        // A mistyped store is an error, not a new empty store.
        let typo = cli.dir.appendingPathComponent("nested/typo.sqlite").path
        var r = try cli.run(["customers", "--store", typo])
        #expect(r.status == 1 && r.err.contains("no store at \(typo)"))
        #expect(!FileManager.default.fileExists(atPath: typo))
        // A sample goes into a new store only.
        r = try cli.run(["sample", "--customers", "10", "--store", store])
        #expect(r.status == 2 && r.err.contains("already exists"))
        // Rejects never go over the store or an input, nor over a file without --force.
        let input = cli.dir.appendingPathComponent("e.csv")
        try Data("customer_id,timestamp,type\nC1,not-a-date,view\n".utf8).write(to: input)
        r = try cli.run(["import", "--store", store, "--skip-bad", input.path, input.path])
        #expect(r.status == 1 && r.err.contains("may not write over the store or an input file"))
        r = try cli.run(["import", "--store", store, "--skip-bad", store, input.path])
        #expect(r.status == 1 && r.err.contains("may not write over the store"))
        let existing = cli.dir.appendingPathComponent("old.csv")
        try Data("keep me\n".utf8).write(to: existing)
        r = try cli.run(["import", "--store", store, "--skip-bad", existing.path, input.path])
        #expect(r.status == 1 && r.err.contains("exists already"))
        #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me\n")
        r = try cli.run(["export", "C00001", "--out", existing.path, "--store", store])
        #expect(r.status == 2 && r.err.contains("exists already"))
        // Rows set aside are a distinct exit code, and the good rows are in.
        try Data("customer_id,timestamp,type\nC1,2026-01-01,view\nC1,not-a-date,view\n".utf8).write(to: input)
        let rejects = cli.dir.appendingPathComponent("rejects.csv").path
        r = try cli.run(["import", "--store", store, "--skip-bad", rejects, input.path])
        #expect(r.status == 3 && r.out.contains("1 rejected to \(rejects)"))
    }

    @Test func namesCannotForgeLinesOrSmuggleControlsIntoOutput() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let file = cli.dir.appendingPathComponent("c.csv")
        let name = "Eve\nFAKE LINE \u{202E}gnp.exe \u{9B}31m"
        try Data("customer_id,name\nC1,\"\(name)\"\n".utf8).write(to: file)
        #expect(try cli.run(["import", "--store", store, file.path]).status == 0)
        let text = try cli.run(["profile", "C1", "--store", store])
        #expect(text.status == 0)
        #expect(!text.out.split(separator: "\n").contains { $0.hasPrefix("FAKE LINE") })
        #expect(!text.out.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x9B })
        let json = try cli.run(["profile", "C1", "--store", store, "--json"])
        #expect(json.out.contains("\\u202e") && json.out.contains("\\u009b") && json.out.contains("\\n"))
        #expect(!json.out.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x9B })
        let parsed = try #require(try JSONSerialization.jsonObject(with: json.outData) as? [String: Any])
        #expect((parsed["customer"] as? [String: Any])?["name"] as? String == name)
    }
}

@Suite("metrics command, end to end", .serialized)
struct MetricsCLITests {
    @Test func metricsJSONHasEveryKey() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let m = try #require(try cli.json(["metrics", "--store", store]) as? [String: Any])
        for key in [
            "since", "until", "segment", "customers", "buyers", "orders", "revenue", "returns", "aov",
            "purchase_frequency", "repeat_rate", "cohorts", "carts", "cart_abandonment", "channels", "clv",
            "segments", "migration", "recommendations", "cart_sessions", "cart_line_abandonment",
            "recommendation_impressions", "recommendation_clicks", "recommendation_click_through_rate"
        ] {
            #expect(m.keys.contains(key), "missing \(key)")
        }
        #expect((m["orders"] as? Int ?? 0) > 0 && m["segment"] is NSNull)
        // The bundled sample has recommendation impressions and clicks, and cart sessions.
        #expect((m["recommendation_impressions"] as? Int ?? 0) > 1000)
        #expect((m["recommendation_click_through_rate"] as? Double ?? 0) > 0.02)
        #expect((m["cart_sessions"] as? Int ?? 0) > 0 && m["cart_abandonment"] as? Double != nil)
        let clv = try #require(m["clv"] as? [String: Any])
        #expect(clv["clv_histogram"] as? [String: Any] != nil && clv["p_alive_below_half_share"] != nil)
        let cohort = try #require((m["cohorts"] as? [[String: Any]])?.first)
        #expect((cohort["retention"] as? [Double])?.first == 1 && cohort["month"] as? String != nil)
        let channel = try #require((m["channels"] as? [[String: Any]])?.first)
        #expect(Set(channel.keys) == ["channel", "opens", "clicks", "click_to_open_rate", "purchases"])
        let recs = try #require(m["recommendations"] as? [String: Any])
        #expect(Set(recs.keys) == ["k", "hr_at_k", "ndcg_at_k", "cases", "sample", "eligible"])
        #expect(recs["k"] as? Int == 10 && (recs["sample"] as? Int ?? 0) > 0)
        let text = try cli.run(["metrics", "--store", store, "--segment", "champions"])
        #expect(text.status == 0 && text.out.contains("segment: champions"))
        #expect(try cli.run(["metrics", "--store", store, "--since", "yesterday-ish"]).status == 2)
    }

    @Test func readCommandsLeaveTheStoreFileAsItWas() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let modified = try FileManager.default.attributesOfItem(atPath: store)[.modificationDate] as? Date
        func walSize() -> Int {
            (try? FileManager.default.attributesOfItem(atPath: store + "-wal")[.size] as? Int) ?? 0
        }
        let wal = walSize()
        for args in [
            ["customers"], ["profile", "C00001"], ["history", "C00001"], ["recommend", "C00001"], ["segments"],
            ["audit"], ["metrics"]
        ] {
            #expect(try cli.run(args + ["--store", store]).status == 0, "\(args)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: store)[.modificationDate] as? Date == modified)
        #expect(walSize() == wal, "a read command wrote to the write-ahead log")
    }
}
