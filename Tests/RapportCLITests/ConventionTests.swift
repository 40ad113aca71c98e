import Foundation
import Testing

extension CLI {
    /// The rows of a list command's `--json` (`{"items": [...], "total": ...}`).
    func items(_ args: [String]) throws -> [[String: Any]]? {
        (try json(args) as? [String: Any])?["items"] as? [[String: Any]]
    }

    /// Every row of a list command's `--json`, however many (`--limit 1000000`).
    func allItems(_ args: [String]) throws -> [[String: Any]]? {
        try items(args + ["--limit", "1000000"])
    }

    /// A store made by `rapport sample`: small enough for `eval recs` in a test.
    func smallSample(customers: Int = 60) throws -> String {
        let store = dir.appendingPathComponent("small.sqlite").path
        let r = try run(["sample", "--customers", String(customers), "--store", store])
        guard r.status == 0 else { throw CLIError(r.err) }
        return store
    }
}

/// Every problem found in a JSON value: keys that are not snake_case, rows of one list that do
/// not share their keys (an absent value left out instead of `null`), and `id` or `key`
/// meaning something else than the external id (text) or an internal key (a number).
func conventionProblems(_ value: Any, path: String = "$") -> [String] {
    var problems: [String] = []
    if let object = value as? [String: Any] {
        for (k, v) in object {
            if k.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) == nil {
                problems.append("\(path).\(k): not snake_case")
            }
            if k == "id", !(v is String) { problems.append("\(path).id: not the external id (text)") }
            if k == "key", v is String || v is NSNull { problems.append("\(path).key: not an internal key") }
            problems += conventionProblems(v, path: "\(path).\(k)")
        }
    } else if let array = value as? [Any] {
        let objects = array.compactMap { $0 as? [String: Any] }
        if let first = objects.first {
            let keys = Set(first.keys)
            for (i, o) in objects.enumerated() where Set(o.keys) != keys {
                problems.append(
                    "\(path)[\(i)]: keys \(Set(o.keys).symmetricDifference(keys).sorted()) differ from \(path)[0]")
            }
        }
        for (i, v) in array.enumerated() { problems += conventionProblems(v, path: "\(path)[\(i)]") }
    }
    return problems
}

