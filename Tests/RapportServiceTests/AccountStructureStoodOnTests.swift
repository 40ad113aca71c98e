import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// The account structure as it stood on a day (issue 22 on issue 21's accounts), on both
/// stores: corrections made after the day (an unlink, a move, an attribution) are not in force
/// on it, those made by then are, `--corrections today` applies today's, and each undo and redo
/// is itself a change with its time. The tree and purchases are `AccountMetricsStoodOnTests`'s
/// (ROOT above TEAM) with a second firm, OTHER; the day is 31 March 2024. Of then: TEAM has
/// Ann's 100 (her primary membership) and Ed's 60 (named TEAM); ROOT alone Cy's 20.
@Suite("Account structure as of a date")
struct AccountStructureStoodOnTests {
    static var files: [(String, String)] {
        AccountMetricsStoodOnTests.files.map { name, text in
            name == "accounts.csv" ? (name, text + "OTHER,Other Co,,company\n") : (name, text)
        }
    }

    static func workspace(_ backend: Backend, clock: TestClock) throws -> (Workspace, () -> Void) {
        try workspaceImporting(files, on: backend, clock: { clock.now })
    }

    static func day(_ text: String, _ corrections: CorrectionsBasis = .then) throws -> PointInTime {
        try #require(PointInTime.parse(text, corrections: corrections))
    }

    /// The firms on 1 July 2024 with Ed (C5) linked to TEAM as a user that day, after the day
    /// returned (31 March 2024), when he was no member of it. Bo's membership starts in May.
    static func edLinkedAfterTheDay(_ backend: Backend) throws -> (ws: Workspace, day: PointInTime, cleanup: () -> Void)
    {
        let clock = TestClock(0)
        clock.now = try day("2024-07-01").moment
        let (ws, cleanup) = try workspace(backend, clock: clock)
        do {
            try ws.linkMember(customer: "C5", account: "TEAM", role: "user", primary: false)
            return (ws, try day("2024-03-31"), cleanup)
        } catch {
            cleanup()
            throw error
        }
    }

    /// TEAM's revenue (alone) as of a day.
    static func team(_ ws: Workspace, _ p: PointInTime?) throws -> Double {
        try p.map { try ws.metrics(account: "TEAM", includeChildren: false, stoodOn: $0) }?.revenue
            ?? ws.metrics(account: "TEAM", includeChildren: false).revenue
    }

    @Test(arguments: Backend.available)
    func anUnlinkAfterTheDayStillCountsOnIt(_ backend: Backend) throws {
        let clock = TestClock(0)
        clock.now = try Self.day("2024-07-01").moment
        let (ws, cleanup) = try Self.workspace(backend, clock: clock)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        // Deleted, not ended: nothing of it is left in `memberships`.
        try ws.unlinkMember(customer: "C1", account: "TEAM", delete: true)
        #expect(try Self.team(ws, march) == 160, "Ann's 100 and Ed's 60: she was a member then")
        let then = try ws.account("TEAM", stoodOn: march)
        #expect(then.members.map(\.id).contains("C1"))
        #expect(then.figures.individual.revenue == 160 && then.figures.individual.orders == 2)
        #expect(then.asStoodOn?.corrections == .then)
        #expect(try Self.team(ws, try Self.day("2024-03-31", .today)) == 60, "with today's: Ed's 60 only")
        #expect(try Self.team(ws, nil) == 180, "today: Ed's 60 and 80, Bo's June 40")
        #expect(try !ws.account("TEAM").members.map(\.id).contains("C1"))

        clock.now = try Self.day("2024-07-02").moment
        _ = try #require(try ws.undo())
        #expect(try Self.team(ws, nil) == 330)
        #expect(try Self.team(ws, march) == 160)
        #expect(try Self.team(ws, try Self.day("2024-07-01")) == 180, "between the unlink and its undo")
        clock.now = try Self.day("2024-07-03").moment
        _ = try #require(try ws.redo())
        #expect(try Self.team(ws, nil) == 180)
        #expect(try Self.team(ws, try Self.day("2024-07-02")) == 330, "between the undo and the redo")
        #expect(try Self.team(ws, march) == 160)
    }

    @Test(arguments: Backend.available)
    func aMoveAfterTheDayKeepsTheOldParentOnIt(_ backend: Backend) throws {
        let clock = TestClock(0)
        clock.now = try Self.day("2024-07-01").moment
        let (ws, cleanup) = try Self.workspace(backend, clock: clock)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        _ = try ws.setAccountParent("TEAM", parent: "OTHER")
        let root = try ws.account("ROOT", stoodOn: march)
        #expect(root.children == ["TEAM"])
        #expect(root.figures.individual.revenue == 20 && root.figures.children.revenue == 160)
        #expect(root.figures.total.revenue == 180 && root.figures.total.orders == 3)
        #expect(try ws.account("TEAM", stoodOn: march).path == ["ROOT"])
        #expect(try ws.accountTree("ROOT", stoodOn: march).map(\.id) == ["ROOT", "TEAM"])
        #expect(try ws.accountTree("OTHER", stoodOn: march).map(\.id) == ["OTHER"])
        #expect(try ws.metrics(account: "ROOT", includeChildren: true, stoodOn: march).revenue == 180)
        #expect(try ws.metrics(account: "OTHER", includeChildren: true, stoodOn: march).revenue == 0)
        // Today's tree, and the day with today's corrections: TEAM is under OTHER.
        #expect(try ws.account("ROOT").children.isEmpty)
        #expect(try ws.accountTree("OTHER").map(\.id) == ["OTHER", "TEAM"])
        let today = try Self.day("2024-03-31", .today)
        #expect(try ws.metrics(account: "ROOT", includeChildren: true, stoodOn: today).revenue == 20)
        #expect(try ws.account("OTHER", stoodOn: today).figures.children.revenue == 160)

        clock.now = try Self.day("2024-07-02").moment
        _ = try #require(try ws.undo())
        #expect(try ws.account("ROOT").children == ["TEAM"])
        #expect(try ws.account("ROOT", stoodOn: try Self.day("2024-07-01")).children.isEmpty)
        #expect(try ws.metrics(account: "ROOT", includeChildren: true, stoodOn: march).revenue == 180)
        clock.now = try Self.day("2024-07-03").moment
        _ = try #require(try ws.redo())
        #expect(try ws.account("TEAM").path == ["OTHER"])
        #expect(try ws.account("TEAM", stoodOn: try Self.day("2024-07-02")).path == ["ROOT"])
        #expect(try ws.account("TEAM", stoodOn: march).path == ["ROOT"])
    }

