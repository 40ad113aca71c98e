import Foundation
import RapportEngine
import RapportStore

/// The batch state loaded from the store, shared by every profile view of a session: the
/// population model, the catalogue, and a bounded cache of the neighbour lists profiles rank from.
final class EngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var model: EngineModel?
    private let neighbors = NeighborCache()
    private var products: [Int64: Product]?

    func get(_ store: any StoreBackend) throws -> (EngineModel?, any NeighborLookup, [Int64: Product]) {
        lock.lock()
        defer { lock.unlock() }
        let catalogue = try loadProducts(store)
        try loadModel(store)
        return (model, SessionNeighbors(cache: neighbors, store: store), catalogue)
    }

    /// What an insight needs: `get`'s state and the preference keys of that same catalogue.
    func forInsight(_ store: any StoreBackend) throws -> (
        model: EngineModel?, items: any NeighborLookup, products: [Int64: Product], keys: PreferenceKeys
    ) {
        lock.lock()
        defer { lock.unlock() }
        let (catalogue, keys) = try loadCatalogue(store)
        try loadModel(store)
        return (model, SessionNeighbors(cache: neighbors, store: store), catalogue, keys)
    }

    /// The catalogue and its preference keys, without a look at the model.
    func catalogue(_ store: any StoreBackend) throws -> (products: [Int64: Product], keys: PreferenceKeys) {
        lock.lock()
        defer { lock.unlock() }
        return try loadCatalogue(store)
    }

    private func loadCatalogue(_ store: any StoreBackend) throws -> ([Int64: Product], PreferenceKeys) {
        let catalogue = try loadProducts(store)
        let keys = preferenceKeys ?? PreferenceKeys(products: catalogue)
        preferenceKeys = keys
        return (catalogue, keys)
    }

    /// The catalogue's preference keys, built on first use after the catalogue is (re)read:
    /// every change of `products` clears them.
    private var preferenceKeys: PreferenceKeys?

    /// The catalogue alone, read once per session (no look at the model: one round trip less).
    func products(_ store: any StoreBackend) throws -> [Int64: Product] {
        lock.lock()
        defer { lock.unlock() }
        return try loadProducts(store)
    }

    /// The store's catalogue stamp when the products were read: another process's import (a
    /// product renamed) moves it, and the products are read again.
    private var productsStamp: Int64?

    private func loadProducts(_ store: any StoreBackend) throws -> [Int64: Product] {
        let stamp = try store.catalogueStamp()
        if let products, stamp == productsStamp { return products }
        let read = Dictionary(
            uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, EngineBridge.product($0)) })
        products = read
        preferenceKeys = nil
        productsStamp = stamp
        return read
    }

    /// The population model alone: what metrics need, without the item model's neighbours.
    func model(_ store: any StoreBackend) throws -> EngineModel? {
        lock.lock()
        defer { lock.unlock() }
        try loadModel(store)
        return model
    }

    /// How many neighbour lists the session holds.
    var heldNeighborLists: Int { neighbors.count }

    /// The store's as-of date when the model was read: another process that moves it (an
    /// import, a deletion of the newest events) also rewrites the model, which is read again.
    private var loadedAsOf: Int64??

    private func loadModel(_ store: any StoreBackend) throws {
        let latest = try store.latestEventTime()
        if model != nil, loadedAsOf != .some(latest), model?.asOf != latest { model = nil }
        if model == nil, let data = try store.modelState("engine") {
            model = try JSONDecoder().decode(EngineModel.self, from: data)
            // A model read again may come from another process's refit, with new lists.
            neighbors.reset()
        }
        loadedAsOf = .some(latest)
    }

    /// After a refit in this session: its model, and its lists read from the store on demand.
    func set(model: EngineModel, products: [Int64: Product]?) {
        lock.lock()
        defer { lock.unlock() }
        self.model = model
        self.products = products
        preferenceKeys = nil
        neighbors.reset()
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
        preferenceKeys = nil
    }
}

/// Which item-model links rest on purchases ("bought with") rather than views and carts, kept
/// beside the neighbour lists as model state: per product with such links, its key (8 bytes,
/// little-endian), its neighbour count (2 bytes) and one bit per neighbour in list order. A list
/// whose length differs from the stored count (a refit without this state) gets no flags, so no
/// reason claims a purchase link it cannot show.
enum BoughtTogether {
    static let stateName = "bought_together"

    static func encode(_ model: ItemModel) -> Data {
        var out = Data()
        for (product, list) in model.neighbors.sorted(by: { $0.key < $1.key })
        where list.contains(where: \.boughtTogether) && list.count <= Int(UInt16.max) {
            withUnsafeBytes(of: product.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt16(list.count).littleEndian) { out.append(contentsOf: $0) }
            var byte: UInt8 = 0
            for (i, n) in list.enumerated() {
                if n.boughtTogether { byte |= 1 << UInt8(i % 8) }
                if i % 8 == 7 || i == list.count - 1 {
                    out.append(byte)
                    byte = 0
                }
            }
        }
        return out
    }

    static func decode(_ data: Data, into model: inout ItemModel) {
        let bytes = [UInt8](data)
        forEachList(in: bytes) { product, count, start in
            guard let list = model.neighbors[product], list.count == count else { return }
            for i in 0..<count where bytes[start + i / 8] & (1 << UInt8(i % 8)) != 0 {
                model.neighbors[product]![i].boughtTogether = true
            }
        }
    }

