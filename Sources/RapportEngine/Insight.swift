import Foundation

/// Batch state every customer's insight uses: fitted models, thresholds and popularity,
/// as of one moment. Built by `rapport refresh` (and after imports); small enough to keep
/// in memory and to store as JSON.
public struct EngineModel: Sendable, Codable, Equatable {
    /// The analysis date: figures are computed as of this time.
    public var asOf: Int64
    public var bgnbd: BGNBD?
    public var gammaGamma: GammaGamma?
    public var rfm: RFMThresholds
    public var popularity: Popularity

    public init(asOf: Int64, bgnbd: BGNBD?, gammaGamma: GammaGamma?, rfm: RFMThresholds, popularity: Popularity) {
        self.asOf = asOf
        self.bgnbd = bgnbd
        self.gammaGamma = gammaGamma
        self.rfm = rfm
        self.popularity = popularity
    }
}

/// Who the customer is, for the engine (no names needed).
public struct CustomerFacts: Sendable {
    public var key: Int64
    public var consent: Consent
    public var stated: [StatedPreference]
    public var statedChannel: String?
    public var signup: Int64?
    public init(key: Int64, consent: Consent, stated: [StatedPreference], statedChannel: String?, signup: Int64?) {
        self.key = key
        self.consent = consent
        self.stated = stated
        self.statedChannel = statedChannel
        self.signup = signup
    }
}

/// Per-customer figures the list sorts on (and the lifecycle panel shows).
public struct CustomerFigures: Sendable, Equatable, Codable {
    public var orders: Int
    public var spend: Double
    public var firstPurchase: Int64?
    public var lastPurchase: Int64?
    public var lastEvent: Int64?
    public var recencyDays: Int?
    public var rfm: RFMScore?
    public var summary: RFMSummary?
    public var pAlive: Double?
    public var expected30: Double?
    public var expected90: Double?
    public var expected365: Double?
    public var expectedSpend: Double?
    public var clv12m: Double?
    public var stage: LifecycleStage
    public var firstEvent: Int64?
    /// Mean value of repeat purchase days (the first purchase day is excluded, as in Gamma-Gamma).
    public var meanRepeatSpend: Double?

    /// Purchases on a single day only: P(alive) is n/a and the CLV rests mostly on the prior.
    public var singlePurchase: Bool { summary.map { $0.x == 0 } ?? false }
}

/// Lifecycle stages. With purchases: from P(alive) (active ≥ 0.7, at risk ≥ 0.4, lapsing ≥
/// 0.15, else lost), or without a fitted model from the gap against the customer's own pace;
/// a first purchase within 90 days is new. One-time buyers have no P(alive) (BG/NBD gives 1 by
/// construction) and are staged by days since that purchase (≤ 90 new, ≤ 180 at risk, ≤ 365
/// lapsing, else lost). More than 365 days since the last order is at best lapsing, whatever
/// P(alive) says. Without purchases: new if first seen within 90 days, else lost.
public enum LifecycleStage: String, Sendable, Codable, CaseIterable {
    case new, active, atRisk = "at risk", lapsing, lost
}

extension CustomerFigures {
    /// Fills in what the fitted models say: RFM scores, P(alive), expected purchases, CLV, stage.
    public mutating func apply(_ model: EngineModel) {
        if let recencyDays {
            rfm = model.rfm.score(recencyDays: Double(recencyDays), frequency: Double(orders), monetary: spend)
        }
        if let s = summary {
            if let bg = model.bgnbd {
                pAlive = Figures.pAlive(s, bg)
                expected30 = bg.expectedPurchases(s, t: 30 / 7)
                expected90 = bg.expectedPurchases(s, t: 90 / 7)
                expected365 = bg.expectedPurchases(s, t: 365 / 7)
            }
            expectedSpend = Figures.expectedSpend(s, meanRepeatSpend: meanRepeatSpend, model)
            if let e = expected365, let m = expectedSpend { clv12m = e * m }
        }
        stage = Figures.stage(self, asOf: model.asOf)
    }
}

/// The lifecycle figures an account shows (`AccountFigures`): those `CustomerFigures.apply`
/// gives, computed the same way, without the ones accounts never show (RFM, stage, the 30-
/// and 365-day expectations but as the CLV's factor).
public struct LifecycleEstimates: Sendable, Equatable {
    public var pAlive: Double?
    public var expected90: Double?
    public var clv12m: Double?

