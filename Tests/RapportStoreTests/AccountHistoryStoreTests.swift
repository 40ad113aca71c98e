import Foundation
import Testing

@testable import RapportStore

/// The store's half of the account structure as it stood on a day, on both stores: each
/// account correction (and its undo) records what it found, and the structure of a moment puts
/// back what was changed after it (`AccountUndoTests`' tree: ACME › ACME-UK › FIN and OPS; C1 a
/// primary buyer of FIN; C2 of OPS, and a GLOBEX user; E1 C1's purchase).
@Suite("Account structure as of a day: the store")
struct AccountHistoryStoreTests {
    func at(_ t: TempStore, _ seconds: Int64) -> Actor { Actor(analyst: "tester", now: t.actor.now + seconds) }

    @Test(arguments: Backend.available)
    func eachThingChangedAfterAMomentIsAsTheFirstChangeFoundIt(_ backend: Backend) throws {
        let t = try AccountUndoTests().loaded(backend)
        let s = t.store
        let c1 = try #require(try s.customerKey(externalId: "C1"))
        let c2 = try #require(try s.customerKey(externalId: "C2"))
        let key = { (id: String) in try #require(try s.account(externalId: id)).key }
        let (acme, uk, fin, ops, globex) = (
            try key("ACME"), try key("ACME-UK"), try key("ACME-UK-FIN"),
            try key("ACME-UK-OPS"), try key("GLOBEX")
        )
        // +10: C1 a primary buyer of GLOBEX (FIN's primacy ends); +20: C2's OPS membership deleted;
        // +30: ACME-UK moved under GLOBEX; +40: E1 marked for OPS, +50 for FIN.
        try s.linkMember(customer: c1, account: "GLOBEX", role: "buyer", primary: true, by: at(t, 10))
        try s.unlinkMember(customer: c2, account: "ACME-UK-OPS", delete: true, by: at(t, 20))
        try s.setAccountParent(account: "ACME-UK", parent: "GLOBEX", by: at(t, 30))
        try s.attributeEvent("E1", account: "ACME-UK-OPS", by: at(t, 40))
        try s.attributeEvent("E1", account: "ACME-UK-FIN", by: at(t, 50))
        let e1 = try #require(try s.accountPurchases(accounts: [fin]).first?.event)

        let before = try s.accountStructure(stoodOn: t.actor.now + 5)
        #expect(try s.accounts(on: before).first { $0.key == uk }?.parent == acme)
        #expect(try s.memberships(customers: [c1], on: before).map { [$0.account, $0.primary ? 1 : 0] } == [[fin, 1]])
        #expect(try s.memberships(customers: [c2], on: before).map(\.account) == [ops, globex])
        #expect(try s.memberships(accounts: [ops], on: before).map(\.customerExternalId) == ["C2"])
        #expect(before.account(of: e1, today: fin) == nil, "E1 named no account then")
        #expect(try s.accountPurchases(accounts: [ops], on: before).map(\.event) == [], "E1 is C1's; C1 no OPS member")

        let between = try s.accountStructure(stoodOn: t.actor.now + 45)
        #expect(between.parents.isEmpty && between.memberships.isEmpty)
        #expect(try s.accountPurchases(accounts: [ops], on: between).map { [$0.event, $0.account ?? 0] } == [[e1, ops]])
        #expect(try s.accountStructure(stoodOn: t.actor.now + 50).isToday)

        // An undo is a change of its own: at +60 ACME-UK goes back under ACME.
        #expect(try s.undoLast(by: at(t, 60))?.kind == .eventAttribute)
        #expect(try s.undoLast(by: at(t, 70))?.kind == .eventAttribute)
        #expect(try s.undoLast(by: at(t, 80))?.kind == .accountParent)
        let moved = try s.accountStructure(stoodOn: t.actor.now + 75)
        #expect(try s.accounts(on: moved).first { $0.key == uk }?.parent == globex)
        #expect(moved.account(of: e1, today: nil) == nil)
        #expect(try s.accountStructure(stoodOn: t.actor.now + 55).account(of: e1, today: nil) == fin)
    }

    /// What `rapport copy` reads and writes of the record: every row, oldest first, with the
    /// keys it names (customer, account, event, the account before, the account inside the
    /// membership before) translated to another store's, or left behind when one has none there.
    @Test(arguments: Backend.available)
    func theRecordIsReadAndWrittenBackWithEveryKeyTranslated(_ backend: Backend) throws {
        let t = try AccountUndoTests().loaded(backend)
        let s = t.store
        let c1 = try #require(try s.customerKey(externalId: "C1"))
        let key = { (id: String) in try #require(try s.account(externalId: id)).key }
        let (acme, uk, fin, globex) = (try key("ACME"), try key("ACME-UK"), try key("ACME-UK-FIN"), try key("GLOBEX"))
        // +10: C1 a primary buyer of GLOBEX (FIN's primacy ends); +30: ACME-UK under GLOBEX; +40: E1 for FIN.
        try s.linkMember(customer: c1, account: "GLOBEX", role: "buyer", primary: true, by: at(t, 10))
        try s.setAccountParent(account: "ACME-UK", parent: "GLOBEX", by: at(t, 30))
        try s.attributeEvent("E1", account: "ACME-UK-FIN", by: at(t, 40))
        let e1 = try #require(try s.accountPurchases(accounts: [fin]).first?.event)

        let rows = try s.accountChanges()
        #expect(rows.map(\.kind) == ["membership", "membership", "parent", "attribution"])
        #expect(rows.map(\.time) == [10, 10, 30, 40].map { t.actor.now + $0 })
        #expect(rows.map(\.id) == rows.map(\.id).sorted() && Set(rows.map(\.id)).count == 4)
        #expect(rows[0].customer == c1 && rows[0].account == fin && rows[0].role == "buyer")
        let finBefore = try #require(rows[0].beforeMembership)
        let was = try JSONDecoder().decode(MembershipState.self, from: Data(finBefore.utf8))
        #expect(was.account == fin && was.primary)
        #expect(rows[1].account == globex && rows[1].beforeMembership == nil)
        #expect(rows[2].customer == nil && rows[2].account == uk && rows[2].beforeAccount == acme)
        #expect(rows[3].customer == c1 && rows[3].event == e1 && rows[3].beforeAccount == nil)

        var keys = CopiedKeys()
        keys.customers = [c1: 901]
        keys.accounts = Dictionary(uniqueKeysWithValues: try s.accounts().map { ($0.key, $0.key + 1000) })
        keys.events = [e1: 700]
        let moved = rows.compactMap { $0.rekeyed(keys) }
        #expect(moved.count == 4)
        #expect(moved[0].customer == 901 && moved[0].account == fin + 1000 && moved[0].time == rows[0].time)
        let movedBefore = try #require(moved[0].beforeMembership)
        var expected = was
        expected.account = fin + 1000
        #expect(try JSONDecoder().decode(MembershipState.self, from: Data(movedBefore.utf8)) == expected)
        #expect(moved[2].account == uk + 1000 && moved[2].beforeAccount == acme + 1000 && moved[2].customer == nil)
        #expect(moved[3].event == 700 && moved[3].beforeAccount == nil)
        // A person or purchase the other store lacks (erased, say) leaves their rows behind.
        keys.customers = [:]
        #expect(rows.compactMap { $0.rekeyed(keys) }.map(\.kind) == ["parent"])
        keys.customers = [c1: 901]
        keys.events = [:]
        #expect(rows[3].rekeyed(keys) == nil)
        keys.accounts[acme] = nil
        #expect(rows[2].rekeyed(keys) == nil, "the parent before has no counterpart")

        // Written back after the rows there: the newest, so the first change after +90.
        var back = rows[2]
        back.time = t.actor.now + 100
        back.beforeAccount = globex
        try s.appendAccountChanges([back])
        let after = try s.accountChanges()
        #expect(after.count == 5 && after[4].id > rows[3].id)
        back.id = after[4].id
        #expect(after[4] == back)
        #expect(try s.accountStructure(stoodOn: t.actor.now + 90).parents[uk] == .some(globex))
        #expect(try s.accountStructure(stoodOn: t.actor.now + 35).parents[uk] == .some(globex))
        #expect(try s.accountStructure(stoodOn: t.actor.now + 25).parents[uk] == .some(acme))
    }

    /// An account's `since` (accounts.csv) is stored, set again by a re-import (empty: always),
    /// and a moment before it leaves the account, its members and its place in the tree out;
    /// a malformed one is refused naming the file, line and field, and nothing is imported.
    @Test(arguments: Backend.available)
    func anAccountsSinceLeavesItOutBeforeIt(_ backend: Backend) throws {
        let t = try AccountStoreTests().loaded(backend)
        let s = t.store
        let o = ImportOptions(analyst: "tester", now: t.actor.now)
        let may = try #require(DateParsing.timestamp("2024-05-01"))
        _ = try s.importFile(
            try t.file("more.csv", "account_id,name,parent_id,kind,since\nNEW,New,GLOBEX,company,2024-05-01\n"),
            options: o)
        let c1 = try #require(try s.customerKey(externalId: "C1"))
        _ = try s.importFile(
            try t.file("more-m.csv", "customer_id,account_id,role,primary\nC1,NEW,buyer,false\n"), options: o)
        let key = { (id: String) in try #require(try s.account(externalId: id)).key }
        let (new, fin) = (try key("NEW"), try key("ACME-UK-FIN"))
        #expect(try s.account(externalId: "NEW")?.since == may && s.account(externalId: "GLOBEX")?.since == nil)

        let before = try s.accountStructure(stoodOn: may - 1)
        #expect(before.accountsNotYet == [new] && !before.existed(new) && !before.isToday)
        #expect(try !s.accounts(on: before).map(\.key).contains(new))
        #expect(try s.memberships(customers: [c1], on: before).map(\.account) == [fin])
        #expect(try s.accountPage(filter: nil, sort: .name, limit: 10, offset: 0, existedAt: may - 1).count == 5)
        #expect(try s.accountCount(filter: "new", existedAt: may - 1) == 0)
        #expect(try s.accountCount(filter: "new", existedAt: may) == 1)
        #expect(try s.accountCount(filter: nil, existedAt: may - 1) == 5 && s.accountCount(filter: nil) == 6)
        #expect(try s.accountStructure(stoodOn: may).isToday)
        // Without corrections the since still applies.
        #expect(try s.accountStructure(stoodOn: may - 1, corrections: false).accountsNotYet == [new])

        // Imported again with an empty since: always.
        _ = try s.importFile(
            try t.file("again.csv", "account_id,name,parent_id,kind,since\nNEW,New,GLOBEX,company,\n"), options: o)
        #expect(try s.account(externalId: "NEW")?.since == nil)
        #expect(try s.memberships(customers: [c1], on: s.accountStructure(stoodOn: may - 1)).count == 2)

        let accountsBefore = try s.accounts()
        do {
            _ = try s.importFile(
                try t.file("bad.csv", "account_id,name,since\nNEW,New,2024-05-01\nODD,Odd,last spring\n"), options: o)
            Issue.record("a malformed since was imported")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.line) == [3] && f.errors.map(\.field) == ["since"])
            #expect(f.description.contains("bad.csv:3: since: 'last spring' is not a date"), "\(f.description)")
        }
        #expect(try s.accounts() == accountsBefore)
    }
}
