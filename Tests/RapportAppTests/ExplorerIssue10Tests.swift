import Foundation
import RapportEngine
@testable import RapportService
import RapportUI
import RapportVocabulary
import Testing
@testable import RapportApp

/// Opens Margot's profile (C1).
private func margot(_ h: Harness) {
    h.press(.char("/"))
    h.type("margot")
    h.press(.enter, .enter)
}

/// The text inside the popup (a box that does not start at the screen's edge),
/// its lines joined by spaces.
private func popupText(_ lines: [String]) -> String {
    let rows = lines.map { Array($0) }
    guard
        let top = rows.firstIndex(where: {
            $0.contains("┐") && $0.filter { $0 == "┌" }.count == 1 && $0.firstIndex(of: "┌")! > 0
        }),
        let left = rows[top].firstIndex(of: "┌"), let right = rows[top].lastIndex(of: "┐")
    else { return "" }
    var out: [String] = []
    for row in rows[(top + 1)...] {
        guard row.count > left, row[left] == "│" else { break }
        out.append(String(row[(left + 1)..<min(right, row.count)]).trimmingCharacters(in: .whitespaces))
    }
    return out.filter { !$0.isEmpty }.joined(separator: " ")
}

@Suite("Hidden text: ellipses, selected rows, detail popups")
struct HiddenTextTests {
    @Test func cutTextEndsWithAnEllipsisAtAWordAndTheWholeOfItIsOneKeyAway() {
        #expect(Sanitizer.truncate("Kind of Blue Reissue", to: 10) == "Kind of…")
        #expect(Sanitizer.truncate("Kind of Blue Reissue", to: 10, ellipsis: "~") == "Kind of~")
        #expect(Sanitizer.truncate("Supercalifragilistic", to: 8) == "Superca…")
        #expect(Sanitizer.truncate("山田太郎", to: 5) == "山田…")
        #expect(
            TextWrap.lines("because you bought Kind of Blue", width: 12) == ["because you", "bought Kind", "of Blue"])
        #expect(TextWrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }

    @Test func aRecommendationsReasonIsCutAtAWordWithAnEllipsisAndEnterShowsItWhole() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        let recs = try #require(h.model.profile?.report?.recommendations)
        let long = try #require(recs.firstIndex { TextWidth.of($0.reason) > 36 }, "no reason long enough to cut")
        h.press(.tab, .tab)
        #expect(h.model.profile?.panel == 2)
        for _ in 0..<long { h.press(.down) }
        #expect(h.model.profile?.selectedRec == long)
        let reason = recs[long].reason
        // The panel's line for that reason: the start of it, cut after a whole word, then "…".
        let shown = try #require(
            h.lines.compactMap { line -> String? in
                guard let r = line.range(of: "│  ") else { return nil }
                let rest = line[r.upperBound...]
                guard let end = rest.firstIndex(of: "…") else { return nil }
                let cut = String(rest[..<end])
                return !cut.isEmpty && reason.hasPrefix(cut) && cut.count > 10 ? cut : nil
            }.first, "\(h.screen)")
        let next = reason[reason.index(reason.startIndex, offsetBy: shown.count)...].first
        #expect(next == " " || next == ",", "cut mid-word: '\(shown)' of '\(reason)'")
        // The selected recommendation is drawn selected.
        let styles = h.backend.frame.styleLines([h.model.theme.selected: "S"])
        #expect(styles.contains { $0.contains("SSSSSSSSSS") })
        h.press(.enter)
        let popup = popupText(h.lines)
        #expect(popup.contains(reason), "\(h.screen)")
        h.press(.char("x"))
        #expect(h.model.dialog == nil)
    }

    @Test func aLongNoteInTheCarePanelIsSelectableAndShownWhole() throws {
        let text =
            "Called about the December order: the train set was a present for her grandson, keep suggesting jazz"
        let h = Harness(client: Fixtures.client(notes: ["C1": [text]]))
        margot(h)
        h.press(.backTab)
        #expect(h.model.profile?.panel == 3)
        let rows = try #require(
            h.model.profile?.report.map { h.runtime.program.careRows(h.model, $0) })
        let i = try #require(rows.firstIndex { $0.line.contains("Called about") })
        for _ in 0..<i { h.press(.down) }
        let line = try #require(h.lines.first { $0.contains("Called about") })
        #expect(line.contains("…"))
        h.press(.enter)
        #expect(popupText(h.lines).contains(text), "\(h.screen)")
        #expect(h.screen.contains("Note by tester"))
    }

    @Test func aGiftNoteIsShownInTheEventDetails() throws {
        // Margot's latest purchase flagged as a gift with a note, as `f` leaves it.
        let h = Harness(
            client: Fixtures.client(editingHistoryOf: "C1") { events in
                let i = events.firstIndex { $0.type == .purchase }!
                events[i].gift = true
                events[i].giftNote = "for her grandson"
            })
        margot(h)
        h.press(.char("H"), .char("t"))
        #expect(h.model.history?.typeFilter == .purchase)
        h.press(.enter)
        #expect(popupText(h.lines).contains("gift: for her grandson"), "\(h.screen)")
        h.press(.escape)
        #expect(h.model.dialog == nil && h.model.screen == .history)
    }
}