    @Test(arguments: Backend.available)
    func anAttributionAfterTheDayIsNotInForceOnIt(_ backend: Backend) throws {
        let clock = TestClock(0)
        clock.now = try Self.day("2024-07-01").moment
        let (ws, cleanup) = try Self.workspace(backend, clock: clock)
        defer { cleanup() }
        clock.now = try Self.day("2024-03-20").moment
        let march = try Self.day("2024-03-31")
        // Made by the day: Bo's 1 March 30 for TEAM (he was no member yet).
        try ws.attribute(event: "E3", account: "TEAM")
        clock.now = try Self.day("2024-07-01").moment
        // Made after it: Ed's 60 from TEAM to ROOT.
        try ws.attribute(event: "E8", account: "ROOT")
        let entry = try #require(try ws.audit(customer: "C5").first { $0.action == "event.attribute" })
        #expect(entry.details["from"] == "TEAM" && entry.details["account"] == "ROOT")
        #expect(try Self.team(ws, march) == 190, "Ann's 100, Ed's 60 (still TEAM's then), Bo's 30")
        #expect(try ws.metrics(account: "ROOT", includeChildren: false, stoodOn: march).revenue == 20)
        #expect(try Self.team(ws, try Self.day("2024-03-10")) == 160, "before Bo's was attributed")
        let today = try Self.day("2024-03-31", .today)
        #expect(try Self.team(ws, today) == 130)
        #expect(try ws.metrics(account: "ROOT", includeChildren: false, stoodOn: today).revenue == 80)
        #expect(try ws.account("TEAM", stoodOn: march).figures.individual.revenue == 190)
        #expect(try Self.team(ws, nil) == 300)

        clock.now = try Self.day("2024-07-02").moment
        _ = try #require(try ws.undo())
        #expect(try Self.team(ws, nil) == 360)
        #expect(try Self.team(ws, try Self.day("2024-07-01")) == 300, "between the attribution and its undo")
        #expect(try Self.team(ws, march) == 190)
        clock.now = try Self.day("2024-07-03").moment
        _ = try #require(try ws.redo())
        #expect(try Self.team(ws, nil) == 300)
        #expect(try Self.team(ws, try Self.day("2024-07-02")) == 360)
        #expect(try Self.team(ws, march) == 190)
    }

    @Test(arguments: Backend.available)
    func anErasureTakesThePersonsHistoryWithIt(_ backend: Backend) throws {
        let clock = TestClock(0)
        clock.now = try Self.day("2024-07-01").moment
        let (ws, cleanup) = try Self.workspace(backend, clock: clock)
        defer { cleanup() }
        try ws.unlinkMember(customer: "C1", account: "TEAM", delete: true)
        try ws.attribute(event: "E1", account: "ROOT")
        try ws.linkMember(customer: "C2", account: "ROOT", role: "user", primary: false)
        let ann = try ws.store.requireCustomer("C1")
        let bo = try ws.store.requireCustomer("C2")
        let before = try ws.store.accountStructure(stoodOn: 0)
        #expect(before.memberships.keys.contains { $0.customer == ann } && before.attributions.count == 1)
        try ws.forget(customer: ann)
        let after = try ws.store.accountStructure(stoodOn: 0)
        #expect(!after.memberships.keys.contains { $0.customer == ann } && after.attributions.isEmpty)
        #expect(after.memberships.keys.contains { $0.customer == bo }, "another person's history stays")
        #expect(try Self.team(ws, try Self.day("2024-03-31")) == 60, "only Ed's: Ann is gone from every day")
    }

    /// The explorer's `@` on an account profile reads `accountScreen(_:stoodOn:)`: the view of
    /// `account ID --as-of D` with every member of then, and the tree from the firm's root then.
    @Test(arguments: Backend.available)
    func theAccountScreenOfADayIsTheAccountOfThatDay(_ backend: Backend) throws {
        let (ws, march, cleanup) = try Self.edLinkedAfterTheDay(backend)
        defer { cleanup() }
        let (view, tree) = try ws.accountScreen("TEAM", stoodOn: march)
        #expect(view.members.map(\.id) == ["C1"] && view.memberCount == 1)
        #expect(view == (try ws.account("TEAM", stoodOn: march)))
        #expect(view.figures.individual.revenue == 160 && view.asStoodOn?.moment == Timestamp(march.moment))
        #expect(tree.map(\.id) == ["ROOT", "TEAM"] && tree.map(\.depth) == [0, 1])
        #expect(try Set(ws.account("TEAM").members.map(\.id)) == ["C1", "C2", "C5"], "today's")
    }
}