    /// From a scope's purchase statistics; all nil without a fitted model or a purchase.
    public init(_ statistics: PurchaseStatistics, model: EngineModel?, asOf: Int64) {
        guard let model, let bg = model.bgnbd, let s = statistics.summary(asOf: asOf, unitDays: 7) else { return }
        pAlive = Figures.pAlive(s, bg)
        expected90 = bg.expectedPurchases(s, t: 90 / 7)
        let expected365 = bg.expectedPurchases(s, t: 365 / 7)
        clv12m = expected365 * Figures.expectedSpend(s, meanRepeatSpend: statistics.meanRepeatSpend, model)
    }
}

public enum Figures {
    /// BG/NBD gives P(alive) = 1 to anyone without a repeat purchase, by construction: that is
    /// no evidence, so it is left out (n/a) rather than shown as certainty. The modified model
    /// lets them drop out, so its P(alive) says something.
    static func pAlive(_ s: RFMSummary, _ bg: BGNBD) -> Double? {
        s.x > 0 || bg.isModified ? bg.pAlive(s) : nil
    }

    /// The expected spend per order: Gamma-Gamma's, or the mean repeat spend without a fit.
    static func expectedSpend(_ s: RFMSummary, meanRepeatSpend: Double?, _ model: EngineModel) -> Double {
        let mean = meanRepeatSpend ?? 0
        // One order: Gamma-Gamma's prior mean alone is the population's, not theirs. Their one
        // order is taken as one observation, which shrinks the prior toward it.
        return model.gammaGamma?.expectedSpend(x: s.x > 0 ? s.x : 1, mean: mean) ?? mean
    }

    /// Recency, frequency, value and lifecycle of one customer from their events.
    public static func compute(events: [Event], model: EngineModel?, asOf: Int64) -> CustomerFigures {
        compute(PurchaseStatistics.of(events: events, asOf: asOf), model: model, asOf: asOf)
    }

    /// The same from the customer's purchase statistics.
    public static func compute(_ s: PurchaseStatistics, model: EngineModel?, asOf: Int64) -> CustomerFigures {
        var f = base(s, asOf: asOf)
        if let model { f.apply(model) } else { f.stage = stage(f, asOf: asOf) }
        return f
    }

    /// The figures that need no fitted model: one pass over the customer's events.
    public static func base(events: [Event], asOf: Int64) -> CustomerFigures {
        base(PurchaseStatistics.of(events: events, asOf: asOf), asOf: asOf)
    }

    /// The figures that need no fitted model, from a customer's purchase statistics (computed
    /// here from events, or by the database that holds them).
    public static func base(_ s: PurchaseStatistics, asOf: Int64) -> CustomerFigures {
        CustomerFigures(
            orders: s.purchaseDays, spend: s.spend, firstPurchase: s.firstPurchase, lastPurchase: s.lastPurchase,
            lastEvent: s.lastEvent, recencyDays: s.lastPurchase.map { Int(Day.of(asOf) - Day.of($0)) },
            rfm: nil, summary: s.summary(asOf: asOf, unitDays: 7), pAlive: nil, expected30: nil, expected90: nil,
            expected365: nil, expectedSpend: nil, clv12m: nil, stage: .lost,
            firstEvent: s.firstEvent, meanRepeatSpend: s.meanRepeatSpend)
    }

    static func stage(_ f: CustomerFigures, asOf: Int64) -> LifecycleStage {
        guard let s = f.summary, let first = f.firstPurchase else {
            guard let firstSeen = f.firstEvent else { return .new }
            return Day.of(asOf) - Day.of(firstSeen) <= 90 ? .new : .lost
        }
        if Day.of(asOf) - Day.of(first) <= 90 { return .new }
        if s.x == 0 {
            let since = f.recencyDays ?? Int.max
            return since <= 90 ? .new : since <= 180 ? .atRisk : since <= 365 ? .lapsing : .lost
        }
        let byModel: LifecycleStage
        if let p = f.pAlive {
            byModel = p >= 0.7 ? .active : p >= 0.4 ? .atRisk : p >= 0.15 ? .lapsing : .lost
        } else {
            // No population model (too few customers to fit one): the time since the last order
            // against the customer's own pace.
            let pace = max(1, s.tx * 7 / Double(s.x))
            let late = Double(f.recencyDays ?? 0) / pace
            byModel = late <= 1.5 ? .active : late <= 3 ? .atRisk : late <= 6 ? .lapsing : .lost
        }
        // A slow buyer keeps a high P(alive) for a long time; a year without an order is still
        // not "active" or "at risk" to anyone reading the profile.
        if (f.recencyDays ?? 0) > 365, byModel == .active || byModel == .atRisk { return .lapsing }
        return byModel
    }

