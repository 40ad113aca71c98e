import Foundation

public enum RecommendationKind: String, Sendable, Codable {
    case becauseYouBought = "because_you_bought"
    case becauseYouViewed = "because_you_viewed"
    case replenish
    case exploreTrending = "explore_trending"
    case exploreSegment = "explore_segment"
    case exploreNewCategory = "explore_new_category"
    case popularInSegment = "popular_segment"
    case popularNoConsent = "popular_no_consent"

    public var isExploration: Bool {
        self == .exploreTrending || self == .exploreSegment || self == .exploreNewCategory
    }
}

public struct Recommendation: Sendable, Equatable, Codable {
    public var product: Int64
    public var score: Double
    public var kind: RecommendationKind
    public var reason: String
    /// The customer's own items behind the score, strongest first.
    public var sources: [Int64]
}

public struct RecommendationSettings: Sendable, Equatable, Codable {
    public var k: Int = 10
    /// Share of the list given to exploration (trending, popular in segment, an untried category).
    public var explorationShare: Double = 0.10
    /// Each older distinct item in the history counts this much less (position decay).
    public var historyDecay: Double = 0.9
    /// How many of the most recent distinct items drive the scores.
    public var historyLength: Int = 50
    public init(k: Int = 10, explorationShare: Double = 0.10) { self.k = k; self.explorationShare = explorationShare }
}

/// What the recommender knows about one customer.
public struct RecommendationInput: Sendable {
    public var events: [Event]
    public var stated: [StatedPreference]
    public var consent: Consent
    public var segment: String?
    public var replenishment: [ReplenishmentDue]
    public init(events: [Event], stated: [StatedPreference], consent: Consent, segment: String?, replenishment: [ReplenishmentDue]) {
        self.events = events; self.stated = stated; self.consent = consent; self.segment = segment; self.replenishment = replenishment
    }
}

public enum Recommender {
    /// The customer's recent distinct items, newest first, with position-decayed weights.
    static func history(_ events: [Event], settings: RecommendationSettings) -> [(product: Int64, weight: Double)] {
        var seen = Set<Int64>()
        var out: [(Int64, Double)] = []
        for e in events.reversed() {
            guard let p = e.product, PreferenceSettings.weight(e) > 0, !seen.contains(p) else { continue }
            seen.insert(p)
            out.append((p, pow(settings.historyDecay, Double(out.count))))
            if out.count >= settings.historyLength { break }
        }
        return out
    }

    /// Raw scores for every candidate, with each source's contribution. Pure model scoring:
    /// used as is by offline evaluation.
    static func score(history: [(product: Int64, weight: Double)], model: ItemModel) -> [Int64: [(Int64, Double)]] {
        var contributions: [Int64: [(Int64, Double)]] = [:]
        for (source, w) in history {
            for n in model.neighbors[source] ?? [] {
                contributions[n.product, default: []].append((source, w * n.weight))
            }
        }
        return contributions
    }

    static func isDisliked(_ p: Product, _ stated: [StatedPreference]) -> Bool {
        stated.contains { s in
            guard s.polarity == .dislike else { return false }
            switch s.kind {
            case .product: return s.value == p.externalId
            case .brand: return s.value.caseInsensitiveCompare(p.brand) == .orderedSame
            case .category:
                let c = p.category.lowercased(), v = s.value.lowercased()
                return c == v || c.hasPrefix(v + "/")
            }
        }
    }

