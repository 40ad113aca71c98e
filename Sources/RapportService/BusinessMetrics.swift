import Foundation
import RapportEngine
import RapportStore

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
        public var clickThrough: Double?
        public var purchases: Int

        enum CodingKeys: String, CodingKey {
            case channel, opens, clicks, clickThrough = "click_through", purchases
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(channel, forKey: .channel)
            try c.encode(opens, forKey: .opens)
            try c.encode(clicks, forKey: .clicks)
            try c.encode(clickThrough, forKey: .clickThrough)
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
        public var atRiskShare: Double?

        enum CodingKeys: String, CodingKey {
            case total, mean, clvHistogram = "clv_histogram", atRiskShare = "at_risk_share"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(total, forKey: .total)
            try c.encode(mean, forKey: .mean)
            try c.encode(clvHistogram, forKey: .clvHistogram)
            try c.encode(atRiskShare, forKey: .atRiskShare)
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
    public var carts: Int
    public var cartAbandonment: Double?
    public var channels: [Channel]
    public var clv: CLV
    public var segments: [SegmentFigures]
    public var migration: [Migration]
    /// Not computed yet: the recommender's offline evaluation reads every event into memory,
    /// which does not fit the command's time budget (docs/metrics.md).
    public var recommendations: Double?

    enum CodingKeys: String, CodingKey {
        case since, until, segment, customers, buyers, orders, revenue, returns, aov
        case purchaseFrequency = "purchase_frequency", repeatRate = "repeat_rate", cohorts, carts
        case cartAbandonment = "cart_abandonment", channels, clv, segments, migration, recommendations
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
        try c.encode(cartAbandonment, forKey: .cartAbandonment)
        try c.encode(channels, forKey: .channels)
        try c.encode(clv, forKey: .clv)
        try c.encode(segments, forKey: .segments)
        try c.encode(migration, forKey: .migration)
        try c.encode(recommendations, forKey: .recommendations)
    }

    /// Lower edges of the CLV histogram's buckets.
    public static let clvEdges: [Double] = [0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]
}

extension Workspace {
    /// Business metrics for `since...until` (Unix seconds; nil: the 365 days ending on the
    /// store's as-of day), whole UTC days, both ends inclusive. `segment` names an RFM segment,
    /// a lifecycle stage or a saved rule segment.
    public func metrics(since: Int64? = nil, until: Int64? = nil, segment: String? = nil) throws -> BusinessMetrics {
        let day: Int64 = 86_400
        let asOf = try store.latestEventTime() ?? clock()
        let end = Self.startOfDay(until ?? asOf) + day - 1
        let start = Self.startOfDay(since ?? (end + 1 - 365 * day))
        guard start <= end else { throw StoreError.invalidArgument("--since is after --until") }
        let facts = try store.metricFacts(since: start, until: end, scope: try metricScope(segment))
        return Self.compose(facts, since: start, until: end, segment: segment)
    }

    static func startOfDay(_ t: Int64) -> Int64 {
        let day: Int64 = 86_400
        return (t >= 0 ? t / day : (t - day + 1) / day) * day
    }

    func metricScope(_ name: String?) throws -> MetricScope {
        guard let name else { return .all }
        if RFMNames.all.contains(name) { return .rfmSegment(name) }
        if StageNames.all.contains(name) { return .stage(name) }
        if try store.segment(named: name) != nil { return .ruleSegment(name) }
        throw StoreError.invalidArgument(
            "no segment '\(name)': name an RFM segment, a lifecycle stage or a saved rule segment ('rapport segments')")
    }

    static func ratio(_ a: Double, _ b: Int) -> Double? { b > 0 ? a / Double(b) : nil }

    static func compose(_ f: MetricFacts, since: Int64, until: Int64, segment: String?) -> BusinessMetrics {
        BusinessMetrics(
            since: Dates.isoDate(since), until: Dates.isoDate(until), segment: segment,
            customers: f.customers, buyers: f.buyers, orders: f.orders, revenue: f.revenue, returns: f.returns,
            aov: ratio(f.revenue, f.orders), purchaseFrequency: ratio(Double(f.orders), f.buyers),
            repeatRate: ratio(Double(f.repeatBuyers), f.buyers),
            cohorts: cohorts(f, until: until), carts: f.carts,
            cartAbandonment: ratio(Double(f.abandonedCarts), f.carts),
            channels: f.channels.sorted { $0.key < $1.key }.map {
                BusinessMetrics.Channel(
                    channel: $0.key, opens: $0.value.opens, clicks: $0.value.clicks,
                    clickThrough: ratio(Double($0.value.clicks), $0.value.opens), purchases: $0.value.purchases)
            },
            clv: clv(f.scoped), segments: segments(f.scoped), migration: migration(f), recommendations: nil)
    }

    static func monthName(_ m: Int) -> String {
        let y = 1970 + m / 12
        let mm = m % 12 + 1
        return "\(y)-\(mm < 10 ? "0" : "")\(mm)"
    }

    static func cohorts(_ f: MetricFacts, until: Int64) -> [BusinessMetrics.Cohort] {
        let last = monthIndex(until)
        return f.cohorts.keys.sorted().map { m in
            let row = f.cohorts[m]!
            let size = row.first ?? 0
            let retention = (0...max(0, last - m)).map { k in
                size > 0 && k < row.count ? Double(row[k]) / Double(size) : 0
            }
            return BusinessMetrics.Cohort(month: monthName(m), size: size, retention: retention)
        }
    }

    static func monthIndex(_ t: Int64) -> Int {
        let c = Calendar.utc.dateComponents([.year, .month], from: Date(timeIntervalSince1970: TimeInterval(t)))
        return (c.year! - 1970) * 12 + c.month! - 1
    }

    static func clv(_ scoped: [ScopedCustomer]) -> BusinessMetrics.CLV {
        let edges = BusinessMetrics.clvEdges
        var counts = [Int](repeating: 0, count: edges.count)
        var total = 0.0
        var valued = 0
        var atRisk = 0
        for c in scoped {
            if let p = c.pAlive, p < 0.5 { atRisk += 1 }
            guard let v = c.clv12m else { continue }
            total += v
            valued += 1
            let i = edges.lastIndex { $0 <= v } ?? 0
            counts[i] += 1
        }
        return BusinessMetrics.CLV(
            total: total, mean: ratio(total, valued),
            clvHistogram: BusinessMetrics.Histogram(edges: edges, counts: counts),
            atRiskShare: ratio(Double(atRisk), scoped.count))
    }

    static func segments(_ scoped: [ScopedCustomer]) -> [BusinessMetrics.SegmentFigures] {
        var by: [String: BusinessMetrics.SegmentFigures] = [:]
        for s in RFMSegment.allCases {
            by[s.rawValue] = BusinessMetrics.SegmentFigures(segment: s.rawValue, customers: 0, revenue: 0, clv12m: 0)
        }
        for c in scoped {
            guard let s = c.segment, by[s] != nil else { continue }
            by[s]!.customers += 1
            by[s]!.revenue += c.revenue
            by[s]!.clv12m += c.clv12m ?? 0
        }
        return RFMSegment.allCases.compactMap { by[$0.rawValue] }
    }

    /// RFM segments just before the window and at its end, each scored against cut points fitted
    /// over every buyer at that moment (as a refresh would have scored them then).
    static func migration(_ f: MetricFacts) -> [BusinessMetrics.Migration] {
        func thresholds(_ inputs: [Int64: RFMInputs]) -> RFMThresholds {
            let v = Array(inputs.values)
            return RFMThresholds.fit(
                recencyDays: v.map { Double($0.recencyDays) }, frequency: v.map { Double($0.orders) },
                monetary: v.map(\.spend))
        }
        func segment(_ i: RFMInputs, _ t: RFMThresholds) -> String {
            t.score(recencyDays: Double(i.recencyDays), frequency: Double(i.orders), monetary: i.spend).segment.rawValue
        }
        let start = thresholds(f.rfmAtStart)
        let end = thresholds(f.rfmAtEnd)
        var cells: [String: Int] = [:]
        for c in f.scoped {
            guard let now = f.rfmAtEnd[c.key] else { continue }
            let before = f.rfmAtStart[c.key].map { segment($0, start) } ?? ""
            cells[before + "\u{1F}" + segment(now, end), default: 0] += 1
        }
        return cells.map { key, n in
            let parts = key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            return BusinessMetrics.Migration(from: parts[0].isEmpty ? nil : parts[0], to: parts[1], customers: n)
        }
        .sorted { ($0.from ?? "", $0.to) < ($1.from ?? "", $1.to) }
    }
}

extension Calendar {
    static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
}
