import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService
import RapportVocabulary

/// A session reads the neighbour lists of the products its profiles rank from, not the whole
/// catalogue's, and ranks exactly as the whole item model would, "bought with" reasons included.
@Suite("A session's neighbour lists", .serialized)
struct SessionNeighborsTests {
    static let now: Int64 = 1_793_500_000

    static let shop: [String] = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-neighbors-\(getpid())").path
        return try! SampleGenerator(customers: 80, products: 400).write(to: dir).files
    }()

    /// The whole stored item model, flags included, as sessions held it before.
    static func wholeModel(_ store: any StoreBackend) throws -> ItemModel {
        var model = ItemModel(
            neighbors: try store.readNeighbors().mapValues { $0.map { .init(product: $0.product, weight: $0.weight) } },
            lambda: 0)
        if let flags = try store.modelState(BoughtTogether.stateName) { BoughtTogether.decode(flags, into: &model) }
        return model
    }

    @Test(arguments: Backend.available)
    func aProfileReadsOnlyItsSourcesListsAndRanksAsTheWholeModel(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let store = try backend.open(location)
        defer { try? store.closeStore() }
        let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
        ws.autoTune = false
        _ = try ws.importFiles(Self.shop, options: ImportOptions(analyst: "ana"))
        try ws.refresh()

        let whole = try Self.wholeModel(store)
        #expect(whole.neighbors.count > 100)
        #expect(whole.neighbors.values.contains { $0.contains(where: \.boughtTogether) })

        // A new session, as the explorer opens one: nothing held until a profile ranks.
        let session = Workspace(store: store, analyst: "ana", clock: { Self.now })
        #expect(session.cache.heldNeighborLists == 0)
        var personal = 0
        var boughtWith = 0
        for key in try store.customerKeys() {
            let held = session.cache.heldNeighborLists
            let recs = try session.recommendations(key, k: 10)
            let (model, _, products) = try session.cache.get(store)
            let expected = Insights.compute(
                facts: try session.facts(key), events: try store.events(customer: key).map(EngineBridge.event),
                products: products, model: try #require(model), itemModel: whole,
                settings: session.insightSettings
            ).recommendations
            #expect(recs == Workspace.views(expected, products: products))
            // At most the customer's distinct products were read: their history's sources.
            let distinct = Set(try store.events(customer: key).compactMap(\.productId)).count
            #expect(session.cache.heldNeighborLists - held <= distinct)
            personal += recs.filter(\.kind.isPersonal).count
            boughtWith += recs.filter { $0.reason.hasPrefix("bought with") }.count
        }
        #expect(personal > 0)
        #expect(boughtWith > 0)
        #expect(session.cache.heldNeighborLists < whole.neighbors.count)
    }

    @Test func theCacheKeepsAtMostItsCapacity() throws {
        let (location, cleanup) = try Backend.sqlite.makeStore()
        defer { cleanup() }
        let store = try Backend.sqlite.open(location)
        defer { try? store.closeStore() }
        let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
        ws.autoTune = false
        _ = try ws.importFiles(Self.shop, options: ImportOptions(analyst: "ana"))
        try ws.refresh()
        let whole = try Self.wholeModel(store)
        let cache = NeighborCache(capacity: 40)
        let products = whole.neighbors.keys.sorted()
        for chunk in stride(from: 0, to: products.count, by: 10) {
            let asked = Array(products[chunk..<min(products.count, chunk + 10)])
            let lists = try cache.lists(of: asked, from: store)
            #expect(lists == asked.map { whole.neighbors[$0] ?? [] })
            #expect(cache.count <= 40)
        }
        // What was evicted is read again, the same.
        let first = Array(products.prefix(5))
        #expect(try cache.lists(of: first, from: store) == first.map { whole.neighbors[$0] ?? [] })
    }
}
