import Foundation
import RapportPostgres
import RapportStore
import Testing
@testable import RapportService
import RapportVocabulary

/// The two stores behind `StoreBackend`: SQLite always, PostgreSQL when `RAPPORT_TEST_POSTGRES`
/// names a server (`.ci/run` starts a throw-away one). Every test here runs on each, with the
/// same expectations: same behaviour.
enum Backend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Backend] { serverURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }
    var testDescription: String { rawValue }

    /// A new empty store: a temporary file, or a new database on the test server.
    func makeStore() throws -> (location: String, cleanup: () -> Void) {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-backend-\(UUID())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return (dir.appendingPathComponent("s.sqlite").path, { try? FileManager.default.removeItem(at: dir) })
        case .postgres:
            let base = Self.serverURL!
            let url = try PostgresURL(base)
            let name = "rapport_t_" + UUID().uuidString.prefix(8).lowercased()
            let admin = try PGConnection.connect(url, password: url.password().password)
            _ = try admin.execute("CREATE DATABASE \(name)")
            admin.close()
            let location = base.replacingOccurrences(of: "/\(url.database)", with: "/\(name)")
            return (
                location,
                {
                    guard let admin = try? PGConnection.connect(url, password: url.password().password) else { return }
                    _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                    admin.close()
                }
            )
        }
    }

    func open(_ location: String, readOnly: Bool = false) throws -> any StoreBackend {
        switch self {
        case .sqlite: try ProfileStore(path: location, readOnly: readOnly)
        case .postgres: try PostgresStore(url: location, readOnly: readOnly)
        }
    }
}

