import Foundation
import RapportEngine
@testable import RapportService
import RapportStore
import RapportUI
import RapportVocabulary
import Testing
@testable import RapportApp

@Suite("Explorer screens, headless")
struct ScreenTests {
    @Test func listAt80x24() throws {
        let h = Harness(client: Fixtures.client)
        let l = h.lines
        #expect(l.count == 24)
        #expect(l[0].hasPrefix(" Rapport • Customers") && l[0].hasSuffix("sort: name"))
        #expect(l[1] == "NAME              ID      RFM SEGMENT      STAGE     LAST ORDERS   SPEND     CLV")
        #expect(l[2].hasPrefix("Anna Côté         C4"))
        #expect(l[22].hasPrefix(" 1/4 customers"))
        #expect(l[23].hasPrefix(" Enter open  / filter  s sort  S segments"))
        // Wide characters keep the columns aligned.
        let taro = try #require(l.first { $0.contains("山田 太郎") })
        #expect(taro.hasPrefix("山田 太郎         C2"))
        #expect(TextWidth.of(String(taro.prefix(while: { $0 != "C" }))) == 18)
    }

    @Test func escapeSequenceInANameNeverReachesTheScreen() throws {
        let h = Harness(client: Fixtures.client, size: Size(width: 120, height: 30))
        let mallory = try #require(h.lines.first { $0.contains("Mallory") })
        #expect(mallory.contains("Mallory \u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J"))
        for cell in h.backend.frame.cells {
            #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
        let ascii = Harness(client: Fixtures.client, size: Size(width: 120, height: 30), glyphs: .ascii)
        #expect(ascii.lines.contains { $0.contains("Mallory ?]0;pwned??[2J") })
        #expect(ascii.backend.frame.cells.allSatisfy { $0.text.unicodeScalars.allSatisfy { $0.isASCII } })
    }

    @Test func filterAsYouType() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("/"))
        h.type("yirg")
        #expect(h.lines[22].hasPrefix(" 1/0 customers") || h.lines[22].hasPrefix(" 0/0 customers"))
        h.press(.ctrl("u"))
        h.type("mar")
        #expect(h.lines[0].contains("filter: mar"))
        #expect(h.lines[2].hasPrefix("Margot Lindqvist"))
        #expect(h.lines[3].isEmpty)
        #expect(h.lines[23].hasPrefix("/mar"))
        h.press(.escape)
        #expect(h.lines[22].hasPrefix(" 1/4 customers"))
    }

    @Test func profileShowsStatedBesideInferred() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        let s = h.screen
        #expect(h.model.screen == .profile)
        #expect(h.lines[1].hasPrefix(" Margot Lindqvist  [C1]  age 40s  Kraków, PL"))
        #expect(s.contains("Preferences") && s.contains("Value") && s.contains("Recommendations") && s.contains("Care"))
        #expect(s.contains("says likes: Music/Jazz"))
        #expect(s.contains("says dislikes: Music/Rock"))
        #expect(s.contains("Music/Jazz") && s.contains("RFM"))
        #expect(s.contains("channel: says email, engages web (differs)"))
        // Tab moves focus through the panels (and only them: H opens the history).
        h.press(.tab, .tab, .tab)
        #expect(h.model.profile?.panel == 3)
        h.press(.tab)
        #expect(h.model.screen == .profile && h.model.profile?.panel == 0)
    }

    @Test func resizeAndTooSmall() throws {
        let h = Harness(client: Fixtures.client)
        h.resize(Size(width: 120, height: 40))
        #expect(h.lines.count == 40 && h.lines[0].count <= 120)
        #expect(h.lines[38].hasPrefix(" 1/4 customers"))
        #expect(h.lines[1].contains("CLV"))
        h.resize(Size(width: 60, height: 20))
        #expect(h.screen.contains("Rapport needs at least 80×24."))
        #expect(h.screen.contains("This terminal is 60×20."))
        h.resize(Size(width: 80, height: 24))
        #expect(h.lines[1].hasPrefix("NAME"))
    }

    @Test func giftFlowUpdatesPreferencesAtOnce() throws {
        let h = try Harness()
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        #expect(h.model.profile?.report?.preferences.inferred.contains { $0.value == "Toys" } == true)
        h.press(.char("H"))
        #expect(h.model.screen == .history)
        #expect(h.lines[0].contains("History • Margot Lindqvist"))
        // Flag each toy purchase as a gift.
        h.press(.char("t")) // purchases only
        for _ in 0..<3 {
            guard let i = h.model.history?.events.firstIndex(where: { $0.category == "Toys" && !$0.gift }) else {
                break
            }
            h.runtime.send(.input(.key(.home)))
            h.settle()
            for _ in 0..<i { h.press(.down) }
            h.press(.char("f"))
            #expect(h.screen.contains("Flag E") && h.screen.contains("as a gift"))
            #expect(h.model.preview?.preview?.diff != nil)
            h.type("for grandson")
            h.press(.enter)
        }
        let flash = h.model.flash?.text ?? ""
        #expect(flash.contains("flagged as a gift"))
        #expect(flash.contains("Toys no longer inferred"), "\(flash)")
        #expect(h.model.profile?.report?.preferences.inferred.contains { $0.value == "Toys" } == false)
        #expect(h.lines.contains { $0.contains("gift") && $0.contains("Wooden Train") })
        // The screen's rows changed their flags as the store did, notes included.
        let flagged = try h.workspace.history(try h.workspace.customerKey("C1")).filter { $0.gift }
        #expect(h.model.history?.all.filter(\.gift).map(\.eventId) == flagged.map(\.eventId))
        #expect(h.model.history?.all.filter(\.gift).map(\.giftNote) == flagged.map(\.giftNote))
        // Undo restores the last one.
        h.press(.char("u"))
        #expect(h.model.flash?.text.hasPrefix("undone: flagged E") == true)
        #expect(h.model.flash?.text.contains("as a gift") == true)
        let stored = try h.workspace.history(try h.workspace.customerKey("C1")).filter { $0.gift }
        #expect(stored.count == 2)
    }

    @Test func clearHistoryDialog() throws {
        let shop = ChangingShop()
        let key = Fixtures.key("C1")
        let h = Harness(client: shop.correcting(key, id: "C1", actions: FixtureActions()))
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter, .char("H"), .char("C"))
        #expect(h.screen.contains("Clear history"))
        #expect(h.screen.contains("last 30 days"))
        // All time, views only.
        h.press(.right, .right, .down, .down)
        #expect(h.screen.contains("all time") && h.screen.contains("Types: views "))
        #expect(h.screen.contains("24 events will be removed"))
        // The dialog shows the preview of the same window, and how long the events are kept.
        #expect(h.model.preview?.subject == "clear 3 2" && h.model.preview?.preview?.events == 24)
        #expect(h.screen.contains("Kept 24 hours so that u undoes it"))
        h.press(.enter)
        #expect(h.screen.contains("Remove them for good? y: yes"))
        h.press(.char("y"))
        #expect(h.model.flash?.text.hasPrefix("removed 24 events") == true)
        let left = shop.now.histories[key] ?? []
        #expect(!left.contains { $0.type == .view } && left.count == 25)
        // u brings them back, and the history on screen with them.
        h.press(.char("u"))
        #expect(h.model.flash?.text.hasPrefix("undone: cleared 24 events of C1") == true)
        #expect(shop.now.histories[key]?.count == 49)
        #expect(h.model.history?.all.count == 49)
    }

    @Test func eraseAsksForTheIdAndTheCustomerIsGone() throws {
        let shop = ChangingShop()
        let h = Harness(client: shop.client)
        h.press(.char("/"))
        h.type("anna")
        h.press(.enter, .enter, .char("X"))
        #expect(h.screen.contains("Type the customer id to confirm"))
        h.type("C9")
        h.press(.enter)
        #expect(h.model.flash?.text.contains("not erased") == true)
        #expect(shop.calls.all.isEmpty)
        h.press(.char("X"))
        h.type("C4")
        h.press(.enter)
        #expect(h.model.screen == .list)
        #expect(h.model.flash?.text.contains("C4 erased") == true)
        h.press(.escape) // clear the filter
        #expect(h.lines[22].contains("/3 customers"))
        #expect(!h.screen.contains("Anna Côté"))
        #expect(shop.calls.all == ["forget \(Fixtures.key("C4"))"])
    }

    @Test func helpIsGeneratedFromTheKeymap() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("?"))
        let s = h.screen
        #expect(s.contains("Keys: list"))
        // Every word of the first helps is on screen (long ones wrap onto the next line).
        for line in h.model.keymap.helpLines(for: "list").prefix(8) {
            for word in line.help.split(separator: " ") { #expect(s.contains(word)) }
        }
        h.press(.escape)
        #expect(!h.screen.contains("Keys: list"))
    }

    @Test func commandLineCompletesAndRuns() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char(":"))
        h.type("so")
        h.press(.tab)
        #expect(h.model.commandLine?.text == "sort ")
        h.type("sp")
        h.press(.tab, .enter)
        #expect(h.model.list.query.sort == .spend)
        h.press(.char(":"))
        h.type("goto C2")
        h.press(.enter)
        #expect(h.model.screen == .profile && h.lines[1].contains("山田 太郎"))
        h.press(.char(":"))
        h.type("bogus")
        h.press(.enter)
        #expect(h.model.flash?.isError == true)
    }

    @Test func segmentsScreenAndNewRuleWithLiveValidation() throws {
        // The fixture's rules select two customers: the count shown is the client's answer.
        let calls = FixtureCalls()
        let h = Harness(client: Fixtures.withRules(members: 2, calls: calls))
        h.press(.char("S"))
        #expect(h.lines[0].contains("Segments"))
        #expect(h.screen.contains("champions") && h.screen.contains("stage"))
        h.press(.char("n"))
        h.type("jazz fans")
        h.press(.tab)
        h.type("orders > 3 and")
        #expect(h.screen.contains("column 15") || h.screen.contains("ends too soon"))
        h.type(" consent.email")
        #expect(h.screen.contains("valid rule"))
        #expect(h.screen.contains("2 customers match"))
        h.press(.enter)
        #expect(h.model.flash?.text == "segment jazz fans saved: 2 members")
        #expect(h.model.segments.items.contains { $0.name == "jazz fans" && $0.members == 2 })
        #expect(calls.all == ["createSegment jazz fans: orders > 3 and consent.email"])
    }

    @Test func readOnlyShowsWritesAsUnavailable() throws {
        let h = Harness(client: Fixtures.client, readOnly: true)
        h.press(.enter)
        h.press(.char("N"))
        #expect(h.model.dialog == nil)
        #expect(h.model.flash?.text.contains("read-only") == true)
        #expect(h.lines[23].contains("N note(ro)"))
        // An export writes personal data to a file and is audited: refused as a write.
        h.press(.char("E"))
        #expect(h.model.flash?.text.contains("read-only") == true)
    }

    @Test func keysDocumentMatchesTheKeymap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/keys.md"), encoding: .utf8)
        let table = AppKeys.keymap().markdown(viewOrder: AppKeys.viewOrder, modeOrder: AppKeys.modeOrder)
        #expect(
            doc.contains(table), "docs/keys.md is out of date: regenerate it with `swift run rapport keys --markdown`")
    }
}

