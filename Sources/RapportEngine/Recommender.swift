import Foundation

/// Why an item is on the list; raw values are the names `--json` and the docs use.
public enum RecommendationKind: String, Sendable, Codable, CaseIterable {
    case becauseYouBought = "because_you_bought"
    case becauseYouViewed = "because_you_viewed"
    /// The strongest source was rated (and not bought): a film seen, not a page looked at.
    case becauseYouRated = "because_you_rated"
    case replenish
    case exploreTrending = "explore_trending"
    case exploreSegment = "explore_segment"
    case exploreNewCategory = "explore_new_category"
    case popularInSegment = "popular_segment"
    case popularNoConsent = "popular_no_consent"
    /// Popular with all customers (no segment, or the segment's list ran out).
    case popularOverall = "popular_overall"

    /// Exploratory items: outside the customer's habits on purpose.
    public var isExploration: Bool {
        self == .exploreTrending || self == .exploreSegment || self == .exploreNewCategory
    }

    /// From the customer's own items' neighbours.
    public var isPersonal: Bool {
        self == .becauseYouBought || self == .becauseYouViewed || self == .becauseYouRated
    }

    /// The short tag screens show before the title.
    public var tag: String {
        switch self {
        case .becauseYouBought: "bought"
        case .becauseYouViewed: "viewed"
        case .becauseYouRated: "rated"
        case .replenish: "due"
        case .exploreTrending, .exploreSegment, .exploreNewCategory: "explore"
        case .popularInSegment, .popularNoConsent, .popularOverall: "popular"
        }
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
    /// Share of the list given to exploration (trending, popular in segment, an untried category):
    /// round(k × share) slots, none when k × share < 0.5.
    public var explorationShare: Double = 0.10
    /// Recency scale τ in days of the customer's history: an event d days before the customer's
    /// newest event weighs exp(−d/τ). InsightSettings starts it at the preferences' τ; a stored
    /// `RecommenderTuning` (chosen on validation) replaces it.
    public var tauDays: Double = 90
    /// Caps and saturation of bursts, per category of the customer's items.
    public var damping = SpikeDamping()
    /// How many of the customer's items, strongest first, drive the scores.
    public var historyLength: Int = 50
    /// Exploration's picks are drawn from this many top products of each source (per customer
    /// and day), so one product is not everyone's pick, nor one customer's every day.
    public var trendingPool: Int = 10
    /// A product viewed this many times (or more) counts as already seen and is not recommended;
    /// 0 turns the rule off. Purchases and ratings always count.
    public var ownedAfterViews: Int = 3
    /// Products viewed in the customer's last session (events no more than `sessionGap` apart,
    /// ending at their newest event) count as already seen.
    public var lastSessionViewsOwned = true
    /// The gap that ends a session, in seconds.
    public var sessionGap: Int64 = 30 * 60

    public init(k: Int = 10, explorationShare: Double = 0.10) {
        self.k = k
        self.explorationShare = explorationShare
    }

    public init(k: Int, explorationShare: Double, tauDays: Double, damping: SpikeDamping = SpikeDamping()) {
        self.k = k
        self.explorationShare = explorationShare
        self.tauDays = tauDays
        self.damping = damping
    }

    /// Exploratory slots in a list of k: the share rounded, never forced when k × share < 0.5.
    public var explorationSlots: Int {
        guard k > 0, explorationShare > 0 else { return 0 }
        return min(k, Int((Double(k) * explorationShare).rounded()))
    }
}

/// What the recommender knows about one customer.
public struct RecommendationInput: Sendable {
    public var events: [Event]
    public var stated: [StatedPreference]
    public var consent: Consent
    public var segment: String?
    public var replenishment: [ReplenishmentDue]
    /// Seeds the per-customer choice among trending products (else the events' customer).
    public var customer: Int64?