/// A small shop with the mess of real exports: accents, a customer who refused
/// personalization, two identical rows without an id, a missing amount.
enum SmallShop {
    static let files: [(String, String)] = [
        (
            "customers.csv",
            """
            customer_id,name,email,consent_personalization,likes
            C1,Ann Zed,ann@x.io,1,category:Books
            C2,bob young,bob@x.io,0,
            C3,"Cé Ü",c3@x.io,1,brand:Acme;Toys

            """
        ),
        (
            "products.csv",
            """
            product_id,title,category,brand,price
            P1,Book A,Books,Acme,10
            P2,Toy B,Toys,Kid,20

            """
        ),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount
            E1,C1,2024-01-01,purchase,P1,10
            E2,C1,2024-02-01,purchase,P2,20
            E3,C2,2024-03-01,view,P1,
            E4,C3,2024-03-05,purchase,P1,10
            ,C3,2024-03-06,purchase,P2,20
            ,C3,2024-03-06,purchase,P2,20

            """
        ),
        ("notes.csv", "customer_id,text\nC1,Prefers email\nC1,Prefers email\n")
    ]

    static func write(to dir: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try files.map { name, text in
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }
}

@Suite("Store backends", .serialized)
struct BackendTests {
    let actor = Actor(analyst: "ana", now: 1_730_000_000)

    func importShop(_ store: any StoreBackend) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-\(UUID())")
        do {
            for path in try SmallShop.write(to: dir) {
                _ = try store.importFile(path, options: ImportOptions(analyst: "ana", now: actor.now))
            }
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        return dir
    }

    @Test(arguments: Backend.available)
    func importsBrowsesAndFilters(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let store = try backend.open(location)
        let dir = try importShop(store)
        defer { try? FileManager.default.removeItem(at: dir) }
        let counts = try store.counts()
        let shape: [Int] = [counts.customers, counts.products, counts.events, counts.notes, counts.segments]
        #expect(shape == [3, 2, 6, 1, 0])

        // The same file again adds nothing; a longer version adds only its new row.
        let events = dir.appendingPathComponent("events.csv").path
        let again = try store.importFile(events, options: ImportOptions(analyst: "ana", now: actor.now))
        #expect(again.inserted == 0 && again.duplicates == 6)
        try (SmallShop.files[2].1 + ",C3,2024-03-06,purchase,P2,20\n").write(
            toFile: events, atomically: true, encoding: .utf8)
        #expect(try store.importFile(events, options: ImportOptions(analyst: "ana", now: actor.now)).inserted == 1)

        // A bad row: the file is refused whole, with its line and field.
        let bad = dir.appendingPathComponent("bad.csv").path
        try "event_id,customer_id,timestamp,type\nE9,C1,2024-05-01,purchase\nE10,C9,2024-05-02,teleport\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        do {
            _ = try store.importFile(bad, options: ImportOptions(analyst: "ana", now: actor.now))
            Issue.record("a bad file imported")
        } catch let failure as ImportFailure {
            #expect(failure.errors.map(\.line) == [3] && failure.errors.map(\.field) == ["type"])
        }
        #expect(try store.counts().events == 7 && store.customerKey(externalId: "C9") == nil)

        let names = try store.customerPage(ListQuery(sort: .name), offset: 0, limit: 10).map(\.externalId)
        #expect(names == ["C1", "C2", "C3"])
        let reversed = try store.customerPage(ListQuery(sort: .name, reversed: true), offset: 0, limit: 10)
        #expect(reversed.map(\.externalId) == ["C3", "C2", "C1"])
        #expect(try store.customerCount(ListQuery(text: "x.io"), cap: nil) == 3)
        #expect(try store.customerPage(ListQuery(text: "cé ü"), offset: 0, limit: 10).map(\.externalId) == ["C3"])
        #expect(try store.customerPage(ListQuery(text: "Bo"), offset: 0, limit: 10).map(\.externalId) == ["C2"])
        #expect(try store.customerCount(ListQuery(text: "100%"), cap: nil) == 0)
        let c3 = try #require(try store.customerKey(externalId: "C3"))
        #expect(try store.statedPreferences(customer: c3).map(\.value) == ["Acme", "Toys"])
        #expect(try store.events(customer: c3).count == 4)
        #expect(try store.personalizationRefused() == [try store.customerKey(externalId: "C2")!])
    }

    @Test(arguments: Backend.available)
    func actionsAreAuditedAndErasureIsReal(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let store = try backend.open(location)
        let dir = try importShop(store)
        defer { try? FileManager.default.removeItem(at: dir) }
        let c1 = try #require(try store.customerKey(externalId: "C1"))
        let c2 = try #require(try store.customerKey(externalId: "C2"))
        let c3 = try #require(try store.customerKey(externalId: "C3"))

        // A caller that stops a scan by throwing gets its own error back, not the database's.
        struct Enough: Error {}
        #expect(throws: Enough.self) { try store.forEachEvent(customer: c1, newestFirst: true) { _ in throw Enough() } }
        let gift = try store.setGift(event: "E1", isGift: true, note: "for mum", by: actor)
        let flagged = try store.event(displayId: "E1")?.isGift
        #expect(gift.customerKey == c1 && flagged == true)
        #expect(throws: StoreError.notAPurchase("E3")) {
            try store.setGift(event: "E3", isGift: true, note: nil, by: actor)
        }
        #expect(throws: StoreError.unknownEvent("E404")) {
            try store.setGift(event: "E404", isGift: true, note: nil, by: actor)
        }
        let note = try store.addNote(customer: c1, text: "  Called back  ", by: actor)
        #expect(try store.noteTexts([note]) == [note: "Called back"])
        #expect(try store.notes(customer: c1).map(\.text) == ["Called back", "Prefers email"])
        #expect(try store.countHistory(customer: c2, range: HistoryWindow()) == 1)
        #expect(try store.clearHistory(customer: c2, range: HistoryWindow(types: ["view"]), by: actor) == 1)
        try store.recordExport(customer: c1, destination: "c1.json", by: actor)

        try store.saveSegment(name: "books", rule: "likes category Books", memberCount: nil, by: actor)
        try store.replaceSegmentMembers(segment: "books", customers: [c1, c3])
        try store.updateSegmentMembers(segment: "books", members: [], nonMembers: [c3])
        #expect(try store.segmentMembers(segment: "books", limit: 10, offset: 0).map(\.externalId) == ["C1"])
        #expect(try store.segment(named: "books")?.memberCount == 1)
        #expect(try store.customerCount(ListQuery(ruleSegment: "books"), cap: nil) == 1)

        try store.forget(customer: c3, by: actor)
        #expect(try store.customerKey(externalId: "C3") == nil && store.customer(c3) == nil)
        #expect(try store.events(customer: c3).isEmpty && store.eventCount(customer: c3) == 0)
        #expect(try store.erasedCustomerKey(externalId: "C3") == c3)
        let actions = try store.auditEntries(customer: nil, limit: 50, offset: 0).map(\.action)
        for a in ["gift.flag", "note.add", "history.clear", "customer.export", "segment.save", "customer.forget"] {
            #expect(actions.contains(a), "\(a) audited")
        }
        #expect(try store.auditEntries(customer: nil, limit: 50, offset: 0).allSatisfy { $0.analyst == "ana" })
        let erasure = try store.auditEntries(customer: c3, limit: 50, offset: 0)
        #expect(!erasure.isEmpty && erasure.allSatisfy { $0.customerRef == "erased#\(c3)" })
        #expect(!erasure.contains { $0.details.contains("C3") })
    }

    @Test(arguments: Backend.available)
    func refreshFillsFiguresListsAndMetrics(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let store = try backend.open(location)
        let dir = try importShop(store)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = Workspace(store: store, analyst: "ana", clock: { 1_730_000_000 })
        try ws.refresh()
        let c1 = try #require(try store.customerKey(externalId: "C1"))
        let m = try #require(try store.metrics(customer: c1))
        #expect(m.orders == 2 && m.spend == 30)
        let bySpend = try store.customerPage(ListQuery(sort: .spend), offset: 0, limit: 10).map(\.externalId)
        #expect(bySpend == ["C3", "C1", "C2"])
        #expect(try store.refreshPendingAll().isEmpty)
        #expect(try store.hasActivity())
        let report = try ws.profile(c1)
        #expect(report.customer.id == "C1")
        _ = try ws.metrics()
    }

    /// An event id names one event of one customer on both stores: the same id in another
    /// customer's rows is another event, and a gift by that id is refused as ambiguous.
    @Test(arguments: Backend.available)
    func anEventIdIsUniquePerCustomer(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let store = try backend.open(location)
        let dir = try importShop(store)
        defer { try? FileManager.default.removeItem(at: dir) }
        let more = dir.appendingPathComponent("more.csv").path
        try "event_id,customer_id,timestamp,type,product_id,amount\nE1,C2,2024-04-01,purchase,P2,20\n".write(
            toFile: more, atomically: true, encoding: .utf8)
        #expect(try store.importFile(more, options: ImportOptions(analyst: "ana", now: actor.now)).inserted == 1)
        #expect(try store.counts().events == 7)
        #expect(throws: StoreError.self) { try store.setGift(event: "E1", isGift: true, note: nil, by: actor) }
        let c2 = try store.requireCustomer("C2")
        let key = try #require(try store.events(customer: c2).first { $0.externalId == "E1" }?.id)
        let change = try store.setGift(event: "#\(key)", isGift: true, note: nil, by: actor)
        #expect(change.customerKey == c2)
        // Importing the file again adds nothing: the pair (customer, id) is the identity.
        #expect(try store.importFile(more, options: ImportOptions(analyst: "ana", now: actor.now)).inserted == 0)
    }

    /// Two analysts on one PostgreSQL store at once: every note and gift flag lands and is
    /// audited, and each sees the other's writes.
    @Test(.enabled(if: Backend.serverURL != nil))
    func twoAnalystsOnOneServer() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        defer { cleanup() }
        let a = try PostgresStore(url: location)
        let b = try PostgresStore(url: location)
        let dir = try importShop(a)
        defer { try? FileManager.default.removeItem(at: dir) }
        let c1 = try #require(try a.customerKey(externalId: "C1"))
        let before = try b.writeStamp()
        _ = try a.addNote(customer: c1, text: "seen by b?", by: actor)
        // Polled with a generous deadline: a loaded test machine, not the product, sets the pace.
        let deadline = Date().addingTimeInterval(10)
        while try b.writeStamp() == before && Date() < deadline { usleep(10_000) }
        #expect(try b.writeStamp() != before, "b saw a's write")

        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let store = i == 0 ? a : b
            let who = Actor(analyst: i == 0 ? "ana" : "ben", now: actor.now)
            for n in 0..<20 {
                _ = try? store.addNote(customer: c1, text: "note \(i)-\(n)", by: who)
                _ = try? store.setGift(event: n % 2 == 0 ? "E1" : "E2", isGift: n % 4 < 2, note: nil, by: who)
            }
        }
        #expect(try a.notes(customer: c1).count == 1 + 1 + 40)
        let audit = try b.auditEntries(customer: c1, limit: 500, offset: 0)
        #expect(audit.filter { $0.action == "note.add" }.count == 41)
        #expect(audit.filter { $0.action.hasPrefix("gift.") && $0.analyst == "ben" }.count == 20)
        #expect(audit.filter { $0.action.hasPrefix("gift.") && $0.analyst == "ana" }.count == 20)
    }
}
