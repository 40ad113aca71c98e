import Foundation
import Testing

@testable import RapportStore

/// Account corrections in the action log, on both stores: each recorded with the state before
/// and after, undone and redone exactly, refused whole when someone changed that state since.
@Suite("Account corrections undone and redone")
struct AccountUndoTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try AccountStoreTests().loaded(backend)
        let events =
            "event_id,customer_id,timestamp,type,product_id,amount,account_id\nE1,C1,2024-02-01,purchase,P1,100,\n"
        _ = try t.store.importFile(
            try t.file("events.csv", events), options: ImportOptions(analyst: "tester", now: t.actor.now))
        return t
    }

    func at(_ t: TempStore, _ seconds: Int64, _ analyst: String = "tester") -> Actor {
        Actor(analyst: analyst, now: t.actor.now + seconds)
    }

    func parent(_ t: TempStore, _ id: String) throws -> Int64? { try t.store.account(externalId: id)?.parent }

    @Test(arguments: Backend.available)
    func aPrimaryLinkIsUndoneAndRedoneWithTheOtherPrimary(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let before = try t.store.memberships(customer: c1)
        try t.store.linkMember(customer: c1, account: "GLOBEX", role: "buyer", primary: true, by: at(t, 1))
        let linked = try t.store.memberships(customer: c1)
        #expect(linked.map(\.primary) == [false, true])
        #expect(try t.store.actionEntries(analyst: "tester", limit: 5, offset: 0).map(\.kind) == [.accountLink])

        #expect(try t.store.undoLast(by: at(t, 2))?.kind == .accountLink)
        #expect(try t.store.memberships(customer: c1) == before)
        #expect(try t.store.redoLast(by: at(t, 3))?.kind == .accountLink)
        #expect(try t.store.memberships(customer: c1) == linked)
        let audit = try t.store.auditEntries(customer: c1, limit: 5, offset: 0).map(\.action)
        #expect(audit.prefix(2) == ["action.redo", "action.undo"])
    }

    @Test(arguments: Backend.available)
    func anEndedAndADeletedMembershipComeBack(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        let before = try t.store.memberships(customer: c2)
        try t.store.unlinkMember(customer: c2, account: "ACME-UK-OPS", until: 1_720_000_000, by: at(t, 1))
        #expect(try t.store.memberships(customer: c2).first?.until == 1_720_000_000)
        try t.store.undoLast(by: at(t, 2))
        #expect(try t.store.memberships(customer: c2) == before)
        try t.store.unlinkMember(customer: c2, account: "GLOBEX", delete: true, by: at(t, 3))
        #expect(try t.store.memberships(customer: c2).count == 1)
        try t.store.undoLast(by: at(t, 4))
        #expect(try t.store.memberships(customer: c2) == before)
        try t.store.redoLast(by: at(t, 5))
        #expect(try t.store.memberships(customer: c2).map(\.role) == ["buyer"])
    }

    @Test(arguments: Backend.available)
    func aParentChangeIsUndoneUnlessItWouldMakeACycle(_ backend: Backend) throws {
        let t = try loaded(backend)
        let uk = try parent(t, "ACME-UK")
        try t.store.setAccountParent(account: "ACME-UK", parent: nil, by: at(t, 1))
        let entry = try #require(try t.store.actionEntries(analyst: "tester", limit: 1, offset: 0).first)
        #expect(entry.kind == .accountParent && entry.customerId == nil)
        try t.store.undoLast(by: at(t, 2))
        #expect(try parent(t, "ACME-UK") == uk)
        try t.store.redoLast(by: at(t, 3))
        #expect(try parent(t, "ACME-UK") == nil)

        // Someone puts Acme under Acme UK's department: putting Acme UK back under Acme is a cycle.
        try t.store.setAccountParent(account: "ACME", parent: "ACME-UK-FIN", by: at(t, 4, "other"))
        let audit = try t.store.auditEntries().count
        #expect(throws: StoreError.self) { try t.store.undoLast(by: at(t, 5)) }
        do {
            try t.store.undoLast(by: at(t, 5))
        } catch let e as StoreError {
            #expect("\(e)".contains("makes a cycle") && "\(e)".contains("nothing changed"))
        }
        #expect(try parent(t, "ACME-UK") == nil && t.store.auditEntries().count == audit)
        #expect(try t.store.actionEntries(analyst: "tester", limit: 1, offset: 0).first?.state == .done)
    }

    @Test(arguments: Backend.available)
    func anAttributionChangedSinceRefusesTheUndo(_ backend: Backend) throws {
        let t = try loaded(backend)
        let acme = try #require(try t.store.account(externalId: "ACME"))
        let globex = try #require(try t.store.account(externalId: "GLOBEX"))
        try t.store.attributeEvent("E1", account: "GLOBEX", by: at(t, 1))
        try t.store.undoLast(by: at(t, 2))
        #expect(try t.store.accountPurchases().first?.account == nil)
        try t.store.redoLast(by: at(t, 3))
        #expect(try t.store.accountPurchases().first?.account == globex.key)

        try t.store.attributeEvent("E1", account: "ACME", by: at(t, 4, "other"))
        #expect(throws: StoreError.self) { try t.store.undoLast(by: at(t, 5)) }
        #expect(try t.store.accountPurchases().first?.account == acme.key)
        // The other analyst's own undo puts back the state it found: Globex.
        try t.store.undoLast(by: at(t, 6, "other"))
        #expect(try t.store.accountPurchases().first?.account == globex.key)
        try t.store.undoLast(by: at(t, 7))
        #expect(try t.store.accountPurchases().first?.account == nil)
    }
}