@Suite("List loads")
struct ListLoadTests {
    @Test func aLoadSupersededBeforeItRunsIsDropped() throws {
        let effects = Effects(client: Fixtures.client)
        let first = effects.loadList(
            ListQuery(text: "Mar"), generation: 1000, around: 0, needTotal: true, knownTotal: 0)
        let second = effects.loadList(
            ListQuery(text: "Marg"), generation: 1001, around: 0, needTotal: true, knownTotal: 0)
        let got = Messages()
        first.run { got.append($0) }
        #expect(got.count == 0)
        second.run { got.append($0) }
        #expect(got.count == 1)
    }
}

final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [AppMessage] = []
    func append(_ m: AppMessage) { lock.withLock { list.append(m) } }
    var count: Int { lock.withLock { list.count } }
}

@Suite("Rule checks while typing")
struct RuleCheckTests {
    /// Rules parse as the engine parses them; every rule selects no one.
    static var client: ExplorerClient {
        var c = Fixtures.client
        c.parseRule = { try Rule(parsing: $0) }
        c.countMembers = { _ in 0 }
        c.ruleWarnings = { _ in [] }
        return c
    }

    @Test func aCountSupersededDuringItsWaitIsSkippedAndAParseErrorAnswersAtOnce() throws {
        let effects = Effects(client: Self.client)
        let first = effects.checkRule("orders > 1", generation: 1)
        let got = Messages()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            first[0].run { got.append($0) }
            done.signal()
        }
        // The next key arrives while the first count waits.
        let second = effects.checkRule("orders > 2", generation: 2)
        done.wait()
        #expect(got.count == 0)
        second[0].run { got.append($0) }
        #expect(got.count == 1)
        let broken = effects.checkRule("orders >", generation: 3)
        broken[0].run { got.append($0) }
        #expect(got.count == 2)
    }

    /// Issue 20: a pasted 10,000-character rule arrives as 10,000 keys. Each key's check is
    /// queued, and one superseded by a newer key is skipped before it parses: one parse, not
    /// 10,000 on the UI loop (before, the dialog froze for about two minutes).
    @Test func aPastedLongRuleIsParsedOnceNotPerCharacter() throws {
        let effects = Effects(client: Self.client)
        let text = String(repeating: "orders > 1 and ", count: 667) + "orders > 1"
        #expect(text.count > 10_000)
        var queued: [Effects.Cmd] = []
        var typed = ""
        for (i, c) in text.enumerated() {
            typed.append(c)
            queued += effects.checkRule(typed, generation: i + 1)
        }
        #expect(effects.ruleParses.value == 0, "nothing parsed on the UI loop")
        let got = Messages()
        for c in queued { c.run { got.append($0) } }
        #expect(effects.ruleParses.value == 1)
        #expect(got.count == 1)
    }
}

