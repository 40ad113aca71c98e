import Foundation
import RapportEngine
import RapportStore

/// The `profile` view of a customer: who they are beside what the data says.
public struct ProfileReport: Codable, Sendable {
    public var customer: CustomerIdentity
    public var notes: [NoteView]
    public var preferences: PreferencesView
    public var rfm: RFMView?
    public var lifecycle: LifecycleView?
    public var recommendations: [RecommendationView]
    public var replenishment: [ReplenishmentView]
    public var channel: ChannelView
    public var milestones: [MilestoneView]
    public var monthlySpend: [Double]
    public var asOf: CalendarDay?
    /// When the population models were fitted and how many events arrived since.
    public var model: ModelFreshness?
    /// Bursts whose weight in preferences and recommendations was cut, and why.
    public var dampedSpikes: [DampedSpikeView] = []
    /// Set when this is the profile as it stood on a past moment (`--as-of`); `asOf` is then the
    /// store's analysis date as it stood then (its newest event up to the moment).
    public var asStoodOn: StoodOnView? = nil

    enum CodingKeys: String, CodingKey {
        case customer, notes, preferences, rfm, lifecycle, recommendations, replenishment, channel, milestones
        case monthlySpend = "monthly_spend", asOf = "as_of", model, dampedSpikes = "damped_spikes"
        case asStoodOn = "as_stood_on"
    }
}

extension PreferenceAttribute {
    /// How screens name a preference: a bare category, `brand: X`, `price: mid`.
    public func label(_ value: String) -> String {
        switch self {
        case .category: value
        case .brand: "brand: \(value)"
        case .priceBand: "price: \(value)"
        }
    }
}

public struct PreferencesView: Codable, Sendable {
    public var inferred: [InferredView]
    public var stated: [StatedView]
}

public struct InferredView: Codable, Sendable, Equatable {
    public var attribute: PreferenceAttribute
    public var value: String
    public var score: Double
    public var confidence: Double
    /// Event ids (as `rapport history` shows them) that contributed most.
    public var evidence: [String]
}

public struct RFMView: Codable, Sendable {
    public var r: Int, f: Int, m: Int
    public var segment: String
    public var recencyDays: Int?
    public var orders: Int
    public var spend: Double
    enum CodingKeys: String, CodingKey { case r, f, m, segment, recencyDays = "recency_days", orders, spend }
}

public struct LifecycleView: Codable, Sendable {
    public var stage: String
    public var pAlive: Double?
    public var expectedPurchases30d: Double?
    public var expectedPurchases90d: Double?
    public var expectedPurchases365d: Double?
    public var expectedSpend: Double?
    public var clv12m: Double?
    /// One purchase day only: P(alive) is n/a and the CLV leans on the population's prior,
    /// shrunk toward the one order.
    public var singlePurchase: Bool = false
    /// What the stage rests on, reconciled with the RFM segment and P(alive).
    public var basis: String = ""
    /// The BG/NBD variant the figures come from: "bgnbd" or "mbgnbd" (the modified BG/NBD).
    public var clvModel: String?
    /// 90% intervals (5th to 95th percentile) of P(alive) and CLV from the uncertainty of the
    /// fitted population parameters (docs/algorithms.md); null without a fit or a P(alive).
    public var pAliveInterval: ValueInterval?
    public var clv12mInterval: ValueInterval?
    enum CodingKeys: String, CodingKey {
        case stage, pAlive = "p_alive", expectedPurchases30d = "expected_purchases_30d"
        case expectedPurchases90d = "expected_purchases_90d", expectedPurchases365d = "expected_purchases_365d"
        case expectedSpend = "expected_spend", clv12m = "clv_12m", singlePurchase = "clv_prior_based", basis
        case clvModel = "clv_model", pAliveInterval = "p_alive_interval", clv12mInterval = "clv_12m_interval"
    }

    /// "0.84", or "n/a (one purchase)".
    public var pAliveText: String {
        if let pAlive { return String(format: "%.2f", pAlive) }
        return singlePurchase ? "n/a (one purchase)" : "-"
    }

    /// "0.84 (90%: 0.81–0.87)": with the interval when there is one.
    public var pAliveWithInterval: String {
        guard pAlive != nil, let i = pAliveInterval else { return pAliveText }
        return pAliveText + String(format: " (90%%: %.2f–%.2f)", i.low, i.high)
    }

    /// "296.00", marked when it rests on the prior.
    public var clvText: String {
        guard let clv12m else { return "-" }
        let interval = clv12mInterval.map { String(format: " (90%%: %.2f–%.2f)", $0.low, $0.high) } ?? ""
        return String(format: "%.2f", clv12m) + interval + (singlePurchase ? " (prior-based: one purchase)" : "")
    }
}

