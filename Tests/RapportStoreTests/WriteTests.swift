import Foundation
import GRDB
import Testing
@testable import RapportStore
import RapportVocabulary

@Suite("Intent-named writes and the audit log")
struct WriteTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        return t
    }

    func audit(_ t: TempStore) throws -> [AuditEntry] { try t.store.auditEntries() }

    @Test(arguments: Backend.available)
    func giftAndUndo(_ backend: Backend) throws {
        let t = try loaded(backend)
        let change = try t.store.setGift(event: "E1", isGift: true, note: "for her nephew", by: t.actor)
        #expect(change.isGift)
        var e = try #require(try t.store.event(displayId: "E1"))
        #expect(e.isGift && e.giftNote == "for her nephew")
        try t.store.setGift(event: "E1", isGift: false, note: nil, by: t.actor)
        e = try #require(try t.store.event(displayId: "E1"))
        #expect(!e.isGift && e.giftNote == nil)
        let entries = try audit(t).filter { $0.action.hasPrefix("gift.") }
        #expect(entries.map(\.action) == ["gift.unflag", "gift.flag"])
        #expect(entries.allSatisfy { $0.analyst == "tester" && $0.customerRef == "C1" })
    }

    @Test(arguments: Backend.available)
    func onlyPurchasesCanBeGiftsAndUnknownEventsFail(_ backend: Backend) throws {
        let t = try loaded(backend)
        let auditBefore = try audit(t).count
        #expect(throws: StoreError.notAPurchase("E2")) {
            try t.store.setGift(event: "E2", isGift: true, note: nil, by: t.actor)
        }
        #expect(throws: StoreError.unknownEvent("nope")) {
            try t.store.setGift(event: "nope", isGift: true, note: nil, by: t.actor)
        }
        // A failed write leaves no audit entry behind.
        #expect(try audit(t).count == auditBefore)
    }

    @Test(arguments: Backend.available)
    func clearHistoryByRangeAndTypes(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        let since = try #require(DateParsing.timestamp("2026-01-05T09:00:00Z"))
        #expect(try t.store.countHistory(customer: c1, range: HistoryWindow(since: since, types: ["view"])) == 1)
        #expect(
            try t.store.clearHistory(customer: c1, range: HistoryWindow(since: since, types: ["view"]), by: t.actor)
                == 1
        )
        #expect(try t.store.events(customer: c1).map(\.displayId) == ["E1", "E3"])
        #expect(try t.store.clearHistory(customer: c1, range: HistoryWindow(since: since), by: t.actor) == 1)
        #expect(try t.store.events(customer: c1).map(\.displayId) == ["E1"])
        #expect(try t.store.clearHistory(customer: c1, range: HistoryWindow(types: ["purchase"]), by: t.actor) == 1)
        #expect(try t.store.events(customer: c1).isEmpty)
        let entries = try audit(t).filter { $0.action == "history.clear" }
        #expect(entries.count == 3)
        #expect(throws: StoreError.self) {
            try t.store.clearHistory(customer: c1, range: HistoryWindow(types: ["bogus"]), by: t.actor)
        }
    }

    @Test(arguments: Backend.available)
    func notesAreAuditedWithoutTheirText(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.addNote(customer: c1, text: "Allergic to nuts", by: t.actor)
        #expect(try t.store.notes(customer: c1).map(\.text) == ["Allergic to nuts"])
        let entry = try #require(try audit(t).first { $0.action == "note.add" })
        #expect(!entry.details.contains("nuts"))
        #expect(throws: StoreError.self) { try t.store.addNote(customer: c1, text: "   ", by: t.actor) }
    }

    // SQLite-only: the erasure lock is a file lock beside the SQLite file (PostgreSQL's server
    // scrubs nothing itself). Issue 20 item 4: while one process completes an erasure, others
    // opening the store carry on instead of compacting behind it or refusing to read.
    @Test func anErasureBeingCompletedIsLeftToItsProcess() throws {
        let t = try loaded(.sqlite)
        let path = t.location
        let store = try t.sqlite
        // An erasure committed and being completed by another process: its marker, its lock.
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO pending_erasures(customer_id, started_at) VALUES (99, 1)")
        }
        guard case .acquired(let lock) = ErasureLock.acquire(storePath: path) else {
            Issue.record("the erasure lock could not be taken")
            return
        }
        // A reader opens and reads; a writer opens, writes, and leaves the compaction to the holder.
        let reader = try ProfileStore(path: path, readOnly: true)
        #expect(try reader.customerKey(externalId: "C1") != nil)
        try reader.closeStore()
        let writer = try ProfileStore(path: path)
        try writer.addNote(customer: try writer.requireCustomer("C1"), text: "called", by: t.actor)
        #expect(try writer.pool.read { db in try ProfileStore.pendingErasures(db) } == [99])
        try writer.closeStore()
        // The holder gone (as a process that died), the next open completes it.
        lock.release()
        let next = try ProfileStore(path: path)
        #expect(try next.pool.read { db in try ProfileStore.pendingErasures(db) }.isEmpty)
        try next.closeStore()
        #expect(!FileManager.default.fileExists(atPath: path + "-erasing"))
    }

    // SQLite-only, as above. The lock is taken inside the erasure's transaction, so from its
    // commit until its completion no other process can take the marker for an interrupted one.
    @Test func theErasureLockIsHeldFromTheCommitToTheCompletion() throws {
        let t = try loaded(.sqlite)
        let store = try t.sqlite
        try store.writeSQL(.exclusive) { db in try store.eraseDriverTraces(db, customer: 99, now: 1) }
        #expect(ErasureLock.isHeld(storePath: t.location))
        try store.completePendingErasures()
        #expect(!ErasureLock.isHeld(storePath: t.location))
        #expect(try store.pool.read { db in try ProfileStore.pendingErasures(db) }.isEmpty)
    }

    // SQLite-only: reads the .sqlite file's bytes (PostgreSQL's files are the server's; twin below).
    @Test func forgetRemovesEveryTraceFromTheFile() throws {
        let t = try loaded(.sqlite)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.addNote(customer: c1, text: "Prefers the aisle seat", by: t.actor)
        try t.store.setGift(event: "E1", isGift: true, note: "for Zoë's nephew", by: t.actor)
        let before = try t.fileBytes()
        #expect(before.range(of: Data("zoe@example.com".utf8)) != nil)

        try t.store.forget(customer: c1, by: t.actor)

        #expect(try t.store.customerKey(externalId: "C1") == nil)
        #expect(try t.count("events") == 2) // only C2's and C3's remain
        #expect(try t.count("stated_preferences") == 0)
        #expect(try t.count("notes") == 0)
        let entries = try audit(t).filter { $0.customerId == c1 }
        let ref = "erased#\(c1)"
        #expect(
            entries.allSatisfy { e in e.customerRef == ref && (e.details == "{}" || e.action == "customer.forget") })
        #expect(entries.contains { $0.action == "customer.forget" && $0.analyst == "tester" })
        // The bytes on disk: main file and WAL.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: t.location))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: t.location + "-wal")) { bytes.append(wal) }
        for secret in ["Zoë Müller", "zoe@example.com", "Prefers the aisle seat", "nephew"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "'\(secret)' is still in the database file")
        }
        #expect(bytes.range(of: Data("taro@example.com".utf8)) != nil, "other customers must survive")
    }

    /// PostgreSQL's twin of the file check above, on both stores: the customer's rows are gone
    /// from every table, and no row anywhere holds what they told us.
    @Test(arguments: Backend.available)
    func forgetRemovesTheCustomerFromEveryTable(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1"), c2 = try t.store.requireCustomer("C2")
        try t.store.addNote(customer: c1, text: "Prefers the aisle seat", by: t.actor)
        try t.store.setGift(event: "E1", isGift: true, note: "for Zoë's nephew", by: t.actor)
        try t.store.saveSegment(name: "jazz", rule: "likes category Jazz", memberCount: nil, by: t.actor)
        try t.store.replaceSegmentMembers(segment: "jazz", customers: [c1, c2])
        _ = try t.store.writeMetrics(
            [c1, c2].map { MetricsRecord(customerId: $0, orders: 1, updatedAt: 10) }, replacingAll: false)
        try t.store.writeAffinities([(c1, ["Coffee": 1]), (c2, ["Toys": 1])], replacingAll: true)
        try t.store.writeActivity(
            [c1, c2].map { ActivityRow(customer: $0, segment: 1, clv12m: 2, pAlive: 0.5, bytes: [1, 2]) },
            replacingAll: true, unlessChangedSince: nil)
        let secrets = ["Zoë Müller", "zoe@example.com", "Prefers the aisle seat", "nephew", "Music/Rock"]
        #expect(try secrets.allSatisfy { !(try t.tablesMentioning($0)).isEmpty })
        let before = try t.rowsByCustomer(c2)

        try t.store.forget(customer: c1, by: t.actor)

        #expect(try t.rowsByCustomer(c1).isEmpty, "rows of the erased customer")
        #expect(try t.rowsByCustomer(c2) == before, "other customers must survive")
        for secret in secrets {
            #expect(try t.tablesMentioning(secret).isEmpty, "'\(secret)' is still in the store")
        }
        #expect(try t.store.customerKey(externalId: "C1") == nil && t.store.customer(c1) == nil)
        #expect(try t.store.erasedCustomerKey(externalId: "C1") == c1)
        #expect(try t.store.segmentMembers(segment: "jazz").map(\.externalId) == ["C2"])
        #expect(try t.store.affinities().keys.sorted() == [c2])
        #expect(try t.store.allMetrics().map(\.customerId) == [c2])
        let entries = try audit(t).filter { $0.customerId == c1 }
        let ref = "erased#\(c1)"
        #expect(
            entries.allSatisfy { e in e.customerRef == ref && (e.details == "{}" || e.action == "customer.forget") })
        #expect(entries.contains { $0.action == "customer.forget" && $0.analyst == "tester" })
    }

    // SQLite-only: file permissions and journal mode are the SQLite file's.
    @Test func fileIsPrivateAndInWALMode() throws {
        let t = try TempStore(.sqlite)
        let attrs = try FileManager.default.attributesOfItem(atPath: t.location)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let mode = try t.sqlite.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test(arguments: Backend.available)
    func importsAreAudited(_ backend: Backend) throws {
        let t = try loaded(backend)
        let imports = try audit(t).filter { $0.action == "import" }
        #expect(imports.count == 3)
        #expect(imports.allSatisfy { $0.analyst == "tester" })
    }

    @Test(arguments: Backend.available)
    func readOnlyRefusesWrites(_ backend: Backend) throws {
        let t = try loaded(backend)
        let ro = try t.open(readOnly: true)
        #expect(throws: StoreError.readOnly) { try ro.addNote(customer: 1, text: "x", by: t.actor) }
    }
}

