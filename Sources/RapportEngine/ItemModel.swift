import Algorithms
import Foundation

/// Item-to-item weights learned in batch. For each product, its strongest neighbours and the
/// weight each adds to a customer's score for that neighbour: a customer's score for an item
/// is the sum over their recent items of these weights, so every score names its sources.
///
/// Every product with interactions gets neighbours. Co-occurrence counts come from a sparse
/// scan (each item's customers' baskets, on every core), so the cost follows the number of
/// interactions, not the size of the catalogue. Among the `maxDenseItems` most popular products
/// the weights are EASE's (Steck 2019): B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹. The next
/// `maxBorderedItems` products each join that block alone (exact EASE weights to and from it);
/// the far tail gets EASE's first-order weight C_ij / (n_i + λ), on the same scale, so both kinds
/// of neighbour add up sensibly in one customer's score. See docs/algorithms.md.
public struct ItemModel: Sendable, Codable, Equatable {
    public var neighbors: [Int64: [Neighbor]]
    public var lambda: Double

    public struct Neighbor: Sendable, Codable, Equatable {
        public var product: Int64
        public var weight: Double
        /// Some customer bought both products (not only viewed or carted them together): a
        /// reason may then say "bought with".
        public var boughtTogether: Bool
        public init(product: Int64, weight: Double, boughtTogether: Bool = false) {
            self.product = product
            self.weight = weight
            self.boughtTogether = boughtTogether
        }
    }

    /// Marks the neighbours whose two products some customer bought both of. `purchases` holds
    /// each customer's purchased products (any order, repeats allowed). Each item's buyers'
    /// purchase baskets are counted once (on every core), so the cost is the sum of squared
    /// purchase-basket sizes, capped like the model's baskets.
    public mutating func markBoughtTogether(purchases: [[Int64]], maxBasketItems: Int = 500) {
        let x = Interactions(baskets: purchases, maxBasketItems: maxBasketItems)
        guard x.itemCount > 0 else { return }
        let number = Dictionary(uniqueKeysWithValues: x.products.enumerated().map { ($1, Int32($0)) })
        let sources = neighbors.keys.filter { number[$0] != nil }.sorted()
        let lists = sources.map { neighbors[$0]! }
        // Each source's flags go to its own slice of one buffer.
        var starts: [Int] = []
        var total = 0
        for list in lists {
            starts.append(total)
            total += list.count
        }
        let offset = starts
        var flags = [UInt8](repeating: 0, count: total)
        flags.withUnsafeMutableBufferPointer { buffer in
            let out = Shared(buffer)
            forEachItemInParallel(count: sources.count, makeState: { CoCounter(items: x.itemCount) }) { s, counter in
                counter.count(item: Int(number[sources[s]]!), in: x)
                for (r, n) in lists[s].enumerated() {
                    if let j = number[n.product], counter.counts[Int(j)] > 0 { out[offset[s] + r] = 1 }
                }
            }
        }
        for (s, p) in sources.enumerated() {
            for r in neighbors[p]!.indices where flags[offset[s] + r] == 1 { neighbors[p]![r].boughtTogether = true }
        }
    }

    public struct Settings: Sendable, Equatable {
        /// EASE's ridge, also the shrinkage of first-order weights.
        public var lambda: Double = 200
        /// Neighbours kept per product.
        public var topK = 100
        /// Products in the dense EASE block: its inverse costs about n³/2 multiply-adds, 0.2 s at 1,000.
        public var maxDenseItems = 1000
        /// Only a customer's most recent distinct products count, bounding one huge basket's cost.
        public var maxBasketItems = 500
        /// The most popular products after the dense block that join it one at a time (exact EASE
        /// weights to and from the block, at most maxDenseItems² multiply-adds each); the rest keep
        /// first-order weights.
        public var maxBorderedItems = 2000

        public init(
            lambda: Double = 200, topK: Int = 100, maxDenseItems: Int = 1000, maxBasketItems: Int = 500,
            maxBorderedItems: Int = 2000
        ) {
            self.maxBorderedItems = maxBorderedItems
            self.lambda = lambda
            self.topK = topK
            self.maxDenseItems = maxDenseItems
            self.maxBasketItems = maxBasketItems
        }
    }

    public init(neighbors: [Int64: [Neighbor]], lambda: Double) {
        self.neighbors = neighbors
        self.lambda = lambda
    }

