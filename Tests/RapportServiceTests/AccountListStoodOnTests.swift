import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// The accounts list as it stood on a day (`rapport accounts --as-of D`, `@` on the explorer's
/// accounts list), on both stores, over `AccountStructureStoodOnTests`' firms: ROOT (Root Co)
/// above TEAM (Team), and OTHER (Other Co). On 31 March 2024 TEAM had Ann's 100 (her primary
/// membership; her April 50 came after) and Ed's 60 (named TEAM), ROOT alone Cy's 20.
@Suite("Accounts list as of a date")
struct AccountListStoodOnTests {
    static func day(_ text: String, _ c: CorrectionsBasis = .then) throws -> PointInTime {
        try AccountStructureStoodOnTests.day(text, c)
    }

    static func byId(_ items: [AccountListItem]) -> [String: AccountListItem] {
        Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
    }

    @Test(arguments: Backend.available)
    func theListOfADayHasTheParentsMembersAndFiguresOfThen(_ backend: Backend) throws {
        // After the day: Ed linked to TEAM, TEAM moved under OTHER.
        let (ws, march, cleanup) = try AccountStructureStoodOnTests.edLinkedAfterTheDay(backend)
        defer { cleanup() }
        _ = try ws.setAccountParent("TEAM", parent: "OTHER")

        let page = try ws.accounts(stoodOn: march)
        #expect(page.total == 3)
        #expect(page.items.map(\.id) == ["OTHER", "ROOT", "TEAM"], "by name: Other Co, Root Co, Team")
        let then = Self.byId(page.items)
        let team = try #require(then["TEAM"])
        #expect(team.parent == "ROOT" && team.parentName == "Root Co", "its parent of then")
        #expect(team.revenue == 160, "Ann's 100 and Ed's 60; not Ann's April 50")
        #expect(team.members == 1, "Ann only: Bo from May, Ed linked after the day")
        #expect(then["ROOT"]?.revenue == 180 && then["ROOT"]?.parent == nil)
        #expect(then["OTHER"]?.revenue == 0)
        // Each row is the account of that day's.
        for id in ["OTHER", "ROOT", "TEAM"] {
            let view = try ws.account(id, stoodOn: march)
            #expect(then[id]?.revenue == view.figures.total.revenue && then[id]?.members == view.figures.total.members)
        }
        // Today's list: TEAM under OTHER with Ed.
        let today = Self.byId(try ws.accounts(sort: .name).items)
        #expect(today["TEAM"]?.parent == "OTHER")
        // A page, and the filter (today's names).
        #expect(try ws.accounts(limit: 1, offset: 1, stoodOn: march).items.map(\.id) == ["ROOT"])
        let filtered = try ws.accounts(filter: "team", stoodOn: march)
        #expect(filtered.total == 1 && filtered.items.first?.revenue == 160)
    }

    /// Rows are kept per firm and day until the store changes: a correction shows in the rows of
    /// a day that takes today's corrections.
    @Test(arguments: Backend.available)
    func aChangeToTheStoreIsSeenOnTheNextPage(_ backend: Backend) throws {
        let clock = TestClock(0)
        clock.now = try Self.day("2024-07-01").moment
        let (ws, cleanup) = try AccountStructureStoodOnTests.workspace(backend, clock: clock)
        defer { cleanup() }
        let june = try Self.day("2024-06-30", .today)
        let then = try Self.day("2024-06-30")
        #expect(Self.byId(try ws.accounts(stoodOn: june).items)["TEAM"]?.revenue == 330)
        #expect(Self.byId(try ws.accounts(stoodOn: then).items)["TEAM"]?.revenue == 330)
        try ws.unlinkMember(customer: "C1", account: "TEAM", delete: true)
        #expect(
            Self.byId(try ws.accounts(stoodOn: june).items)["TEAM"]?.revenue == 180,
            "today's corrections: Ann's 150 is no longer TEAM's")
        #expect(
            Self.byId(try ws.accounts(stoodOn: then).items)["TEAM"]?.revenue == 330,
            "the corrections of then: the unlink came after")
    }

    @Test func theOtherSortsAreRefusedWithAReason() throws {
        let p = try Self.day("2024-03-31")
        #expect(AccountListStoodOn.sortNote(.name, p) == nil)
        #expect(
            AccountListStoodOn.sortNote(.revenue, p)
                == "sorted by name: revenue as of 2024-03-31 is known only firm by firm")
        #expect(AccountListStoodOn.sort(for: .pAlive) == .name)
    }
}
