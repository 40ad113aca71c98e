import Foundation

/// Item-to-item weights learned in batch. For each product, its strongest neighbours and the
/// weight each adds to a customer's score for that neighbour: a customer's score for an item
/// is the sum over their recent items of these weights, so every score names its sources.
///
/// Weights come from EASE (Steck 2019): B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, for the
/// `maxDenseItems` most popular products; products beyond that (large catalogues) get cosine
/// co-occurrence neighbours instead, which need no dense matrix.
public struct ItemModel: Sendable, Codable, Equatable {
    public var neighbors: [Int64: [Neighbor]]
    public var lambda: Double

    public struct Neighbor: Sendable, Codable, Equatable {
        public var product: Int64
        public var weight: Double
        public init(product: Int64, weight: Double) { self.product = product; self.weight = weight }
    }

    public init(neighbors: [Int64: [Neighbor]], lambda: Double) {
        self.neighbors = neighbors; self.lambda = lambda
    }

    /// Builds the model from each customer's set of interacted products.
    public static func build(baskets: [[Int64]], lambda: Double = 200, topK: Int = 100,
                             maxDenseItems: Int = 3000) -> ItemModel {
        var popularity: [Int64: Int] = [:]
        for b in baskets { for p in Set(b) { popularity[p, default: 0] += 1 } }
        let ranked = popularity.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let dense = Array(ranked.prefix(maxDenseItems))
        let index = Dictionary(uniqueKeysWithValues: dense.enumerated().map { ($1, $0) })
        let n = dense.count
        var neighbors: [Int64: [Neighbor]] = [:]
        if n > 1 {
            var g = [Double](repeating: 0, count: n * n)
            for b in baskets {
                let idx = Array(Set(b.compactMap { index[$0] }))
                for i in idx { for j in idx { g[i * n + j] += 1 } }
            }
            for i in 0..<n { g[i * n + i] += lambda }
            if SPD.invert(&g, n: n) {
                for i in 0..<n {
                    // Row i: the weight item i gives to every other item j.
                    var row: [(Int, Double)] = []
                    row.reserveCapacity(n)
                    for j in 0..<n where j != i {
                        let w = -g[i * n + j] / g[j * n + j]
                        if w > 0 { row.append((j, w)) }
                    }
                    row.sort { $0.1 > $1.1 }
                    neighbors[dense[i]] = row.prefix(topK).map { Neighbor(product: dense[$0.0], weight: $0.1) }
                }
            }
        }
        if ranked.count > n {
            let tail = Set(ranked[n...])
            for (p, list) in cosineNeighbors(baskets: baskets, for: tail, popularity: popularity, topK: topK) {
                neighbors[p] = list
            }
        }
        return ItemModel(neighbors: neighbors, lambda: lambda)
    }

    /// Cosine similarity of co-occurrence, for products outside the dense model.
    static func cosineNeighbors(baskets: [[Int64]], for items: Set<Int64>, popularity: [Int64: Int],
                                topK: Int) -> [Int64: [Neighbor]] {
        var co: [Int64: [Int64: Int]] = [:]
        for b in baskets {
            let s = Array(Set(b))
            for i in s where items.contains(i) {
                for j in s where j != i { co[i, default: [:]][j, default: 0] += 1 }
            }
        }
        var out: [Int64: [Neighbor]] = [:]
        for (i, row) in co {
            let pi = Double(popularity[i] ?? 1)
            let list = row.map { j, c in Neighbor(product: j, weight: Double(c) / (pi * Double(popularity[j] ?? 1)).squareRoot()) }
                .sorted { $0.weight > $1.weight }.prefix(topK)
            out[i] = Array(list)
        }
        return out
    }
}

/// Popularity lists for cold start, exploration and customers without personalization consent.
public struct Popularity: Sendable, Codable, Equatable {
    /// Products by recent interaction count, most popular first.
    public var overall: [Int64]
    /// The same per RFM segment name.
    public var bySegment: [String: [Int64]]
    /// Products whose last-30-day interest grew most over the 30 days before.
    public var trending: [Int64]

    public init(overall: [Int64] = [], bySegment: [String: [Int64]] = [:], trending: [Int64] = []) {
        self.overall = overall; self.bySegment = bySegment; self.trending = trending
    }
}

/// Incrementally builds `Popularity` from a stream of (customer segment, event) pairs.
public struct PopularityBuilder: Sendable {
    var overall: [Int64: Double] = [:]
    var segment: [String: [Int64: Double]] = [:]
    var last30: [Int64: Double] = [:]
    var prior30: [Int64: Double] = [:]
    let now: Int64

    public init(now: Int64) { self.now = now }

    public mutating func add(_ e: Event, segment seg: String?) {
        guard let p = e.product, !e.isGift, e.type != .return, e.type != .search, e.type != .open else { return }
        let age = Double(now - e.time) / 86_400
        guard age >= 0 else { return }
        let w = (e.type == .purchase ? 3.0 : 1.0) * exp(-age / 180)
        overall[p, default: 0] += w
        if let seg { segment[seg, default: [:]][p, default: 0] += w }
        if age < 30 { last30[p, default: 0] += 1 } else if age < 60 { prior30[p, default: 0] += 1 }
    }

    public func build(limit: Int = 200) -> Popularity {
        func top(_ d: [Int64: Double]) -> [Int64] {
            d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map(\.key)
        }
        var trend: [Int64: Double] = [:]
        for (p, c) in last30 where c >= 3 { trend[p] = (c + 1) / ((prior30[p] ?? 0) + 1) }
        return Popularity(overall: top(overall), bySegment: segment.mapValues(top), trending: top(trend))
    }
}
