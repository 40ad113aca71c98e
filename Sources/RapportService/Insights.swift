import Foundation
import RapportEngine
import RapportStore

/// The batch state loaded from the store, shared by every profile view of a session.
final class EngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var model: EngineModel?
    private var items: ItemModel?
    private var products: [Int64: Product]?

    func get(_ store: ProfileStore) throws -> (EngineModel?, ItemModel, [Int64: Product]) {
        lock.lock(); defer { lock.unlock() }
        if products == nil {
            products = Dictionary(uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, EngineBridge.product($0)) })
        }
        if model == nil, let data = try store.modelState("engine") {
            model = try JSONDecoder().decode(EngineModel.self, from: data)
        }
        if items == nil {
            var n: [Int64: [ItemModel.Neighbor]] = [:]
            for r in try store.readNeighbors() { n[r.product, default: []].append(.init(product: r.neighbor, weight: r.weight)) }
            for k in n.keys { n[k]!.sort { $0.weight > $1.weight } }
            items = ItemModel(neighbors: n, lambda: 0)
        }
        return (model, items!, products!)
    }

    func set(model: EngineModel, items: ItemModel, products: [Int64: Product]) {
        lock.lock(); defer { lock.unlock() }
        self.model = model; self.items = items; self.products = products
    }

    /// Keeps the item model and products; replaces the population model (a moved as-of date).
    func set(model: EngineModel) {
        lock.lock(); defer { lock.unlock() }
        self.model = model
    }

    /// An import may have added or changed products: read them again when next needed.
    func forgetProducts() {
        lock.lock(); defer { lock.unlock() }
        products = nil
    }
}

/// What changed in words, between two insights of the same customer.
public struct InsightSnapshot: Sendable, Equatable {
    public var inferred: [String]
    /// Recommended product ids, as `rapport profile` shows them.
    public var recommendations: [String]

    init(inferred: [String], recommendations: [String]) { self.inferred = inferred; self.recommendations = recommendations }

    /// What a profile on screen says, so a change can be described without recomputing it.
    public init(_ p: ProfileReport) {
        inferred = p.preferences.inferred.filter { $0.attribute == "category" }.map(\.value)
        recommendations = p.recommendations.map(\.productId)
    }
}

enum InsightDiff {
    static func describe(before: InsightSnapshot?, after: InsightSnapshot?) -> [String] {
        guard let before, let after else { return [] }
        var out: [String] = []
        let lost = before.inferred.filter { !after.inferred.contains($0) }
        let gained = after.inferred.filter { !before.inferred.contains($0) }
        if !lost.isEmpty { out.append("\(lost.joined(separator: ", ")) no longer inferred") }
        if !gained.isEmpty { out.append("\(gained.joined(separator: ", ")) now inferred") }
        let changed = after.recommendations.filter { !before.recommendations.contains($0) }.count
        out.append(changed == 0 ? "recommendations unchanged"
                   : "\(changed) recommendation\(changed == 1 ? "" : "s") changed")
        return out
    }
}

extension Workspace {
    /// Rebuilds the batch state from every event: per-customer metrics, RFM thresholds,
    /// BG/NBD and Gamma-Gamma fits, popularity, item neighbours.
    func refreshDerived(progress: ((String, Double) -> Void)?) throws {
        guard !store.isReadOnly else { return }
        let started = Date()
        let approximateEvents = try store.approximateEventCount()
        // Events that arrive during the scan have larger keys: they count as "since the fit".
        let lastEventKey = try store.lastEventKey()
        let asOf = try store.latestEventTime() ?? ProfileStore.nowSeconds()
        var builder = ModelBuilder(asOf: asOf)
        var current: Int64 = -1
        var batch: [Event] = []
        var seen = 0
        let customerKeys = try store.customerKeys()
        var keyIndex = 0
        func flush() {
            // Customers without events still get a row, so every sort lists everyone.
            while keyIndex < customerKeys.count && customerKeys[keyIndex] < current {
                builder.add(customer: customerKeys[keyIndex], events: []); keyIndex += 1
            }
            if keyIndex < customerKeys.count && customerKeys[keyIndex] == current { keyIndex += 1 }
            builder.add(customer: current, events: batch)
        }
        try store.scanEvents { e in
            if e.customer != current {
                if current >= 0 { flush() }
                current = e.customer
                batch.removeAll(keepingCapacity: true)
            }
            batch.append(EngineBridge.event(e))
            seen += 1
            if seen % 500_000 == 0 { progress?("reading events", min(0.8, 0.8 * Double(seen) / Double(max(1, approximateEvents)))) }
        }
        if current >= 0 { flush() }
        while keyIndex < customerKeys.count { builder.add(customer: customerKeys[keyIndex], events: []); keyIndex += 1 }
        let readSeconds = Date().timeIntervalSince(started)
        progress?("fitting models", 0.8)
        let result = builder.finish()
        let fitSeconds = Date().timeIntervalSince(started) - readSeconds
        progress?("writing metrics", 0.9)
        let now = ProfileStore.nowSeconds()
        try store.writeMetrics(result.customers.map { EngineBridge.metrics($0.key, $0.figures, now: now) }, replacingAll: true)
        var rows: [(product: Int64, neighbor: Int64, weight: Double)] = []
        for (p, list) in result.items.neighbors { for n in list { rows.append((p, n.product, n.weight)) } }
        try store.writeNeighbors(rows)
        let fit = ModelFit(fittedAt: now, asOf: asOf, events: seen, lastEventKey: lastEventKey)
        try store.writeModelState(["engine": try JSONEncoder().encode(result.model),
                                   ModelFit.stateName: try JSONEncoder().encode(fit)], now: now)
        let products = Dictionary(uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, EngineBridge.product($0)) })
        cache.set(model: result.model, items: result.items, products: products)
        try refreshSegmentMembers()
        logger.info("refreshed", metadata: ["customers": "\(result.customers.count)", "events": "\(seen)",
                                            "read": "\(readSeconds)", "fit": "\(fitSeconds)",
                                            "seconds": "\(Date().timeIntervalSince(started))"])
        progress?("done", 1)
    }

    /// Stores the figures of a freshly computed insight as the customer's metrics row.
    func storeFigures(_ key: Int64, _ insight: CustomerInsight) throws {
        guard !store.isReadOnly else { return }
        try store.writeMetrics([EngineBridge.metrics(key, insight.figures, now: ProfileStore.nowSeconds())], replacingAll: false)
    }

    /// Recomputes one customer's metrics at once (after a gift flag or a history change).
    func refreshCustomer(_ key: Int64) throws {
        guard !store.isReadOnly else { return }
        let (model, _, _) = try cache.get(store)
        guard let model else { return }
        try refreshCustomers([key], model: model)
    }

    func facts(_ key: Int64) throws -> CustomerFacts {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        return CustomerFacts(key: key, consent: EngineBridge.consent(c),
                             stated: try store.statedPreferences(customer: key).compactMap(EngineBridge.stated),
                             statedChannel: c.statedChannel, signup: c.signupTime)
    }

    /// A customer's full insight, computed now from their events and the batch state.
    public func customerInsight(_ key: Int64, rows: [EventRow]? = nil) throws -> CustomerInsight? {
        let (model, items, products) = try cache.get(store)
        guard let model else { return nil }
        let events = try (rows ?? store.events(customer: key)).map(EngineBridge.event)
        return Insights.compute(facts: try facts(key), events: events, products: products, model: model,
                                itemModel: items, settings: insightSettings)
    }


    public var products: [Int64: Product] { (try? cache.get(store).2) ?? [:] }
}
