import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// An account whose `since` (accounts.csv: the day the firm became a client) is after a day is
/// not in it as of that day; an empty `since` is always; memberships count by their own
/// since/until, whenever imported (migration `v18-account-since`), on both stores.
/// `AccountStructureStoodOnTests`' files (ROOT above TEAM; OTHER), with NEW (under ROOT, a
/// client since 15 April 2024), Ed (C5) NEW's primary buyer since January, and his 70 of
/// 20 March naming no account; and Cy (C3) a primary buyer of OTHER from 16 February (so her
/// 25 of 1 March, nobody's before, is OTHER's). The days asked: 31 March and 20 April.
@Suite("Accounts by their since date")
struct AccountSinceStoodOnTests {
    static let more: [(String, String)] = [
        ("accounts.csv", "account_id,name,parent_id,kind,since\nNEW,New Co,ROOT,department,2024-04-15\n"),
        (
            "memberships.csv",
            """
            customer_id,account_id,role,primary,title,since,until
            C5,NEW,buyer,true,,2024-01-01,
            C3,OTHER,buyer,true,,2024-02-16,

            """
        ),
        ("events.csv", "event_id,customer_id,timestamp,type,product_id,amount\nE10,C5,2024-03-20,purchase,P1,70\n")
    ]

    static func day(_ text: String, _ c: CorrectionsBasis = .then) throws -> PointInTime {
        try AccountStructureStoodOnTests.day(text, c)
    }

    static func importing(_ ws: Workspace, _ files: [(String, String)]) throws {
        _ = try withTemporaryFiles(files) { try ws.importFiles($0, request: ImportRequest()) }
    }

    /// The store with every file imported, the clock on 1 July 2024.
    static func workspace(_ backend: Backend) throws -> (Workspace, TestClock, () -> Void) {
        let clock = TestClock(try day("2024-07-01").moment)
        let (ws, cleanup) = try AccountStructureStoodOnTests.workspace(backend, clock: clock)
        do {
            try importing(ws, more)
            return (ws, clock, cleanup)
        } catch {
            cleanup()
            throw error
        }
    }

    static func notYet(_ id: String, _ day: String) -> StoreError {
        StoreError.invalidArgument("account '\(id)' did not exist on \(day): its since date is after that day")
    }

