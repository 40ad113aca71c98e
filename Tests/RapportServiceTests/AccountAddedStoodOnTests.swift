import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// Accounts and memberships that entered the store after a day are not in it as of that day
/// (`added_at`, migration `v18-account-added`), on both stores. `AccountStructureStoodOnTests`'
/// files (ROOT above TEAM; OTHER) are imported in November 2023; on 15 April 2024 a second
/// import adds NEW (under ROOT) with Ed (C5) its primary buyer, makes Cy (C3) a primary buyer of
/// OTHER from 16 February (so her 25 of 1 March, nobody's before, is OTHER's), and imports
/// TEAM and Ann's TEAM membership again. The days asked: 31 March (before the second import)
/// and 20 April (after it).
@Suite("Accounts added after a date")
struct AccountAddedStoodOnTests {
    static let later: [(String, String)] = [
        (
            "accounts.csv",
            "account_id,name,parent_id,kind\nTEAM,Team,ROOT,department\nNEW,New Co,ROOT,department\n"
        ),
        (
            "memberships.csv",
            """
            customer_id,account_id,role,primary,title,since,until
            C1,TEAM,buyer,true,,2024-01-01,
            C5,NEW,buyer,true,,2024-01-01,
            C3,OTHER,buyer,true,,2024-02-16,

            """
        )
    ]

    static func day(_ text: String, _ c: CorrectionsBasis = .then) throws -> PointInTime {
        try AccountStructureStoodOnTests.day(text, c)
    }

    /// The store after both imports, the clock on 1 July 2024.
    static func workspace(_ backend: Backend) throws -> (Workspace, TestClock, () -> Void) {
        let clock = TestClock(try day("2024-07-01").moment)
        let (ws, cleanup) = try AccountStructureStoodOnTests.workspace(backend, clock: clock)
        do {
            clock.now = try day("2024-04-15").moment
            _ = try withTemporaryFiles(later) { try ws.importFiles($0, request: ImportRequest()) }
            clock.now = try day("2024-07-01").moment
            return (ws, clock, cleanup)
        } catch {
            cleanup()
            throw error
        }
    }

    @Test(arguments: Backend.available)
    func anAccountImportedAfterTheDayIsAbsentOnItAndPresentAfter(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        let april = try Self.day("2024-04-20")
        let then = try ws.accounts(stoodOn: march)
        #expect(then.items.map(\.id) == ["OTHER", "ROOT", "TEAM"] && then.total == 3)
        #expect(try ws.accounts(filter: "co", stoodOn: march).total == 2, "Other Co and Root Co; not New Co")
        let after = try ws.accounts(stoodOn: april)
        #expect(after.items.map(\.id) == ["NEW", "OTHER", "ROOT", "TEAM"] && after.total == 4)
        #expect(try ws.accounts(sort: .name).items.map(\.id) == ["NEW", "OTHER", "ROOT", "TEAM"])
        // With today's corrections too: an import is not a correction.
        #expect(try ws.accounts(stoodOn: Self.day("2024-03-31", .today)).total == 3)

        #expect(try ws.accountTree("ROOT", stoodOn: march).map(\.id) == ["ROOT", "TEAM"])
        #expect(try ws.accountTree("ROOT", stoodOn: april).map(\.id) == ["ROOT", "NEW", "TEAM"])
        #expect(try ws.account("ROOT", stoodOn: march).children == ["TEAM"])
        #expect(throws: StoreError.invalidArgument("account 'NEW' did not exist on 2024-03-31: it was imported later"))
        {
            try ws.account("NEW", stoodOn: march)
        }
        #expect(throws: StoreError.invalidArgument("account 'NEW' did not exist on 2024-03-31: it was imported later"))
        {
            try ws.metrics(account: "NEW", includeChildren: false, stoodOn: march)
        }
        #expect(throws: StoreError.invalidArgument("no account 'NOPE'")) { try ws.account("NOPE", stoodOn: march) }
        #expect(try ws.account("NEW", stoodOn: april).members.map(\.id) == ["C5"])
    }