    /// Builds the model from each customer's products in time order, oldest first (repeats allowed).
    public static func build(
        baskets: [[Int64]], lambda: Double = 200, topK: Int = 100,
        maxDenseItems: Int = 1000, maxBasketItems: Int = 500
    ) -> ItemModel {
        build(
            baskets: baskets,
            settings: Settings(
                lambda: lambda, topK: topK, maxDenseItems: maxDenseItems,
                maxBasketItems: maxBasketItems))
    }

    public static func build(baskets: [[Int64]], settings: Settings) -> ItemModel {
        let x = Interactions(baskets: baskets, maxBasketItems: settings.maxBasketItems)
        var builder = ItemModelBuilder(interactions: x, settings: settings)
        builder.countPairs()
        builder.solveDenseBlock()
        builder.attachTail()
        return ItemModel(neighbors: builder.neighbors(), lambda: settings.lambda)
    }
}

/// The steps of `ItemModel.build`, over item numbers (0 = most popular).
struct ItemModelBuilder {
    let x: Interactions
    let settings: Settings
    /// Items 0..<dense form the EASE block.
    let dense: Int
    /// Row i's neighbours: `count[i]` entries at `item[i * k...]`, `weight[i * k...]`, best first.
    var item: [Int32]
    var weight: [Double]
    var count: [Int32]
    /// Co-counts within the dense block, row-major dense × dense.
    var gram: [Double]

    typealias Settings = ItemModel.Settings
    var k: Int { settings.topK }

    init(interactions: Interactions, settings: Settings) {
        x = interactions
        self.settings = settings
        let m = interactions.itemCount
        dense = m > 1 ? min(max(0, settings.maxDenseItems), m) : 0
        item = [Int32](repeating: 0, count: m * max(0, settings.topK))
        weight = [Double](repeating: 0, count: m * max(0, settings.topK))
        count = [Int32](repeating: 0, count: m)
        gram = [Double](repeating: 0, count: dense * dense)
    }

    /// One sparse pass: fills the dense block's co-counts and every row's best pairs outside it.
    mutating func countPairs() {
        let x = self.x, dense = self.dense, k = self.k, settings = self.settings
        withRows { out, gram in
            forEachItemInParallel(count: x.itemCount, makeState: { (CoCounter(items: x.itemCount), TopK(k)) }) { i, s in
                s.0.count(item: i, in: x)
                s.1.reset()
                let source = Double(x.popularity[i])
                for j32 in s.0.touched {
                    let j = Int(j32)
                    let co = Double(s.0.counts[j])
                    if i < dense && j < dense {
                        gram[i * dense + j] = co
                    } else if j != i && i >= dense {
                        s.1.offer(j32, co / (source + settings.lambda))
                    }
                }
                out.store(row: i, s.1.sorted(), k: k)
            }
        }
    }

    /// EASE on the dense block; each dense row's EASE weights compete with its pairs outside.
    mutating func solveDenseBlock() {
        guard dense > 1 else { return }
        for i in 0..<dense { gram[i * dense + i] += settings.lambda }
        guard SPD.invert(&gram, n: dense) else { return }
        let dense = self.dense, k = self.k
        withRows { out, p in
            forEachItemInParallel(count: dense, makeState: { TopK(k) }) { i, top in
                top.reset()
                for (j, w) in out.row(i, k: k) { top.offer(j, w) }
                for j in 0..<dense where j != i {
                    let w = -p[i * dense + j] / p[j * dense + j]
                    if w > 0 { top.offer(Int32(j), w) }
                }
                out.store(row: i, top.sorted(), k: k)
            }
        }
    }

    /// For each of the `maxBorderedItems` most popular items i outside the dense block, EASE on the
    /// block plus i alone, by one bordered-inverse step: with a = i's co-counts with the block,
    /// v = P·a and the Schur complement s = n_i + λ − aᵀv, EASE gives i → j the
    /// weight (v_j / s) / (P_jj + v_j² / s) and j → i the weight v_j. Both are on the dense
    /// block's scale, so a customer's head and tail items add up fairly; pairs of two tail
    /// items keep their first-order weights.
    mutating func attachTail() {
        guard dense > 1 && x.itemCount > dense else { return }
        let x = self.x, d = dense, k = self.k, settings = self.settings
        let tail = min(x.itemCount - d, max(0, settings.maxBorderedItems))
        var back = Rows(count: tail, k: k)
        withRows { out, p in
            back.lend { back in
                let makeState = { TailState(items: x.itemCount, dense: d, k: k) }
                forEachItemInParallel(count: tail, makeState: makeState) { t, s in
                    s.attach(item: d + t, x: x, p: p, lambda: settings.lambda, rows: out, back: back, backRow: t)
                }
            }
        }
        mergeBackIntoDenseRows(back)
    }