    public init(
        events: [Event], stated: [StatedPreference], consent: Consent, segment: String?,
        replenishment: [ReplenishmentDue], customer: Int64? = nil
    ) {
        self.events = events
        self.stated = stated
        self.consent = consent
        self.segment = segment
        self.replenishment = replenishment
        self.customer = customer
    }
}

/// The customer's items weighted for scoring, and the bursts that were held down.
public struct RecommendationHistory: Sendable {
    /// Strongest first, at most `historyLength`.
    public var items: [(product: Int64, weight: Double)]
    public var dampedSpikes: [DampedSpike]
}

/// One personal candidate: its score and the customer's items behind it, strongest first.
struct ScoredCandidate {
    var product: Int64
    var score: Double
    /// Source, its contribution, and whether some customer bought both (the link's words).
    var sources: [(Int64, Double, Bool)]
}

public enum Recommender {
    /// History weights from time, not position: each event weighs w(type) × exp(−age/τ), the age
    /// counted back from the customer's newest event, after the shared damping caps each
    /// category's 24-hour windows and saturates its 30-day windows (both anchored to the
    /// customer's events, on undecayed weights). A year of habit therefore outranks a week of
    /// anomalies, and ageing scales both alike.
    public static func history(
        _ events: [Event], products: [Int64: Product], now: Int64,
        settings: RecommendationSettings
    ) -> RecommendationHistory {
        history(events, products: products, now: now, settings: settings, record: nil)
    }

    /// The same, telling `record` each event's part of its product's weight (explanations);
    /// `numbered` is `events`' products numbered, when the caller has them already.
    static func history(
        _ events: [Event], products: [Int64: Product], now: Int64,
        settings: RecommendationSettings, record: ((HistoryPart) -> Void)?, numbered: ProductNumbers? = nil
    ) -> RecommendationHistory {
        let numbers = numbered ?? ProductNumbers(events)
        var keyOf: [String: Int] = [:]
        // Each product's key is found once: a history repeats its products, and a category's
        // text need not be hashed for every event.
        // Per product number, its number here (`productList`) and its category's key, found together.
        var slotOfProduct = [(slot: Int, key: Int)?](repeating: nil, count: numbers.products.count)
        var productList: [Int64] = []
        var names: [String] = []
        var items: [SpikeDamping.Item] = []
        var slotOf: [Int] = []
        var eventOf: [Event] = []
        for (i, e) in events.enumerated() {
            let n = Int(numbers.ofEvent[i])
            guard n >= 0 else { continue }
            let p = numbers.products[n]
            let w = historyWeight(e)
            guard w > 0 else { continue }
            let found: (slot: Int, key: Int)
            if let known = slotOfProduct[n] {
                found = known
            } else {
                let name = categoryKey(p, products)
                let key = keyOf[name] ?? names.count
                if key == names.count {
                    keyOf[name] = key
                    names.append(name)
                }
                found = (productList.count, key)
                productList.append(p)
                slotOfProduct[n] = found
            }
            items.append(SpikeDamping.Item(key: found.key, time: e.time, weight: w))
            slotOf.append(found.slot)
            if record != nil { eventOf.append(e) }
        }
        let (factors, spikes) = settings.damping.factors(items) { names[$0] }
        var weight = [Double](repeating: 0, count: productList.count)
        // Ages count back from the customer's own newest event (not the store's date): "what
        // comes next" follows their timeline, a customer away for a year keeps the order of
        // their last items, and `eval recs`, which stops each history at its held-out event,
        // scores exactly this.
        let anchor = min(now, items.map(\.time).max() ?? now)
        for (i, item) in items.enumerated() {
            let age = max(0, Double(anchor - item.time)) / 86_400
            let decay = exp(-age / settings.tauDays)
            weight[slotOf[i]] += item.weight * factors[i] * decay
            record?(HistoryPart(event: eventOf[i], typeWeight: item.weight, damping: factors[i], timeWeight: decay))
        }
        let ranked = zip(productList, weight).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return RecommendationHistory(
            items: ranked.prefix(settings.historyLength).map { ($0.0, $0.1) },
            dampedSpikes: spikes)
    }