@Suite("Key actions")
struct KeyActionTests {
    @Test func everyBoundActionIsAnIntentAndEveryIntentIsBound() {
        let keymap = AppKeys.keymap()
        let bound = Set(([keymap.global] + Array(keymap.views.values)).flatMap { $0.actions.map(\.id) })
        #expect(bound == Set(AppAction.allCases.map(\.rawValue)))
    }

    @Test func aReboundInterruptQuitsFromInsideADialog() throws {
        var keymap = AppKeys.keymap()
        #expect(keymap.rebind(["interrupt": ["C-x"]]).isEmpty)
        let h = Harness(client: Fixtures.client, keymap: keymap)
        h.press(.char("/"))
        h.press(.ctrl("c"))
        #expect(!h.model.finished)
        h.press(.ctrl("x"))
        #expect(h.model.finished)
    }
}

@Suite("Styles and sizes")
struct StyleAndSizeTests {
    static let theme = Theme()
    /// Selection and the status line share reverse video; titles and the focused border the accent.
    static let legend: [Style: Character] = [
        .plain: ".", theme.selected: "S", theme.header: "H", theme.muted: "m",
        theme.focusedBorder: "F", Style(fg: theme.danger, bold: true, reverse: true): "E", Style(bold: true): "b",
        Style(fg: theme.accent, bold: true, reverse: true): "A"
    ]

