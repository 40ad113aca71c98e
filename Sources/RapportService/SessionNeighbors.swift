import Foundation
import RapportEngine
import RapportStore

/// The neighbour lists a session has read, for the products its profiles rank from: a bounded
/// cache over the store's `item_neighbor_lists`, so a session's memory follows what it shows,
/// not the size of the catalogue (100 neighbours of 50,000 products are 120 MB held whole).
final class NeighborCache: @unchecked Sendable {
    /// About 10 MB of lists at 100 neighbours each: far more than the 50 sources of the
    /// profiles an analyst opens in a session.
    static let defaultCapacity = 4096

    private let lock = NSLock()
    private let capacity: Int
    private var lists: [Int64: (list: [ItemModel.Neighbor], used: UInt64)] = [:]
    private var clock: UInt64 = 0
    /// Where each product's "bought together" flags start in `flags` and how many neighbours
    /// they cover, read once per model (see `BoughtTogether`).
    private var flagIndex: [Int64: (start: Int, count: Int)]?
    private var flags: [UInt8] = []

    init(capacity: Int = NeighborCache.defaultCapacity) { self.capacity = max(1, capacity) }

    /// Forgets every list (a refit wrote new ones).
    func reset() {
        lock.lock()
        defer { lock.unlock() }
        lists = [:]
        flagIndex = nil
        flags = []
    }

    /// The lists of `products`, in their order, reading the missing ones in one query.
    func lists(of products: [Int64], from store: any StoreBackend) throws -> [[ItemModel.Neighbor]] {
        lock.lock()
        defer { lock.unlock() }
        clock += 1
        let misses = Array(Set(products.filter { lists[$0] == nil }))
        if !misses.isEmpty {
            if flagIndex == nil { try readFlags(store) }
            let read = try store.readNeighbors(of: misses)
            for p in misses {
                var list = (read[p] ?? []).map { ItemModel.Neighbor(product: $0.product, weight: $0.weight) }
                markBoughtTogether(p, &list)
                lists[p] = (list, clock)
            }
            evictIfFull()
        }
        return products.map { p in
            lists[p]?.used = clock
            return lists[p]?.list ?? []
        }
    }

    /// How many lists are held (tests and the benchmark's memory line).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return lists.count
    }

    /// Drops the least recently used quarter once the cache is over capacity: one sort per
    /// quarter of the capacity's reads, not one per read.
    private func evictIfFull() {
        guard lists.count > capacity else { return }
        let keep = capacity * 3 / 4
        let byUse = lists.sorted { $0.value.used > $1.value.used }
        for (p, _) in byUse.dropFirst(keep) { lists[p] = nil }
    }

    private func readFlags(_ store: any StoreBackend) throws {
        flags = [UInt8](try store.modelState(BoughtTogether.stateName) ?? Data())
        var index: [Int64: (start: Int, count: Int)] = [:]
        BoughtTogether.forEachList(in: flags) { product, count, start in index[product] = (start, count) }
        flagIndex = index
    }

    private func markBoughtTogether(_ product: Int64, _ list: inout [ItemModel.Neighbor]) {
        guard let (start, count) = flagIndex?[product], count == list.count else { return }
        for i in 0..<count where flags[start + i / 8] & (1 << UInt8(i % 8)) != 0 { list[i].boughtTogether = true }
    }
}

/// One computation's view of the session's lists: the engine cannot throw from a lookup, so a
/// failed read is kept here and thrown by `check()` once the computation returns.
final class SessionNeighbors: NeighborLookup, @unchecked Sendable {
    private let cache: NeighborCache
    private let store: any StoreBackend
    private let lock = NSLock()
    private var failure: (any Error)?

    init(cache: NeighborCache, store: any StoreBackend) {
        self.cache = cache
        self.store = store
    }

    func neighborLists(of products: [Int64]) -> [[ItemModel.Neighbor]] {
        do {
            return try cache.lists(of: products, from: store)
        } catch {
            lock.lock()
            defer { lock.unlock() }
            failure = failure ?? error
            return products.map { _ in [] }
        }
    }

    /// Throws the first read that failed, if any did.
    func check() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }
}

extension Workspace {
    /// Throws a store read that failed while the engine ranked from `lookup`: a list computed
    /// without its neighbours is not shown as if it were the customer's.
    func checkNeighborReads(_ lookup: any NeighborLookup) throws {
        try (lookup as? SessionNeighbors)?.check()
    }
}