    /// What an event says about what comes next. A rating of any score means the item was consumed, so it
    /// counts like a good rating here (validation on MovieLens: HR@10 0.180 against 0.172 with the stars'
    /// weights); the stars still shape preferences.
    public static func historyWeight(_ e: Event) -> Double {
        e.type == .rating ? 4 : PreferenceSettings.weight(e)
    }

    /// The unit bursts are measured in: the product's category, else the product itself.
    static func categoryKey(_ p: Int64, _ products: [Int64: Product]) -> String {
        if let c = products.category(of: p), !c.isEmpty { return c }
        return "#\(p)"
    }

    /// Raw scores for every candidate, with each source's contribution.
    static func score(history: [(product: Int64, weight: Double)], model: any NeighborLookup)
        -> [Int64: [(Int64, Double, Bool)]]
    {
        var contributions: [Int64: [(Int64, Double, Bool)]] = [:]
        // One request for every source's list: a session's lookup reads its misses in one query.
        let lists = model.neighborLists(of: history.map(\.product))
        for ((source, w), list) in zip(history, lists) {
            for n in list {
                contributions[n.product, default: []].append((source, w * n.weight, n.boughtTogether))
            }
        }
        return contributions
    }

    /// The one ranking of personal candidates, used by `recommend` and by offline evaluation:
    /// candidates `keep` accepts, best first (ties: smaller product key), the first `limit` of
    /// them. A long history has thousands of candidates: each gets a total, and only those kept
    /// get their sources gathered and sorted.
    static func rank(
        history: [(product: Int64, weight: Double)], model: any NeighborLookup, limit: Int = .max,
        keep: (Int64) -> Bool
    ) -> [ScoredCandidate] {
        let lists = model.neighborLists(of: history.map(\.product))
        // Summed in the order `score` lists a candidate's contributions (history, then list
        // order), so each total is the same to the bit.
        var totals: [Int64: Double] = [:]
        for ((_, w), list) in zip(history, lists) {
            for n in list { totals[n.product, default: 0] += w * n.weight }
        }
        var ranked: [(product: Int64, score: Double)] = []
        for (p, total) in totals where keep(p) { ranked.append((p, total)) }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.product < $1.product }
        let top = ranked.prefix(limit)
        var position: [Int64: Int] = [:]
        for (i, c) in top.enumerated() { position[c.product] = i }
        var sources = [[(Int64, Double, Bool)]](repeating: [], count: top.count)
        for ((source, w), list) in zip(history, lists) {
            for n in list {
                if let i = position[n.product] { sources[i].append((source, w * n.weight, n.boughtTogether)) }
            }
        }
        return zip(top, sources).map { c, s in
            ScoredCandidate(product: c.product, score: c.score, sources: s.sorted { $0.1 > $1.1 })
        }
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

    /// Items the customer has already had: non-gift purchases and ratings, products viewed
    /// `ownedAfterViews` times or more, and (when set) products viewed in their last session.
    /// One pass over the events, without filtered copies of them or a product key hashed per
    /// event (a profile's 10,000); `numbered`: `shaping`'s products numbered, when the caller has them.
    static func consumed(_ shaping: [Event], numbered given: ProductNumbers? = nil, settings: RecommendationSettings)
        -> Set<Int64>
    {
        let numbered = given ?? ProductNumbers(shaping)
        var owned = [Bool](repeating: false, count: numbered.products.count)
        var views = [Int](repeating: 0, count: settings.ownedAfterViews > 0 ? numbered.products.count : 0)
        for (i, e) in shaping.enumerated() {
            let n = Int(numbered.ofEvent[i])
            guard n >= 0 else { continue }
            if e.type == .purchase || e.type == .rating {
                owned[n] = true
            } else if e.type == .view && settings.ownedAfterViews > 0 {
                views[n] += 1
            }
        }
        for n in views.indices where views[n] >= settings.ownedAfterViews { owned[n] = true }
        if settings.lastSessionViewsOwned, let start = lastSessionStart(shaping, gap: settings.sessionGap) {
            for (i, v) in shaping.enumerated() where v.type == .view && v.time >= start && numbered.ofEvent[i] >= 0 {
                owned[Int(numbered.ofEvent[i])] = true
            }
        }
        var out = Set<Int64>()
        for n in owned.indices where owned[n] { out.insert(numbered.products[n]) }
        return out
    }