    @Test(arguments: Backend.available)
    func anAccountIsAbsentBeforeItsSinceAndPresentFromIt(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        let april = try Self.day("2024-04-20")
        let then = try ws.accounts(stoodOn: march)
        #expect(then.items.map(\.id) == ["OTHER", "ROOT", "TEAM"] && then.total == 3)
        #expect(try ws.accounts(filter: "co", stoodOn: march).total == 2, "Other Co and Root Co; not New Co")
        let after = try ws.accounts(stoodOn: april)
        #expect(after.items.map(\.id) == ["NEW", "OTHER", "ROOT", "TEAM"] && after.total == 4)
        #expect(try ws.accounts(stoodOn: Self.day("2024-04-15")).total == 4, "on its since day")
        #expect(try ws.accounts(sort: .name).items.map(\.id) == ["NEW", "OTHER", "ROOT", "TEAM"])
        // With today's corrections too: a since date is not a correction.
        #expect(try ws.accounts(stoodOn: Self.day("2024-03-31", .today)).total == 3)

        #expect(try ws.accountTree("ROOT", stoodOn: march).map(\.id) == ["ROOT", "TEAM"])
        #expect(try ws.accountTree("ROOT", stoodOn: april).map(\.id) == ["ROOT", "NEW", "TEAM"])
        #expect(try ws.account("ROOT", stoodOn: march).children == ["TEAM"])
        #expect(throws: Self.notYet("NEW", "2024-03-31")) { try ws.account("NEW", stoodOn: march) }
        #expect(throws: Self.notYet("NEW", "2024-03-31")) {
            try ws.metrics(account: "NEW", includeChildren: false, stoodOn: march)
        }
        #expect(throws: StoreError.invalidArgument("no account 'NOPE'")) { try ws.account("NOPE", stoodOn: march) }
        #expect(try ws.account("NEW", stoodOn: april).members.map(\.id) == ["C5"])
        #expect(try ws.account("NEW").since == "2024-04-15" && ws.account("ROOT").since == nil)
    }

    /// Ed's membership of NEW began in January, but NEW was not a client on 31 March: his 70
    /// of 20 March is nobody's then, NEW's from its since date on.
    @Test(arguments: Backend.available)
    func membersOfAnAccountNotYetAClientAttributeNothing(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        let april = try Self.day("2024-04-20")
        // ROOT's subtree on 31 March: Ann's 100 and Ed's 60 (TEAM), Cy's 20 (ROOT); not Ed's 70.
        #expect(try ws.metrics(account: "ROOT", includeChildren: true, stoodOn: march).revenue == 180)
        #expect(try ws.metrics(account: "NEW", includeChildren: false, stoodOn: april).revenue == 70)
        #expect(try ws.personAccounts(customer: "C5", stoodOn: march).isEmpty)
        #expect(try ws.personAccounts(customer: "C5", stoodOn: april).map(\.account.id) == ["NEW"])
        // Cy's OTHER membership counts by its own since (16 February), whenever imported.
        #expect(try ws.account("OTHER", stoodOn: march).members.map(\.id) == ["C3"])
        #expect(try ws.metrics(account: "OTHER", includeChildren: false, stoodOn: march).revenue == 25)
    }

    /// A backfill: a membership since 2020 imported in 2026 counts in 2025,
    /// and so is an account with an empty since.
    @Test(arguments: Backend.available)
    func aBackfilledMembershipCountsOnEveryDayFromItsSince(_ backend: Backend) throws {
        let (ws, clock, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        clock.now = try Self.day("2026-09-01").moment
        try Self.importing(
            ws,
            [
                ("accounts.csv", "account_id,name,kind,since\nOLD,Old Co,company,\n"),
                ("memberships.csv", "customer_id,account_id,role,primary,since\nC4,OLD,user,false,2020-01-01\n")
            ])
        let y2025 = try Self.day("2025-01-01")
        #expect(try ws.accounts(stoodOn: y2025).items.map(\.id).contains("OLD"))
        #expect(try ws.accounts(stoodOn: Self.day("2019-06-01")).items.map(\.id).contains("OLD"), "empty: always")
        #expect(try ws.account("OLD", stoodOn: y2025).members.map(\.id) == ["C4"])
        #expect(try ws.personAccounts(customer: "C4", stoodOn: y2025).map(\.account.id).contains("OLD"))
        #expect(try ws.account("OLD", stoodOn: Self.day("2019-06-01")).members.isEmpty, "before her since")
    }

    /// The file is the source of truth for an account's since, as for its other columns.
    @Test(arguments: Backend.available)
    func reimportingSetsTheSince(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let april = try Self.day("2024-04-20")
        try Self.importing(ws, [("accounts.csv", "account_id,name,parent_id,since\nNEW,New Co,ROOT,2024-05-01\n")])
        #expect(throws: Self.notYet("NEW", "2024-04-20")) { try ws.account("NEW", stoodOn: april) }
        #expect(try ws.account("NEW").since == "2024-05-01")
        try Self.importing(ws, [("accounts.csv", "account_id,name,parent_id,since\nNEW,New Co,ROOT,\n")])
        #expect(try ws.account("NEW").since == nil)
        #expect(try ws.accounts(stoodOn: Self.day("2024-01-01")).items.map(\.id).contains("NEW"))
    }

    /// A person's accounts as of a day are their memberships of then, each with its account's
    /// row of that day: worked out here by hand from the same store.
    @Test(arguments: Backend.available)
    func aPersonsAccountsOfADayAreTheFoldByHand(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        let april = try Self.day("2024-04-20")
        // After both days: Ann's TEAM membership deleted.
        try ws.unlinkMember(customer: "C1", account: "TEAM", delete: true)
        let rows = Dictionary(uniqueKeysWithValues: try ws.accounts(stoodOn: march).items.map { ($0.id, $0) })
        // Cy on 31 March: ROOT's buyer (primary), ended 15 February; OTHER's from 16 February.
        let cy = try ws.personAccounts(customer: "C3", stoodOn: march)
        #expect(
            cy == [
                PersonAccount(account: try #require(rows["ROOT"]), role: "buyer", primary: true, current: false),
                PersonAccount(account: try #require(rows["OTHER"]), role: "buyer", primary: true, current: true)
            ])
        #expect(try ws.personAccounts(customer: "C3", stoodOn: april).last?.account.revenue == 25)
        // Ann on 31 March: TEAM, as the corrections of then left it; today none.
        let ann = try ws.personAccounts(customer: "C1", stoodOn: march)
        #expect(
            ann == [PersonAccount(account: try #require(rows["TEAM"]), role: "buyer", primary: true, current: true)])
        #expect(try ws.personAccounts(customer: "C1").isEmpty)
        #expect(try ws.personAccounts(customer: "C1", stoodOn: Self.day("2024-03-31", .today)).isEmpty)
        // Bo's membership begins in May: not his on 31 March.
        #expect(try ws.personAccounts(customer: "C2", stoodOn: march).isEmpty)
        #expect(try ws.personAccounts(customer: "C2").map(\.account.id) == ["TEAM"])
    }

    /// `rapport copy` carries each account's since: the copy's accounts of a past day are the source's.
    @Test(arguments: Backend.available)
    func copyCarriesTheSince(_ target: Backend) throws {
        let (location, dropSource) = try Backend.sqlite.makeStore()
        defer { dropSource() }
        let clock = TestClock(try Self.day("2024-07-01").moment)
        var config = Config()
        config.autoTune = false
        let ws = Workspace(
            store: try Backend.sqlite.open(location), analyst: "ana", config: config, clock: { clock.now })
        try Self.importing(ws, AccountStructureStoodOnTests.files)
        try Self.importing(ws, Self.more)
        let march = try Self.day("2024-03-31")
        let sourceList = try ws.accounts(stoodOn: march)
        #expect(sourceList.total == 3)
        try ws.store.closeStore()

        let (copyLocation, dropTarget) = try target.makeStore()
        defer { dropTarget() }
        _ = try StoreCopy.run(
            from: StoreLocation(path: location, isDefault: false),
            to: StoreLocation(path: copyLocation, isDefault: false), analyst: "ana")
        let copy = Workspace(
            store: try target.open(copyLocation), analyst: "ana", config: config, clock: { clock.now })
        defer { try? copy.store.closeStore() }
        #expect(try copy.store.account(externalId: "NEW")?.since == DateParsing.timestamp("2024-04-15"))
        #expect(try copy.store.account(externalId: "ROOT")?.since == nil)
        #expect(try copy.accounts(stoodOn: march).items.map(\.id) == sourceList.items.map(\.id))
        #expect(throws: Self.notYet("NEW", "2024-03-31")) { try copy.account("NEW", stoodOn: march) }
    }
}
