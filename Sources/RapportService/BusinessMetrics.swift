import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

/// The figures personalization is judged by, over a window and a scope (docs/metrics.md).
/// Its JSON is snake_case and writes absent values as `null`.
public struct BusinessMetrics: Codable, Sendable, Equatable {
    public struct Cohort: Codable, Sendable, Equatable {
        /// Calendar month of the cohort's first purchases, "YYYY-MM" (UTC).
        public var month: String
        public var size: Int
        /// Share of the cohort with a purchase in month + k, k = 0 up to the as-of month.
        public var retention: [Double]
    }

    public struct Channel: Codable, Sendable, Equatable {
        public var channel: String
        public var opens: Int
        public var clicks: Int
        /// Click-to-open rate (CTOR): clicks / opens of the channel's messages. Not a
        /// click-through rate, which would divide by messages delivered (not in the data).
        public var clickToOpen: Double?
        public var purchases: Int

        enum CodingKeys: String, CodingKey {
            case channel, opens, clicks, clickToOpen = "click_to_open_rate", purchases
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(channel, forKey: .channel)
            try c.encode(opens, forKey: .opens)
            try c.encode(clicks, forKey: .clicks)
            try c.encode(clickToOpen, forKey: .clickToOpen)
            try c.encode(purchases, forKey: .purchases)
        }
    }

    public struct Histogram: Codable, Sendable, Equatable {
        /// Lower edges; bucket i holds edges[i] ≤ x < edges[i+1], the last is open above.
        public var edges: [Double]
        public var counts: [Int]
    }

    public struct CLV: Codable, Sendable, Equatable {
        public var total: Double
        public var mean: Double?
        public var clvHistogram: Histogram
        /// The share of customers in scope whose P(alive) is below 0.5. Not "at risk", which
        /// on this screen is the RFM segment (docs/metrics.md).
        public var pAliveBelowHalfShare: Double?

        enum CodingKeys: String, CodingKey {
            case total, mean, clvHistogram = "clv_histogram", pAliveBelowHalfShare = "p_alive_below_half_share"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(total, forKey: .total)
            try c.encode(mean, forKey: .mean)
            try c.encode(clvHistogram, forKey: .clvHistogram)
            try c.encode(pAliveBelowHalfShare, forKey: .pAliveBelowHalfShare)
        }
    }

    public struct SegmentFigures: Codable, Sendable, Equatable {
        public var segment: String
        public var customers: Int
        public var revenue: Double
        public var clv12m: Double

        enum CodingKeys: String, CodingKey { case segment, customers, revenue, clv12m = "clv_12m" }
    }