    /// Spend per 30-day period back from the as-of day, the last `months` of them, oldest first.
    public static func monthlySpend(events: [Event], asOf: Int64, months: Int = 24) -> [Double] {
        var out = [Double](repeating: 0, count: months)
        let endDay = Day.of(asOf)
        for e in events where e.type == .purchase || e.type == .return {
            let back = Int((endDay - Day.of(e.time)) / 30)
            if back >= 0 && back < months { out[months - 1 - back] += e.amount }
        }
        return out
    }
}

/// Everything the profile shows that the data says, with reasons.
public struct CustomerInsight: Sendable, Codable {
    public var asOf: Int64
    public var inferred: [InferredPreference]
    public var stated: [StatedPreference]
    public var figures: CustomerFigures
    public var recommendations: [Recommendation]
    public var replenishment: [ReplenishmentDue]
    public var channel: ChannelPreference
    public var milestones: [Milestone]
    public var monthlySpend: [Double]
    /// Bursts in the customer's history whose weight was cut (category, when, why), so the profile can say so.
    public var dampedSpikes: [DampedSpike] = []
    /// Regular habits overdue by more than twice their interval: stopped, not due.
    public var lapsedHabits: [ReplenishmentDue] = []
    /// What the stage rests on, reconciled with RFM and P(alive) (see `LifecycleStory`).
    public var lifecycleStory: String = ""
    /// 90% intervals of P(alive) and CLV from the parameters' uncertainty (nil without a fit).
    public var uncertainty: ValueUncertainty?
}

public struct InsightSettings: Sendable, Equatable, Codable {
    public var preferences = PreferenceSettings()
    public var recommendations = RecommendationSettings()
    public init(tauDays: Double = 90, explorationShare: Double = 0.10, k: Int = 10) {
        preferences = PreferenceSettings(tauDays: tauDays)
        // One τ and one set of caps for preferences and the recommender's history.
        recommendations = RecommendationSettings(
            k: k, explorationShare: explorationShare, tauDays: tauDays,
            damping: preferences.damping)
    }
}

public enum Insights {
    /// What the recommender is told about a customer, for the list and for its explanation.
    static func recommendationInput(
        _ facts: CustomerFacts, _ visible: [Event], _ figures: CustomerFigures, _ replenishment: [ReplenishmentDue]
    ) -> RecommendationInput {
        RecommendationInput(
            events: visible, stated: facts.stated, consent: facts.consent,
            segment: figures.rfm?.segment.rawValue, replenishment: replenishment, customer: facts.key)
    }

    /// Explains one product for a customer with the inputs `compute` gives the recommender.
    public static func explainRecommendation(
        _ product: Int64, facts: CustomerFacts, events: [Event], products: [Int64: Product],
        model: EngineModel, itemModel: any NeighborLookup, settings: InsightSettings = InsightSettings()
    ) -> RecommendationExplanation {
        let asOf = model.asOf
        let visible = events.filter { $0.time <= asOf }
        let figures = Figures.compute(events: visible, model: model, asOf: asOf)
        let replenishment =
            facts.consent.allowsPersonalization
            ? Replenishment.habits(events: visible, products: products, now: asOf).filter { !$0.lapsed } : []
        return Recommender.explain(
            product: product, input: recommendationInput(facts, visible, figures, replenishment), products: products,
            model: itemModel, popularity: model.popularity, settings: settings.recommendations, now: asOf)
    }