@Suite("Navigation keys")
struct NavigationKeyTests {
    @Test func hLeftAndBackspaceGoBackWhereLAndRightOpen() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("l"))
        #expect(h.model.screen == .profile)
        h.press(.char("h"))
        #expect(h.model.screen == .list)
        h.press(.right)
        #expect(h.model.screen == .profile)
        h.press(.char("H"))
        #expect(h.model.screen == .history)
        h.press(.backspace)
        #expect(h.model.screen == .profile)
        h.press(.left)
        #expect(h.model.screen == .list && !h.model.finished)
        h.press(.char("S"), .char("l"))
        #expect(h.model.screen == .list)
        h.press(.char("h"))
        #expect(h.model.screen == .segments)
    }

    @Test func theBackKeysCloseHelpToo() throws {
        let h = Harness(client: Fixtures.client)
        for k: Key in [.char("h"), .left, .backspace] {
            h.press(.char("?"))
            #expect(h.model.help != nil)
            h.press(k)
            #expect(h.model.help == nil && h.model.screen == .list)
        }
    }

    @Test func tabCyclesThePanelsOnly() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        h.press(.tab, .tab, .tab, .tab)
        #expect(h.model.screen == .profile && h.model.profile?.panel == 0)
        h.press(.backTab)
        #expect(h.model.profile?.panel == 3)
        h.press(.char("H"), .tab)
        #expect(h.model.screen == .history)
    }

    @Test func gKeepsItsVimMeaningAndGiftIsOnFShownInTheFooter() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        h.press(.char("H"), .down, .down, .down)
        #expect(h.model.history?.selected == 3)
        h.press(.char("g"))
        #expect(h.model.history?.selected == 0 && h.model.dialog == nil)
        h.press(.char("g"), .char("g"))
        #expect(h.model.history?.selected == 0 && h.model.dialog == nil)
        h.press(.char("G"))
        #expect(h.model.history?.selected == (h.model.history?.events.count ?? 0) - 1)
        #expect(h.lines[23].contains("f gift"))
        #expect(h.lines[23].contains("u undo"))
    }

    @Test func undoWalksTheActionLogAndBringsTheGiftNoteBackAndRedoHasItsOwnKey() throws {
        let shop = ChangingShop()
        let key = Fixtures.key("C1")
        let h = Harness(client: shop.correcting(key, id: "C1", actions: FixtureActions()))
        margot(h)
        h.press(.char("H"), .char("t"))
        let event = try #require(h.model.history?.events.first?.eventId)
        h.press(.char("f"))
        h.type("for her grandson")
        h.press(.enter)
        func stored() -> HistoryEvent? { shop.now.histories[key]?.first { $0.eventId == event } }
        #expect(stored()?.giftNote == "for her grandson")
        // Unflag it (the dialog previews it; n keeps it), then undo the unflag: the gift and its note come back.
        h.press(.char("f"))
        #expect(h.screen.contains("Unflag \(event) as a gift") && h.model.preview?.preview != nil)
        h.press(.char("n"))
        #expect(stored()?.gift == true && h.model.flash?.text == "\(event) is still a gift")
        h.press(.char("f"), .char("y"))
        #expect(stored()?.gift == false)
        h.press(.char("u"))
        #expect(stored()?.gift == true)
        #expect(stored()?.giftNote == "for her grandson")
        #expect(h.model.flash?.text.hasPrefix("undone: unflagged \(event)") == true)
        // The action log goes further back: a second u undoes the flag, a third finds nothing.
        h.press(.char("u"))
        #expect(stored()?.gift == false)
        h.press(.char("u"))
        #expect(h.model.flash?.text == "nothing to undo")
        // Redo makes the undone changes again, oldest first.
        h.press(.ctrl("r"))
        #expect(stored()?.gift == true)
        #expect(stored()?.giftNote == "for her grandson")
        #expect(h.model.flash?.text.hasPrefix("redone: flagged") == true)
        h.press(.ctrl("r"))
        #expect(stored()?.gift == false)
    }
}