    /// Head row j gains the tail items i that listed j among their strongest j → i weights.
    private mutating func mergeBackIntoDenseRows(_ back: Rows) {
        let k = self.k, dense = self.dense
        var gathered = [[(item: Int32, weight: Double)]](repeating: [], count: dense)
        for t in 0..<back.count.count {
            for (j, w) in back.row(t) { gathered[Int(j)].append((Int32(dense + t), w)) }
        }
        let incoming = gathered
        withRows { out, _ in
            forEachItemInParallel(count: dense, makeState: { TopK(k) }) { j, top in
                guard !incoming[j].isEmpty else { return }
                top.reset()
                for (i, w) in out.row(j, k: k) { top.offer(i, w) }
                for (i, w) in incoming[j] { top.offer(i, w) }
                out.store(row: j, top.sorted(), k: k)
            }
        }
    }

    /// Lends the row slots and the dense block to parallel workers, each writing only its own rows.
    private mutating func withRows(_ body: (RowsOut, Shared<Double>) -> Void) {
        item.withUnsafeMutableBufferPointer { item in
            weight.withUnsafeMutableBufferPointer { weight in
                count.withUnsafeMutableBufferPointer { count in
                    gram.withUnsafeMutableBufferPointer { gram in
                        body(RowsOut(item: Shared(item), weight: Shared(weight), count: Shared(count)), Shared(gram))
                    }
                }
            }
        }
    }

    func neighbors() -> [Int64: [ItemModel.Neighbor]] {
        var out: [Int64: [ItemModel.Neighbor]] = [:]
        out.reserveCapacity(x.itemCount)
        for i in 0..<x.itemCount where count[i] > 0 {
            out[x.products[i]] = (0..<Int(count[i])).map { r in
                ItemModel.Neighbor(product: x.products[Int(item[i * k + r])], weight: weight[i * k + r])
            }
        }
        return out
    }
}

/// Neighbour rows with their own storage, for results gathered outside the builder's rows.
struct Rows {
    let k: Int
    var item: [Int32]
    var weight: [Double]
    var count: [Int32]

    init(count rows: Int, k: Int) {
        self.k = k
        item = [Int32](repeating: 0, count: rows * k)
        weight = [Double](repeating: 0, count: rows * k)
        count = [Int32](repeating: 0, count: rows)
    }

    func row(_ r: Int) -> [(Int32, Double)] {
        (0..<Int(count[r])).map { (item[r * k + $0], weight[r * k + $0]) }
    }

    mutating func lend(_ body: (RowsOut) -> Void) {
        item.withUnsafeMutableBufferPointer { item in
            weight.withUnsafeMutableBufferPointer { weight in
                count.withUnsafeMutableBufferPointer { count in
                    body(RowsOut(item: Shared(item), weight: Shared(weight), count: Shared(count)))
                }
            }
        }
    }
}

/// One worker's scratch for `attachTail`.
struct TailState {
    var counter: CoCounter
    var context: TopK
    var top: TopK
    var back: TopK
    var v: [Double]
    let dense: Int
    let k: Int

    init(items: Int, dense: Int, k: Int) {
        counter = CoCounter(items: items)
        context = TopK(dense)
        top = TopK(k)
        back = TopK(k)
        v = [Double](repeating: 0, count: dense)
        self.dense = dense
        self.k = k
    }

    mutating func attach(
        item i: Int, x: Interactions, p: Shared<Double>, lambda: Double,
        rows: RowsOut, back out: RowsOut, backRow: Int
    ) {
        let a = strongestDenseCoCounts(item: i, x: x)
        guard !a.isEmpty else { return }
        let schur = Double(x.popularity[i]) + lambda - solve(a, p: p)
        guard schur > 0 else { return }
        top.reset()
        back.reset()
        for (j, w) in rows.row(i, k: k) where Int(j) >= dense { top.offer(j, w) }
        for j in 0..<dense where v[j] > 0 {
            let pjj = p[j * dense + j]
            top.offer(Int32(j), (v[j] / schur) / (pjj + v[j] * v[j] / schur))
            back.offer(Int32(j), v[j])
        }
        rows.store(row: i, top.sorted(), k: k)
        out.store(row: backRow, back.sorted(), k: k)
    }

    /// i's co-counts with dense items. All of them: on MovieLens, keeping only the strongest 64
    /// or 200 made validation worse than no bordered step at all.
    private mutating func strongestDenseCoCounts(item i: Int, x: Interactions) -> [(item: Int32, weight: Double)] {
        counter.count(item: i, in: x)
        context.reset()
        for j in counter.touched where Int(j) < dense { context.offer(j, Double(counter.counts[Int(j)])) }
        return context.sorted()
    }

