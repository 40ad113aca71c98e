import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// A customer's events and the customer list, written once over both drivers: every page of
/// every sort, both directions, agrees with the whole list read at once, on each store.
@Suite("Customer reads on both stores")
struct CustomerReadsTests {
    static let names = [
        "Anna Becker", "anna costa", "Anna Côté", "Bob Stone", "bo Lind", "Carla Anne", "Dan Hanna", "Eve",
        "Zoë Müller", "山田 太郎", "Ann", "Óscar Ruiz", "Mia Wong", "Hannah Ng", "Ivo Ann", "Lea", "Anne Roy",
        "Ben Kim", "Cy", "Ana Lima"
    ]

    /// Twenty customers with figures (as after a refresh); every fifth without any, and some
    /// never bought (no recency).
    func store(_ backend: Backend) throws -> (TempStore, [Int64], [MetricsRecord]) {
        let t = try TempStore(backend)
        let rows = Self.names.enumerated().map { i, name in "K\(100 + i),\(name),k\(i)@example.com" }
        _ = try t.importFile(try t.file("customers.csv", (["customer_id,name,email"] + rows).joined(separator: "\n")))
        let keys = try Self.names.indices.map { try t.store.requireCustomer("K\(100 + $0)") }
        let stages = ["active", "lapsing", nil]
        let figures = keys.enumerated().map { i, key in
            i % 5 == 4
                ? MetricsRecord(customerId: key, updatedAt: t.actor.now)
                : MetricsRecord(
                    customerId: key, orders: i % 4, spend: Double((i * 37) % 11),
                    recencyDays: i % 3 == 0 ? nil : (i * 7) % 5,
                    rfmSegment: i % 2 == 0 ? "champions" : "lost", stage: stages[i % 3],
                    clv12m: i % 6 == 0 ? nil : Double(i),
                    updatedAt: t.actor.now)
        }
        _ = try t.store.writeMetrics(figures, replacingAll: true)
        return (t, keys, figures)
    }

    static let queries: [ListQuery] = ListSort.allCases.flatMap { sort in
        [false, true].flatMap { reversed in
            [
                ListQuery(sort: sort, reversed: reversed), ListQuery(text: "ann", sort: sort, reversed: reversed),
                ListQuery(text: "an", sort: sort, reversed: reversed),
                ListQuery(segment: "champions", sort: sort, reversed: reversed),
                ListQuery(stage: "lapsing", sort: sort, reversed: reversed)
            ]
        }
    }

    @Test(arguments: Backend.available)
    func everyPageAgreesWithTheWholeList(_ backend: Backend) throws {
        let (t, keys, figures) = try store(backend)
        let s = t.store
        #expect(try s.customerCount() == Self.names.count)
        #expect(try s.unknownRecencyCount(ListQuery()) == figures.filter { $0.recencyDays == nil }.count)
        for q in Self.queries {
            let all = try s.customerPage(q, offset: 0, limit: 1_000)
            let total = try s.customerCount(q, cap: nil)
            #expect(all.count == total, "\(q)")
            // A filtered count stops at its cap; every customer is counted whole.
            let capped = q.text.isEmpty && q.segment == nil && q.stage == nil ? total : min(2, total)
            #expect(try s.customerCount(q, cap: 2) == capped, "\(q)")
            for offset in stride(from: 0, through: total, by: 3) {
                let page = try s.customerPage(q, offset: offset, limit: 4, total: total)
                #expect(page.map(\.key) == all.dropFirst(offset).prefix(4).map(\.key), "\(q) at \(offset)")
            }
        }
        // Orders the indexes give: spend highest first, ties by key; names case-insensitively.
        let bySpend = try s.customerPage(ListQuery(sort: .spend), offset: 0, limit: 100).filter { $0.spend != nil }
        #expect(bySpend.map(\.key) == bySpend.sorted { ($0.spend!, -$0.key) > ($1.spend!, -$1.key) }.map(\.key))
        let named = try s.customerPage(ListQuery(text: "an"), offset: 0, limit: 100).compactMap(\.name)
        #expect(named == ["Ana Lima", "Ann", "Anna Becker", "anna costa", "Anna Côté", "Anne Roy"])
        let matched = Set(try s.customerPage(ListQuery(text: "ann"), offset: 0, limit: 100).compactMap(\.name))
        #expect(
            matched == [
                "Anna Becker", "anna costa", "Anna Côté", "Carla Anne", "Dan Hanna", "Ann", "Hannah Ng", "Ivo Ann",
                "Anne Roy"
            ])
        let few = try s.customerPage(ListQuery(keys: [keys[3], keys[1]]), offset: 0, limit: 10)
        #expect(few.map(\.externalId) == ["K101", "K103"])
        #expect(try s.customerCount(ListQuery(keys: [keys[3], keys[1]])) == 2)
    }

    @Test(arguments: Backend.available)
    func aCustomersEventsWithTheirProducts(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        let s = t.store
        #expect(try s.customerKey(externalId: "C9") == nil)
        let c1 = try #require(try s.customerKey(externalId: "C1"))
        let events = try s.events(customer: c1)
        #expect(events.map(\.displayId) == ["E1", "E2", "E3"])
        #expect(events.map(\.productTitle) == ["Ethiopian Yirgacheffe", "Wooden Train", "Wooden Train"])
        #expect(events.map(\.productCategory) == ["Coffee", "Toys", "Toys"])
        #expect(events.map(\.productExternalId) == ["P1", "P2", "P2"])
        var newest: [EventRow] = []
        try s.forEachEvent(customer: c1, newestFirst: true) { newest.append($0) }
        #expect(newest == events.reversed())
        var oldest: [EventRow] = []
        try s.forEachEvent(customer: c1) { oldest.append($0) }
        #expect(oldest == events)
        let e5 = try #require(try s.event(displayId: "E5"))
        #expect(e5.productId == nil && e5.productTitle == nil && e5.amount == 20 && e5.channel == "store")
        #expect(try s.event(displayId: "#\(events[2].id)") == events[2])
        #expect(events[2].isGift && events[2].quantity == 1)
        #expect(try s.event(displayId: "E404") == nil)
    }

    /// The unfiltered count is a row the store keeps in the transactions that add or remove
    /// customers, so the first screen reads no whole index.
    @Test(arguments: Backend.available)
    func theCustomerCountIsKeptAsCustomersComeAndGo(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let s = t.store
        func kept() throws -> [String?] { try t.texts("SELECT CAST(value AS TEXT) FROM store_counts") }
        #expect(try kept() == ["0"] && s.customerCount() == 0)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        #expect(try kept() == ["2"] && s.customerCount() == 2)
        // An events file makes the customers it names (C3), in the same transaction.
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        #expect(try kept() == ["3"] && s.customerCount() == 3)
        // A refused file changes nothing, the count included.
        #expect(throws: (any Error).self) {
            try t.importFile(try t.file("bad.csv", "customer_id,name\nC9,Nine\n,No id"))
        }
        #expect(try kept() == ["3"])
        try s.forget(customer: try s.requireCustomer("C2"), by: t.actor)
        #expect(try kept() == ["2"] && s.customerCount() == 2)
        #expect(try s.customerCount() == s.customerPage(ListQuery(), offset: 0, limit: 10).count)
        try s.discardUnfinishedCopy()
        #expect(try kept() == ["0"] && s.customerCount() == 0)
    }
}