@Suite("Browsing queries")
struct QueryTests {
    @Test(arguments: Backend.available)
    func filterMatchesNameEmailAndIdAndPages(_ backend: Backend) throws {
        let t = try TempStore(backend)
        var csv = "customer_id,name,email\n"
        for i in 1...50 { csv += "K\(String(format: "%03d", i)),Person \(i),p\(i)@example.com\n" }
        csv += "K999,Zoë Müller,zoe@example.com\n"
        _ = try t.importFile(try t.file("c.csv", csv))
        #expect(try t.store.customerCount(ListQuery(text: "müll")) == 1)
        #expect(try t.store.customerCount(ListQuery(text: "zoe@")) == 1)
        #expect(try t.store.customerCount(ListQuery(text: "K99")) == 1)
        #expect(try t.store.customerCount(ListQuery(text: "zo")) == 1) // short text: name prefix
        #expect(try t.store.customerCount(ListQuery(text: "pe")) == 50)
        #expect(try t.store.customerCount(ListQuery(text: "er")) == 0)
        let q = ListQuery(sort: .id)
        let total = try t.store.customerCount(q)
        #expect(total == 51)
        let head = try t.store.customerPage(q, offset: 0, limit: 5, total: total)
        #expect(head.map(\.externalId) == ["K001", "K002", "K003", "K004", "K005"])
        // Near the end the page is read backwards, with the same result.
        let tail = try t.store.customerPage(q, offset: 48, limit: 5, total: total)
        #expect(tail.map(\.externalId) == ["K049", "K050", "K999"])
    }
}

