import Foundation
import Testing

@testable import RapportStore

/// What a correction's recompute of account figures reads and writes, on both stores: the
/// firms of some accounts, the accounts a person touches, some people's activity, and the
/// figure rows of some accounts replaced while the others stay.
@Suite("Account scope")
struct AccountScopeTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        let o = ImportOptions(analyst: "tester", now: t.actor.now)
        let customers = "customer_id,name,consent_personalization\nC1,Ann,1\nC2,Bo,0\nC3,Cy,1\n"
        _ = try t.store.importFile(try t.file("customers.csv", customers), options: o)
        _ = try t.store.importFile(try t.file("accounts.csv", AccountStoreTests.accounts), options: o)
        _ = try t.store.importFile(try t.file("memberships.csv", AccountStoreTests.memberships), options: o)
        let events = """
            event_id,customer_id,timestamp,type,product_id,amount,account_id
            E1,C1,2024-02-01,purchase,P1,10,GLOBEX
            E2,C2,2024-03-01,view,P1,,
            E3,C3,2024-01-01,view,P1,,

            """
        _ = try t.store.importFile(try t.file("events.csv", events), options: o)
        return t
    }

    func key(_ t: TempStore, _ id: String) throws -> Int64 {
        try #require(try t.store.account(externalId: id)).key
    }

    @Test(arguments: Backend.available)
    func firmsTouchedAccountsAndActivity(_ backend: Backend) throws {
        let t = try loaded(backend)
        let fin = try key(t, "ACME-UK-FIN"), globex = try key(t, "GLOBEX"), ops = try key(t, "ACME-UK-OPS")
        #expect(
            try t.store.accountFirms(of: [fin]).map(\.externalId) == ["ACME", "ACME-UK", "ACME-UK-FIN", "ACME-UK-OPS"])
        #expect(try t.store.accountFirms(of: [globex, ops]).count == 5)
        #expect(try t.store.accountFirms(of: [globex]).map(\.externalId) == ["GLOBEX"])
        #expect(try t.store.accountFirms(of: []).isEmpty)

        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        let c3 = try #require(try t.store.customerKey(externalId: "C3"))
        #expect(try t.store.accountsTouching(customer: c1) == [fin, globex])
        #expect(try t.store.accountsTouching(customer: c2) == [ops, globex])
        #expect(try t.store.accountsTouching(customer: c3).isEmpty)
        #expect(try t.store.consentingCustomers(among: [c1, c2]) == [c1])
        #expect(try t.store.consentingCustomers(among: []).isEmpty)

        let march = Int64(1_709_251_200) // 2024-03-01
        let activity = try t.store.memberActivity(
            customers: [c1, c3], previousStart: march - 200 * 86_400, recentStart: march - 20 * 86_400, asOf: march)
        #expect(activity.count == 2 && activity[c1]?.recent == false && activity[c1]?.previous == true)
        #expect(activity[c3]?.previous == true && activity[c2] == nil)

        try t.store.linkMember(customer: c3, account: "ACME-UK-OPS", role: "buyer", primary: true, by: t.actor)
        let entry = try #require(try t.store.actionEntries(analyst: nil, limit: 1, offset: 0).first)
        #expect(entry.accountsNamed == [ops])
        try t.store.attributeEvent("E1", account: "ACME-UK-OPS", by: t.actor)
        #expect(try t.store.actionEntries(analyst: nil, limit: 1, offset: 0).first?.accountsNamed == [ops, globex])
    }

    @Test(arguments: Backend.available)
    func someAccountsFiguresAreReplacedAndTheOthersKept(_ backend: Backend) throws {
        let t = try loaded(backend)
        let keys = try t.store.accounts().map(\.key)
        func row(_ k: Int64, _ revenue: Double) -> AccountFiguresRow {
            AccountFiguresRow(
                account: k, members: 1, revenue: revenue, revenue12m: 0, engagement: 0, trend: "flat", coverage: nil,
                pAlive: nil, detail: "{}")
        }
        try t.store.writeAccountFigures(keys.map { row($0, 1) }, now: t.actor.now)
        try t.store.replaceAccountFigures([row(keys[2], 5), row(keys[4], 7)], now: t.actor.now)
        #expect(try keys.map { try t.store.accountFigures(account: $0)?.revenue } == [1, 1, 5, 1, 7])
        try t.store.replaceAccountFigures([], now: t.actor.now)
        #expect(try t.store.accountFigures(account: keys[0])?.revenue == 1)
    }

    /// A page sorted by a figure walks the figures, then the accounts without figures by key.
    @Test(arguments: Backend.available)
    func accountsWithoutFiguresFollowThePagedFigures(_ backend: Backend) throws {
        let t = try loaded(backend)
        let keys = try t.store.accounts().map(\.key) // ACME, ACME-UK, ACME-UK-FIN, ACME-UK-OPS, GLOBEX
        try t.store.writeAccountFigures(
            [(keys[1], 5.0), (keys[3], 9.0), (keys[4], 7.0)].map { k, revenue in
                AccountFiguresRow(
                    account: k, members: 0, revenue: revenue, revenue12m: 0, engagement: nil, trend: "flat",
                    coverage: nil, pAlive: nil, detail: "{}")
            }, now: t.actor.now)
        func ids(_ filter: String?, _ limit: Int, _ offset: Int) throws -> [String] {
            try t.store.accountPage(filter: filter, sort: .revenue, limit: limit, offset: offset).map(
                \.account.externalId)
        }
        #expect(try ids(nil, 10, 0) == ["ACME-UK-OPS", "GLOBEX", "ACME-UK", "ACME", "ACME-UK-FIN"])
        #expect(try ids(nil, 2, 2) == ["ACME-UK", "ACME"])
        #expect(try ids(nil, 2, 4) == ["ACME-UK-FIN"])
        #expect(try ids("acme", 10, 1) == ["ACME-UK", "ACME", "ACME-UK-FIN"])
        #expect(try t.store.accountPage(filter: nil, sort: .coverage, limit: 10, offset: 0).count == 5)
        #expect(try ids(nil, 10, 0).count == t.store.accountCount(filter: nil))
    }
}