    /// Each product's entry: its key, its neighbour count and where its bits start in `bytes`.
    static func forEachList(in bytes: [UInt8], _ body: (_ product: Int64, _ count: Int, _ start: Int) -> Void) {
        var at = 0
        while at + 10 <= bytes.count {
            var product: Int64 = 0
            for b in 0..<8 { product |= Int64(bytes[at + b]) << (8 * Int64(b)) }
            let count = Int(bytes[at + 8]) | Int(bytes[at + 9]) << 8
            at += 10
            let length = (count + 7) / 8
            guard at + length <= bytes.count else { return }
            body(product, count, at)
            at += length
        }
    }
}

/// What changed in words, between two insights of the same customer.
public struct InsightSnapshot: Sendable, Equatable {
    public var inferred: [String]
    /// Recommended product ids, as `rapport profile` shows them, in list order.
    public var recommendations: [String]
    /// Product id → title, for the words ("Plush Dragon in").
    public var titles: [String: String] = [:]

    init(inferred: [String], recommendations: [String]) {
        self.inferred = inferred
        self.recommendations = recommendations
    }

    /// What a profile on screen says, so a change can be described without recomputing it.
    public init(_ p: ProfileReport) {
        inferred = p.preferences.inferred.filter { $0.attribute == .category }.map(\.value)
        recommendations = p.recommendations.map(\.productId)
        for r in p.recommendations where !r.title.isEmpty { titles[r.productId] = r.title }
    }
}

enum InsightDiff {
    /// Items named in one part of a change before "and N more".
    static let named = 3

    static func describe(before: InsightSnapshot?, after: InsightSnapshot?) -> [String] {
        guard let before, let after else { return [] }
        var out: [String] = []
        let lost = before.inferred.filter { !after.inferred.contains($0) }
        let gained = after.inferred.filter { !before.inferred.contains($0) }
        if !lost.isEmpty { out.append("\(lost.joined(separator: ", ")) no longer inferred") }
        if !gained.isEmpty { out.append("\(gained.joined(separator: ", ")) now inferred") }
        out.append(recommendations(before: before, after: after))
        return out
    }

    /// "recommendations: Plush Dragon in; Kite out; Bebop Sessions moved 3 → 1": every
    /// recommendation that came in, went out or changed place (positions count from 1).
    static func recommendations(before: InsightSnapshot, after: InsightSnapshot) -> String {
        let was = Dictionary(before.recommendations.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(after.recommendations.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func name(_ id: String) -> String { after.titles[id] ?? before.titles[id] ?? id }
        let incoming = after.recommendations.filter { was[$0] == nil }.map(name)
        let outgoing = before.recommendations.filter { now[$0] == nil }.map(name)
        let moved = after.recommendations.compactMap { id -> String? in
            guard let from = was[id], let to = now[id], from != to else { return nil }
            return "\(name(id)) \(from + 1) → \(to + 1)"
        }
        guard !(incoming.isEmpty && outgoing.isEmpty && moved.isEmpty) else { return "recommendations unchanged" }
        func list(_ items: [String]) -> String {
            items.count <= named
                ? items.joined(separator: ", ")
                : items.prefix(named).joined(separator: ", ") + " and \(items.count - named) more"
        }
        var parts: [String] = []
        if !incoming.isEmpty { parts.append("\(list(incoming)) in") }
        if !outgoing.isEmpty { parts.append("\(list(outgoing)) out") }
        if !moved.isEmpty { parts.append("moved \(list(moved))") }
        return "recommendations: " + parts.joined(separator: "; ")
    }
}

extension Workspace {
    /// Recomputes one customer's metrics at once (after a gift flag or a history change).
    func refreshCustomer(_ key: Int64) throws {
        guard !store.isReadOnly else { return }
        guard let model = try cache.model(store) else { return }
        try refreshCustomers([key], model: model)
    }

    func facts(_ key: Int64) throws -> CustomerFacts {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        return Self.facts(key, c, stated: try store.statedPreferences(customer: key))
    }

    static func facts(_ key: Int64, _ c: CustomerRecord, stated: [StatedPreferenceRecord]) -> CustomerFacts {
        CustomerFacts(
            key: key, consent: EngineBridge.consent(c), stated: stated.compactMap(EngineBridge.stated),
            statedChannel: c.statedChannel, signup: c.signupTime)
    }

    /// A customer's full insight, computed now from their events and the batch state. `asOf`
    /// replaces the models' date (a clear's preview, when the clear would lower the store's).
    public func customerInsight(_ key: Int64, rows: [EventRow]? = nil, asOf: Int64? = nil) throws -> CustomerInsight? {
        try customerInsight(key, rows: rows, asOf: asOf, facts: nil)
    }

    /// The insight from `facts` when the caller has read them already (a profile reads the
    /// customer and their stated preferences once for both).
    func customerInsight(_ key: Int64, rows: [EventRow]?, asOf: Int64?, facts known: CustomerFacts?) throws
        -> CustomerInsight?
    {
        try customerInsight(
            key, events: try rows?.map(EngineBridge.event) ?? store.eventFacts(customer: key, EngineBridge.event),
            asOf: asOf, facts: known)
    }

    /// The insight of the engine's `events` of the customer.
    func customerInsight(_ key: Int64, events: [Event], asOf: Int64?, facts known: CustomerFacts?) throws
        -> CustomerInsight?
    {
        let (stored, items, products, keys) = try cache.forInsight(store)
        guard var model = stored else { return nil }
        if let asOf { model.asOf = asOf }
        let insight = Insights.compute(
            facts: try known ?? facts(key), events: events, products: products, model: model,
            itemModel: items, settings: insightSettings, preferenceKeys: keys)
        try checkNeighborReads(items)
        return insight
    }

    public var products: [Int64: Product] { (try? cache.products(store)) ?? [:] }
}