@Suite("History columns and filters")
struct HistoryColumnTests {
    /// Anna Côté's history with three variants of one record bought and one rated, newest first,
    /// as an import of these rows leaves it (titles V1 "Kind of Blue Reissue", V2 "… Mini", V3
    /// "… Limited").
    static let variants:
        [(id: String, day: Int, type: EventType, product: String, title: String, qty: Int, amount: Double)] = [
            ("X1", 1, .purchase, "V1", "Kind of Blue Reissue", 2, 40),
            ("X2", 2, .purchase, "V2", "Kind of Blue Reissue Mini", 1, 12),
            ("X3", 3, .purchase, "V3", "Kind of Blue Reissue Limited", 3, 120),
            ("X4", 4, .rating, "V3", "Kind of Blue Reissue Limited", 1, 4)
        ]

    func harness() throws -> Harness {
        let h = Harness(
            client: Fixtures.client(editingHistoryOf: "C4") { events in
                let template = events[0]
                // 2025-12-01 at midnight UTC, then a day apart.
                let added = Self.variants.map { v in
                    var e = template
                    e.eventId = v.id
                    e.time = Timestamp(1_764_547_200 + Int64(v.day - 1) * 86_400)
                    e.type = v.type
                    e.productId = v.product
                    e.product = v.title
                    e.category = "Music/Jazz"
                    e.quantity = v.qty
                    e.amount = v.amount
                    e.channel = "web"
                    e.gift = false
                    e.giftNote = nil
                    return e
                }
                events = added.reversed() + events
            })
        h.press(.char("/"))
        h.type("anna")
        h.press(.enter, .enter, .char("H"))
        return h
    }

    @Test func quantityHasAColumnAndRatingsAreNotAmounts() throws {
        let h = try harness()
        #expect(h.lines[1].contains("QTY") && h.lines[1].contains("AMOUNT"))
        let rating = try #require(h.lines.first { $0.contains("X4") })
        #expect(rating.contains("rated 4★"), "\(rating)")
        #expect(!rating.contains("4.00"))
        let three = try #require(h.lines.first { $0.contains("X3") })
        #expect(three.contains("  3   120.00"), "\(three)")
    }

    @Test func productVariantsAreDistinguishableAt80Columns() throws {
        let h = try harness()
        let titles = ["X1", "X2", "X3"].compactMap { id in
            h.lines.first { $0.hasSuffix(id) }.map {
                String($0.dropFirst(26).prefix(18)).trimmingCharacters(in: .whitespaces)
            }
        }
        #expect(titles.count == 3)
        #expect(Set(titles).count == 3, "\(titles)")
        #expect(titles.contains { $0.hasSuffix("Mini") } && titles.contains { $0.hasSuffix("Limited") })
    }

    @Test func typeFilterSkipsTypesWithNoEventsAndAnEmptyResultSaysSo() throws {
        let h = try harness()
        var seen: [EventType?] = []
        for _ in 0..<5 {
            h.press(.char("t"))
            seen.append(h.model.history?.typeFilter)
        }
        let present = Set(h.model.history?.all.map(\.type) ?? [])
        #expect(seen.compactMap { $0 }.allSatisfy { present.contains($0) })
        #expect(seen.contains(.rating) && seen.contains(nil))
        // Ratings in the last 30 days of the store: none, and the screen says so.
        while h.model.history?.typeFilter != .view { h.press(.char("t")) }
        h.press(.char("d"))
        #expect(h.model.history?.events.isEmpty == true, "\(h.screen)")
        #expect(h.screen.contains("No events match type: view, range: last 30 days"), "\(h.screen)")
    }
}