    /// When the customer's newest session began: walk back from the newest event while the
    /// gaps stay within `gap`. A history comes in time order: sorted only when it does not.
    static func lastSessionStart(_ events: [Event], gap: Int64) -> Int64? {
        let inOrder = zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time }
        let times = inOrder ? events.reversed().map(\.time) : events.map(\.time).sorted(by: >)
        guard var start = times.first else { return nil }
        for t in times.dropFirst() {
            guard start - t <= gap else { break }
            start = t
        }
        return start
    }

    public static func recommend(
        _ input: RecommendationInput, products: [Int64: Product], model: any NeighborLookup,
        popularity: Popularity, settings: RecommendationSettings = RecommendationSettings(),
        now: Int64
    ) -> [Recommendation] {
        recommendWithHistory(
            input, products: products, model: model, popularity: popularity,
            settings: settings, now: now
        ).recommendations
    }

    /// The list and the history behind it (whose damped spikes the profile can show).
    public static func recommendWithHistory(
        _ input: RecommendationInput, products: [Int64: Product],
        model: any NeighborLookup, popularity: Popularity,
        settings: RecommendationSettings = RecommendationSettings(),
        now: Int64
    ) -> (
        recommendations: [Recommendation],
        history: RecommendationHistory
    ) {
        var list = ListBuilder(input: input, products: products, settings: settings, now: now)
        guard settings.k > 0 else { return ([], RecommendationHistory(items: [], dampedSpikes: [])) }
        guard input.consent.allowsPersonalization else {
            list.addPopularWithoutConsent(popularity)
            return (list.out, RecommendationHistory(items: [], dampedSpikes: []))
        }
        let hist = history(
            list.shaping, products: products, now: now, settings: settings, record: nil, numbered: list.numbered)
        list.addReplenishment()
        let slots = settings.explorationSlots
        let explore = slots > 0 ? list.explorationCandidates(popularity) : []
        // A list takes at most k personal items, and a candidate it passes over is one already on
        // it: none past the k-th is ever reached.
        let ranked =
            hist.items.count >= 2
            ? rank(history: hist.items, model: model, limit: settings.k) { list.isCandidate($0) } : []
        let personal = settings.k - slots
        list.addPersonal(ranked, upTo: personal)
        list.addPopular(popularity, upTo: personal)
        list.addExploration(explore, upTo: min(settings.k, list.out.count + slots))
        // Exploration ran short: personal items fill in; personal items ran short: exploration does.
        list.addPersonal(ranked, upTo: settings.k)
        list.addPopular(popularity, upTo: settings.k)
        list.addExploration(explore, upTo: settings.k)
        return (list.out, hist)
    }

    static func times(_ n: Int) -> String { n == 1 ? "once" : n == 2 ? "twice" : "\(n) times" }

    /// "viewed twice and clicked once": each kind of event with its own count.
    static func describe(_ types: [EventType]) -> String {
        let verbs: [(EventType, String)] = [
            (.purchase, "bought"), (.cart, "added to your cart"), (.rating, "rated"),
            (.click, "clicked"), (.view, "viewed")
        ]
        let parts = verbs.compactMap { t, verb -> String? in
            let n = types.filter { $0 == t }.count
            return n == 0 ? nil : "\(verb) \(times(n))"
        }
        guard let last = parts.last else { return "looked at" }
        return parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + " and " + last
    }
}

