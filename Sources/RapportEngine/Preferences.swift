import Foundation

/// Settings of preference inference.
public struct PreferenceSettings: Sendable, Equatable, Codable {
    /// Recency scale τ in days: an event of age d weighs exp(−d/τ).
    public var tauDays: Double = 90
    /// Most one UTC day can add to one attribute value, in purchase-equivalents.
    public var dailyCap: Double = 5
    /// Saturation of one calendar month's total: a month adds at most about this much.
    public var monthlyCap: Double = 6
    public init(tauDays: Double = 90) { self.tauDays = tauDays }

    /// How much an event of each type says about taste. Returns pull the other way.
    public static func weight(_ e: Event) -> Double {
        switch e.type {
        case .purchase: 5
        case .cart: 3
        case .click: 1.5
        case .view: 1
        case .rating: e.amount >= 4 ? 4 : e.amount >= 3 ? 1 : -2
        case .return: -3
        case .search, .open: 0
        }
    }
}

public enum PreferenceAttribute: String, Sendable, Codable, CaseIterable {
    case category, brand, priceBand = "price_band"
}

/// One inferred preference with its evidence.
public struct InferredPreference: Sendable, Equatable, Codable {
    public var attribute: PreferenceAttribute
    public var value: String
    /// 0...1, relative to the customer's strongest preference of the same attribute.
    public var score: Double
    /// 0...1: how much evidence there is (distinct days with events), not how strong.
    public var confidence: Double
    /// Store keys of the events that contributed most, strongest first.
    public var evidence: [Int64]
    /// The undamped weighted total, for diagnostics and tests.
    public var raw: Double
}

public enum PriceBand {
    /// Bands by list price: budget < 15, mid 15–50, premium 50–150, luxury ≥ 150.
    public static func of(_ price: Double) -> String {
        switch price {
        case ..<15: "budget"
        case ..<50: "mid"
        case ..<150: "premium"
        default: "luxury"
        }
    }
}

public enum Preferences {
    /// Events that shape the profile: not gift purchases, and not the gift's shopping
    /// session either (other events on the same product within a day of a gift purchase).
    public static func shapingEvents(_ events: [Event]) -> [Event] {
        let gifts = events.filter { $0.isGift }
        guard !gifts.isEmpty else { return events }
        var giftWindows: [Int64: [Int64]] = [:]
        for g in gifts { if let p = g.product { giftWindows[p, default: []].append(g.time) } }
        return events.filter { e in
            if e.isGift { return false }
            guard let p = e.product, let times = giftWindows[p] else { return true }
            return !times.contains { abs($0 - e.time) <= 86_400 }
        }
    }

    /// Category values an event counts for: the full path and its top level.
    static func categories(_ c: String) -> [String] {
        guard !c.isEmpty else { return [] }
        if let slash = c.firstIndex(of: "/") { return [c, String(c[..<slash])] }
        return [c]
    }

    /// Affinities for categories, brands and price bands from one customer's events.
    public static func infer(events: [Event], products: [Int64: Product], now: Int64,
                             settings: PreferenceSettings = PreferenceSettings(), evidenceCount: Int = 5) -> [InferredPreference] {
        struct Key: Hashable { var attribute: PreferenceAttribute; var value: String }
        /// Per attribute value: daily totals in time order and the strongest contributions.
        struct Accumulator {
            var days: [(day: Int64, total: Double)] = []
            var top: [(key: Int64, weight: Double)] = []
        }
        var shaping = shapingEvents(events)
        if !zip(shaping, shaping.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
            shaping.sort { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
        }
        // Attribute values are numbered once per product, and accumulators live in an array,
        // so the per-event work mutates in place instead of hashing strings and copying.
        var keysOf: [Int64: [Int]] = [:]
        var keyIndex: [Key: Int] = [:]
        var keyList: [Key] = []
        var accs: [Accumulator] = []
        for e in shaping {
            guard let pid = e.product else { continue }
            let w = PreferenceSettings.weight(e)
            if w == 0 { continue }
            let keys: [Int]
            if let k = keysOf[pid] { keys = k } else {
                guard let p = products[pid] else { continue }
                var k = categories(p.category).map { Key(attribute: .category, value: $0) }
                if !p.brand.isEmpty { k.append(Key(attribute: .brand, value: p.brand)) }
                if p.price > 0 { k.append(Key(attribute: .priceBand, value: PriceBand.of(p.price))) }
                keys = k.map { key in
                    if let i = keyIndex[key] { return i }
                    keyIndex[key] = keyList.count
                    keyList.append(key)
                    accs.append(Accumulator())
                    return keyList.count - 1
                }
                keysOf[pid] = keys
            }
            let age = max(0, Double(now - e.time)) / 86_400
            let decayed = w * exp(-age / settings.tauDays)
            let day = Day.of(e.time)
            for k in keys {
                if let last = accs[k].days.last, last.day == day { accs[k].days[accs[k].days.count - 1].total += decayed }
                else { accs[k].days.append((day, decayed)) }
                // Keep the strongest `evidenceCount` contributions (ties: the later event first).
                if decayed > 0 {
                    let c = (key: e.id, weight: decayed)
                    func before(_ x: (key: Int64, weight: Double), _ y: (key: Int64, weight: Double)) -> Bool {
                        x.weight != y.weight ? x.weight > y.weight : x.key > y.key
                    }
                    if accs[k].top.count < evidenceCount || before(c, accs[k].top[accs[k].top.count - 1]) {
                        let i = accs[k].top.firstIndex { before(c, $0) } ?? accs[k].top.count
                        accs[k].top.insert(c, at: i)
                        if accs[k].top.count > evidenceCount { accs[k].top.removeLast() }
                    }
                }
            }
        }
        var out: [InferredPreference] = []
        for (key, a) in zip(keyList, accs) {
            // Cap each day, then saturate each 30-day window, so no burst outweighs a steady habit.
            // Days are in time order, so sums do not depend on hash order.
            var months: [(Int64, Double)] = []
            var raw = 0.0
            var positiveDays = 0
            for d in a.days {
                let capped = max(-settings.dailyCap, min(settings.dailyCap, d.total))
                if let last = months.last, last.0 == d.day / 30 { months[months.count - 1].1 += capped }
                else { months.append((d.day / 30, capped)) }
                raw += d.total
                if d.total > 0 { positiveDays += 1 }
            }
            var damped = 0.0
            for (_, m) in months {
                damped += m > 0 ? settings.monthlyCap * (1 - exp(-m / settings.monthlyCap)) : m
            }
            guard damped > 0.05 else { continue }
            let evidence = a.top.map(\.key)
            out.append(InferredPreference(attribute: key.attribute, value: key.value, score: damped,
                                          confidence: 1 - exp(-Double(positiveDays) / 4),
                                          evidence: Array(evidence), raw: raw))
        }
        // Normalise within each attribute so the strongest is 1.
        for attr in PreferenceAttribute.allCases {
            let top = out.filter { $0.attribute == attr }.map(\.score).max() ?? 1
            for i in out.indices where out[i].attribute == attr { out[i].score = out[i].score / top }
        }
        return out.sorted(by: ranksBefore)
    }

    static func order(_ a: PreferenceAttribute) -> Int { PreferenceAttribute.allCases.firstIndex(of: a)! }

    static func ranksBefore(_ x: InferredPreference, _ y: InferredPreference) -> Bool {
        if x.attribute != y.attribute { return order(x.attribute) < order(y.attribute) }
        if x.score != y.score { return x.score > y.score }
        return x.value < y.value
    }
}
