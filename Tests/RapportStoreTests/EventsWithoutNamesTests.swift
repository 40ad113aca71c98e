import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The profile's and the gift flag's reads and writes (issue 23), on each store: the history
/// read from the events table alone (every column but the products' names, in the same order,
/// as the joined read), the preview token from events already read, and the gift flag written
/// with its figures in one transaction.
@Suite("The profile's history read and the gift flag's one transaction")
struct EventsWithoutNamesTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        return t
    }

    static func unnamed(_ rows: [EventRow]) -> [EventRow] {
        rows.map {
            var r = $0
            r.productExternalId = nil
            r.productTitle = nil
            r.productCategory = nil
            return r
        }
    }

    @Test(arguments: Backend.available)
    func sameRowsAsTheJoinedReadLessTheNames(_ backend: Backend) throws {
        let t = try loaded(backend)
        try t.store.setGift(event: "E1", isGift: true, note: "for her nephew", by: t.actor)
        for id in ["C1", "C2", "C3"] {
            let key = try t.store.requireCustomer(id)
            let joined = try t.store.events(customer: key)
            #expect(!joined.isEmpty, "\(id)")
            let lean = try t.store.eventsWithoutNames(customer: key)
            #expect(lean == Self.unnamed(joined), "\(id)")
            #expect(lean.allSatisfy { $0.productExternalId == nil && $0.productTitle == nil }, "\(id)")
            let moment = joined.map(\.time).max() ?? 0
            #expect(
                try t.store.events(customer: key, stoodOn: moment, corrections: .then, named: false)
                    == Self.unnamed(try t.store.events(customer: key, stoodOn: moment, corrections: .then)), "\(id)")
        }
        // The joined read names them (C1's first purchase is P1, a coffee).
        let c1 = try t.store.events(customer: try t.store.requireCustomer("C1"))
        #expect(c1.first?.productExternalId == "P1" && c1.first?.productCategory == "Coffee")
        #expect(try t.store.eventsWithoutNames(customer: try t.store.requireCustomer("C1")).first?.isGift == true)
    }

    @Test(arguments: Backend.available)
    func aTokenFromTheEventsReadIsTheStoresToken(_ backend: Backend) throws {
        let t = try loaded(backend)
        try t.store.setGift(event: "E3", isGift: false, note: nil, by: t.actor)
        try t.store.setGift(event: "E1", isGift: true, note: "for her nephew", by: t.actor)
        for id in ["C1", "C2", "C3"] {
            let key = try t.store.requireCustomer(id)
            let token = try t.store.previewToken(customer: key)
            #expect(try t.store.previewToken(events: try t.store.eventsWithoutNames(customer: key)) == token, "\(id)")
            #expect(try t.store.previewToken(events: try t.store.events(customer: key).reversed()) == token, "\(id)")
            // The gift preview's lean read carries the flags and notes the token hashes.
            let facts = try t.store.eventFacts(customer: key) { $0 }
            #expect(try t.store.previewToken(facts: facts) == token, "\(id)")
            #expect(try t.store.previewToken(facts: facts.reversed()) == token, "\(id)")
        }
        let c1 = try t.store.requireCustomer("C1")
        #expect(try t.store.eventFacts(customer: c1) { $0 }.compactMap(\.giftNote) == ["for her nephew"])
        let before = try t.store.previewToken(customer: c1)
        try t.store.setGift(event: "E1", isGift: true, note: "for her niece", by: t.actor)
        #expect(try t.store.previewToken(events: try t.store.eventsWithoutNames(customer: c1)) != before)
        // Only the note changed: a token from the lean rows sees it too.
        #expect(try t.store.previewToken(facts: try t.store.eventFacts(customer: c1) { $0 }) != before)
    }

    static func figures(_ key: Int64, orders: Int, now: Int64) -> MetricsRecord {
        MetricsRecord(customerId: key, orders: orders, spend: 47.5, stage: "active", updatedAt: now)
    }

    @Test(arguments: Backend.available)
    func theFlagAndItsFiguresInOneTransaction(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1")
        try t.store.writeAffinities([(c1, ["toys": 0.5])], replacingAll: false)
        var mark = try t.store.changeMark()
        let written = try t.store.setGift(
            event: "E1", isGift: true, note: "for her nephew", by: t.actor,
            writing: GiftConsequences(
                mark: mark, metrics: Self.figures(c1, orders: 7, now: t.actor.now), keepsAffinity: true,
                affinity: ["coffee": 0.75]))
        #expect(written.consequencesWritten && written.change.customerKey == c1)
        #expect(try t.store.event(displayId: "E1")?.giftNote == "for her nephew")
        #expect(try t.store.metrics(customer: c1)?.orders == 7)
        #expect(try t.store.affinities(customers: [c1])[c1] == ["coffee": 0.75])
        #expect(try t.store.auditEntries(customer: c1).first?.action == "gift.flag")

        // Vectors not kept: the stored one is left alone; nil (refused): none kept.
        mark = try t.store.changeMark()
        _ = try t.store.setGift(
            event: "E1", isGift: false, note: nil, by: t.actor,
            writing: GiftConsequences(
                mark: mark, metrics: Self.figures(c1, orders: 8, now: t.actor.now), keepsAffinity: false,
                affinity: nil))
        #expect(try t.store.metrics(customer: c1)?.orders == 8)
        #expect(try t.store.affinities(customers: [c1])[c1] == ["coffee": 0.75])
        mark = try t.store.changeMark()
        _ = try t.store.setGift(
            event: "E1", isGift: true, note: nil, by: t.actor,
            writing: GiftConsequences(
                mark: mark, metrics: Self.figures(c1, orders: 9, now: t.actor.now), keepsAffinity: true,
                affinity: nil))
        #expect(try t.store.affinities(customers: [c1])[c1] == nil)

        // Another change to the customer after the mark: the flag alone is written.
        mark = try t.store.changeMark()
        try t.store.setGift(event: "E3", isGift: false, note: nil, by: t.actor)
        let late = try t.store.setGift(
            event: "E1", isGift: false, note: nil, by: t.actor,
            writing: GiftConsequences(
                mark: mark, metrics: Self.figures(c1, orders: 1, now: t.actor.now), keepsAffinity: true,
                affinity: ["music": 1]))
        #expect(!late.consequencesWritten)
        #expect(try t.store.event(displayId: "E1")?.isGift == false)
        #expect(try t.store.metrics(customer: c1)?.orders == 9)
        #expect(try t.store.affinities(customers: [c1])[c1] == nil)

        // A refused flag (not a purchase) writes nothing at all.
        mark = try t.store.changeMark()
        #expect(throws: StoreError.self) {
            try t.store.setGift(
                event: "E2", isGift: true, note: nil, by: t.actor,
                writing: GiftConsequences(
                    mark: mark, metrics: Self.figures(c1, orders: 2, now: t.actor.now), keepsAffinity: false,
                    affinity: nil))
        }
        #expect(try t.store.metrics(customer: c1)?.orders == 9)
    }
}