/// Assembles one customer's list in order: replenishment, personal, popular, exploration.
struct ListBuilder {
    let input: RecommendationInput
    let products: [Int64: Product]
    let settings: RecommendationSettings
    let now: Int64
    let shaping: [Event]
    /// `shaping`'s products numbered once, for the passes over it.
    let numbered: ProductNumbers
    let owned: Set<Int64>
    /// Most customers state no dislike: then a product is allowed when the catalogue has it.
    let hasDislikes: Bool
    var out: [Recommendation] = []
    var used = Set<Int64>()

    init(input: RecommendationInput, products: [Int64: Product], settings: RecommendationSettings, now: Int64) {
        self.input = input
        self.products = products
        self.settings = settings
        self.now = now
        // Recommendations shown and clicked measure the recommender; they do not shape it (nor
        // start the "last session" whose views count as seen).
        // Most histories hold no recommendation events: then the events are not copied.
        let measuring = input.events.contains { $0.type.isRecommendationEvent }
        shaping = Preferences.shapingEvents(
            measuring ? input.events.filter { !$0.type.isRecommendationEvent } : input.events)
        numbered = ProductNumbers(shaping)
        // Gifts shape nothing, and are not offered back to the person who gave them.
        owned = Recommender.consumed(shaping, numbered: numbered, settings: settings)
            .union(input.events.filter(\.isGift).compactMap(\.product))
        hasDislikes = input.stated.contains { $0.polarity == .dislike }
    }

    var isFull: Bool { out.count >= settings.k }

    /// Asked for thousands of candidates per list: the product is copied out of the catalogue
    /// only when a dislike could exclude it.
    func allowed(_ p: Int64) -> Bool {
        guard hasDislikes else { return products.index(forKey: p) != nil }
        guard let prod = products[p] else { return false }
        return !Recommender.isDisliked(prod, input.stated)
    }

    func isCandidate(_ p: Int64) -> Bool { !owned.contains(p) && !used.contains(p) && allowed(p) }

    func title(_ p: Int64) -> String {
        guard let prod = products[p] else { return "#\(p)" }
        return prod.title.isEmpty ? prod.externalId : prod.title
    }

    mutating func append(_ p: Int64, score: Double, kind: RecommendationKind, reason: String, sources: [Int64] = []) {
        out.append(Recommendation(product: p, score: score, kind: kind, reason: reason, sources: sources))
        used.insert(p)
    }

    /// No consent to personalise: popular items only, and say so; owned items stay out.
    mutating func addPopularWithoutConsent(_ popularity: Popularity) {
        let k = settings.k
        for p in popularity.overall where !isFull && isCandidate(p) {
            append(
                p, score: Double(k - out.count) / Double(k), kind: .popularNoConsent,
                reason: "popular with all customers (no personalization consent)")
        }
    }

    /// Regular habits that are due (or due within a week) come first; lapsed ones do not.
    mutating func addReplenishment() {
        for r in input.replenishment where !r.lapsed && r.daysUntilDue <= 7 && allowed(r.product) && !isFull {
            append(r.product, score: 1, kind: .replenish, reason: "\(r.whenText): \(r.basis)", sources: [r.product])
        }
    }

    /// What the customer did with each product and when last, for the products a reason can
    /// name (the candidates' top sources): the reasons' words, gathered once per list (personal
    /// items are added in two passes), not for every product of a long history.
    var doneWith: (types: [Int64: [EventType]], lastSeen: [Int64: Int64])?

    /// The sources are asked for once per product (`numbered`: `shaping`'s products numbered,
    /// when the caller has them), not once per event.
    static func doneWith(_ shaping: [Event], numbered given: ProductNumbers? = nil, sources: Set<Int64>) -> (
        types: [Int64: [EventType]], lastSeen: [Int64: Int64]
    ) {
        let numbered = given ?? ProductNumbers(shaping)
        let wanted = numbered.products.map { sources.contains($0) }
        var types: [Int64: [EventType]] = [:]
        var lastSeen: [Int64: Int64] = [:]
        for (i, e) in shaping.enumerated() {
            let n = Int(numbered.ofEvent[i])
            guard n >= 0, wanted[n], let p = e.product else { continue }
            types[p, default: []].append(e.type)
            lastSeen[p] = max(lastSeen[p] ?? e.time, e.time)
        }
        return (types, lastSeen)
    }

