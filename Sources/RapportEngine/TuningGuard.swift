import Foundation

/// The temporal-weighting promise a tuning of the recommender must keep: a year of everyday
/// habit stays ahead of a one-week burst. Validation alone chose damping off or a τ of minutes on
/// small stores, and then most recommendations came from one anomalous week while the profile
/// (same screen) said the habit led. So the search is constrained:
///
/// - damping stays on (the same caps as preferences);
/// - τ has a floor, `tauFloor(damping:)`: the smallest τ at which the recommender's own history
///   keeps a synthetic year of daily habit ahead of a week's burst that ends the history;
/// - a setting must keep the habit ahead in the store's own spike cases (customers with a damped
///   burst outside their leading category, where the reference settings keep the habit ahead).
public struct TuningGuard: Sendable {
    /// The damping every tuned setting uses (the preferences' caps).
    public var damping: SpikeDamping
    /// The smallest τ a tuning may choose, in days.
    public var tauFloorDays: Double
    /// The store's own spike cases.
    public var cases: [SpikeCase]

    /// One customer whose history holds a damped burst outside the category they lead with.
    public struct SpikeCase: Sendable {
        public var customer: Int64
        public var events: [Event]
        /// The category leading the customer's history with the reference settings.
        public var habit: String
        /// The category of the damped burst.
        public var burst: String
    }

    /// At most this many spike cases are checked (an even spread over customers).
    public static let maxCases = 200

    public init(damping: SpikeDamping, tauFloorDays: Double, cases: [SpikeCase] = []) {
        self.damping = damping
        self.tauFloorDays = tauFloorDays
        self.cases = cases
    }

    /// The guard for a store: the floor for `damping`, and the spike cases among `events`
    /// (all customers' events) found with the reference settings (the preferences' τ, damping on).
    public init(events: [Event], products: [Int64: Product], damping: SpikeDamping, referenceTauDays: Double) {
        self.init(
            damping: damping, tauFloorDays: Self.tauFloor(damping: damping),
            cases: Self.spikeCases(
                events: events, products: products, damping: damping, referenceTauDays: referenceTauDays))
    }

    /// Why a setting breaks the promise, or nil when it keeps it.
    public func rejection(tauDays: Double, damping d: SpikeDamping, products: [Int64: Product]) -> String? {
        if d == .off || d != damping { return "damping off" }
        if tauDays < tauFloorDays {
            return "τ below the floor of \(Self.days(tauDays: tauFloorDays)) days"
        }
        let lost = casesLost(tauDays: tauDays, products: products)
        if lost > 0 {
            return "the burst leads the habit in \(lost) of \(cases.count) spike cases"
        }
        return nil
    }

    /// Spike cases in which the burst gets ahead of the habit with this τ.
    public func casesLost(tauDays: Double, products: [Int64: Product]) -> Int {
        cases.filter { !Self.habitAhead($0, tauDays: tauDays, damping: damping, products: products) }.count
    }

    /// The τ values a search may use: those of `grid` at or above the floor, and the floor itself
    /// when the grid had smaller ones (the most recency-minded setting the promise allows).
    public func allowedTaus(_ grid: [Double]) -> [Double] {
        var out = grid.filter { $0 >= tauFloorDays }
        if out.count < grid.count && !out.contains(tauFloorDays) { out.insert(tauFloorDays, at: 0) }
        return out
    }

    // MARK: The floor

    static let day: Int64 = 86_400

    /// A year of habit (one purchase a day, the product changing monthly) and then a week's burst
    /// in a category the customer never touched: five views and a purchase a day, each of a
    /// different product. The habit pauses during the burst week, so the burst is the newest thing
    /// in the history: the case most favourable to the burst.
    static func floorScenario() -> (events: [Event], products: [Int64: Product]) {
        var products: [Int64: Product] = [:]
        for p in 1...12 {
            products[Int64(p)] = Product(
                id: Int64(p), externalId: "H\(p)", title: "", category: "habit", brand: "", price: 10)
        }
        for p in 101...142 {
            products[Int64(p)] = Product(
                id: Int64(p), externalId: "B\(p)", title: "", category: "burst", brand: "", price: 10)
        }
        var events: [Event] = []
        var id: Int64 = 0
        func add(_ product: Int64, _ type: EventType, _ time: Int64) {
            id += 1
            events.append(Event(id: id, customer: 1, product: product, type: type, time: time, amount: 10))
        }
        for d in 0..<358 { add(Int64(1 + (d / 30) % 12), .purchase, Int64(d) * day + 9 * 3600) }
        for d in 358..<365 {
            for v in 0..<5 { add(Int64(101 + (d - 358) * 6 + v), .view, Int64(d) * day + Int64(10 + v) * 3600) }
            add(Int64(101 + (d - 358) * 6 + 5), .purchase, Int64(d) * day + 16 * 3600)
        }
        return (events, products)
    }

