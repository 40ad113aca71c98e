import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

/// Rules with `affinity(...)` read the vectors a refresh stored, which equal the preferences
/// computed from each customer's events; customers who refused personalization have none.
@Suite("Stored affinity vectors")
struct AffinityTests {
    func store(_ t: TempWorkspace) throws {
        let customers = t.dir.appendingPathComponent("customers.csv").path
        try Data(
            ("customer_id,name,consent_personalization\n"
                + (1...20).map { "C\($0),Person \($0),\($0 <= 5 ? "false" : ($0 <= 8 ? "" : "true"))" }
                .joined(separator: "\n") + "\n").utf8
        ).write(to: URL(fileURLWithPath: customers))
        let products = t.dir.appendingPathComponent("products.csv").path
        try Data(
            "product_id,title,category,brand,price\nP0,Beans,Coffee,Bean & Co,9\nP1,Leaves,Tea,Leaf,7\nP2,Mug,Kitchen,Bean & Co,12\n"
                .utf8
        ).write(to: URL(fileURLWithPath: products))
        let events = t.dir.appendingPathComponent("events.csv").path
        var rows: [String] = []
        for c in 1...20 {
            for k in 0..<(2 + c % 5) {
                let product = (c + k) % (c % 3 == 0 ? 2 : 3)
                rows.append("E\(c)-\(k),C\(c),2026-0\(1 + k % 6)-1\(c % 9),purchase,P\(product),1,\(5 + c)")
            }
        }
        try Data(
            ("event_id,customer_id,timestamp,type,product_id,quantity,amount\n" + rows.joined(separator: "\n") + "\n")
                .utf8
        ).write(to: URL(fileURLWithPath: events))
        _ = try t.ws.importFiles([customers, products, events], options: ImportOptions(analyst: "tester"))
    }

    /// Each customer's vector computed as rules did before: from their events, on the spot.
    func recomputed(_ t: TempWorkspace) throws -> [Int64: [String: Double]] {
        let (model, _, products) = try t.ws.cache.get(t.ws.store)
        var out: [Int64: [String: Double]] = [:]
        for c in try t.ws.store.allCustomers() where c.consentPersonalization != false {
            guard let key = c.id else { continue }
            let events = try t.ws.store.events(customer: key).map(EngineBridge.event)
            let v = AffinityPass.vector(
                Preferences.infer(
                    events: events, products: products, now: model?.asOf ?? 0,
                    settings: t.ws.insightSettings.preferences))
            if !v.isEmpty { out[key] = v }
        }
        return out
    }

    func close(_ a: [Int64: [String: Double]], _ b: [Int64: [String: Double]]) -> Bool {
        a.keys.sorted() == b.keys.sorted()
            && a.allSatisfy { key, v in
                let w = b[key] ?? [:]
                return v.keys.sorted() == w.keys.sorted() && v.allSatisfy { abs($0.value - (w[$0.key] ?? -1)) < 1e-12 }
            }
    }

    @Test func storedVectorsEqualRecomputedOnesAndRulesUseThem() throws {
        let t = try TempWorkspace()
        try store(t)
        try t.ws.refresh()
        #expect(try t.ws.store.affinities().isEmpty, "no segment uses affinity(): no vectors are kept")
        // Saved before any vector exists: its members are computed customer by customer.
        let n = try t.ws.createSegment(name: "coffee", rule: "affinity(\"Coffee\") > 0.3")
        try t.ws.refresh()
        let stored = try t.ws.store.affinities()
        let refused = try t.ws.store.personalizationRefused()
        #expect(refused.count == 5)
        #expect(stored.keys.allSatisfy { !refused.contains($0) }, "a customer who refused has a vector")
        #expect(stored.count == 15)
        #expect(close(stored, try recomputed(t)))
        // The rule's members, from stored vectors, are the customers whose recomputed affinity passes.
        let expected = try recomputed(t).filter { ($0.value["coffee"] ?? 0) > 0.3 }.keys.sorted()
        #expect(n == expected.count)
        #expect(try t.ws.members(of: try Rule(parsing: "affinity(\"Coffee\") > 0.3")).sorted() == expected)
        #expect(n > 0 && n < 15, "the rule separates customers")
        #expect(try t.ws.segmentSummaries().first { $0.name == "coffee" }?.members == n)
        // Once no segment needs them, the next refresh drops them.
        try t.ws.deleteSegment("coffee")
        try t.ws.refresh()
        #expect(try t.ws.store.affinities().isEmpty)
    }

    @Test func aGiftFlagUpdatesTheStoredVectorOfItsCustomer() throws {
        let t = try TempWorkspace()
        try store(t)
        _ = try t.ws.createSegment(name: "tea", rule: "affinity(\"Tea\") > 0.5")
        try t.ws.refresh()
        let key = try t.ws.customerKey("C10")
        let before = try t.ws.store.affinities(customers: [key])[key]
        let purchase = try #require(try t.ws.history(key).first { $0.type == .purchase })
        _ = try t.ws.setGift(event: purchase.eventId, isGift: true, note: nil)
        let after = try t.ws.store.affinities(customers: [key])[key]
        #expect(after != before)
        #expect(close(try t.ws.store.affinities(), try recomputed(t)))
    }
}