    mutating func addPersonal(_ ranked: [ScoredCandidate], upTo limit: Int) {
        guard out.count < limit, !ranked.isEmpty else { return }
        let (types, lastSeen) =
            doneWith ?? Self.doneWith(shaping, numbered: numbered, sources: Set(ranked.map { $0.sources[0].0 }))
        doneWith = (types, lastSeen)
        for c in ranked where out.count < limit && !used.contains(c.product) {
            let (top, _, boughtTogether) = c.sources[0]
            let seen = types[top] ?? []
            let bought = seen.filter { $0 == .purchase }.count
            let rated = seen.contains(.rating)
            // "Bought with" only where customers bought both; a link from views and carts is
            // "often seen with".
            let link = boughtTogether ? "bought with" : "often seen with"
            var reason = "\(link) \(title(top)), which you \(Recommender.describe(seen))"
            // An old source is still a source, but the reason says how old: the profile's
            // preferences may no longer show it.
            if let last = lastSeen[top], now - last > 180 * 86_400 {
                reason += ", last \(Plural.count(Int(Double(now - last) / 86_400 / 30.44), "month")) ago"
            }
            append(
                c.product, score: c.score,
                kind: bought > 0 ? .becauseYouBought : rated ? .becauseYouRated : .becauseYouViewed,
                reason: reason, sources: c.sources.prefix(3).map { $0.0 })
        }
    }

    /// Too little history (or too few neighbours): popular in the customer's segment, then overall,
    /// each labelled with where it came from.
    mutating func addPopular(_ popularity: Popularity, upTo limit: Int) {
        if let seg = input.segment {
            for p in popularity.bySegment[seg] ?? [] where out.count < limit && isCandidate(p) {
                append(p, score: 0, kind: .popularInSegment, reason: "popular with \(seg)")
            }
        }
        for p in popularity.overall where out.count < limit && isCandidate(p) {
            append(p, score: 0, kind: .popularOverall, reason: "popular with all customers")
        }
    }

    /// Everything exploration could offer, outside the customer's categories, sources interleaved
    /// in an order drawn per customer and day; each source's first pick is drawn the same way
    /// from its top few.
    func explorationCandidates(_ popularity: Popularity) -> [(Int64, RecommendationKind, String)] {
        // The family is a set of categories: each product's asked once, not once per event.
        let mine = CategoryFamily(numbered.products.compactMap { products.category(of: $0) })
        var known: [Int64: Bool] = [:]
        // Products share categories: each category's path is lowercased and split once.
        var related: [String: Bool] = [:]
        // Each product is asked about several times (trending, overall, segment): answer once.
        func outside(_ p: Int64) -> Bool {
            if let answer = known[p] { return answer }
            var answer = false
            if isCandidate(p), let category = products.category(of: p) {
                let isRelated = related[category] ?? mine.isRelated(category)
                related[category] = isRelated
                answer = !isRelated
            }
            known[p] = answer
            return answer
        }
        // Seeded per customer and day: customers differ on one day, and one customer's pick
        // changes from one day to the next (the day of the as-of date).
        let customer = UInt64(bitPattern: input.customer ?? input.events.first?.customer ?? 0)
        let seed = mix(customer ^ mix(UInt64(bitPattern: Day.of(now))))
        let pool = max(1, settings.trendingPool)
        /// Brings one of the first `pool` products, chosen by `part` of the seed, to the front.
        func rotated(_ list: [Int64], _ part: UInt64) -> [Int64] {
            let n = min(list.count, pool)
            guard n > 1 else { return list }
            var out = list
            out.swapAt(0, Int(mix(seed ^ part) % UInt64(n)))
            return out
        }
        let trending = rotated(popularity.trending.filter(outside), 1)
        var newCategory: [Int64] = []
        var categories = Set<String>()
        for p in popularity.overall where outside(p) {
            let c = products.category(of: p) ?? ""
            if categories.insert(c).inserted { newCategory.append(p) }
        }
        newCategory = rotated(newCategory, 2)
        let segment = rotated(input.segment.flatMap { popularity.bySegment[$0] }?.filter(outside) ?? [], 3)
        var sources: [[(Int64, RecommendationKind, String)]] = [
            trending.map { ($0, .exploreTrending, "exploring: trending this month") },
            newCategory.map {
                (
                    $0, .exploreNewCategory,
                    "exploring: a category you have not tried (\(products[$0]?.category ?? ""))"
                )
            },
            segment.map { ($0, .exploreSegment, "exploring: popular with \(input.segment ?? "")") }
        ]
        let offset = Int(mix(seed ^ 4) % UInt64(sources.count))
        sources = Array(sources[offset...] + sources[..<offset])
        return interleave(sources)
    }