    /// Customers who were in `from` just before the window and in `to` at its end; `from` is
    /// null for customers who had not bought before the window.
    public struct Migration: Codable, Sendable, Equatable {
        public var from: String?
        public var to: String
        public var customers: Int

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(customers, forKey: .customers)
        }
    }

    public var since: String
    public var until: String
    public var segment: String?
    public var customers: Int
    public var buyers: Int
    public var orders: Int
    public var revenue: Double
    public var returns: Double
    public var aov: Double?
    public var purchaseFrequency: Double?
    public var repeatRate: Double?
    public var cohorts: [Cohort]
    /// Cart events (lines) in the window.
    public var carts: Int
    /// Cart sessions begun in the window (a session: the customer's events at most 30 minutes
    /// apart; a cart session has a cart event).
    public var cartSessions: Int = 0
    /// The industry's cart abandonment: the share of cart sessions without a purchase after
    /// the session's first cart.
    public var cartAbandonment: Double?
    /// Per cart line: the share of cart events not followed by a purchase of the same product
    /// within 7 days (the figure `cart_abandonment` was before it counted sessions).
    public var cartLineAbandonment: Double?
    /// `rec_impression` and `rec_click` events in the window, and clicks / impressions.
    public var recommendationImpressions: Int = 0
    public var recommendationClicks: Int = 0
    public var recommendationClickThrough: Double?
    public var channels: [Channel]
    public var clv: CLV
    public var segments: [SegmentFigures]
    public var migration: [Migration]
    /// The shipped recommender's offline hit rate on a sample of the window's last purchases;
    /// null when no customer in scope has one to hold out.
    public var recommendations: Recommendations?
    /// Orders and revenue per calendar month of the window (the first and last may be partial).
    public var months: [Month] = []

    public struct Month: Codable, Sendable, Equatable {
        public var month: String
        public var orders: Int
        public var revenue: Double
    }

    /// Leave-last-purchase-out through the shipped recommend path (docs/metrics.md).
    public struct Recommendations: Codable, Sendable, Equatable {
        public var k: Int
        public var hrAtK: Double
        public var ndcgAtK: Double
        /// Held-out purchases scored; customers sampled for them; customers that could have been.
        public var cases: Int
        public var sample: Int
        public var eligible: Int

        enum CodingKeys: String, CodingKey {
            case k, hrAtK = "hr_at_k", ndcgAtK = "ndcg_at_k", cases, sample, eligible
        }
    }

    /// The model-state entry holding the last full refresh's figures for everyone.
    public static let cacheName = "business_metrics"

    /// Customers whose events the recommendations figure reads, at most.
    public static let recommendationSample = 1000

    enum CodingKeys: String, CodingKey {
        case since, until, segment, customers, buyers, orders, revenue, returns, aov
        case purchaseFrequency = "purchase_frequency", repeatRate = "repeat_rate", cohorts, carts
        case cartAbandonment = "cart_abandonment", channels, clv, segments, migration, recommendations, months
        case cartSessions = "cart_sessions", cartLineAbandonment = "cart_line_abandonment"
        case recommendationImpressions = "recommendation_impressions"
        case recommendationClicks = "recommendation_clicks"
        case recommendationClickThrough = "recommendation_click_through_rate"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(since, forKey: .since)
        try c.encode(until, forKey: .until)
        try c.encode(segment, forKey: .segment)
        try c.encode(customers, forKey: .customers)
        try c.encode(buyers, forKey: .buyers)
        try c.encode(orders, forKey: .orders)
        try c.encode(revenue, forKey: .revenue)
        try c.encode(returns, forKey: .returns)
        try c.encode(aov, forKey: .aov)
        try c.encode(purchaseFrequency, forKey: .purchaseFrequency)
        try c.encode(repeatRate, forKey: .repeatRate)
        try c.encode(cohorts, forKey: .cohorts)
        try c.encode(carts, forKey: .carts)
        try c.encode(cartSessions, forKey: .cartSessions)
        try c.encode(cartAbandonment, forKey: .cartAbandonment)
        try c.encode(cartLineAbandonment, forKey: .cartLineAbandonment)
        try c.encode(recommendationImpressions, forKey: .recommendationImpressions)
        try c.encode(recommendationClicks, forKey: .recommendationClicks)
        try c.encode(recommendationClickThrough, forKey: .recommendationClickThrough)
        try c.encode(channels, forKey: .channels)
        try c.encode(clv, forKey: .clv)
        try c.encode(segments, forKey: .segments)
        try c.encode(migration, forKey: .migration)
        try c.encode(recommendations, forKey: .recommendations)
        try c.encode(months, forKey: .months)
    }

    /// Lower edges of the CLV histogram's buckets.
    public static let clvEdges: [Double] = [0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]
}

/// A cell of the metrics screen whose customers the list can show.
public enum MetricsSelection: Sendable, Equatable {
    /// An RFM segment's row.
    case segment(String)
    /// A cohort: "YYYY-MM" of the first purchase.
    case cohort(String)
    /// A migration cell: from an RFM segment (nil: no purchase before the window) to another.
    case migration(from: String?, to: String)
}