    /// One customer's complete insight. Cost is linear in the customer's events plus the
    /// neighbours of their recent items: it runs on every profile open and after every gift flag.
    /// `preferenceKeys`, when given, must be built from `products` (a session keeps both).
    public static func compute(
        facts: CustomerFacts, events: [Event], products: [Int64: Product],
        model: EngineModel, itemModel: any NeighborLookup, settings: InsightSettings = InsightSettings(),
        preferenceKeys: PreferenceKeys? = nil
    ) -> CustomerInsight {
        compute(
            facts: facts, events: events, products: products, model: model, itemModel: itemModel,
            settings: settings, preferenceKeys: preferenceKeys, sideBySide: nil)
    }

    /// The same, with the halves side by side or not as `sideBySide` says (nil: as the
    /// history's length says), for the tests that hold the two ways equal.
    static func compute(
        facts: CustomerFacts, events: [Event], products: [Int64: Product],
        model: EngineModel, itemModel: any NeighborLookup, settings: InsightSettings,
        preferenceKeys: PreferenceKeys?, sideBySide: Bool?
    ) -> CustomerInsight {
        let asOf = model.asOf
        // Usually every event is before the models' date: the array is shared, not copied.
        let visible = events.allSatisfy { $0.time <= asOf } ? events : events.filter { $0.time <= asOf }
        let figures = Figures.compute(events: visible, model: model, asOf: asOf)
        let personal = facts.consent.allowsPersonalization
        let halves = InsightHalves()
        // The preferences (with what else reads the events) and the recommendations (with the
        // replenishment they start from) need nothing from each other.
        @Sendable func preferencesAndFigures() {
            halves.inferred =
                personal
                ? Preferences.infer(
                    events: visible, products: products, now: asOf, settings: settings.preferences,
                    keys: preferenceKeys)
                : []
            halves.channel = Channels.infer(events: visible, stated: facts.statedChannel, now: asOf)
            halves.milestones = Milestones.compute(events: visible, signup: facts.signup, now: asOf)
            halves.monthlySpend = Figures.monthlySpend(events: visible, asOf: asOf)
            halves.uncertainty = figures.summary.flatMap { s in
                model.bgnbd.flatMap {
                    ValueUncertainty.compute(
                        s, meanSpend: figures.meanRepeatSpend ?? 0, bgnbd: $0, gammaGamma: model.gammaGamma,
                        pAliveShown: figures.pAlive != nil)
                }
            }
        }
        @Sendable func recommendations() {
            // Replenishment reads a customer's habits to prompt them: personalization, so only with consent.
            halves.habits = personal ? Replenishment.habits(events: visible, products: products, now: asOf) : []
            (halves.recommendations, halves.history) = Recommender.recommendWithHistory(
                recommendationInput(facts, visible, figures, halves.habits.filter { !$0.lapsed }), products: products,
                model: itemModel, popularity: model.popularity, settings: settings.recommendations, now: asOf)
        }
        // A long history (a profile's worst case) takes both cores: each half is milliseconds
        // there. A short one is done before a second thread would have started.
        if sideBySide ?? (visible.count >= InsightHalves.parallelFrom) {
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                if half == 0 { recommendations() } else { preferencesAndFigures() }
            }
        } else {
            preferencesAndFigures()
            recommendations()
        }
        return CustomerInsight(
            asOf: asOf, inferred: halves.inferred, stated: facts.stated, figures: figures,
            recommendations: halves.recommendations, replenishment: halves.habits.filter { !$0.lapsed },
            channel: halves.channel, milestones: halves.milestones, monthlySpend: halves.monthlySpend,
            dampedSpikes: halves.history.dampedSpikes, lapsedHabits: halves.habits.filter(\.lapsed),
            lifecycleStory: LifecycleStory.explain(figures, asOf: asOf), uncertainty: halves.uncertainty)
    }
}

/// What the two halves of `Insights.compute` write: each field by one half only, read after both
/// have finished (`concurrentPerform` returns when its iterations have).
private final class InsightHalves: @unchecked Sendable {
    /// Events from which the halves run side by side (measured: below a few thousand events the
    /// whole insight takes about as long as waking a second thread).
    static let parallelFrom = 2_000

    var inferred: [InferredPreference] = []
    var channel = ChannelPreference(stated: nil, inferred: nil, shares: [:])
    var milestones: [Milestone] = []
    var monthlySpend: [Double] = []
    var uncertainty: ValueUncertainty?
    var habits: [ReplenishmentDue] = []
    var recommendations: [Recommendation] = []
    var history = RecommendationHistory(items: [], dampedSpikes: [])
}
