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

    /// Each account and membership an import makes records when (`added_at`); importing it
    /// again leaves the time; a moment before it leaves them out; the times are read and
    /// written whole (`rapport copy`), none meaning "there before the record began".
    @Test(arguments: Backend.available)
    func whatAnImportAddedAfterAMomentIsNotThere(_ backend: Backend) throws {
        let t = try AccountStoreTests().loaded(backend)
        let s = t.store
        let first = t.actor.now
        let later = ImportOptions(analyst: "tester", now: first + 100)
        _ = try s.importFile(
            try t.file("more.csv", "account_id,name,parent_id,kind\nGLOBEX,Globex,,company\nNEW,New,GLOBEX,company\n"),
            options: later)
        let c1 = try #require(try s.customerKey(externalId: "C1"))
        _ = try s.importFile(
            try t.file("more-m.csv", "customer_id,account_id,role,primary\nC1,NEW,buyer,false\n"), options: later)
        let key = { (id: String) in try #require(try s.account(externalId: id)).key }
        let (globex, new, fin) = (try key("GLOBEX"), try key("NEW"), try key("ACME-UK-FIN"))
        let times = try s.accountAddedTimes()
        #expect(times.accounts[globex] == first && times.accounts[new] == first + 100, "GLOBEX imported again")
        let slot = AccountStructureOn.Slot(customer: c1, account: new, role: "buyer")
        #expect(times.memberships[slot] == first + 100 && times.memberships.count == 4)

        let before = try s.accountStructure(stoodOn: first + 50)
        #expect(before.accountsAdded == [new] && before.membershipsAdded == [slot] && !before.existed(new))
        #expect(try !s.accounts(on: before).map(\.key).contains(new))
        #expect(try s.memberships(customers: [c1], on: before).map(\.account) == [fin])
        #expect(try s.memberships(accounts: nil, on: before).count == 3)
        #expect(try s.accountPage(filter: nil, sort: .name, limit: 10, offset: 0, existedAt: first + 50).count == 5)
        #expect(try s.accountCount(filter: "new", existedAt: first + 50) == 0)
        #expect(try s.accountCount(filter: "new", existedAt: first + 100) == 1)
        #expect(try s.accountCount(filter: nil, existedAt: first + 50) == 5 && s.accountCount(filter: nil) == 6)
        #expect(try s.accountStructure(stoodOn: first + 100).isToday)
        // Without corrections: the additions still apply.
        #expect(try s.accountStructure(stoodOn: first + 50, corrections: false).accountsAdded == [new])

        var kept = AccountAddedTimes()
        kept.accounts[new] = first + 100
        try s.replaceAccountAddedTimes(kept)
        #expect(try s.accountAddedTimes() == kept)
        // A membership with no time of an account added later was not there either.
        #expect(try s.memberships(customers: [c1], on: s.accountStructure(stoodOn: first + 50)).map(\.account) == [fin])
        try s.replaceAccountAddedTimes(AccountAddedTimes())
        #expect(try s.memberships(customers: [c1], on: s.accountStructure(stoodOn: first + 50)).count == 2)
    }
}