    /// Round-robin over the sources, each product once.
    func interleave(_ sources: [[(Int64, RecommendationKind, String)]]) -> [(Int64, RecommendationKind, String)] {
        var out: [(Int64, RecommendationKind, String)] = []
        var seen = Set<Int64>()
        let longest = sources.map(\.count).max() ?? 0
        for i in 0..<longest {
            for s in sources where i < s.count && seen.insert(s[i].0).inserted { out.append(s[i]) }
        }
        return out
    }

    mutating func addExploration(_ candidates: [(Int64, RecommendationKind, String)], upTo limit: Int) {
        for c in candidates where out.count < limit && !used.contains(c.0) {
            append(c.0, score: 0, kind: c.1, reason: c.2)
        }
    }

    /// SplitMix64: a fixed per-customer number (Swift's Hasher is seeded per process).
    func mix(_ x: UInt64) -> UInt64 {
        var draw = SeededRandom(state: x)
        return draw.next()
    }
}

/// The categories a customer has events in, with their ancestors, for asking whether another
/// category is the same, a parent or a subcategory of one of them without comparing each pair.
struct CategoryFamily {
    private var own = Set<String>()
    private var ancestors = Set<String>()

    init(_ categories: [String]) {
        for c in Set(categories) where !c.isEmpty {
            let path = c.lowercased()
            own.insert(path)
            for prefix in Self.properPrefixes(path) { ancestors.insert(prefix) }
        }
    }

    /// The same category, an ancestor of one of the customer's, or a descendant of one.
    func isRelated(_ category: String) -> Bool {
        let path = category.lowercased()
        if own.contains(path) || ancestors.contains(path) { return true }
        return Self.properPrefixes(path).contains { own.contains($0) }
    }

    /// "a/b/c" → ["a", "a/b"].
    static func properPrefixes(_ path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { parts[0..<$0].joined(separator: "/") }
    }
}

/// A history's products numbered densely, in the order they first come: the recommender's passes
/// over a long history index arrays by these numbers instead of hashing a product key per event.
struct ProductNumbers {
    /// Per event, its product's number; -1 for an event without a product.
    let ofEvent: [Int32]
    /// Per number, the product's key.
    let products: [Int64]

    init(_ events: [Event]) {
        var numberOf: [Int64: Int32] = [:]
        var ofEvent: [Int32] = []
        ofEvent.reserveCapacity(events.count)
        var products: [Int64] = []
        for e in events {
            guard let p = e.product else {
                ofEvent.append(-1)
                continue
            }
            if let n = numberOf[p] {
                ofEvent.append(n)
            } else {
                let n = Int32(products.count)
                numberOf[p] = n
                products.append(p)
                ofEvent.append(n)
            }
        }
        self.ofEvent = ofEvent
        self.products = products
    }
}