@Suite("Batch state")
struct BatchStateTests {
    @Test(arguments: Backend.available)
    func neighbourListsRoundTripInOrder(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        let ids = Dictionary(uniqueKeysWithValues: try t.store.allProducts().map { ($0.externalId, $0.id) })
        let p1 = try #require(ids["P1"] ?? nil), p2 = try #require(ids["P2"] ?? nil)
        try t.store.writeNeighbors([p1: [(p2, 0.75), (p1, -1.5e-300)], p2: []])
        let back = try t.store.readNeighbors()
        #expect(back.count == 1)
        #expect(back[p1]?.map(\.product) == [p2, p1])
        #expect(back[p1]?.map(\.weight) == [0.75, -1.5e-300])
        // Some products' lists only: the one asked for that has a list, none for the rest.
        let some = try t.store.readNeighbors(of: [p1, p2, 987_654])
        #expect(some.keys.sorted() == [p1])
        #expect(some[p1]?.map(\.product) == [p2, p1])
        #expect(try t.store.readNeighbors(of: [p2]).isEmpty)
        #expect(try t.store.readNeighbors(of: []).isEmpty)
    }

    @Test(arguments: Backend.available)
    func changedMetricsOnlyAreWritten(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        let keys = try t.store.customerKeys()
        let rows = keys.map { MetricsRecord(customerId: $0, orders: 1, updatedAt: 10) }
        #expect(try t.store.writeChangedMetrics(rows).written == rows.count)
        // The same figures at a later time change nothing; one changed figure is one row.
        var later = rows.map {
            var r = $0
            r.updatedAt = 20
            return r
        }
        #expect(try t.store.writeChangedMetrics(later).written == 0)
        later[0].orders = 2
        #expect(try t.store.writeChangedMetrics(later).written == 1)
        #expect(try t.store.allMetrics().map(\.orders) == [2] + Array(repeating: 1, count: rows.count - 1))
    }

