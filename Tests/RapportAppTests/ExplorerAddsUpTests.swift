import Foundation
import RapportVocabulary
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// Issue 19, items 9–13: the explorer adds up.
@Suite("Explorer adds up", .serialized)
struct ExplorerAddsUpTests {
    // MARK: 9. one kind of segment at a time

    @Test func segmentAndStageFilterByTheKindAskedAndTheTitleSaysWhich() throws {
        let h = Harness(client: Fixtures.client)
        for (command, name) in [("segment", "lost"), ("stage", "lost"), ("segment", "at risk"), ("stage", "at risk")] {
            h.press(.char(":"))
            h.type("\(command) \(name)")
            h.press(.enter)
            let q = h.model.list.query
            let rfm = command == "segment"
            #expect(q.segment == (rfm ? name : nil) && q.stage == (rfm ? nil : name), "\(command) \(name): \(q)")
            // The fixture's counts by segment and stage are the store's (FixtureTests).
            let expected = try Fixtures.client.customerCount(
                rfm ? ListQuery(segment: name) : ListQuery(stage: name), nil)
            #expect(h.model.list.total == expected, "\(command) \(name)")
            #expect(h.lines[0].contains(rfm ? "RFM segment: \(name)" : "stage: \(name)"), "\(h.lines[0])")
        }
    }

    // MARK: 10. the metrics headline never cuts a number

    @Test func theMetricsHeadlineFitsEightyColumnsWithEveryNumberWhole() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"))
        var f = try #require(h.model.metrics?.figures)
        f.customers = 1_234_567
        f.buyers = 987_654
        f.orders = 3_456_789
        f.revenue = 98_765_432.1
        f.returns = 123_456.78
        f.cartSessions = 1753
        f.cartAbandonment = 0.23
        f.aov = 28.57
        f.clv.total = 7_654_321.5
        f.clv.mean = 6.2
        h.send(.metricsLoaded(segment: nil, f))
        let top = h.lines[1..<8].joined(separator: "\n")
        for figure in [
            "Customers 1234567", "buyers 987654", "orders 3456789", "revenue 98.77M", "returns 123456.78",
            "cart sessions abandoned 23.0% of 1753", "total 7.65M", "mean 6.20"
        ] {
            #expect(top.contains(figure), "\(figure) in\n\(top)")
        }
        for line in Explorer.headline(f, width: 78) { #expect(line.count <= 78, "\(line)") }
    }

    // MARK: 11. the back stack

