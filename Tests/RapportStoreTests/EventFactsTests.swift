import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The profile's lean read (issue 23, fastprofile), on each store: `eventFacts` gives the
/// engine's columns of exactly the events `eventsWithoutNames` reads, in the same order, and
/// `displayIds` names the events a profile shows as evidence as their rows name them (the
/// file's id, else `#key`).
@Suite("The profile's lean event read")
struct EventFactsTests {
    static let unnamedEventsCSV = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel
        ,C1,2026-01-07T08:00:00Z,view,P1,1,0,web
        ,C1,2026-01-08T08:00:00Z,cart,P2,2,0,
        """

    @Test(arguments: Backend.available)
    func theEngineColumnsOfTheSameEvents(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        _ = try t.importFile(try t.file("more-events.csv", Self.unnamedEventsCSV))
        try t.store.setGift(event: "E1", isGift: true, note: "for her nephew", by: t.actor)
        var withoutIds = 0
        for id in ["C1", "C2", "C3"] {
            let key = try t.store.requireCustomer(id)
            let rows = try t.store.eventsWithoutNames(customer: key)
            #expect(!rows.isEmpty, "\(id)")
            let facts = try t.store.eventFacts(customer: key) { $0 }
            #expect(
                facts
                    == rows.map {
                        EventFact(
                            key: $0.id, customer: $0.customerId, product: $0.productId, type: $0.type, time: $0.time,
                            quantity: $0.quantity, amount: $0.amount, channel: $0.channel, isGift: $0.isGift,
                            giftNote: $0.giftNote)
                    }, "\(id)")
            let names = try t.store.displayIds(events: rows.map(\.id), customer: key)
            #expect(names == Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.displayId) }), "\(id)")
            withoutIds += rows.filter { $0.externalId == nil }.count
            // Only the customer's own events are named.
            let others = try t.store.eventFacts(customer: key == 1 ? 2 : 1) { $0.key }
            #expect(try t.store.displayIds(events: others, customer: key).isEmpty, "\(id)")
        }
        #expect(withoutIds == 2)
        let c1 = try t.store.eventFacts(customer: try t.store.requireCustomer("C1")) { $0 }
        #expect(c1.first?.isGift == true && c1.contains { $0.channel == nil && $0.quantity == 2 })
        #expect(try t.store.displayIds(events: [], customer: 1).isEmpty)
    }
}