extension Workspace {
    /// Business metrics for `since...until` (Unix seconds; nil: the 365 days ending on the
    /// store's as-of day), whole UTC days, both ends inclusive. `segment` names an RFM segment,
    /// a lifecycle stage or a saved rule segment.
    public func metrics(since: Int64? = nil, until: Int64? = nil, segment: String? = nil) throws -> BusinessMetrics {
        let (acc, start, end) = try metricsFold(since: since, until: until, segment: segment)
        // The recommendations sample reads and scores beside the fold's finishing steps.
        let box = MetricsResults()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                box.set(figures: acc.finish())
            } else {
                box.set(recommendations: Result { try self.recommendationFigure(acc.holdoutCandidates, until: end) })
            }
        }
        var out = Self.compose(box.figures!, since: start, until: end, segment: segment)
        out.recommendations = try box.recommendations!.get()
        return out
    }

    /// Evenly spaced keys, at most `n`, first and last included.
    static func sample(_ keys: [Int64], _ n: Int) -> [Int64] {
        guard keys.count > n, n > 1 else { return Array(keys.prefix(n)) }
        return (0..<n).map { keys[$0 * (keys.count - 1) / (n - 1)] }
    }

    /// `eval recs` on a sample of customers: each one's last purchase up to the window's end is
    /// held out, the item model is built from the sample's other purchases with the shipped λ,
    /// and the list is what the shipped recommender returns with the shipped settings.
    func recommendationFigure(_ candidates: [Int64], until: Int64) throws -> BusinessMetrics.Recommendations? {
        let keys = Self.sample(candidates, BusinessMetrics.recommendationSample)
        guard !keys.isEmpty else { return nil }
        var events: [Event] = []
        try store.eventFacts(customers: keys[...]) { _, facts in
            for f in facts where f.time <= until && f.type == EventType.purchase.code {
                events.append(EngineBridge.event(f))
            }
        }
        // Only products the sample bought can be recommended to it (the model and the popular
        // fill are built from its purchases), so only those are read.
        let records = try store.products(keys: Array(Set(events.compactMap(\.product))).sorted())
        let catalogue = Dictionary(uniqueKeysWithValues: records.map { ($0.id ?? 0, EngineBridge.product($0)) })
        let shipped = insightSettings.recommendations
        let r = RapportEngine.evaluateRecommendations(
            events: events, products: records.compactMap(\.id), k: shipped.k, types: [.purchase], minInteractions: 2,
            lambdas: [itemLambda], taus: [shipped.tauDays], dampings: [shipped.damping],
            catalogue: catalogue)
        guard r.users > 0 else { return nil }
        return BusinessMetrics.Recommendations(
            k: r.k, hrAtK: r.hrAtK, ndcgAtK: r.ndcgAtK, cases: r.users, sample: keys.count, eligible: candidates.count)
    }

    /// Every customer folded for the window and scope, and the window's first and last second.
    func metricsFold(since: Int64?, until: Int64?, segment: String?) throws
        -> (BusinessMetricsAccumulator, Int64, Int64)
    {
        let (start, end) = try metricsWindow(since: since, until: until)
        let scope = try metricScope(segment)
        var acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
        let keys = scope == .all ? nil : try store.scopeKeys(scope)
        if try store.hasActivity() {
            acc = try foldActivity(since: start, until: end, scope: keys)
        } else {
            try foldEvents(into: &acc, scope: keys)
        }
        return (acc, start, end)
    }

    /// The customer list of one cell of `metrics(since:until:segment:)`: an RFM segment row
    /// filters the list as the segments screen does; a cohort or a migration cell lists its
    /// customers by key.
    public func metricsList(
        _ cell: MetricsSelection, since: Int64? = nil, until: Int64? = nil, segment: String? = nil,
        sort: ListSort = .name
    ) throws -> ListQuery {
        let scope = try metricScope(segment)
        let of = segment.map { " of \($0)" } ?? ""
        switch cell {
        case .segment(let name):
            switch scope {
            case .all: return ListQuery(segment: name, sort: sort)
            case .stage(let s): return ListQuery(segment: name, stage: s, sort: sort)
            case .ruleSegment(let s): return ListQuery(segment: name, sort: sort, ruleSegment: s)
            case .rfmSegment(let s):
                return name == s
                    ? ListQuery(segment: name, sort: sort) : ListQuery(sort: sort, keys: [], keysLabel: name + of)
            }
        case .cohort(let month):
            guard let m = Self.monthNumber(month) else { throw StoreError.invalidArgument("no month '\(month)'") }
            let (acc, _, _) = try metricsFold(since: since, until: until, segment: segment)
            return ListQuery(
                sort: sort, keys: acc.members(.cohort(month: m)), keysLabel: "first purchase in \(month)\(of)")
        case .migration(let from, let to):
            guard let t = RFMSegment(rawValue: to), from.map({ RFMSegment(rawValue: $0) != nil }) ?? true else {
                throw StoreError.invalidArgument("no RFM segment '\(to)'")
            }
            let (acc, _, _) = try metricsFold(since: since, until: until, segment: segment)
            let keys = acc.members(.migration(from: from.flatMap(RFMSegment.init(rawValue:)), to: t))
            return ListQuery(sort: sort, keys: keys, keysLabel: "\(from ?? "new buyers") → \(to)\(of)")
        }
    }

    /// Months since 1970-01 of "YYYY-MM".
    static func monthNumber(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        return (y - 1970) * 12 + m - 1
    }

    /// The figures for everyone over the default window as the last full refresh computed
    /// them, shown while the current ones are computed; nil before the first.
    public func cachedMetrics() throws -> BusinessMetrics? {
        guard let data = try store.modelState(BusinessMetrics.cacheName) else { return nil }
        return try? JSONDecoder().decode(BusinessMetrics.self, from: data)
    }

    /// The window's first and last second: whole UTC days.
    func metricsWindow(since: Int64?, until: Int64?) throws -> (Int64, Int64) {
        let day: Int64 = 86_400
        let asOf = try store.latestEventTime() ?? clock()
        let end = Self.startOfDay(until ?? asOf) + day - 1
        let start = Self.startOfDay(since ?? (end + 1 - 365 * day))
        guard start <= end else { throw StoreError.invalidArgument("--since is after --until") }
        return (start, end)
    }

    /// Every customer's stored activity, read in two key ranges at once and merged. `scope`
    /// (ascending keys) limits the figures, not the RFM cut points of the migration.
    /// `replacing` gives some customers' activity instead of the stored one (an account's
    /// people with only the purchases attributed to it).
    func foldActivity(since: Int64, until: Int64, scope: [Int64]?, replacing: [Int64: [UInt8]] = [:]) throws
        -> BusinessMetricsAccumulator
    {
        let keys = try store.customerKeyBounds()
        let mid = keys.lowerBound + (keys.upperBound - keys.lowerBound) / 2
        let ranges = [keys.lowerBound...mid, (mid + 1)...max(mid + 1, keys.upperBound)]
        let parts = ActivityParts(
            ranges.map { _ in
                BusinessMetricsAccumulator(since: since, until: until, clvEdges: BusinessMetrics.clvEdges)
            })
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
            do {
                var acc = BusinessMetricsAccumulator(since: since, until: until, clvEdges: BusinessMetrics.clvEdges)
                try self.foldActivity(into: &acc, range: ranges[i], scope: scope, replacing: replacing)
                parts.set(i, acc)
            } catch {
                parts.fail(error)
            }
        }
        if let error = parts.error { throw error }
        var all = parts.all
        var acc = all.removeFirst()
        for part in all { acc.merge(part) }
        return acc
    }

    func foldActivity(
        into acc: inout BusinessMetricsAccumulator, range: ClosedRange<Int64>, scope: [Int64]?,
        replacing: [Int64: [UInt8]] = [:]
    ) throws {
        var next = scope.map { s in s.firstIndex { $0 >= range.lowerBound } ?? s.count } ?? 0
        try store.scanActivity(customers: range) { key, segment, clv, pAlive, bytes in
            var inScope = true
            if let scope {
                while next < scope.count && scope[next] < key { next += 1 }
                inScope = next < scope.count && scope[next] == key
            }
            let figures = RefreshedFigures(
                segment: segment.flatMap { RFMSegment.allCases.indices.contains($0) ? RFMSegment.allCases[$0] : nil },
                clv12m: clv, pAlive: pAlive)
            if let own = replacing[key] {
                own.withUnsafeBytes { acc.add(customer: key, inScope: inScope, refreshed: figures, activity: $0) }
            } else {
                acc.add(customer: key, inScope: inScope, refreshed: figures, activity: bytes)
            }
        }
    }

    /// Before the first full refresh has stored activity: the same figures from every event
    /// and the metrics rows (slow on a large store; `rapport refresh` once makes it fast).
    /// With `stoodOn`, as the store stood on a past moment: its events up to then, with the gift
    /// flags of then, and every customer's figures of then (`metrics(stoodOn:)`).
    func foldEvents(
        into acc: inout BusinessMetricsAccumulator, scope: [Int64]?, stoodOn: MetricsStoodOn? = nil,
        replacing: [Int64: [UInt8]] = [:]
    ) throws {
        var refreshed: [Int64: RefreshedFigures] = stoodOn?.refreshed ?? [:]
        for m in try stoodOn == nil ? store.allMetrics() : [] {
            refreshed[m.customerId] = RefreshedFigures(
                segment: m.rfmSegment.flatMap(RFMSegment.init(rawValue:)), clv12m: m.clv12m, pAlive: m.pAlive)
        }
        let inScope = scope.map(Set.init)
        var current: Int64 = -1
        var batch: [Event] = []
        var seen = Set<Int64>()
        var encoder = ActivityEncoder()
        func flush() {
            guard current >= 0 else { return }
            seen.insert(current)
            let bytes = replacing[current] ?? encoder.encode(batch)
            bytes.withUnsafeBytes {
                acc.add(
                    customer: current, inScope: inScope?.contains(current) ?? true,
                    refreshed: refreshed[current] ?? RefreshedFigures(),
                    activity: $0)
            }
        }
        try store.scanEvents { e in
            if let stoodOn, e.time > stoodOn.moment { return }
            if e.customer != current {
                flush()
                current = e.customer
                batch.removeAll(keepingCapacity: true)
            }
            batch.append(stoodOn?.event(e) ?? EngineBridge.event(e))
        }
        flush()
        let none = CustomerActivity().encoded()
        for key in try store.customerKeys() where !seen.contains(key) {
            none.withUnsafeBytes {
                acc.add(
                    customer: key, inScope: inScope?.contains(key) ?? true,
                    refreshed: refreshed[key] ?? RefreshedFigures(),
                    activity: $0)
            }
        }
    }

    static func startOfDay(_ t: Int64) -> Int64 {
        let day: Int64 = 86_400
        return (t >= 0 ? t / day : (t - day + 1) / day) * day
    }

    /// The customers a `segment` names: `rfm:NAME`, `stage:NAME` and `rule:NAME` say which kind;
    /// a bare name is resolved as `resolveSegment` does (an ambiguous one is refused).
    func metricScope(_ name: String?) throws -> MetricScope {
        guard let name else { return .all }
        let given = SegmentRef(qualified: name)
        let ref: SegmentRef
        do {
            ref = try resolveSegment(given?.name ?? name, kind: given?.kind)
        } catch let e as SegmentLookupError {
            throw StoreError.invalidArgument(e.description)
        }
        switch ref.kind {
        case .rfm: return .rfmSegment(ref.name)
        case .stage: return .stage(ref.name)
        case .rule: return .ruleSegment(ref.name)
        }
    }

    static func ratio(_ a: Double, _ b: Int) -> Double? { b > 0 ? a / Double(b) : nil }

    static func compose(_ f: BusinessFigures, since: Int64, until: Int64, segment: String?) -> BusinessMetrics {
        BusinessMetrics(
            since: Dates.isoDate(since), until: Dates.isoDate(until), segment: segment,
            customers: f.customers, buyers: f.buyers, orders: f.orders, revenue: f.revenue, returns: f.returns,
            aov: ratio(f.revenue, f.orders), purchaseFrequency: ratio(Double(f.orders), f.buyers),
            repeatRate: ratio(Double(f.repeatBuyers), f.buyers),
            cohorts: cohorts(f, until: until), carts: f.carts, cartSessions: f.cartSessions,
            cartAbandonment: ratio(Double(f.abandonedCartSessions), f.cartSessions),
            cartLineAbandonment: ratio(Double(f.abandonedCarts), f.carts),
            recommendationImpressions: f.recImpressions, recommendationClicks: f.recClicks,
            recommendationClickThrough: ratio(Double(f.recClicks), f.recImpressions),
            channels: f.channels.sorted { $0.key < $1.key }.map {
                BusinessMetrics.Channel(
                    channel: $0.key, opens: $0.value.opens, clicks: $0.value.clicks,
                    clickToOpen: ratio(Double($0.value.clicks), $0.value.opens), purchases: $0.value.purchases)
            },
            clv: BusinessMetrics.CLV(
                total: f.clvTotal, mean: ratio(f.clvTotal, f.clvValued),
                clvHistogram: BusinessMetrics.Histogram(edges: BusinessMetrics.clvEdges, counts: f.clvCounts),
                pAliveBelowHalfShare: ratio(Double(f.atRisk), f.customers)),
            segments: RFMSegment.allCases.map { s in
                let t = f.segments[s] ?? BusinessFigures.SegmentTotals()
                return BusinessMetrics.SegmentFigures(
                    segment: s.rawValue, customers: t.customers, revenue: t.revenue, clv12m: t.clv12m)
            },
            migration: f.migration.map {
                BusinessMetrics.Migration(from: $0.key.from?.rawValue, to: $0.key.to.rawValue, customers: $0.value)
            }
            .sorted { ($0.from ?? "", $0.to) < ($1.from ?? "", $1.to) },
            recommendations: nil,
            months: f.monthOrders.indices.map {
                BusinessMetrics.Month(
                    month: monthName(f.firstMonth + $0), orders: f.monthOrders[$0], revenue: f.monthRevenue[$0])
            })
    }

    static func monthName(_ m: Int) -> String {
        let y = 1970 + m / 12
        let mm = m % 12 + 1
        return "\(y)-\(mm < 10 ? "0" : "")\(mm)"
    }

    static func cohorts(_ f: BusinessFigures, until: Int64) -> [BusinessMetrics.Cohort] {
        let last = Calendar.monthNumber(day: Calendar.dayNumber(until))
        return f.cohorts.keys.sorted().map { m in
            let row = f.cohorts[m]!
            let size = row.first ?? 0
            let retention = (0...max(0, last - m)).map { k in
                size > 0 && k < row.count ? Double(row[k]) / Double(size) : 0
            }
            return BusinessMetrics.Cohort(month: monthName(m), size: size, retention: retention)
        }
    }
}

/// The figures and the recommendations figure, computed at once.
private final class MetricsResults: @unchecked Sendable {
    private let lock = NSLock()
    private var f: BusinessFigures?
    private var r: Result<BusinessMetrics.Recommendations?, Error>?

    func set(figures: BusinessFigures) { lock.withLock { f = figures } }
    func set(recommendations: Result<BusinessMetrics.Recommendations?, Error>) { lock.withLock { r = recommendations } }
    var figures: BusinessFigures? { lock.withLock { f } }
    var recommendations: Result<BusinessMetrics.Recommendations?, Error>? { lock.withLock { r } }
}

/// The accumulators of key ranges folded at once, and the first error.
private final class ActivityParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [BusinessMetricsAccumulator]
    private(set) var error: Error?

    init(_ parts: [BusinessMetricsAccumulator]) { self.parts = parts }

    func set(_ i: Int, _ acc: BusinessMetricsAccumulator) { lock.withLock { parts[i] = acc } }

    func fail(_ e: Error) { lock.withLock { if error == nil { error = e } } }

    var all: [BusinessMetricsAccumulator] { lock.withLock { parts } }
}
