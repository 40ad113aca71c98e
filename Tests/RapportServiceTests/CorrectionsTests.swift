import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService
import RapportVocabulary

/// Previews, the action log and undo through the service, on each store: a previewed diff is
/// the committed diff, a stale preview is refused, undo survives a new process and restores the
/// profile byte for byte, redo makes the change again, a purged clear and an erasure cannot be
/// undone.
@Suite("Corrections: preview, undo, redo", .serialized)
struct CorrectionsTests {
    static let now: Int64 = 1_793_500_000

    /// A small generated shop (60 customers of the classic catalogue), written once.
    static let shop: [String] = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-corrections-\(getpid())").path
        return try! SampleGenerator(customers: 60).write(to: dir).files
    }()

    final class Opened {
        let location: String
        let cleanup: () -> Void
        let backend: Backend
        var ws: Workspace

        init(_ backend: Backend) throws {
            self.backend = backend
            (location, cleanup) = try backend.makeStore()
            ws = Workspace(store: try backend.open(location), analyst: "ana", clock: { CorrectionsTests.now })
            ws.autoTune = false
            _ = try ws.importFiles(CorrectionsTests.shop, options: ImportOptions(analyst: "ana"))
        }

        /// Another process on the same store: a new store handle and a new workspace.
        func reopen(analyst: String = "ana") throws {
            try ws.store.closeStore()
            ws = Workspace(store: try backend.open(location), analyst: analyst, clock: { CorrectionsTests.now })
        }

        func profileJSON(_ key: Int64) throws -> String {
            String(decoding: try JSONOutput.encode(try ws.profile(key)), as: UTF8.self)
        }

        deinit {
            try? ws.store.closeStore()
            cleanup()
        }
    }

    @Test(arguments: Backend.available)
    func aPreviewedDiffIsTheCommittedDiff(_ backend: Backend) throws {
        let o = try Opened(backend)
        var rng = SeededRandom(seed: 22)
        let keys = try o.ws.store.customerKeys()
        var gifts = 0
        var clears = 0
        var changedSomething = 0
        var loweredAsOf = 0
        for _ in 0..<12 {
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            let events = try o.ws.history(key)
            let purchases = events.filter { $0.type == .purchase }
            if let e = purchases.isEmpty ? nil : purchases[Int(rng.next() % UInt64(purchases.count))] {
                let preview = try o.ws.previewGift(event: e.eventId, isGift: !e.gift, note: "seeded")
                let done = try o.ws.setGift(event: e.eventId, isGift: !e.gift, note: "seeded", expecting: preview.token)
                #expect(done.diff == preview.diff, "gift \(e.eventId)")
                #expect(preview.customer == (try o.ws.identity(key).id), "gift \(e.eventId)")
                gifts += 1
                if !preview.diff.isEmpty { changedSomething += 1 }
            }
            guard !events.isEmpty else { continue }
            let since = events[Int(rng.next() % UInt64(events.count))].time.seconds
            let types: [[String]?] = [nil, ["view"], ["purchase", "view"], ["cart", "search"]]
            let window = HistoryWindow(since: since, types: types[Int(rng.next() % 4)])
            let preview = try o.ws.previewClear(customer: key, range: window)
            #expect(preview.customer == (try o.ws.identity(key).id), "clear of #\(key)")
            let asOfBefore = try o.ws.asOf()
            defer { if (try? o.ws.asOf()) != asOfBefore { loweredAsOf += 1 } }
            let done = try o.ws.clearHistoryDescribed(customer: key, range: window, expecting: preview.token)
            #expect(done.removed == preview.events)
            #expect(done.diff == preview.diff, "clear of #\(key) since \(since)")
            clears += 1
            if !preview.diff.isEmpty { changedSomething += 1 }
        }
        #expect(gifts >= 6 && clears >= 6 && changedSomething >= 4)
        // The seed takes at least one clear of the store's newest events, which lowers its as-of date.
        #expect(loweredAsOf >= 1)
    }

    @Test(arguments: Backend.available)
    func aStalePreviewIsRefused(_ backend: Backend) throws {
        let o = try Opened(backend)
        let key = try #require(try o.ws.findCustomer("C00001"))
        let purchases = try o.ws.history(key).filter { $0.type == .purchase && !$0.gift }
        let preview = try o.ws.previewGift(event: purchases[0].eventId, isGift: true, note: nil)
        let other = Workspace(store: o.ws.store, analyst: "bea", clock: { CorrectionsTests.now })
        try other.setGift(event: purchases[1].eventId, isGift: true, note: nil)
        do {
            try o.ws.setGift(event: purchases[0].eventId, isGift: true, note: nil, expecting: preview.token)
            Issue.record("a stale preview was committed")
        } catch {
            #expect("\(error)" == "changed since the preview: look again")
        }
        #expect(try o.ws.history(key).first { $0.eventId == purchases[0].eventId }?.gift == false)
        let clear = try o.ws.previewClear(customer: key, range: HistoryWindow(since: nil, types: ["view"]))
        try other.addNote(customer: key, text: "a note changes nothing the preview shows")
        #expect(try o.ws.clearHistory(customer: key, range: HistoryWindow(types: ["view"]), expecting: clear.token) > 0)
    }

    @Test(arguments: Backend.available)
    func undoAfterANewProcessRestoresTheProfileByteForByteAndRedoMakesItAgain(_ backend: Backend) throws {
        let o = try Opened(backend)
        let key = try #require(try o.ws.findCustomer("C00001"))
        let before = try o.profileJSON(key)
        let toys = try o.ws.history(key).filter { $0.type == .purchase && $0.category == "Toys" }
        for e in toys.prefix(2) { try o.ws.setGift(event: e.eventId, isGift: true, note: "for her grandson") }
        let since = try #require(Dates.timestamp("2026-09-01"))
        #expect(try o.ws.clearHistory(customer: key, range: HistoryWindow(since: since)) > 0)
        try o.ws.addNote(customer: key, text: "asked to forget September")
        let after = try o.profileJSON(key)
        #expect(after != before)

        try o.reopen()
        #expect(
            try o.ws.actionLog(limit: 10, offset: 0).items.map(\.action) == [
                "note.add", "history.clear", "gift.flag", "gift.flag"
            ])
        // Another analyst's undo does not walk ana's log.
        let bea = Workspace(store: o.ws.store, analyst: "bea", clock: { CorrectionsTests.now })
        #expect(try bea.undo() == nil)
        for _ in 0..<4 { #expect(try o.ws.undo() != nil) }
        #expect(try o.ws.undo() == nil)
        #expect(try o.profileJSON(key) == before)

        try o.reopen()
        for _ in 0..<4 { #expect(try o.ws.redo() != nil) }
        #expect(try o.profileJSON(key) == after)
        let log = try o.ws.actionLog(limit: 10, offset: 0).items
        #expect(log.allSatisfy { $0.state == "done" })
        #expect(log[1].command == "rapport clear-history C00001 --since 2026-09-01T00:00:00Z")
        #expect(log[3].command == "rapport gift \(toys[0].eventId) --note 'for her grandson'")
        let audit = try o.ws.store.auditEntries(customer: key, limit: 50, offset: 0).map(\.action)
        #expect(audit.filter { $0 == "action.undo" }.count == 4 && audit.filter { $0 == "action.redo" }.count == 4)
    }

    @Test(arguments: Backend.available)
    func aPurgedClearAndAnErasureCannotBeUndone(_ backend: Backend) throws {
        let o = try Opened(backend)
        let key = try #require(try o.ws.findCustomer("C00002"))
        let n = try o.ws.clearHistory(customer: key, range: HistoryWindow(types: ["view"]), purgeNow: true)
        #expect(n > 0)
        do {
            _ = try o.ws.undo()
            Issue.record("a purged clear was undone")
        } catch {
            #expect("\(error)".contains("purged"))
        }
        #expect(try o.ws.history(key).allSatisfy { $0.type != .view })

        let other = try #require(try o.ws.findCustomer("C00003"))
        let gift = try #require(try o.ws.history(other).first { $0.type == .purchase })
        try o.ws.setGift(event: gift.eventId, isGift: true, note: "for her sister")
        try o.ws.forget(customer: other)
        #expect(try o.ws.undo() == nil)
        #expect(try o.ws.findCustomer("C00003") == nil)
        let entry = try #require(try o.ws.actionLog(limit: 1, offset: 0).items.first)
        #expect(entry.state == "erased" && entry.command == nil && entry.customer == "erased#\(other)")
    }

    @Test func theRetentionWindowPassesAtTheNextOpen() throws {
        let o = try Opened(.sqlite)
        let key = try #require(try o.ws.findCustomer("C00004"))
        #expect(try o.ws.clearHistory(customer: key, range: HistoryWindow(types: ["view"])) > 0)
        #expect(try o.ws.store.nextPurge() == Self.now + 86_400)
        try o.ws.store.closeStore()
        let later = try Workspace.open(
            StoreLocation(path: o.location, isDefault: false), analyst: "ana", config: Config(), create: false)
        // The wall clock is past the sample's dates by far more than a day: the open purged it.
        #expect(try later.store.nextPurge() == nil)
        #expect(try later.store.actionEntries(analyst: "ana", limit: 1, offset: 0).first?.state == .purged)
        try later.store.closeStore()
    }
}