@Suite("Command line conventions: JSON, lists, argument errors, audit", .serialized)
struct ConventionTests {
    @Test func everyCommandsJSONIsSnakeCaseWithExplicitNulls() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        #expect(try cli.run(["segment", "create", "jazz", "likes(\"Music/Jazz\")", "--store", store]).status == 0)
        #expect(try cli.run(["note", "C00001", "called back", "--store", store]).status == 0)
        let sample = CLI.root.appendingPathComponent("SampleData")
        let commands: [[String]] = [
            ["customers"], ["customers", "--filter", "Mallory"], ["history", "C00001"], ["profile", "C00001"],
            ["profile", "C00007"], ["recommend", "C00001"], ["segments"], ["segment", "members", "jazz"],
            ["segment", "members", "champions"], ["audit"], ["audit", "--customer", "C00001"], ["metrics"],
            ["eval", "clv", "--calibration-end", "2026-04-30", "--holdout-end", "2026-10-31"],
            ["import", sample.appendingPathComponent("notes.csv").path], ["gift", "E0000066", "--dry-run"],
            ["clear-history", "C00001", "--last", "30d", "--dry-run"], ["log"], ["undo"], ["redo"], ["undo"], ["undo"]
        ]
        var nulls = 0
        for args in commands {
            let value = try cli.json(args + ["--store", store])
            let problems = conventionProblems(value)
            #expect(problems.isEmpty, "\(args.joined(separator: " ")): \(problems.prefix(5))")
            let text = String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
            if text.contains(":null") { nulls += 1 }
        }
        #expect(nulls >= 5, "absent values are written as null")
        let export = try cli.run(["export", "C00001", "--store", store])
        let exported = try JSONSerialization.jsonObject(with: export.outData)
        #expect(conventionProblems(exported).isEmpty, "export: \(conventionProblems(exported).prefix(5))")
        let metrics = try #require((exported as? [String: Any])?["metrics"] as? [String: Any])
        #expect(metrics["customer_id"] == nil && metrics["last_event"] is String)
        // `eval recs` on a small generated store (the bundled sample takes minutes in a debug build).
        let small = try cli.smallSample()
        let recs = try cli.json(["eval", "recs", "--store", small])
        #expect(conventionProblems(recs).isEmpty, "eval recs: \(conventionProblems(recs).prefix(5))")
    }

    @Test func idIsTheExternalIdAndKeyTheInternalOne() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let rows = try #require(try cli.items(["customers", "--filter", "C00001", "--store", store]))
        let row = try #require(rows.first)
        #expect(row["id"] as? String == "C00001")
        #expect(row["key"] as? Int != nil && row["external_id"] == nil)
        let profile = try #require(try cli.json(["profile", "C00001", "--store", store]) as? [String: Any])
        #expect((profile["customer"] as? [String: Any])?["id"] as? String == "C00001")
        // A product's title is `title` wherever it appears, its id `product_id`.
        let event = try #require(try cli.items(["history", "C00001", "--store", store])?.first)
        let rec = try #require((profile["recommendations"] as? [[String: Any]])?.first)
        for row in [event, rec] {
            #expect(row["title"] is String && row["product_id"] is String && row["product"] == nil, "\(row)")
        }
    }

    @Test func listsCarryTheirTotalAndSayWhenTheLimitCutThem() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let segments = try #require(try cli.items(["segments", "--store", store]))
        let champions = try #require(segments.first { $0["name"] as? String == "champions" }?["members"] as? Int)
        #expect(champions > 100)
        let members = try #require(
            try cli.json(["segment", "members", "champions", "--store", store]) as? [String: Any])
        let customers = try #require(try cli.json(["customers", "--store", store]) as? [String: Any])
        // One default for --limit across list commands.
        #expect(members["limit"] as? Int == customers["limit"] as? Int)
        let limit = try #require(members["limit"] as? Int)
        #expect(members["total"] as? Int == champions && members["truncated"] as? Bool == true)
        #expect((members["items"] as? [Any])?.count == limit)
        let text = try cli.run(["segment", "members", "champions", "--store", store])
        #expect(text.out.contains("\(limit) of \(champions) members of champions"))
        let all = try cli.run(["segment", "members", "champions", "--limit", "1000", "--store", store])
        #expect(all.out.contains("\(champions) members of champions") && !all.out.contains(" of \(champions)"))
        let customerText = try cli.run(["customers", "--limit", "7", "--store", store])
        #expect(customerText.out.contains("7 of 2000 customers"))
        let history = try #require(
            try cli.json(["history", "C00001", "--limit", "3", "--store", store]) as? [String: Any])
        #expect((history["items"] as? [Any])?.count == 3 && (history["total"] as? Int ?? 0) > 3)
        let entries = try #require(try cli.items(["audit", "--limit", "1000", "--store", store]))
        #expect(entries.count > 2)
        let audit = try #require(try cli.json(["audit", "--limit", "2", "--store", store]) as? [String: Any])
        #expect(audit["total"] as? Int == entries.count && audit["truncated"] as? Bool == true)
        #expect((audit["items"] as? [Any])?.count == 2)
    }

    @Test func argumentErrorsListTheValidValues() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        var r = try cli.run(["customers", "--sort", "foo", "--store", store])
        #expect(r.status == 2)
        for sort in ["name", "recency", "spend", "clv"] { #expect(r.err.contains("'\(sort)'"), "\(r.err)") }
        r = try cli.run(["customers", "--segment", "champs", "--store", store])
        #expect(r.status == 2 && r.err.contains("'champions'") && r.err.contains("'hibernating'"), "\(r.err)")
        r = try cli.run(["customers", "--stage", "alive", "--store", store])
        #expect(r.status == 2 && r.err.contains("'active'"), "\(r.err)")
        r = try cli.run([
            "eval", "clv", "--unit", "month", "--calibration-end", "2026-01-01", "--holdout-end", "2026-03-01"
        ])
        #expect(r.status == 2 && r.err.contains("'day'") && r.err.contains("'week'"), "\(r.err)")
    }

    @Test func reimportingNotesDoesNotDuplicateThem() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let notes = CLI.root.appendingPathComponent("SampleData/notes.csv").path
        let before = try #require(try cli.json(["profile", "C00001", "--store", store]) as? [String: Any])
        let count = try #require((before["notes"] as? [Any])?.count)
        #expect(count > 0)
        let again = try #require(try cli.json(["import", notes, "--store", store]) as? [[String: Any]])
        #expect(again.first?["inserted"] as? Int == 0)
        #expect(again.first?["duplicates"] as? Int == again.first?["rows"] as? Int)
        let after = try #require(try cli.json(["profile", "C00001", "--store", store]) as? [String: Any])
        #expect((after["notes"] as? [Any])?.count == count)
    }

    @Test func keysShowTheUsersBindings() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let config = cli.dir.appendingPathComponent("config/rapport")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        let defaults = try cli.run(["keys"])
        #expect(defaults.status == 0 && !defaults.out.contains("F7"))
        try Data("[keys]\nhelp = [\"F7\"]\n".utf8).write(to: config.appendingPathComponent("config.toml"))
        let mine = try cli.run(["keys"])
        #expect(mine.status == 0)
        #expect(mine.out.split(separator: "\n").contains { $0.contains("F7") }, "\(mine.out)")
        // docs/keys.md stays the defaults.
        #expect(!(try cli.run(["keys", "--markdown"]).out.contains("F7")))
    }

    @Test func auditDetailsAreReadable() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        #expect(try cli.run(["note", "C00003", "Asked for a catalogue", "--store", store]).status == 0)
        #expect(
            try cli.run(["clear-history", "C00003", "--since", "2026-09-01", "--types", "view", "--store", store])
                .status == 0)
        let entries = try #require(try cli.items(["audit", "--store", store]))
        func details(_ action: String) -> [String: Any]? {
            entries.first { $0["action"] as? String == action }?["details"] as? [String: Any]
        }
        #expect(details("note.add")?["text"] as? String == "Asked for a catalogue")
        #expect(details("history.clear")?["since"] as? String == "2026-09-01T00:00:00Z")
        let imported = try #require(entries.last { $0["action"] as? String == "import" }?["details"] as? [String: Any])
        #expect(imported["file"] as? String == "customers.csv" && imported["rows"] as? String == "2000")
        let text = try cli.run(["audit", "--store", store])
        #expect(text.out.contains("file=customers.csv") && text.out.contains("since=2026-09-01T00:00:00Z"))
        #expect(!text.out.contains("since=17"))
    }

    @Test func anErasureIsFoundByTheIdTheAnalystKnewWithoutStoringIt() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        #expect(try cli.run(["note", "C00004", "Prefers mornings", "--store", store]).status == 0)
        #expect(try cli.run(["forget", "C00004", "--yes", "--store", store]).status == 0)
        let entries = try #require(try cli.items(["audit", "--customer", "C00004", "--store", store]))
        #expect(entries.map { $0["action"] as? String } == ["customer.forget", "note.add"])
        #expect(entries.allSatisfy { ($0["customer"] as? String)?.hasPrefix("erased#") == true })
        // Not the id itself, anywhere in the log or the file.
        let all = try cli.run(["audit", "--json", "--limit", "1000", "--store", store])
        #expect(!all.out.contains("C00004"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: store))
        #expect(bytes.range(of: Data("C00004".utf8)) == nil)
        // Another id finds nothing; an unknown one is an error, as before.
        #expect(
            try cli.items(["audit", "--customer", "C00005", "--store", store])?.contains {
                $0["action"] as? String == "customer.forget"
            } == false)
        #expect(try cli.run(["audit", "--customer", "C99999", "--store", store]).status == 1)
    }

    @Test func aForcedSampleIntoAnExistingStoreSaysAddedNotCreated() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let first = try cli.run(["sample", "--customers", "5", "--store", store])
        #expect(first.status == 0 && first.out.hasPrefix("created \(store): 5 customers"), "\(first.out)")
        let again = try cli.run(["sample", "--customers", "5", "--seed", "9", "--force", "--store", store])
        #expect(again.status == 0 && again.out.hasPrefix("added 5 customers") && !again.out.contains("created"))
    }

    @Test func aCleanImportWithSkipBadLeavesNoRejectsFileAndCanRunAgain() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let sample = CLI.root.appendingPathComponent("SampleData")
        let files = ["customers", "products"].map { sample.appendingPathComponent("\($0).csv").path }
        let rejects = cli.dir.appendingPathComponent("rejects").path
        for run in 1...2 {
            let r = try cli.run(["import", "--store", store, "--skip-bad", rejects, "--json"] + files)
            #expect(r.status == 0, "run \(run): \(r.err)")
            let reports = try #require(try JSONSerialization.jsonObject(with: r.outData) as? [[String: Any]])
            #expect(reports.allSatisfy { $0["rejects_file"] is NSNull }, "run \(run)")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: rejects))?.isEmpty ?? true)
        }
        // A bad row still goes to its rejects file, under the file's header.
        let bad = cli.dir.appendingPathComponent("bad.csv")
        try Data("customer_id,timestamp,type\nC1,2026-01-01,view\nC1,not-a-date,view\n".utf8).write(to: bad)
        let one = cli.dir.appendingPathComponent("one.csv").path
        let r = try cli.run(["import", "--store", store, "--skip-bad", one, bad.path])
        #expect(r.status == 3)
        let text = try String(contentsOfFile: one, encoding: .utf8)
        #expect(text.hasPrefix("customer_id,timestamp,type,_error\nC1,not-a-date,view,"), "\(text)")
    }

    @Test func helpShowsTheExplorersOptionsAndCompletion() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let help = try cli.run(["--help"])
        for option in ["--read-only", "--redact", "--store", "--generate-completion-script"] {
            #expect(help.out.contains(option), "\(option)")
        }
    }
}