    /// The smallest τ (days, on a grid of ratio 1.25 from 0.001 to 365) from which the scenario's
    /// habit stays at least twice the burst, rounded up to two significant digits.
    public static func tauFloor(damping: SpikeDamping) -> Double {
        damping == SpikeDamping() ? defaultTauFloor : computeTauFloor(damping: damping)
    }

    /// The floor with the shipped caps, computed once.
    static let defaultTauFloor = computeTauFloor(damping: SpikeDamping())

    static func computeTauFloor(damping: SpikeDamping) -> Double {
        let (events, products) = floorScenario()
        let scenario = SpikeCase(customer: 1, events: events, habit: "habit", burst: "burst")
        var taus: [Double] = []
        var t = 0.001
        while t < 365 {
            taus.append(t)
            t *= 1.25
        }
        taus.append(365)
        // From the top down: the floor is where the habit first falls behind.
        var floor = taus[0]
        for tau in taus.reversed() {
            guard habitAhead(scenario, tauDays: tau, damping: damping, products: products, margin: floorMargin)
            else { break }
            floor = tau
        }
        return roundedUp(floor)
    }

    static func roundedUp(_ x: Double) -> Double {
        guard x > 0 else { return x }
        let scale = pow(10, floor(log10(x)) - 1)
        return (x / scale).rounded(.up) * scale
    }

    /// "17", "0.5": a τ as the messages show it.
    public static func days(tauDays: Double) -> String { String(format: "%g", tauDays) }

    // MARK: Spike cases

    /// The recommender's history weight per category (the unit bursts are measured in).
    static func categoryWeights(
        _ events: [Event], tauDays: Double, damping: SpikeDamping, products: [Int64: Product]
    ) -> (weights: [String: Double], spikes: [DampedSpike]) {
        var settings = RecommendationSettings(k: 10, explorationShare: 0, tauDays: tauDays, damping: damping)
        settings.historyLength = .max
        let shaping = Preferences.shapingEvents(events)
        let now = shaping.map(\.time).max() ?? 0
        let h = Recommender.history(shaping, products: products, now: now, settings: settings)
        var out: [String: Double] = [:]
        for item in h.items { out[Recommender.categoryKey(item.product, products), default: 0] += item.weight }
        return (out, h.dampedSpikes)
    }

    /// Whether the habit's history weight is more than `margin` times the burst's.
    static func habitAhead(
        _ c: SpikeCase, tauDays: Double, damping: SpikeDamping, products: [Int64: Product], margin: Double = 1
    ) -> Bool {
        let w = categoryWeights(c.events, tauDays: tauDays, damping: damping, products: products).weights
        return (w[c.habit] ?? 0) > margin * (w[c.burst] ?? 0)
    }

    /// How far ahead the scenario's habit must stay at the floor: twice the burst's weight, so the
    /// burst's many products do not outnumber the habit's in a list (at a bare lead, 5 of 10).
    static let floorMargin = 2.0

    /// Customers whose history, with the reference settings, holds a damped burst in a category
    /// other than the one leading it, and keeps that leader ahead: the promise to keep.
    public static func spikeCases(
        events: [Event], products: [Int64: Product], damping: SpikeDamping, referenceTauDays: Double
    ) -> [SpikeCase] {
        var byCustomer: [Int64: [Event]] = [:]
        for e in events where e.product != nil { byCustomer[e.customer, default: []].append(e) }
        var out: [SpikeCase] = []
        for (customer, list) in byCustomer.sorted(by: { $0.key < $1.key }) {
            let sorted = list.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
            let (weights, spikes) = categoryWeights(
                sorted, tauDays: referenceTauDays, damping: damping, products: products)
            guard
                let leader = weights.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key,
                let burst = spikes.map(\.key).first(where: { $0 != leader && (weights[$0] ?? 0) < weights[leader]! })
            else { continue }
            out.append(SpikeCase(customer: customer, events: sorted, habit: leader, burst: burst))
        }
        guard out.count > maxCases else { return out }
        return (0..<maxCases).map { out[$0 * out.count / maxCases] }
    }
}