    @Test func escFromACohortDrillDownRetracesEveryStep() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter)
        let filtered = h.model.list.query
        h.press(.enter)
        #expect(h.model.screen == .profile)
        h.press(.char("M"), .tab)
        #expect(h.model.metricsView.panel == .cohorts)
        h.press(.enter)
        #expect(h.model.screen == .list && h.model.list.query.keys != nil)
        h.press(.escape)
        #expect(h.model.screen == .metrics)
        h.press(.escape)
        #expect(h.model.screen == .profile)
        h.press(.escape)
        #expect(h.model.screen == .list)
        #expect(h.model.list.query == filtered, "\(h.model.list.query)")
        #expect(h.lines.contains { $0.hasPrefix("Margot Lindqvist") }, "\(h.screen)")
    }

    @Test func qInADrillDownGoesBackAndQuitsOnlyFromTheTop() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"), .tab, .enter)
        #expect(h.model.screen == .list)
        #expect(h.lines[23].contains("Esc back") && !h.lines[23].contains("quit"), "\(h.lines[23])")
        h.press(.char("q"))
        #expect(!h.model.finished)
        #expect(h.model.screen == .metrics)
        h.press(.char("q"))
        #expect(!h.model.finished && h.model.screen == .list)
        #expect(h.lines[23].contains("q quit"), "\(h.lines[23])")
        h.press(.char("q"))
        #expect(h.model.finished)
    }

    @Test func aProfileOpenedFromADrillDownGivesBackTheFirstOne() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.enter) // Anna Côté
        let first = try #require(h.model.profile?.key)
        h.press(.char("S"))
        let i = try #require(h.model.segments.items.firstIndex { $0.members > 0 && $0.kind == .rfm })
        for _ in 0..<i { h.press(.char("j")) }
        h.press(.enter, .enter)
        #expect(h.model.screen == .profile)
        h.press(.escape, .escape, .escape)
        #expect(h.model.screen == .profile)
        #expect(h.model.profile?.key == first)
        #expect(h.model.profile?.report?.customer.key == first)
    }

    // MARK: 12. the rule dialog

    @Test func theRuleDialogShowsTheTypoWarningAsItChecks() throws {
        let h = Harness(client: Fixtures.withRules(warnings: ["no category 'Toyz'; did you mean 'Toys'?"]))
        h.press(.char("S"), .char("n"))
        h.type("toy buyers")
        h.press(.tab)
        h.type("affinity(\"Toyz\") > 0")
        #expect(h.model.dialog != nil)
        #expect(h.screen.contains("no category 'Toyz'; did you mean 'Toys'?"), "\(h.screen)")
    }

    @Test func aDuplicateNameKeepsTheDialogAndTheTypedRule() throws {
        let h = Harness(client: Fixtures.withRules())
        h.press(.char("S"), .char("n"))
        h.type("champions")
        h.press(.tab)
        h.type("orders > 3")
        h.press(.enter)
        guard case .newSegment(let name, let rule, let onRule, let status, _)? = h.model.dialog else {
            Issue.record("the dialog closed: \(h.screen)")
            return
        }
        #expect(name.text == "champions" && rule.text == "orders > 3" && !onRule)
        #expect(status.text.contains("exists already"), "\(status.text)")
        #expect(h.screen.contains("exists already"))
        // A name taken meanwhile (by another session) brings the dialog back as typed.
        h.press(.escape)
        h.send(
            .segmentNotSaved(
                name: "jazz", rule: "orders > 1",
                failure: ExplorerFailure(.createSegment, .error("segment 'jazz' exists"))))
        guard case .newSegment(let n2, let r2, _, _, _)? = h.model.dialog else {
            Issue.record("no dialog after a failed save")
            return
        }
        #expect(n2.text == "jazz" && r2.text == "orders > 1")
    }

    @Test func savingShowsProgressAndBrowsingGoesOn() throws {
        let calls = FixtureCalls()
        let h = Harness(client: Fixtures.withRules(calls: calls))
        h.press(.char("S"), .char("n"))
        h.type("big spenders")
        h.press(.tab)
        h.type("spend > 10")
        // The save runs as a command: the screen answers keys before it is done.
        h.runtime.send(.input(.key(.enter)))
        #expect(h.model.dialog == nil)
        #expect(h.model.progress == "saving segment big spenders…")
        let before = h.model.segments.selected
        h.runtime.send(.input(.key(.char("j"))))
        #expect(h.model.segments.selected == before + 1)
        h.settle()
        #expect(h.model.progress == nil)
        #expect(h.model.flash?.text.hasPrefix("segment big spenders saved: ") == true, "\(h.model.flash?.text ?? "")")
        #expect(calls.all == ["createSegment big spenders: spend > 10"])
    }

    // MARK: 13. the list's rows, exports, units

    @Test func theListsRowsTakeHistoryNoteAndExport() throws {
        let calls = FixtureCalls()
        var client = Fixtures.client
        client.addNote = { key, text in calls.add("addNote \(key): \(text)") }
        let h = Harness(client: client)
        h.press(.char("j"), .char("j")) // Margot
        let margot = Fixtures.key("C1")
        #expect(h.model.list.rows[h.model.list.selected]?.key == margot)
        h.press(.char("H"))
        #expect(h.model.screen == .history && h.model.history?.key == margot)
        #expect(h.model.history?.all.isEmpty == false)
        h.press(.escape)
        #expect(h.model.screen == .list)
        h.press(.char("N"))
        h.type("called about the order")
        h.press(.enter)
        #expect(calls.all == ["addNote \(margot): called about the order"])
        for id in ["history", "note", "export"] {
            #expect(!h.model.keymap.views["list"]!.keys(for: id).isEmpty, "\(id)")
        }
    }

    @Test func exportAsksBeforeReplacingItsFile() throws {
        let calls = FixtureCalls()
        var client = Fixtures.client
        client.exportToFile = { key, path, redact in calls.add("export \(key) to \(path)\(redact ? " redacted" : "")") }
        let h = Harness(client: client)
        h.press(.char("j")) // Mallory, C3
        let path = Effects.exportPath(id: "C3")
        try Data("earlier".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        h.press(.char("E"))
        #expect(h.screen.contains("exists already"), "\(h.screen)")
        h.press(.char("n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier")
        #expect(h.model.flash?.text.contains("kept") == true)
        #expect(calls.all.isEmpty)
        h.press(.char("E"), .char("y"))
        #expect(calls.all == ["export \(Fixtures.key("C3")) to \(path)"])
        #expect(h.model.flash?.text == "exported to \(path)")
    }

    @Test func milestonesAndCountsCarryTheirUnits() throws {
        let one = MilestoneView(kind: .orders, label: "5th order", reached: false, distance: 1, date: nil)
        #expect(one.toGo == "1 order to go")
        let many = MilestoneView(kind: .orders, label: "100th order", reached: false, distance: 81, date: nil)
        #expect(many.toGo == "81 orders to go")
        #expect(Units.count(1, "order") == "1 order" && Units.count(2, "order") == "2 orders")
        let h = Harness(client: Fixtures.client)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        #expect(!h.screen.contains(" to go)") || h.screen.contains("orders to go") || h.screen.contains("order to go"))
        #expect(!h.screen.contains("(1 orders") && !h.screen.contains(" 1 orders"))
    }
}