/// A burst of activity that was counted for less than its raw weight.
public struct DampedSpikeView: Codable, Sendable, Equatable {
    public var category: String
    public var from: CalendarDay
    public var to: CalendarDay
    public var events: Int
    /// Share of its raw weight the burst still counts for (0–1).
    public var counted: Double
    public var novel: Bool
    public var reason: String
}

public struct RecommendationView: Codable, Sendable, Equatable {
    public var productId: String
    public var title: String
    public var category: String
    public var score: Double
    /// Why it is on the list (the engine's own kinds: `because_you_bought`, `replenish`, …).
    public var kind: RecommendationKind
    public var reason: String
    enum CodingKeys: String, CodingKey { case productId = "product_id", title, category, score, kind, reason }
}

public struct ReplenishmentView: Codable, Sendable {
    public var productId: String
    public var title: String
    public var lastPurchase: CalendarDay
    public var intervalDays: Double
    public var due: CalendarDay
    public var daysUntilDue: Int
    /// Purchase days the customer's interval rests on.
    public var purchases: Int
    /// Overdue by more than twice the interval: the habit has stopped; no longer prompted.
    public var lapsed: Bool
    /// "due in 3 days", "overdue by 2 days", "lapsed: overdue by 90 days".
    public var when: String
    /// "you buy it about every 30 days (4 purchases)".
    public var basis: String
    /// The category, when the habit is the category's rather than one product's.
    public var category: String?
    enum CodingKeys: String, CodingKey {
        case productId = "product_id", title, lastPurchase = "last_purchase", intervalDays = "interval_days", due
        case daysUntilDue = "days_until_due", purchases, lapsed, when, basis, category
    }
}

public struct ChannelView: Codable, Sendable {
    public var stated: String?
    public var inferred: String?
    public var shares: [String: Double]
    /// Whether the channel the customer says differs from the one they engage on (the profile's
    /// "(differs)"); nil when either is unknown.
    public var differs: Bool?

    public init(stated: String?, inferred: String?, shares: [String: Double]) {
        self.stated = stated
        self.inferred = inferred
        self.shares = shares
        if let stated, let inferred { differs = stated != inferred }
    }
}

public struct MilestoneView: Codable, Sendable {
    public var kind: Milestone.Kind
    public var label: String
    public var reached: Bool
    public var distance: Double?
    public var date: CalendarDay?
}

extension Workspace {
    /// Today's profile from the lean read of the customer's events (`eventFacts`): the evidence's
    /// display ids are read by key afterwards, for the few events the profile shows.
    public func profile(_ key: Int64) throws -> ProfileReport {
        let events = try store.eventFacts(customer: key, EngineBridge.event)
        return try profileWithInsight(key, events: events) { try store.displayIds(events: $0, customer: key) }.report
    }

    /// The profile, and the insight it was made from, from one read of the customer's events;
    /// with `stoodOn`, as it stood on a past moment (`rows` are then the events up to it); with
    /// `asOf`, counted back from another analysis date (a preview of a clear that moves it).
    func profileWithInsight(
        _ key: Int64, rows: [EventRow], stoodOn: (PointInTime, StoodOnModels)? = nil, asOf: Int64? = nil
    ) throws -> (report: ProfileReport, insight: CustomerInsight?) {
        try profileWithInsight(
            key, events: rows.map(EngineBridge.event), stoodOn: stoodOn, asOf: asOf
        ) { Self.displayIds(of: $0, in: rows) }
    }