    public static func recommend(_ input: RecommendationInput, products: [Int64: Product], model: ItemModel,
                                 popularity: Popularity, settings: RecommendationSettings = RecommendationSettings(),
                                 now: Int64) -> [Recommendation] {
        let k = settings.k
        guard k > 0 else { return [] }
        func allowed(_ p: Int64) -> Bool {
            guard let prod = products[p] else { return false }
            return !isDisliked(prod, input.stated)
        }
        func title(_ p: Int64) -> String { products[p]?.title.isEmpty == false ? products[p]!.title : (products[p]?.externalId ?? "#\(p)") }

        // No consent to personalise: popular items only, and say so.
        guard input.consent.allowsPersonalization else {
            return popularity.overall.filter(allowed).prefix(k).enumerated().map { i, p in
                Recommendation(product: p, score: Double(k - i) / Double(k), kind: .popularNoConsent,
                               reason: "popular with all customers (no personalization consent)", sources: [])
            }
        }
        let shaping = Preferences.shapingEvents(input.events)
        let owned = Set(shaping.filter { $0.type == .purchase }.compactMap(\.product))
        var out: [Recommendation] = []
        var used = Set<Int64>()

        // Replenishable products that are due (or due within a week) come first.
        for r in input.replenishment where r.daysUntilDue <= 7 && allowed(r.product) && out.count < k {
            let when = r.daysUntilDue < 0 ? "overdue by \(-r.daysUntilDue) days" : r.daysUntilDue == 0 ? "due today" : "due in \(r.daysUntilDue) days"
            out.append(Recommendation(product: r.product, score: 1, kind: .replenish,
                                      reason: "\(when): you buy it about every \(Int(r.intervalDays.rounded())) days", sources: [r.product]))
            used.insert(r.product)
        }

        let hist = history(shaping, settings: settings)
        let explore = settings.explorationShare > 0 ? max(1, Int((Double(k) * settings.explorationShare).rounded())) : 0
        let personalSlots = max(0, k - out.count - explore)
        if hist.count >= 2 {
            var counts: [Int64: [EventType]] = [:]
            for e in shaping { if let p = e.product { counts[p, default: []].append(e.type) } }
            var scored: [(product: Int64, score: Double, sources: [(Int64, Double)])] = []
            for (p, c) in score(history: hist, model: model) where !owned.contains(p) && !used.contains(p) && allowed(p) {
                let total = c.reduce(0.0) { $0 + $1.1 }
                scored.append((p, total, c.sorted { $0.1 > $1.1 }))
            }
            scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.product < $1.product }
            for (p, s, c) in scored.prefix(personalSlots) {
                let top = c[0].0
                let types: [EventType] = counts[top] ?? []
                let bought = types.filter { $0 == .purchase }.count
                let kind: RecommendationKind = bought > 0 ? .becauseYouBought : .becauseYouViewed
                let reason = bought > 0
                    ? "bought with \(title(top)), which you bought \(times(bought))"
                    : "often chosen with \(title(top)), which you \(verb(types)) \(times(types.count))"
                out.append(Recommendation(product: p, score: s, kind: kind, reason: reason, sources: c.prefix(3).map { $0.0 }))
                used.insert(p)
            }
        }
        // Too little history (or too few neighbours): popular in the customer's segment.
        if out.count < k - explore {
            let pool = (input.segment.flatMap { popularity.bySegment[$0] } ?? []) + popularity.overall
            for p in pool where out.count < k - explore && !used.contains(p) && !owned.contains(p) && allowed(p) {
                out.append(Recommendation(product: p, score: 0, kind: .popularInSegment,
                                          reason: input.segment.map { "popular with \($0)" } ?? "popular with all customers", sources: []))
                used.insert(p)
            }
        }
        // Exploration: something outside the usual, labelled as such.
        if explore > 0 {
            let tried = Set(shaping.compactMap { $0.product.flatMap { products[$0]?.category } })
            var candidates: [(Int64, RecommendationKind, String)] = []
            if let p = popularity.trending.first(where: { !used.contains($0) && !owned.contains($0) && allowed($0) }) {
                candidates.append((p, .exploreTrending, "exploring: trending this month"))
            }
            if let p = popularity.overall.first(where: { !used.contains($0) && !owned.contains($0) && allowed($0)
                && !tried.contains(products[$0]?.category ?? "") }) {
                candidates.append((p, .exploreNewCategory, "exploring: a category you have not tried (\(products[p]?.category ?? ""))"))
            }
            if let seg = input.segment, let p = popularity.bySegment[seg]?.first(where: { !used.contains($0) && !owned.contains($0) && allowed($0) }) {
                candidates.append((p, .exploreSegment, "exploring: popular with \(seg)"))
            }
            // Rotate the source by day so the exploratory slot varies.
            let offset = Int(Day.of(now) % Int64(max(1, candidates.count)))
            for i in 0..<candidates.count where out.count < k {
                let c = candidates[(i + offset) % candidates.count]
                if used.contains(c.0) { continue }
                out.append(Recommendation(product: c.0, score: 0, kind: c.1, reason: c.2, sources: []))
                used.insert(c.0)
                if out.filter({ $0.kind.isExploration }).count >= explore { break }
            }
        }
        return Array(out.prefix(k))
    }

    static func times(_ n: Int) -> String { n == 1 ? "once" : n == 2 ? "twice" : "\(n) times" }
    static func verb(_ types: [EventType]) -> String {
        types.contains(.cart) ? "added to your cart" : types.contains(.rating) ? "rated" : types.contains(.click) ? "clicked" : "viewed"
    }
}