@Suite("Too small a terminal")
struct TooSmallTests {
    @Test func keysDoNothingButQuitWhileTheTerminalIsTooSmall() throws {
        let h = Harness(client: Fixtures.client)
        h.resize(Size(width: 60, height: 20))
        for k: Key in [.char("j"), .enter, .char("S"), .char(":"), .char("/"), .char("?"), .escape] { h.press(k) }
        #expect(h.model.screen == .list && h.model.list.selected == 0)
        #expect(h.model.commandLine == nil && h.model.list.filter == nil && h.model.help == nil)
        #expect(h.screen.contains("press q to quit"))
        h.resize(Size(width: 80, height: 24))
        #expect(h.lines[1].hasPrefix("NAME"))
        h.resize(Size(width: 60, height: 20))
        h.press(.char("q"))
        #expect(h.model.finished)
    }
}

@Suite("Command line, sorting, segments order")
struct CommandAndSortTests {
    @Test func completionListsCandidatesWithoutTheCommandAndFitsTheWidth() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char(":"))
        h.type("sort ")
        let line = h.lines[23]
        #expect(line.hasPrefix(":sort "))
        #expect(line.contains("name  id  segment") && !line.contains("sort name"), "\(line)")
        h.press(.ctrl("u"))
        h.type("segment ")
        let segments = h.lines[23]
        #expect(TextWidth.of(segments) <= 80)
        #expect(!segments.contains("segment champions"), "\(segments)")
        let all = RFMNames.all.count
        let shown = RFMNames.all.filter { segments.contains($0) }.count
        #expect(shown == all || segments.contains("+\(all - shown) more"), "\(segments)")
    }

    @Test func tabOnAnEmptyLineListsCommandsAndHelpWorks() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char(":"))
        #expect(h.lines[23] == ":")
        h.press(.tab)
        #expect(h.lines[23].contains("sort  segment  stage  goto  export  refresh  help  quit"), "\(h.lines[23])")
        h.type("help")
        h.press(.enter)
        #expect(h.model.help != nil && h.screen.contains("Keys: list"))
    }

    @Test func sortingCanBeReversedAndNeverBoughtCustomersComeLastByRecency() throws {
        // A customer imported without events (the store's order of such rows: ListDirectionTests).
        let h = Harness(
            client: Fixtures.withCustomer(CustomerListItem(key: 99, externalId: "C5", name: "Zed Newcomer")))
        h.press(.char("r"))
        #expect(h.lines[0].contains("sort: name (reversed)"))
        #expect(h.lines[2].hasPrefix("山田 太郎"), "\(h.screen)")
        h.press(.char(":"))
        h.type("sort recency")
        h.press(.enter)
        #expect(h.model.list.total == 5)
        #expect(h.lines[6].hasPrefix("Zed Newcomer"), "\(h.screen)")
        h.press(.char("r"))
        #expect(h.lines[0].contains("sort: recency"))
        #expect(h.model.list.query.reversed == false)
        #expect(h.lines[6].hasPrefix("Zed Newcomer"), "\(h.screen)")
        // Most recent first, then the other way: the known recencies swap ends.
        let first = h.lines[2]
        h.press(.char("r"))
        #expect(h.lines[5] == first, "\(h.screen)")
        #expect(h.lines[6].hasPrefix("Zed Newcomer"), "\(h.screen)")
    }

    @Test func segmentsAreOrderedByMembersWithinEachKind() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("S"))
        let items = h.model.segments.items
        #expect(!items.isEmpty)
        for kind in Set(items.map(\.kind.rawValue)) {
            let members = items.filter { $0.kind.rawValue == kind }.map(\.members)
            #expect(members == members.sorted(by: >), "\(kind): \(members)")
        }
        let first = try #require(items.first)
        #expect(h.lines[2].contains(first.name))
    }
}

@Suite("Marks explained")
struct MarksTests {
    @Test func helpExplainsTheMarksAndCutsNothing() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        h.press(.char("?"))
        let rows = h.runtime.program.helpRows(h.model, width: 74)
        #expect(rows.contains { $0.heading && $0.keys == "Marks on screen" })
        for mark in ["80?", "pers ✓ email ✗ sms ?", "[bought] [rated]", "price: mid", "spend/month"] {
            #expect(rows.contains { $0.keys.hasPrefix(mark) }, "\(mark)")
        }
        // Scroll to the end: the marks are reachable and no help text is cut.
        var seen = h.screen
        for _ in 0..<60 {
            h.press(.char("j"))
            seen += h.screen
            let box = h.lines.dropFirst(1).prefix(20).map { String($0.dropFirst(2).dropLast(2)) }
            #expect(!box.contains { $0.contains("…") }, "\(h.screen)")
        }
        #expect(seen.contains("price: mid") && seen.contains("budget < 15"))
        #expect(h.screen.contains("1/10000+"))
        h.press(.char("k"))
        #expect(h.model.help ?? 0 < 60)
    }

    @Test func theSpendSparklineIsLabelled() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        let peak = try #require(h.model.profile?.report?.monthlySpend.max())
        #expect(h.screen.contains("24 months to 2025-12-19, peak \(Int(peak.rounded())):"), "\(h.screen)")
        #expect(h.screen.contains("spend/month ▂"))
    }
}