    /// The same from the engine's events, with `displayIds` naming the evidence events.
    func profileWithInsight(
        _ key: Int64, events: [Event], stoodOn: (PointInTime, StoodOnModels)? = nil, asOf: Int64? = nil,
        displayIds: ([Int64]) throws -> [Int64: String]
    ) throws -> (report: ProfileReport, insight: CustomerInsight?) {
        // The customer and their stated preferences read once, for the report and the insight.
        guard let customer = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        let statedRows = try store.statedPreferences(customer: key)
        let facts = Self.facts(key, customer, stated: statedRows)
        let insight =
            try stoodOn.map {
                try insightWith(key, events: events, model: $0.1.model, items: $0.1.items, facts: facts)
            }
            ?? customerInsight(key, events: events, asOf: asOf, facts: facts)
        let products = self.products
        func pid(_ k: Int64) -> String { products[k]?.externalId ?? "#\(k)" }
        func title(_ k: Int64) -> String { products[k]?.title ?? "" }
        let round = { (v: Double) in (v * 1000).rounded() / 1000 }
        var report = ProfileReport(
            customer: CustomerIdentity(customer), notes: try notes(key, stoodOn: stoodOn?.0),
            preferences: PreferencesView(inferred: [], stated: Self.statedViews(statedRows)),
            rfm: nil, lifecycle: nil, recommendations: [], replenishment: [],
            channel: ChannelView(stated: customer.statedChannel, inferred: nil, shares: [:]),
            milestones: [], monthlySpend: [], asOf: nil)
        report.asStoodOn = stoodOn.map {
            StoodOnView(
                moment: Timestamp($0.0.moment), corrections: $0.0.corrections, models: $0.1.fit.basis.rawValue,
                limits: StoodOnView.limitsText)
        }
        guard let i = insight else { return (report, nil) }
        report.asOf = CalendarDay(containing: i.asOf)
        report.model = try stoodOn.map(\.1.freshness) ?? modelFreshness()
        let displayIds = try displayIds(i.inferred.flatMap(\.evidence))
        report.preferences.inferred = i.inferred.map {
            InferredView(
                attribute: $0.attribute, value: $0.value,
                score: round($0.score),
                confidence: round($0.confidence), evidence: $0.evidence.compactMap { displayIds[$0] })
        }
        let f = i.figures
        if let s = f.rfm {
            report.rfm = RFMView(
                r: s.r, f: s.f, m: s.m, segment: s.segment.rawValue, recencyDays: f.recencyDays,
                orders: f.orders, spend: round(f.spend))
        }
        report.lifecycle = LifecycleView(
            stage: f.stage.rawValue, pAlive: f.pAlive.map(round),
            expectedPurchases30d: f.expected30.map(round), expectedPurchases90d: f.expected90.map(round),
            expectedPurchases365d: f.expected365.map(round), expectedSpend: f.expectedSpend.map(round),
            clv12m: f.clv12m.map { ($0 * 100).rounded() / 100 }, singlePurchase: f.singlePurchase,
            basis: i.lifecycleStory,
            clvModel: try (stoodOn.map(\.1.model) ?? cache.model(store))?.bgnbd.map {
                ($0.variant ?? .classic).rawValue
            },
            pAliveInterval: i.uncertainty?.pAlive.map { ValueInterval(low: round($0.low), high: round($0.high)) },
            clv12mInterval: i.uncertainty?.clv12m.map {
                ValueInterval(low: ($0.low * 100).rounded() / 100, high: ($0.high * 100).rounded() / 100)
            })
        report.recommendations = Self.views(i.recommendations, products: products)
        report.replenishment = (i.replenishment + i.lapsedHabits).map {
            ReplenishmentView(
                productId: pid($0.product), title: title($0.product),
                lastPurchase: CalendarDay(containing: $0.lastPurchase),
                intervalDays: $0.intervalDays, due: CalendarDay(containing: $0.dueAt), daysUntilDue: $0.daysUntilDue,
                purchases: $0.purchases, lapsed: $0.lapsed, when: $0.whenText, basis: $0.basis,
                category: $0.category)
        }
        report.dampedSpikes = i.dampedSpikes.map {
            DampedSpikeView(
                category: $0.key, from: CalendarDay(containing: $0.start), to: CalendarDay(containing: $0.end),
                events: $0.events, counted: $0.raw > 0 ? round($0.counted / $0.raw) : 1, novel: $0.novel,
                reason: $0.reason)
        }
        report.channel = ChannelView(
            stated: i.channel.stated, inferred: i.channel.inferred, shares: i.channel.shares.mapValues(round))
        report.milestones = i.milestones.map {
            MilestoneView(
                kind: $0.kind, label: $0.label, reached: $0.reached,
                distance: $0.distance,
                date: $0.date.map { CalendarDay(containing: $0) })
        }
        report.monthlySpend = i.monthlySpend.map { ($0 * 100).rounded() / 100 }
        return (report, i)
    }

    /// The display ids of the events `keys` names, found in one pass over `rows` (a profile
    /// names a few dozen evidence events of thousands: no map of every event's id).
    static func displayIds(of keys: [Int64], in rows: [EventRow]) -> [Int64: String] {
        var wanted = Set(keys)
        var out: [Int64: String] = [:]
        out.reserveCapacity(wanted.count)
        for row in rows where !wanted.isEmpty {
            if wanted.remove(row.id) != nil { out[row.id] = row.displayId }
        }
        return out
    }

    /// Recommendations alone, with `k` items.
    public func recommendations(_ key: Int64, k: Int) throws -> [RecommendationView] {
        var ws = insightSettings
        ws.recommendations.k = k
        let (model, items, products) = try cache.get(store)
        guard let model else { return [] }
        let events = try store.eventsWithoutNames(customer: key).map(EngineBridge.event)
        let i = Insights.compute(
            facts: try facts(key), events: events, products: products, model: model, itemModel: items, settings: ws)
        try checkNeighborReads(items)
        return Self.views(i.recommendations, products: products)
    }

    static func views(_ recs: [Recommendation], products: [Int64: Product]) -> [RecommendationView] {
        recs.map {
            RecommendationView(
                productId: products[$0.product]?.externalId ?? "#\($0.product)",
                title: products[$0.product]?.title ?? "",
                category: products[$0.product]?.category ?? "", score: ($0.score * 1000).rounded() / 1000,
                kind: $0.kind, reason: $0.reason)
        }
    }
}
