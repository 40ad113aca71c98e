import Foundation
import RapportEngine
import RapportStore

/// The batch state loaded from the store, shared by every profile view of a session.
final class EngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var model: EngineModel?
    private var items: ItemModel?
    private var products: [Int64: Product]?

    func get(_ store: any StoreBackend) throws -> (EngineModel?, ItemModel, [Int64: Product]) {
        lock.lock()
        defer { lock.unlock() }
        if products == nil {
            products = Dictionary(
                uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, EngineBridge.product($0)) })
        }
        try loadModel(store)
        if items == nil {
            let lists = try store.readNeighbors()
            items = ItemModel(
                neighbors: lists.mapValues { $0.map { .init(product: $0.product, weight: $0.weight) } },
                lambda: 0)
        }
        return (model, items!, products!)
    }

    /// The population model alone: what metrics need, without the item model's neighbours.
    func model(_ store: any StoreBackend) throws -> EngineModel? {
        lock.lock()
        defer { lock.unlock() }
        try loadModel(store)
        return model
    }

    /// The store's as-of date when the model was read: another process that moves it (an
    /// import, a deletion of the newest events) also rewrites the model, which is read again.
    private var loadedAsOf: Int64??

    private func loadModel(_ store: any StoreBackend) throws {
        let latest = try store.latestEventTime()
        if model != nil, loadedAsOf != .some(latest), model?.asOf != latest { model = nil }
        if model == nil, let data = try store.modelState("engine") {
            model = try JSONDecoder().decode(EngineModel.self, from: data)
        }
        loadedAsOf = .some(latest)
    }

    func set(model: EngineModel, items: ItemModel, products: [Int64: Product]?) {
        lock.lock()
        defer { lock.unlock() }
        self.model = model
        self.items = items
        self.products = products
    }

    /// Keeps the item model and products; replaces the population model (a moved as-of date).
    func set(model: EngineModel) {
        lock.lock()
        defer { lock.unlock() }
        self.model = model
    }

    /// An import may have added or changed products: read them again when next needed.
    func forgetProducts() {
        lock.lock()
        defer { lock.unlock() }
        products = nil
    }
}

/// What changed in words, between two insights of the same customer.
public struct InsightSnapshot: Sendable, Equatable {
    public var inferred: [String]
    /// Recommended product ids, as `rapport profile` shows them.
    public var recommendations: [String]

    init(inferred: [String], recommendations: [String]) {
        self.inferred = inferred
        self.recommendations = recommendations
    }

    /// What a profile on screen says, so a change can be described without recomputing it.
    public init(_ p: ProfileReport) {
        inferred = p.preferences.inferred.filter { $0.attribute == .category }.map(\.value)
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
        out.append(
            changed == 0
                ? "recommendations unchanged"
                : "\(changed) recommendation\(changed == 1 ? "" : "s") changed")
        return out
    }
}

extension Workspace {
    /// Stores the figures of a freshly computed insight as the customer's metrics row; false
    /// (nothing written) when the customer changed after `mark`.
    @discardableResult
    func storeFigures(_ key: Int64, _ insight: CustomerInsight, unlessChangedSince mark: ChangeMark? = nil)
        throws
        -> Bool
    {
        guard !store.isReadOnly else { return true }
        let skipped = try store.writeMetrics(
            [EngineBridge.metrics(key, insight.figures, now: clock())], replacingAll: false, unlessChangedSince: mark)
        return !skipped.contains(key)
    }

    /// Recomputes one customer's metrics at once (after a gift flag or a history change).
    func refreshCustomer(_ key: Int64) throws {
        guard !store.isReadOnly else { return }
        guard let model = try cache.model(store) else { return }
        try refreshCustomers([key], model: model)
    }

    func facts(_ key: Int64) throws -> CustomerFacts {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        return CustomerFacts(
            key: key, consent: EngineBridge.consent(c),
            stated: try store.statedPreferences(customer: key).compactMap(EngineBridge.stated),
            statedChannel: c.statedChannel, signup: c.signupTime)
    }

    /// A customer's full insight, computed now from their events and the batch state.
    public func customerInsight(_ key: Int64, rows: [EventRow]? = nil) throws -> CustomerInsight? {
        let (model, items, products) = try cache.get(store)
        guard let model else { return nil }
        let events = try (rows ?? store.events(customer: key)).map(EngineBridge.event)
        return Insights.compute(
            facts: try facts(key), events: events, products: products, model: model,
            itemModel: items, settings: insightSettings)
    }

    public var products: [Int64: Product] { (try? cache.get(store).2) ?? [:] }
}
