import Foundation

/// Builds the batch state from every customer's events, one customer at a time, so the
/// caller can stream a store of any size: per customer it keeps only the figures and the
/// set of products they interacted with.
public struct ModelBuilder: Sendable {
    public let asOf: Int64
    var keys: [Int64] = []
    var figures: [CustomerFigures] = []
    /// Per customer, the distinct products they interacted with, in time order (oldest first).
    var baskets: [[Int64]] = []
    /// Per customer, the distinct products they bought (not as gifts): which links are "bought with".
    var purchases: [[Int64]] = []
    var popularity: PopularityBuilder
    /// BG/NBD and Gamma-Gamma are fitted on at most this many customers (an even spread),
    /// which pins the parameters down well and keeps the fit's cost flat as the store grows.
    public var maxFitCustomers = 50_000
    public var itemLambda: Double = 200
    /// Which BG/NBD is fitted (`[insights] clv_model`): the classic one unless configured.
    public var clvModel: BGNBD.Variant = .classic

    public init(asOf: Int64) {
        self.asOf = asOf
        popularity = PopularityBuilder(now: asOf)
    }

    /// Adds one customer. `statistics`, when given, are their purchase statistics as the
    /// store aggregated them (what `PurchaseStatistics.of` gives for these events); the
    /// events still give the baskets and popularity.
    public mutating func add(customer key: Int64, events: [Event], statistics: PurchaseStatistics? = nil) {
        keys.append(key)
        figures.append(
            statistics.map { Figures.base($0, asOf: asOf) } ?? Figures.base(events: events, asOf: asOf))
        var products: [Int64] = []
        var bought: [Int64] = []
        for e in Preferences.shapingEvents(events) where e.time <= asOf {
            popularity.add(e, segment: nil)
            // The same events the recommender's history counts: a rating of any score is consumption.
            if let p = e.product, Recommender.historyWeight(e) > 0 { products.append(p) }
            if e.type == .purchase, let p = e.product { bought.append(p) }
        }
        baskets.append(Self.distinctKeepingLatest(products))
        purchases.append(Self.distinctKeepingLatest(bought))
    }

    /// Each product once, at its latest position, so the basket stays in time order (oldest
    /// first): the item model keeps only a customer's most recent products.
    static func distinctKeepingLatest(_ products: [Int64]) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(products.count)
        // Most baskets are short: a linear look-back beats hashing them into a set.
        if products.count <= 48 {
            for p in products.reversed() where !out.contains(p) { out.append(p) }
            return out.reversed()
        }
        var seen = Set<Int64>(minimumCapacity: products.count)
        for p in products.reversed() where seen.insert(p).inserted { out.append(p) }
        return out.reversed()
    }

    /// Appends a builder that read the next range of customers (keys above this one's).
    public mutating func append(_ other: ModelBuilder) {
        keys += other.keys
        figures += other.figures
        baskets += other.baskets
        purchases += other.purchases
        popularity.merge(other.popularity)
    }

    public struct Result: Sendable {
        public var model: EngineModel
        public var items: ItemModel
        public var customers: [(key: Int64, figures: CustomerFigures)]
    }

    public func finish() -> Result {
        let buyers = figures.indices.filter { figures[$0].summary != nil }
        let rfm = RFMThresholds.fit(
            recencyDays: buyers.map { Double(figures[$0].recencyDays ?? 0) },
            frequency: buyers.map { Double(figures[$0].orders) },
            monetary: buyers.map { figures[$0].spend })
        let stride = max(1, buyers.count / maxFitCustomers)
        let sample = Swift.stride(from: 0, to: buyers.count, by: stride).map { buyers[$0] }
        let bg =
            sample.count >= 20
            ? BGNBD.fit(sample.map { figures[$0].summary! }, unitDays: 7, variant: clvModel).model : nil
        // Gamma-Gamma's likelihood needs log-gamma per customer per step: 10k customers suffice.
        let ggStride = max(1, sample.count / 10_000)
        let ggSample = Swift.stride(from: 0, to: sample.count, by: ggStride).map { sample[$0] }
        let gg = GammaGamma.fit(
            ggSample.compactMap { i in
                figures[i].summary.map { (x: $0.x, mean: figures[i].meanRepeatSpend ?? 0) }
            })
        var pop = popularity.build()
        var model = EngineModel(asOf: asOf, bgnbd: bg, gammaGamma: gg, rfm: rfm, popularity: pop)
        let (out, bySegment) = applyOnEveryCore(model)
        pop.bySegment = bySegment.mapValues { counts in
            TopKeys.largest(counts.map { (key: $0.key, value: Double($0.value)) }, count: 200)
        }
        model.popularity = pop
        var items = ItemModel.build(baskets: baskets, lambda: itemLambda)
        items.markBoughtTogether(purchases: purchases)
        return Result(model: model, items: items, customers: out)
    }
}

extension ModelBuilder {
    /// Applies the fitted models to every customer, and counts each RFM segment's products,
    /// in contiguous chunks of customers, one per core.
    func applyOnEveryCore(_ model: EngineModel) -> ([(key: Int64, figures: CustomerFigures)], [String: [Int64: Int]]) {
        let segments = RFMSegment.allCases
        let ordinal = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($1, $0) })
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let size = max(1, (keys.count + chunks - 1) / chunks)
        let parts = AppliedParts(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = min(keys.count, c * size)..<min(keys.count, (c + 1) * size)
            var applied: [(key: Int64, figures: CustomerFigures)] = []
            applied.reserveCapacity(range.count)
            var counts = [[Int64: Int]](repeating: [:], count: segments.count)
            for i in range {
                var f = figures[i]
                f.apply(model)
                if let seg = f.rfm?.segment, let s = ordinal[seg] {
                    for p in baskets[i] { counts[s][p, default: 0] += 1 }
                }
                applied.append((keys[i], f))
            }
            parts.set(c, applied, counts)
        }
        var out: [(key: Int64, figures: CustomerFigures)] = []
        out.reserveCapacity(keys.count)
        var bySegment: [String: [Int64: Int]] = [:]
        for part in parts.all {
            out += part.applied
            for (s, counts) in part.counts.enumerated() where !counts.isEmpty {
                bySegment[segments[s].rawValue, default: [:]].merge(counts, uniquingKeysWith: +)
            }
        }
        return (out, bySegment)
    }
}

/// The chunks of `applyOnEveryCore`, filled from several threads.
private final class AppliedParts: @unchecked Sendable {
    typealias Part = (applied: [(key: Int64, figures: CustomerFigures)], counts: [[Int64: Int]])
    private let lock = NSLock()
    private var parts: [Part?]

    init(count: Int) { parts = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ applied: [(key: Int64, figures: CustomerFigures)], _ counts: [[Int64: Int]]) {
        lock.withLock { parts[i] = (applied, counts) }
    }

    var all: [Part] { lock.withLock { parts.compactMap { $0 } } }
}

extension PopularityBuilder {
    /// Adds the counts of a builder that saw other customers.
    public mutating func merge(_ other: PopularityBuilder) {
        overall.merge(other.overall)
        for (seg, counts) in other.segment { segment[seg, default: ProductTotals()].merge(counts) }
        last30.merge(other.last30)
        prior30.merge(other.prior30)
    }
}
