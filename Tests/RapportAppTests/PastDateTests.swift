import Foundation
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// `@` shows the customer on screen as they stood on a date, says so in the title where it
/// cannot be missed (and without colour), and `@` again or back returns to now.
@Suite("The explorer's past date")
struct PastDateTests {
    final class Asked: @unchecked Sendable {
        private let lock = NSLock()
        private var moments: [Int64] = []
        func add(_ t: Int64) { lock.withLock { moments.append(t) } }
        var all: [Int64] { lock.withLock { moments } }
    }

    func harness(_ asked: Asked) -> Harness {
        var client = Fixtures.client
        let today = client.profile
        client.profileStoodOn = { key, p in
            asked.add(p.moment)
            var r = try today(key)
            r.asOf = CalendarDay(containing: p.moment)
            r.notes = []
            return r
        }
        client.historyStoodOn = { key, p in
            asked.add(p.moment)
            return []
        }
        return Harness(client: client)
    }

    @Test func atAsksForADateShowsThatDayAndReturnsToNow() throws {
        let asked = Asked()
        let h = harness(asked)
        h.press(.enter)
        #expect(h.model.screen == .profile && h.model.pastDate == nil)
        let now = h.lines[0]
        h.press(.char("@"))
        #expect(h.screen.contains("As it stood on a date"))
        h.type("2026-03-14")
        h.press(.enter)
        let day = try #require(PointInTime.parse("2026-03-14"))
        #expect(h.model.pastDate == day && asked.all == [day.moment])
        #expect(h.lines[0].contains("@ as of 2026-03-14"), "\(h.lines[0])")
        #expect(h.lines[0].contains("figures as of 2026-03-14"))
        // Bold on red, not the title bar's reverse: it stands out with colours and without.
        let start = try #require(h.lines[0].range(of: "@ as of")).lowerBound
        let x = h.lines[0].distance(from: h.lines[0].startIndex, to: start)
        let style = Explorer.pastDateStyle(h.model.theme)
        let styles = h.backend.frame.styleLines([style: "P"])
        #expect(Array(styles[0])[x] == "P")
        #expect(style.bold && !style.reverse && style.bg == h.model.theme.danger)
        // The history follows the day; a change is refused while it is shown.
        h.press(.char("H"))
        #expect(h.model.screen == .history && asked.all.count == 2 && h.lines[0].contains("@ as of 2026-03-14"))
        h.press(.char("C"))
        #expect(h.model.dialog == nil && h.model.flash?.text.contains("returns to now") == true)
        // Back returns to now first (the screen stays), then goes back.
        h.press(.escape)
        #expect(h.model.pastDate == nil && h.model.screen == .history && !h.lines[0].contains("@ as of"))
        h.press(.escape)
        #expect(h.model.screen == .profile)
        // `@` again returns to now as well.
        h.press(.char("@"))
        h.type("2026-01-31")
        h.press(.enter)
        #expect(h.model.pastDate != nil)
        h.press(.char("@"))
        #expect(h.model.pastDate == nil && h.lines[0] == now)
    }

    @Test func aDateThatIsNoDateIsRefusedInWords() {
        let h = harness(Asked())
        h.press(.enter)
        h.press(.char("@"))
        h.type("last spring")
        h.press(.enter)
        #expect(h.model.pastDate == nil && h.model.flash?.text == "'last spring' is not a date (YYYY-MM-DD)")
        h.press(.escape)
        #expect(h.model.dialog == nil && h.model.screen == .profile)
    }

    @Test func aRecommendationsDetailShowsWhyItRanksThere() throws {
        var client = Fixtures.client
        client.explainRecommendation = { _, product, _ in
            RecommendationExplanationView(
                customer: "C1", productId: product, title: "", position: 1, kind: .becauseYouBought, reason: "r",
                score: 0.25, personalRank: 1,
                sources: [
                    ScoreSourceView(
                        productId: "J1", title: "Jazz One", historyWeight: 5, linkWeight: 0.05, contribution: 0.25,
                        share: 1, boughtTogether: true, events: [])
                ], dampedSpikes: [], explorationSlots: 1, fillsExplorationSlot: false, excluded: nil, asOf: nil,
                asStoodOn: nil)
        }
        let h = Harness(client: client, size: Size(width: 100, height: 40))
        h.press(.enter)
        let recs = try #require(h.model.profile?.report?.recommendations)
        try #require(!recs.isEmpty)
        h.press(.tab, .tab, .enter)
        #expect(h.screen.contains("Why this rank:"), "\(h.screen)")
        #expect(h.screen.contains("personal score 0.2500, rank 1 among personal candidates"))
        #expect(h.screen.contains("via J1 Jazz One"))
    }

    @Test func theSegmentsScreenCountsAsOfADayAndEnterListsItsMembersOfThen() throws {
        var client = Fixtures.client
        let today = client.segmentSummaries
        client.segmentMembersStoodOn = { _, _ in Array(Fixtures.shop.customers.prefix(1)) }
        client.segmentSummariesStoodOn = { _ in
            try today().map {
                var s = $0
                s.members += 1000
                return s
            }
        }
        let h = Harness(client: client)
        h.press(.char("S"))
        let counts = h.model.segments.items.map(\.members)
        try #require(!counts.isEmpty)
        h.press(.char("@"))
        h.type("2026-03-14")
        h.press(.enter)
        #expect(h.model.segments.items.map(\.members) == counts.map { $0 + 1000 })
        #expect(h.lines[0].contains("@ as of 2026-03-14"))
        h.press(.enter)
        #expect(h.model.screen == .list && h.lines[0].contains("@ as of 2026-03-14") && h.model.list.total == 1)
        h.press(.escape)
        #expect(h.model.screen == .segments && h.model.pastDate != nil)
        h.press(.escape)
        #expect(h.model.pastDate == nil && h.model.segments.items.map(\.members) == counts)
        #expect(h.model.screen == .segments)
    }
}