@Suite("Evidence contributions")
struct EvidenceTests {
    @Test func theEvidencePopupShowsEachEventsContribution() throws {
        // The service's contributions (their sums: EvidenceContributionTests), for the events
        // behind Margot's first preference.
        let margotKey = Fixtures.key("C1")
        let pref = try #require(Fixtures.shop.profiles[String(margotKey)]?.preferences.inferred.first)
        let events = try #require(Fixtures.shop.histories[String(margotKey)])
        let items = pref.evidence.enumerated().compactMap { i, id in
            events.first { $0.eventId == id }.map {
                EvidenceContribution(
                    event: $0, weight: 5, decay: 0.9 - 0.1 * Double(i), contribution: 5 * (0.9 - 0.1 * Double(i)),
                    share: 0.3 - 0.05 * Double(i))
            }
        }
        #expect(!items.isEmpty)
        var client = Fixtures.client
        client.evidence = { key, attribute, value in
            guard key == margotKey, attribute == pref.attribute, value == pref.value else {
                throw NotInFixture(operation: "evidence of \(value)")
            }
            return items
        }
        let h = Harness(client: client)
        margot(h)
        h.press(.enter)
        let first = try #require(items.first)
        let text = popupText(h.lines)
        #expect(
            text.contains(String(format: "%+.1f", first.contribution) + " (\(Int((first.share * 100).rounded()))%)"),
            "\(h.screen)")
        #expect(text.contains("[\(first.event.eventId)]"))
    }
}

@Suite("Rule segments in the explorer")
struct RuleSegmentEditingTests {
    static let longRule =
        "orders >= 2 and consent.email and recency_days < 400 and spend > 10 and not dislikes(\"Music/Rock\") and country != \"XX\""

    @Test func theWholeRuleIsShownAndItCanBeEditedAndDeletedWithAudits() throws {
        let shop = ChangingShop()
        shop.change { s in
            s.segments.append(
                SegmentSummary(name: "keen jazz", kind: .rule, rule: Self.longRule, members: 1, share: 0.25))
        }
        // Rules parse as the service parses them and select two customers; the edit and the
        // delete change the shop's segments, and are recorded.
        var client = shop.client
        let rules = Fixtures.withRules(members: 2)
        client.parseRule = rules.parseRule
        client.countMembers = rules.countMembers
        client.ruleWarnings = rules.ruleWarnings
        client.updateSegment = { name, rule in
            shop.calls.add("updateSegment \(name): \(rule)")
            shop.change { s in
                if let i = s.segments.firstIndex(where: { $0.name == name }) {
                    s.segments[i].rule = rule
                    s.segments[i].members = 2
                }
            }
            return 2
        }
        client.deleteSegment = { name in
            shop.calls.add("deleteSegment \(name)")
            shop.change { s in s.segments.removeAll { $0.name == name } }
        }
        let h = Harness(client: client)
        h.press(.char("S"))
        let i = try #require(h.model.segments.items.firstIndex { $0.name == "keen jazz" })
        for _ in 0..<i { h.press(.down) }
        // The table cuts the rule; the lines under it show all of it.
        let under = h.lines.filter { $0.hasPrefix(" rule: ") || $0.hasPrefix(" ") && !$0.contains("│") }
        let shown = under.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(shown.contains("rule: " + Self.longRule), "\(h.screen)")
        // Edit the rule: checked as typed, saved on Enter.
        h.press(.char("e"))
        #expect(h.screen.contains("Edit rule segment keen jazz"))
        h.press(.ctrl("u"))
        h.type("orders > 3 and")
        #expect(h.screen.contains("column 15") || h.screen.contains("ends too soon"))
        h.press(.enter)
        #expect(h.model.dialog != nil)
        h.type(" consent.email")
        #expect(h.screen.contains("2 customers match"), "\(h.screen)")
        h.press(.enter)
        #expect(h.model.flash?.text == "segment keen jazz updated: 2 members")
        #expect(h.model.segments.items.first { $0.name == "keen jazz" }?.rule == "orders > 3 and consent.email")
        // Delete asks first; anything but y keeps it.
        let j = try #require(h.model.segments.items.firstIndex { $0.name == "keen jazz" })
        h.press(.home)
        for _ in 0..<j { h.press(.down) }
        h.press(.char("X"))
        #expect(h.screen.contains("Delete 'keen jazz' (2 members)?"))
        h.press(.char("n"))
        #expect(h.model.segments.items.contains { $0.name == "keen jazz" })
        h.press(.char("X"), .char("y"))
        #expect(h.model.flash?.text == "segment keen jazz deleted")
        #expect(!h.model.segments.items.contains { $0.name == "keen jazz" })
        #expect(
            shop.calls.all == ["updateSegment keen jazz: orders > 3 and consent.email", "deleteSegment keen jazz"])
    }

    @Test func builtInSegmentsAreNotEditable() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("S"), .char("e"))
        #expect(h.model.dialog == nil)
        #expect(h.model.flash?.text.contains("only rule segments change") == true)
        h.press(.char("X"))
        #expect(h.model.dialog == nil)
    }
}