    @Test func theSelectedRowIsReversedAcrossTheWholeWidth() throws {
        let h = Harness(client: Fixtures.client)
        let styles = h.backend.frame.styleLines(Self.legend)
        #expect(styles[2] == String(repeating: "S", count: 80))
        #expect(styles[3].allSatisfy { $0 == "." })
        h.press(.char("j"))
        let after = h.backend.frame.styleLines(Self.legend)
        #expect(after[2].allSatisfy { $0 == "." } && after[3] == String(repeating: "S", count: 80))
    }

    @Test func theFocusedPanelsBorderIsHighlightedAndOthersAreMuted() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.enter)
        let styles = h.backend.frame.styleLines(Self.legend)
        let borders = styles.map { Set($0) }
        #expect(borders.contains { $0.contains("F") })
        h.press(.tab)
        let moved = h.backend.frame.styleLines(Self.legend)
        #expect(moved != styles)
        #expect(h.backend.frame.differences(from: h.backend.frame).isEmpty)
    }

    @Test func anErrorFlashIsDrawnInTheErrorStyle() throws {
        let h = Harness(client: Fixtures.client, readOnly: true)
        h.press(.enter)
        let before = h.backend.frame.styleLines(Self.legend)[22]
        h.press(.char("N"))
        // The status line carries the message, the whole width in the error style.
        #expect(h.lines[22].contains("unavailable: the store is open read-only"))
        #expect(before.allSatisfy { $0 == "S" })
        #expect(h.backend.frame.styleLines(Self.legend)[22] == String(repeating: "E", count: 80))
    }

    /// Every screen, at every small size, draws without a crash and within its buffer.
    @Test(arguments: [
        Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 2, height: 2),
        Size(width: 10, height: 3), Size(width: 30, height: 5), Size(width: 5, height: 40)
    ])
    func degenerateSizesDoNotCrash(_ size: Size) throws {
        let h = Harness(client: Fixtures.client)
        h.resize(size)
        for key: Key in [
            .enter, .tab, .tab, .char("H"), .char("?"), .escape, .escape, .char("S"), .escape,
            .char("/"), .char("m"), .escape, .char(":"), .escape
        ] {
            h.press(key)
            #expect(h.backend.frame.size == size)
        }
    }
}