    @Test(arguments: Backend.available)
    func aMembershipImportedAfterTheDayIsAbsentOnItAndAttributesNothing(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        let april = try Self.day("2024-04-20")
        #expect(try ws.account("OTHER", stoodOn: march).members.isEmpty)
        #expect(try ws.account("OTHER", stoodOn: march).figures.total.revenue == 0)
        #expect(try ws.metrics(account: "OTHER", includeChildren: false, stoodOn: march).revenue == 0)
        #expect(
            try ws.metrics(account: "OTHER", includeChildren: false, stoodOn: Self.day("2024-03-31", .today)).revenue
                == 0)
        // Once imported, the membership (valid from 16 February) makes Cy's 1 March 25 OTHER's.
        #expect(try ws.account("OTHER", stoodOn: april).members.map(\.id) == ["C3"])
        #expect(try ws.account("OTHER", stoodOn: april).figures.total.revenue == 25)
        #expect(try ws.metrics(account: "OTHER", includeChildren: false, stoodOn: april).revenue == 25)
        // Ann's TEAM membership, imported again, was there all along.
        #expect(try ws.account("TEAM", stoodOn: march).members.map(\.id) == ["C1"])
    }

    @Test(arguments: Backend.available)
    func importingAgainDoesNotMoveTheTimeAndUnknownTimesCountAsAlwaysThere(_ backend: Backend) throws {
        let (ws, _, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let first = AccountMetricsStoodOnTests.importedAt
        let second = try Self.day("2024-04-15").moment
        let named = try Self.named(ws.store)
        #expect(named.accounts == ["NEW": second, "OTHER": first, "ROOT": first, "TEAM": first])
        #expect(
            named.memberships == [
                "C1 TEAM buyer": first, "C2 TEAM buyer": first, "C3 ROOT buyer": first, "C4 ROOT user": first,
                "C5 NEW buyer": second, "C3 OTHER buyer": second
            ])
        // A store from before the record (every time NULL): everything was there on every day.
        try ws.store.replaceAccountAddedTimes(AccountAddedTimes())
        let march = try Self.day("2024-03-31")
        #expect(try ws.accounts(stoodOn: march).total == 4)
        #expect(try ws.account("OTHER", stoodOn: march).members.map(\.id) == ["C3"])
        #expect(try ws.store.accountStructure(stoodOn: march.moment).isToday)
    }

    /// An undo that puts back a membership an import made puts back its time: as of a day
    /// before that import, it is still absent.
    @Test(arguments: Backend.available)
    func anUndoneDeletionKeepsTheImportsTime(_ backend: Backend) throws {
        let (ws, clock, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try Self.day("2024-03-31")
        try ws.unlinkMember(customer: "C3", account: "OTHER", delete: true)
        #expect(try ws.account("OTHER", stoodOn: march).members.isEmpty, "the unlink found a row imported later")
        clock.now += 60
        #expect(try ws.undo()?.entry.action == "account.unlink")
        #expect(try Self.named(ws.store).memberships["C3 OTHER buyer"] == (try Self.day("2024-04-15").moment))
        #expect(try ws.account("OTHER", stoodOn: march).members.isEmpty)
        #expect(try ws.account("OTHER", stoodOn: Self.day("2024-04-20")).members.map(\.id) == ["C3"])
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
        // Cy on 31 March: ROOT's buyer (primary), ended 15 February; OTHER not yet imported.
        let cy = try ws.personAccounts(customer: "C3", stoodOn: march)
        #expect(
            cy == [PersonAccount(account: try #require(rows["ROOT"]), role: "buyer", primary: true, current: false)])
        let cyApril = try ws.personAccounts(customer: "C3", stoodOn: april)
        #expect(cyApril.map { "\($0.account.id) \($0.role) \($0.current)" } == ["ROOT buyer false", "OTHER buyer true"])
        #expect(cyApril.last?.account.revenue == 25)
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

    /// `rapport copy` carries each account's and membership's time, and the NULL of those
    /// there before the record began: the copy's accounts of a past day are the source's.
    @Test(arguments: Backend.available)
    func copyCarriesTheTimes(_ target: Backend) throws {
        let (location, dropSource) = try Backend.sqlite.makeStore()
        defer { dropSource() }
        let clock = TestClock(try Self.day("2024-07-01").moment)
        var config = Config()
        config.autoTune = false
        let ws = Workspace(
            store: try Backend.sqlite.open(location), analyst: "ana", config: config, clock: { clock.now })
        try AccountMetricsStoodOnTests.importBefore(ws, clock, AccountStructureStoodOnTests.files)
        // OTHER as if it were there before the record began.
        var times = try ws.store.accountAddedTimes()
        let other = try #require(try ws.store.account(externalId: "OTHER")).key
        times.accounts[other] = nil
        try ws.store.replaceAccountAddedTimes(times)
        clock.now = try Self.day("2024-04-15").moment
        _ = try withTemporaryFiles(Self.later) { try ws.importFiles($0, request: ImportRequest()) }
        let sourceTimes = try Self.named(ws.store)
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
        let copied = try Self.named(copy.store)
        #expect(copied.accounts == sourceTimes.accounts && copied.accounts["OTHER"] == nil)
        #expect(copied.memberships == sourceTimes.memberships && copied.memberships.count == 6)
        #expect(try copy.accounts(stoodOn: march).items.map(\.id) == sourceList.items.map(\.id))
        #expect(try copy.account("OTHER", stoodOn: march).members.isEmpty)
    }

    /// The store's times by ids: accounts by id, memberships as "customer account role".
    static func named(_ store: any StoreBackend) throws -> (accounts: [String: Int64], memberships: [String: Int64]) {
        let times = try store.accountAddedTimes()
        let accounts = Dictionary(try store.accounts().map { ($0.key, $0.externalId) }) { a, _ in a }
        let customers = Dictionary(try store.allCustomers().compactMap { c in c.id.map { ($0, c.externalId) } }) {
            a, _ in a
        }
        var out: (accounts: [String: Int64], memberships: [String: Int64]) = ([:], [:])
        for (key, time) in times.accounts { out.accounts[accounts[key] ?? "?"] = time }
        for (slot, time) in times.memberships {
            out.memberships["\(customers[slot.customer] ?? "?") \(accounts[slot.account] ?? "?") \(slot.role)"] = time
        }
        return out
    }
}