@Suite("Profile header and stated preferences")
struct ProfileCutTests {
    @Test func longStatedPreferencesAndPlacesEndWithAnEllipsis() throws {
        let row = CustomerListItem(key: 99, externalId: "C9", name: "Bartholomew Featherstonehaugh-Wolfeschlegel")
        let h = Harness(
            client: Fixtures.withCustomer(row) { p in
                p.customer.city = "Llanfairpwllgwyngyll on the Menai Strait"
                p.customer.country = "GB"
                p.preferences.stated = [
                    (StatedPreference.Kind.category, "Music/Jazz"), (.brand, "Blue Room"), (.brand, "Tiny Giants"),
                    (.category, "Coffee"), (.category, "Toys")
                ].map { StatedView(polarity: .like, kind: $0.0, value: $0.1) }
            })
        h.press(.char(":"))
        h.type("goto C9")
        h.press(.enter)
        #expect(h.model.screen == .profile)
        let header = h.lines[1]
        #expect(header.hasSuffix("…") && header.contains("Bartholomew"), "\(h.screen)")
        let likes = try #require(h.lines.first { $0.contains("says likes:") })
        #expect(likes.range(of: #"…\s*│"#, options: .regularExpression) != nil, "\(likes)")
    }
}

@Suite("Long details")
struct LongDetailTests {
    @Test func aDetailTallerThanTheScreenScrollsAndOtherKeysClose() throws {
        let words = (1...400).map { "word\($0)" }.joined(separator: " ")
        let h = Harness(client: Fixtures.client(notes: ["C1": [words]]))
        margot(h)
        h.press(.backTab)
        let rows = try #require(
            h.model.profile?.report.map { h.runtime.program.careRows(h.model, $0) })
        let i = try #require(rows.firstIndex { $0.line.contains("word1 ") })
        for _ in 0..<i { h.press(.down) }
        h.press(.enter)
        #expect(h.screen.contains("j/k scroll"))
        #expect(h.screen.contains("word1 ") && !h.screen.contains("word400"))
        for _ in 0..<40 { h.press(.char("j")) }
        #expect(h.screen.contains("word400") && !h.screen.contains("word1 "), "\(h.screen)")
        #expect(h.model.dialog != nil)
        h.press(.char("x"))
        #expect(h.model.dialog == nil)
        // A short detail closes on j like any key.
        h.press(.up, .enter)
        #expect(h.screen.contains("any key closes"))
        h.press(.char("j"))
        #expect(h.model.dialog == nil)
    }
}

@Suite("Selections survive reloads")
struct SelectionReloadTests {
    @Test func aReloadWithFewerRowsKeepsTheSelectionOnARow() throws {
        let h = Harness(client: Fixtures.client)
        margot(h)
        var report = try #require(h.model.profile?.report)
        let first = try #require(report.recommendations.first)
        report.recommendations = Array(repeating: first, count: 4)
        h.send(.profileLoaded(report))
        h.press(.tab, .tab)
        for _ in 0..<10 { h.press(.down) }
        #expect(h.model.profile?.selectedRec == 3)
        report.recommendations = [first]
        h.send(.profileLoaded(report))
        #expect(h.model.profile?.selectedRec == 0)
        h.press(.enter)
        #expect(h.model.dialog != nil)
    }
}
