import Foundation
import RapportStore
import Testing
@testable import RapportService

/// A refresh's results do not depend on how its rows are written back (merged by the database on
/// PostgreSQL, compared here and rewritten on SQLite): the same metrics, segments, activity, fit
/// and neighbour lists whatever was stored before, and the same on both stores.
@Suite("Refresh results", .serialized)
struct RefreshResultsTests {
    static let now: Int64 = SampleGenerator.defaultEnd

    /// What a refresh leaves, by the ids people use (keys may differ between stores).
    struct Results: Equatable {
        var metrics: [String: MetricsRecord] = [:]
        var activity: [String: ActivityRow] = [:]
        var neighbors: [String: [String]] = [:]
        var weights: [String: [Double]] = [:]
        var segmentMembers: [[String]] = []
        var engine: NSDictionary = [:]
    }

    enum Shop: String, CaseIterable, CustomTestStringConvertible {
        /// The shop-shaped sample, small.
        case sample
        /// Three customers: one with a gift, one with a view only, one with a purchase of no product.
        case edges
        /// Sums that depend on the order of addition, a refund, a time zone (`SumsShop`).
        case sums
        var testDescription: String { rawValue }
    }

    static func files(_ shop: Shop, in dir: URL) throws -> [String] {
        switch shop {
        case .sample:
            let out = try SampleGenerator(customers: 150, eventsPerCustomer: 20, products: 300).write(to: dir.path)
            return out.files.filter { $0.hasSuffix("/customers.csv") || $0.hasSuffix("/products.csv") }
                + out.files.filter { $0.hasSuffix("/events.csv") }
        case .edges:
            return try SmallShop.write(to: dir)
        case .sums:
            return try SumsShop.write(to: dir)
        }
    }

    /// A store of `shop` on `backend`, refreshed once, and what the refresh left.
    func refreshed(_ shop: Shop, _ backend: Backend, body: (any StoreBackend, Workspace) throws -> Void) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("refresh-results-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.open(location)
        defer { try? store.closeStore() }
        for path in try Self.files(shop, in: dir) {
            _ = try store.importFile(path, options: ImportOptions(analyst: "ana", now: Self.now))
        }
        let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
        let actor = Actor(analyst: "ana", now: Self.now)
        try store.saveSegment(name: "loyal", rule: "orders >= 2", memberCount: nil, by: actor)
        // A rule on affinities makes the refresh compute and write them too.
        try store.saveSegment(name: "toys", rule: "affinity(\"Toys\") > 0.1", memberCount: nil, by: actor)
        try ws.refresh()
        try body(store, ws)
    }

    func results(_ store: any StoreBackend) throws -> Results {
        var out = Results()
        var ids: [Int64: String] = [:]
        for key in try store.customerKeys() { ids[key] = try store.customer(key)?.externalId }
        let products = Dictionary(uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, $0.externalId) })
        for var m in try store.allMetrics() {
            let id = ids[m.customerId] ?? "?"
            m.customerId = 0
            m.updatedAt = 0
            out.metrics[id] = m
        }
        try store.scanActivity { key, segment, clv, pAlive, bytes in
            out.activity[ids[key] ?? "?"] = ActivityRow(
                customer: 0, segment: segment, clv12m: clv, pAlive: pAlive, bytes: Array(bytes))
        }
        for (product, list) in try store.readNeighbors() {
            out.neighbors[products[product] ?? "?"] = list.map { products[$0.product] ?? "?" }
            out.weights[products[product] ?? "?"] = list.map(\.weight)
        }
        out.segmentMembers = try ["loyal", "toys"].map {
            try store.segmentMembers(segment: $0).map(\.externalId).sorted()
        }
        let engine = try #require(try store.modelState("engine"))
        out.engine = try #require(try JSONSerialization.jsonObject(with: engine) as? NSDictionary)
        return out
    }

    /// Every stored figure made wrong, and some rows gone, as if the data had changed everywhere.
    func scramble(_ store: any StoreBackend) throws {
        let keys = try store.customerKeys()
        try store.writeMetrics(
            keys.dropFirst().map { MetricsRecord(customerId: $0, orders: 99, spend: -1, pAlive: 2, updatedAt: 1) },
            replacingAll: true)
        try store.writeActivity(
            keys.dropLast().map { ActivityRow(customer: $0, segment: 7, clv12m: nil, pAlive: 3, bytes: [1]) },
            replacingAll: true)
    }

    @Test(arguments: Shop.allCases, Backend.available)
    func aRefreshRewritesWhateverWasStored(_ shop: Shop, _ backend: Backend) throws {
        try refreshed(shop, backend) { store, ws in
            let first = try results(store)
            #expect(first.metrics.count == (try store.customerKeys().count))
            #expect(!first.segmentMembers[0].isEmpty)
            if shop == .sample { #expect(!first.neighbors.isEmpty) }
            try scramble(store)
            #expect(try results(store) != first)
            try ws.refresh()
            #expect(try results(store) == first)
            // Nothing changed since: a refresh writes nothing and leaves the same results.
            try ws.refresh()
            #expect(try results(store) == first)
        }
    }

    @Test(.enabled(if: Backend.serverURL != nil), arguments: Shop.allCases)
    func bothStoresRefreshToTheSameResults(_ shop: Shop) throws {
        var onSQLite: Results?
        try refreshed(shop, .sqlite) { store, _ in onSQLite = try results(store) }
        try refreshed(shop, .postgres) { store, _ in
            let onPostgres = try results(store)
            #expect(onPostgres == onSQLite)
        }
    }
}
