import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The action log on both stores: every correction recorded in its own transaction, undone and
/// redone exactly, refused on a conflict, purged when its retention window passes, erased with
/// the customer.
@Suite("Action log, undo and redo, held events")
struct ActionLogTests {
    static let heldEventsCSV = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel
        HELDMARK91,C1,2026-02-10,view,P2,1,0,app
        HELDMARK92,C1,2026-02-11,purchase,P1,1,12.50,web
        """

    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        _ = try t.importFile(try t.file("held.csv", Self.heldEventsCSV))
        return t
    }

    func at(_ t: TempStore, _ seconds: Int64, _ analyst: String = "tester") -> Actor {
        Actor(analyst: analyst, now: t.actor.now + seconds)
    }

    func ids(_ t: TempStore, _ key: Int64) throws -> [String] { try t.store.events(customer: key).map(\.displayId) }

    @Test(arguments: Backend.available)
    func giftClearAndNoteAreUndoneAndRedoneInOrder(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.setGift(event: "E1", isGift: true, note: "for her nephew", by: at(t, 1))
        let since = try #require(DateParsing.timestamp("2026-02-01"))
        #expect(try t.store.clearHistory(customer: c1, range: HistoryWindow(since: since), by: at(t, 2)) == 2)
        let note = try t.store.addNote(customer: c1, text: "call back", by: at(t, 3))
        #expect(try t.store.actionCount(analyst: "tester") == 3)
        #expect(
            try t.store.actionEntries(analyst: "tester", limit: 10, offset: 0).map(\.kind) == [
                .noteAdd, .historyClear, .giftFlag
            ])
        #expect(try t.count("held_events") == 2)

        #expect(try t.store.undoLast(by: at(t, 4))?.kind == .noteAdd)
        #expect(try t.store.noteIds(customer: c1).contains(note) == false)
        #expect(try t.store.undoLast(by: at(t, 5))?.kind == .historyClear)
        #expect(try ids(t, c1) == ["E1", "E2", "E3", "HELDMARK91", "HELDMARK92"])
        #expect(try t.count("held_events") == 0)
        #expect(try t.store.undoLast(by: at(t, 6))?.kind == .giftFlag)
        #expect(try t.store.event(displayId: "E1")?.isGift == false)
        #expect(try t.store.undoLast(by: at(t, 7)) == nil)

        // Redo goes forward in the order the corrections were made.
        #expect(try t.store.redoLast(by: at(t, 8))?.kind == .giftFlag)
        #expect(try t.store.event(displayId: "E1")?.giftNote == "for her nephew")
        #expect(try t.store.redoLast(by: at(t, 9))?.kind == .historyClear)
        #expect(try ids(t, c1) == ["E1", "E2", "E3"])
        #expect(try t.store.redoLast(by: at(t, 10))?.kind == .noteAdd)
        #expect(try t.store.noteIds(customer: c1).contains(note))
        #expect(try t.store.redoLast(by: at(t, 11)) == nil)

        let audit = try t.store.auditEntries(customer: c1, limit: 20, offset: 0).map(\.action)
        #expect(audit.filter { $0 == "action.undo" }.count == 3 && audit.filter { $0 == "action.redo" }.count == 3)
    }

    @Test(arguments: Backend.available)
    func aNewCorrectionEndsRedoAndOthersLogsAreTheirOwn(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.setGift(event: "E1", isGift: true, note: nil, by: at(t, 1))
        try t.store.undoLast(by: at(t, 2))
        try t.store.addNote(customer: c1, text: "new branch", by: at(t, 3))
        #expect(try t.store.redoLast(by: at(t, 4)) == nil)
        #expect(try t.store.actionEntries(analyst: nil, limit: 10, offset: 0).map(\.state) == [.done, .dropped])
        // Another analyst has nothing to undo.
        #expect(try t.store.undoLast(by: at(t, 5, "someone")) == nil)
    }

    @Test(arguments: Backend.available)
    func anUndoThatConflictsWithALaterChangeIsRefusedWhole(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.setGift(event: "E1", isGift: true, note: "mine", by: at(t, 1))
        try t.store.setGift(event: "E1", isGift: true, note: "theirs", by: at(t, 2, "other"))
        #expect(throws: StoreError.self) { try t.store.undoLast(by: at(t, 3)) }
        #expect(try t.store.event(displayId: "E1")?.giftNote == "theirs")
        #expect(try t.store.actionEntries(analyst: "tester", limit: 1, offset: 0).first?.state == .done)

        let note = try t.store.addNote(customer: c1, text: "first", by: at(t, 4))
        try t.store.editNote(customer: c1, note: note, text: "edited by other", by: at(t, 5, "other"))
        #expect(throws: StoreError.self) { try t.store.undoLast(by: at(t, 6)) }
        #expect(try t.store.undoLast(by: at(t, 7, "other"))?.kind == .noteEdit)
        try t.store.deleteNote(customer: c1, note: note, by: at(t, 8, "other"))
        #expect(try t.store.noteIds(customer: c1).contains(note) == false)
        #expect(try t.store.undoLast(by: at(t, 9, "other"))?.kind == .noteDelete)
        #expect(try t.store.noteIds(customer: c1).contains(note))
    }

    @Test(arguments: Backend.available)
    func aPurgedClearCannotBeUndoneAndItsRowsAreGone(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        let since = try #require(DateParsing.timestamp("2026-02-01"))
        // The store's newest event is C1's: without it, C3's of 2026-02-01 is the newest.
        #expect(try t.store.latestEventTime(clearing: HistoryWindow(since: since), of: c1) == since)
        try t.store.clearHistory(customer: c1, range: HistoryWindow(since: since), holdSeconds: 3600, by: at(t, 0))
        #expect(try t.store.nextPurge() == t.actor.now + 3600)
        #expect(try t.store.purgeHeldEvents(now: t.actor.now + 3599, by: at(t, 3599)) == 0)
        #expect(try t.store.purgeHeldEvents(now: t.actor.now + 3600, by: at(t, 3600)) == 2)
        #expect(try t.count("held_events") == 0)
        #expect(try t.tablesMentioning("HELDMARK9").isEmpty)
        if backend == .sqlite { #expect(try t.fileBytes().range(of: Data("HELDMARK9".utf8)) == nil) }
        #expect(throws: StoreError.self) { try t.store.undoLast(by: at(t, 3601)) }
        #expect(try ids(t, c1) == ["E1", "E2", "E3"])
        #expect(try t.store.nextPurge() == nil)
    }

    @Test(arguments: Backend.available)
    func heldEventsCountNowhereAndForgetErasesThemAndTheLog(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.setGift(event: "E1", isGift: true, note: "for Zoë's nephew", by: at(t, 1))
        try t.store.clearHistory(customer: c1, range: HistoryWindow(since: nil, types: ["view"]), by: at(t, 2))
        #expect(try t.store.countHistory(customer: c1, range: HistoryWindow(since: nil)) == 3)
        #expect(try t.count("held_events") == 2)
        try t.store.forget(customer: c1, by: at(t, 3))
        #expect(try t.count("held_events") == 0)
        #expect(try t.tablesMentioning("nephew").isEmpty)
        #expect(try t.tablesMentioning("HELDMARK9").isEmpty)
        #expect(try t.store.actionEntries(analyst: "tester", limit: 5, offset: 0).allSatisfy { $0.state == .erased })
        // Forget is not undoable, and an erased customer's entries cannot be undone either.
        #expect(try t.store.undoLast(by: at(t, 4)) == nil)
        #expect(try t.store.customerKey(externalId: "C1") == nil)
    }

    @Test(arguments: Backend.available)
    func aStalePreviewTokenIsRefused(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        let token = try t.store.previewToken(customer: c1)
        #expect(try t.store.previewToken(customer: c1) == token)
        try t.store.setGift(event: "E3", isGift: false, note: nil, by: at(t, 1, "other"))
        #expect(throws: StoreError.invalidArgument("changed since the preview: look again")) {
            try t.store.setGift(event: "E1", isGift: true, note: nil, expecting: token, by: at(t, 2))
        }
        #expect(throws: StoreError.invalidArgument("changed since the preview: look again")) {
            try t.store.clearHistory(customer: c1, range: HistoryWindow(since: nil), expecting: token, by: at(t, 2))
        }
        #expect(try ids(t, c1).count == 5)
        let fresh = try t.store.previewToken(customer: c1)
        try t.store.setGift(event: "E1", isGift: true, note: nil, expecting: fresh, by: at(t, 3))
        #expect(try t.store.event(displayId: "E1")?.isGift == true)
    }
}