    /// v = P·a; returns aᵀv.
    private mutating func solve(_ a: [(item: Int32, weight: Double)], p: Shared<Double>) -> Double {
        let dense = self.dense
        v.withUnsafeMutableBufferPointer { v in
            for j in 0..<dense { v[j] = 0 }
            for (h, c) in a {
                SPD.axpy(c, p.buffer.baseAddress! + Int(h) * dense, v.baseAddress!, dense)
            }
        }
        return a.reduce(0) { $0 + $1.weight * v[Int($1.item)] }
    }
}

/// Per-row output slots: row i's neighbours are `count[i]` entries at `item[i * k...]`, `weight[i * k...]`.
struct RowsOut: Sendable {
    let item: Shared<Int32>
    let weight: Shared<Double>
    let count: Shared<Int32>

    func store(row i: Int, _ list: [(item: Int32, weight: Double)], k: Int) {
        for (r, e) in list.enumerated() {
            item[i * k + r] = e.item
            weight[i * k + r] = e.weight
        }
        count[i] = Int32(list.count)
    }

    func row(_ i: Int, k: Int) -> [(Int32, Double)] {
        (0..<Int(count[i])).map { (item[i * k + $0], weight[i * k + $0]) }
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
        self.overall = overall
        self.bySegment = bySegment
        self.trending = trending
    }
}

/// Incrementally builds `Popularity` from a stream of (customer segment, event) pairs.
public struct PopularityBuilder: Sendable {
    var overall = ProductTotals()
    var segment: [String: ProductTotals] = [:]
    var last30 = ProductTotals()
    var prior30 = ProductTotals()
    let now: Int64

    public init(now: Int64) { self.now = now }

    public mutating func add(_ e: Event, segment seg: String?) {
        guard let p = e.product, !e.isGift, e.type != .return, e.type != .search, e.type != .open,
            e.type != .recImpression, e.type != .recClick
        else { return }
        let age = Double(now - e.time) / 86_400
        guard age >= 0 else { return }
        let w = (e.type == .purchase ? 3.0 : 1.0) * exp(-age / 180)
        overall.add(p, w)
        if let seg { segment[seg, default: ProductTotals()].add(p, w) }
        if age < 30 { last30.add(p, 1) } else if age < 60 { prior30.add(p, 1) }
    }

    public func build(limit: Int = 200) -> Popularity {
        func top(_ t: ProductTotals) -> [Int64] {
            TopKeys.largest(t.nonZero, count: limit)
        }
        var trend = ProductTotals()
        for (p, c) in last30.nonZero where c >= 3 { trend.add(p, (c + 1) / (prior30[p] + 1)) }
        return Popularity(overall: top(overall), bySegment: segment.mapValues(top), trending: top(trend))
    }
}

/// A total per product. Store keys are small and dense, so they index an array (a hash per
/// event cost a tenth of a refresh); any other key falls back to a dictionary.
struct ProductTotals: Sendable {
    private var dense: [Double] = []
    private var sparse: [Int64: Double] = [:]
    private static let denseLimit: Int64 = 1 << 22

    mutating func add(_ product: Int64, _ amount: Double) {
        guard product >= 0 && product < Self.denseLimit else {
            sparse[product, default: 0] += amount
            return
        }
        let i = Int(product)
        if i >= dense.count { dense += repeatElement(0, count: max(i + 1 - dense.count, dense.count)) }
        dense[i] += amount
    }

    subscript(_ product: Int64) -> Double {
        guard product >= 0 && product < Int64(dense.count) else { return sparse[product] ?? 0 }
        return dense[Int(product)]
    }

    mutating func merge(_ other: ProductTotals) {
        for (i, v) in other.dense.enumerated() where v != 0 { add(Int64(i), v) }
        for (k, v) in other.sparse { add(k, v) }
    }

    /// Products with a non-zero total, in key order.
    var nonZero: [(key: Int64, value: Double)] {
        var out: [(key: Int64, value: Double)] = []
        for (i, v) in dense.enumerated() where v != 0 { out.append((Int64(i), v)) }
        for (k, v) in sparse.sorted(by: { $0.key < $1.key }) where v != 0 { out.append((k, v)) }
        return out
    }
}

/// The keys with the largest values, largest first, ties to the smaller key: a partial
/// selection (swift-algorithms), not a sort of everything.
enum TopKeys {
    static func largest(_ pairs: [(key: Int64, value: Double)], count: Int) -> [Int64] {
        pairs.min(count: count) { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }
}
