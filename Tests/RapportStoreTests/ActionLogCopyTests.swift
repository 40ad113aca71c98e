import Foundation
import RapportVocabulary
import Testing

@testable import RapportStore

/// What `rapport copy` reads and writes of the corrections, on both stores: action-log entries
/// appended as they are, with their keys translated; held events and account notes read and
/// written back.
@Suite("Action log copy")
struct ActionLogCopyTests {
    @Test(arguments: Backend.available)
    func entriesHeldEventsAndAccountNotesGoAcross(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let o = ImportOptions(analyst: "tester", now: t.actor.now)
        _ = try t.store.importFile(try t.file("customers.csv", "customer_id,name\nC1,Ann\n"), options: o)
        _ = try t.store.importFile(try t.file("accounts.csv", AccountStoreTests.accounts), options: o)
        let events = "event_id,customer_id,timestamp,type,product_id,amount\nE1,C1,2024-02-01,purchase,P1,10\n"
        _ = try t.store.importFile(try t.file("events.csv", events), options: o)
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let acme = try #require(try t.store.account(externalId: "ACME")).key
        let globex = try #require(try t.store.account(externalId: "GLOBEX")).key

        _ = try t.store.addAccountNote(account: "ACME", text: "Renewal", by: t.actor)
        let notes = try t.store.allAccountNotes()
        #expect(notes.map(\.text) == ["Renewal"] && notes.first?.account == acme)
        let added = try t.store.appendAccountNotes([
            AccountNoteRow(id: 0, account: globex, time: 5, analyst: "x", text: "Hi")
        ])
        #expect(
            try t.store.allAccountNotes().last
                == AccountNoteRow(id: added[0], account: globex, time: 5, analyst: "x", text: "Hi"))

        try t.store.linkMember(customer: c1, account: "ACME", role: "buyer", primary: true, by: t.actor)
        let link = try #require(try t.store.actionEntries(analyst: nil, limit: 1, offset: 0).first)
        var keys = CopiedKeys()
        keys.customers = [c1: 77]
        keys.accounts = [acme: globex]
        let moved = link.rekeyed(keys)
        #expect(moved.customerId == 77 && moved.accountsNamed == [globex] && moved.payload["account"] == "ACME")
        let ids = try t.store.appendActionEntries([link, link])
        #expect(ids.count == 2 && ids[0] > link.id && ids[1] > ids[0])
        let log = try t.store.actionEntries(analyst: nil, limit: 2, offset: 0)
        #expect(log.map(\.payload) == [link.payload, link.payload] && log.map(\.state) == [.done, .done])

        _ = try t.store.clearHistory(
            customer: c1, range: HistoryWindow(), holdSeconds: 3600, expecting: nil, by: t.actor)
        let held = try t.store.heldEvents()
        #expect(held.count == 1 && held.first?.externalId == "E1" && held.first?.customer == c1)
        var again = try #require(held.first)
        again.id += 1000
        try t.store.appendHeldEvents([again])
        #expect(try t.store.heldEvents().map(\.id) == [held[0].id, held[0].id + 1000])
    }
}
