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
}