@Suite("Several sessions on one store")
struct OtherSessionTests {
    @Test func aNoteAddedElsewhereAppearsOnTheOpenProfile() throws {
        let shop = ChangingShop()
        let h = Harness(client: shop.client)
        h.send(.tick)
        h.press(.enter)
        let key = try #require(h.model.profile?.key)
        #expect(!h.screen.contains("allergic to peanuts"))
        // Another analyst's session adds a note: the store's write stamp moves.
        shop.change { s in
            s.profiles[key]?.notes.append(
                NoteView(time: Timestamp(Harness.now), analyst: "ana", text: "allergic to peanuts", key: 1))
        }
        h.send(.tick)
        #expect(h.model.profile?.report?.notes.contains { $0.text == "allergic to peanuts" } == true)
    }

    @Test func aProfileErasedElsewhereClosesWithAMessage() throws {
        let shop = ChangingShop()
        let h = Harness(client: shop.client)
        h.send(.tick)
        h.press(.enter)
        let key = try #require(h.model.profile?.key)
        shop.erase(key)
        h.send(.tick)
        #expect(h.model.screen == .list && h.model.profile == nil)
        #expect(h.model.flash?.text.contains("was erased in another session") == true)
    }
}

@Suite("Footer")
struct FooterTests {
    /// At 80 columns every hint in the footer is whole, and help and the way out are always there.
    @Test func hintsFitWholeAt80Columns() throws {
        let h = Harness(client: Fixtures.client)
        for keys: [Key] in [[], [.enter], [.char("H")], [.escape, .escape, .char("S")]] {
            for k in keys { h.press(k) }
            let footer = h.lines[23]
            #expect(footer.count <= 80)
            #expect(footer.contains("? help"))
            #expect(footer.contains("q quit") || footer.contains("Esc back"))
        }
    }
}

@Suite("Metrics screen")
struct MetricsScreenTests {
    @Test func everyonesMetricsFromTheListAndASegmentsFromSegments() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"))
        #expect(h.lines[0].contains("Metrics • everyone"))
        #expect(h.screen.contains("Customers 4"))
        #expect(h.screen.contains("CHANNEL") && h.screen.contains("SEGMENT"))
        h.press(.tab)
        #expect(h.screen.contains("COHORT"))
        #expect(h.lines.allSatisfy { $0.count <= 80 })
        h.press(.escape)
        #expect(h.model.screen == .list)
        h.press(.char("S"))
        let name = try #require(h.model.segments.items.first?.name)
        h.press(.char("M"))
        #expect(h.lines[0].contains("Metrics • \(name)"))
        h.press(.escape)
        #expect(h.model.screen == .segments)
    }
}

@Suite("Back stack")
struct BackStackTests {
    @Test func escapeReturnsToThePreviousScreen() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.enter)
        #expect(h.model.screen == .profile)
        // Profile → segments → Esc lands on the profile, not the list.
        h.press(.char("S"))
        #expect(h.model.screen == .segments)
        h.press(.escape)
        #expect(h.model.screen == .profile)
        // Segment members → Esc lands on the segments screen.
        h.press(.char("S"))
        h.press(.enter)
        #expect(h.model.screen == .list)
        h.press(.escape)
        #expect(h.model.screen == .segments)
        // q on the list still quits.
        h.press(.escape, .escape, .escape)
        #expect(h.model.screen == .list)
        h.press(.char("q"))
        #expect(h.model.finished)
    }
}
