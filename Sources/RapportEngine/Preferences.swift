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
        // (key, day) → capped daily total and its contributing events.
        var daily: [Key: [Int64: (total: Double, events: [(Int64, Double)])]] = [:]
        for e in shapingEvents(events) {
            guard let pid = e.product, let p = products[pid] else { continue }
            let w = PreferenceSettings.weight(e)
            if w == 0 { continue }
            let age = max(0, Double(now - e.time)) / 86_400
            let decayed = w * exp(-age / settings.tauDays)
            var keys = categories(p.category).map { Key(attribute: .category, value: $0) }
            if !p.brand.isEmpty { keys.append(Key(attribute: .brand, value: p.brand)) }
            if p.price > 0 { keys.append(Key(attribute: .priceBand, value: PriceBand.of(p.price))) }
            let day = Day.of(e.time)
            for k in keys {
                var entry = daily[k, default: [:]][day] ?? (0, [])
                entry.total += decayed
                entry.events.append((e.id, decayed))
                daily[k, default: [:]][day] = entry
            }
        }
        var out: [InferredPreference] = []
        for (key, days) in daily {
            // Cap each day, then saturate each month, so no burst outweighs a steady habit.
            var months: [Int64: Double] = [:]
            var raw = 0.0
            var positiveDays = 0
            // Sorted, so sums (and ties between a category and its parent) do not depend on hash order.
            for (day, entry) in days.sorted(by: { $0.key < $1.key }) {
                let capped = max(-settings.dailyCap, min(settings.dailyCap, entry.total))
                months[day / 30, default: 0] += capped
                raw += entry.total
                if entry.total > 0 { positiveDays += 1 }
            }
            var damped = 0.0
            for (_, m) in months.sorted(by: { $0.key < $1.key }) {
                damped += m > 0 ? settings.monthlyCap * (1 - exp(-m / settings.monthlyCap)) : m
            }
            guard damped > 0.05 else { continue }
            var contributions: [(key: Int64, weight: Double)] = []
            for entry in days.values { for c in entry.events where c.1 > 0 { contributions.append((c.0, c.1)) } }
            contributions.sort { a, b in a.weight != b.weight ? a.weight > b.weight : a.key > b.key }
            let evidence = contributions.prefix(evidenceCount).map { $0.key }
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