    @Test(arguments: Backend.available)
    func aRefreshNeverWritesBackFiguresAConcurrentWriteMadeStale(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        let c1 = try t.store.requireCustomer("C1"), c2 = try t.store.requireCustomer("C2")
        let keys = try t.store.customerKeys()
        _ = try t.store.writeChangedMetrics(keys.map { MetricsRecord(customerId: $0, orders: 1, updatedAt: 10) })
        // Given a refresh that read everything at this mark,
        let mark = try t.store.changeMark()
        // when another analyst clears C1's history and erases C2 before it writes,
        _ = try t.store.clearHistory(customer: c1, range: HistoryWindow(), by: t.actor)
        try t.store.writeMetrics([MetricsRecord(customerId: c1, orders: 0, updatedAt: 11)], replacingAll: false)
        try t.store.forget(customer: c2, by: t.actor)
        // then its stale rows for them are left out, and nothing fails on the erased customer.
        let stale = keys.map { MetricsRecord(customerId: $0, orders: 5, updatedAt: 12) }
        let result = try t.store.writeChangedMetrics(stale, unlessChangedSince: mark)
        #expect(result.skipped == [c1, c2])
        let stored = Dictionary(uniqueKeysWithValues: try t.store.allMetrics().map { ($0.customerId, $0.orders) })
        #expect(stored[c1] == 0 && stored[c2] == nil)
        #expect(stored.count == keys.count - 1 && stored.values.filter { $0 == 5 }.count == keys.count - 2)
    }
}
