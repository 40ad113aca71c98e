import Foundation
import RapportEngine
import RapportStore

/// Why a customer is (or is not) in a segment (`rapport explain segment`).
public struct SegmentExplanationView: Codable, Sendable {
    public var segment: String
    public var kind: SegmentKind
    public var customer: String
    public var member: Bool
    /// "in 'coffee lovers'" or "not in 'coffee lovers': affinity(Coffee) 0.42 ≤ 0.5".
    public var summary: String
    public var rule: String?
    public var conditions: [ConditionCheck]
    /// The day the figures count back from.
    public var asOf: CalendarDay?
    public var asStoodOn: StoodOnView?

    enum CodingKeys: String, CodingKey {
        case segment, kind, customer, member, summary, rule, conditions, asOf = "as_of", asStoodOn = "as_stood_on"
    }
}

/// One event's part in a history item's weight.
public struct HistoryPartView: Codable, Sendable, Equatable {
    public var eventId: String
    public var time: Timestamp
    public var type: EventType
    public var typeWeight: Double
    public var damping: Double
    public var timeWeight: Double
    public var weight: Double

    enum CodingKeys: String, CodingKey {
        case eventId = "event_id", time, type, typeWeight = "type_weight", damping, timeWeight = "time_weight", weight
    }
}

/// One of the customer's items behind a recommendation's score.
public struct ScoreSourceView: Codable, Sendable, Equatable {
    public var productId: String
    public var title: String
    public var historyWeight: Double
    public var linkWeight: Double
    public var contribution: Double
    /// Its share of the score (0–1).
    public var share: Double
    public var boughtTogether: Bool
    public var events: [HistoryPartView]

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", title, historyWeight = "history_weight", linkWeight = "link_weight"
        case contribution, share, boughtTogether = "bought_together", events
    }
}

/// Why a product ranks where it does for a customer (`rapport explain recommendation`).
public struct RecommendationExplanationView: Codable, Sendable {
    public var customer: String
    public var productId: String
    public var title: String
    public var position: Int?
    public var kind: RecommendationKind?
    public var reason: String?
    public var score: Double
    public var personalRank: Int?
    public var sources: [ScoreSourceView]
    public var dampedSpikes: [DampedSpikeView]
    public var explorationSlots: Int
    public var fillsExplorationSlot: Bool
    public var excluded: String?
    public var asOf: CalendarDay?
    public var asStoodOn: StoodOnView?

    enum CodingKeys: String, CodingKey {
        case customer, productId = "product_id", title, position, kind, reason, score, personalRank = "personal_rank"
        case sources, dampedSpikes = "damped_spikes", explorationSlots = "exploration_slots"
        case fillsExplorationSlot = "fills_exploration_slot", excluded, asOf = "as_of", asStoodOn = "as_stood_on"
    }
}

extension Workspace {
    /// The models and events an explanation reads: today's, or as they stood on `p`.
    func explanationInputs(_ key: Int64, stoodOn p: PointInTime?) throws
        -> (rows: [EventRow], model: EngineModel, items: any NeighborLookup, view: StoodOnView?)?
    {
        if let p {
            let m = try models(stoodOn: p)
            let view = StoodOnView(
                moment: Timestamp(p.moment), corrections: p.corrections, models: m.fit.basis.rawValue,
                limits: StoodOnView.limitsText)
            return (
                try store.events(customer: key, stoodOn: p.moment, corrections: p.corrections), m.model, m.items, view
            )
        }
        let (model, items, _) = try cache.get(store)
        guard let model else { return nil }
        return (try store.events(customer: key), model, items, nil)
    }

    /// Each condition of a segment with this customer's value and whether it holds: a rule's
    /// conditions, the R, F and M values against the quintile edges, or a stage's rule.
    public func explainSegment(_ ref: SegmentRef, customer key: Int64, stoodOn p: PointInTime? = nil) throws
        -> SegmentExplanationView
    {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        guard let inputs = try explanationInputs(key, stoodOn: p) else {
            throw StoreError.invalidArgument("no fitted models yet: run 'rapport refresh'")
        }
        let insight = try insightWith(key, rows: inputs.rows, model: inputs.model, items: inputs.items)
        let f = insight.figures
        var view = SegmentExplanationView(
            segment: ref.name, kind: ref.kind, customer: c.externalId, member: false, summary: "", rule: nil,
            conditions: [], asOf: CalendarDay(containing: insight.asOf), asStoodOn: inputs.view)
        switch ref.kind {
        case .rfm:
            view.member = f.rfm?.segment.rawValue == ref.name
            view.conditions = SegmentExplanation.rfm(f, thresholds: inputs.model.rfm)
            let grid = f.rfm.map { "R\($0.r) F\($0.f) puts them in '\($0.segment.rawValue)'" } ?? "no RFM scores"
            view.summary = (view.member ? "in '\(ref.name)': " : "not in '\(ref.name)': ") + grid
        case .stage:
            view.member = f.stage.rawValue == ref.name
            view.conditions = [
                ConditionCheck(
                    condition: "stage", value: f.stage.rawValue, passed: view.member,
                    text: "stage \(f.stage.rawValue): \(insight.lifecycleStory)"),
                ConditionCheck(
                    condition: "rule", value: f.stage.rawValue, passed: view.member, text: SegmentExplanation.stageRule)
            ]
            view.summary = (view.member ? "in '\(ref.name)'" : "not in '\(ref.name)'") + ": stage \(f.stage.rawValue)"
        case .rule:
            guard let saved = try store.segment(named: ref.name) else {
                throw StoreError.invalidArgument("no segment named '\(ref.name)'")
            }
            let rule = try parseRule(saved.rule)
            let affinities = AffinityPass.vector(insight.inferred)
            let ctx = CustomerRuleContext(
                customer: c, metrics: EngineBridge.metrics(key, f, now: clock()),
                stated: try store.statedPreferences(customer: key),
                affinity: { affinities[$0.lowercased()] }, now: insight.asOf)
            let (matches, checks) = SegmentExplanation.conditions(rule, ctx)
            view.member = matches
            view.rule = saved.rule
            view.conditions = checks
            let failed = checks.filter { !$0.passed }.map(\.text)
            let passed = checks.filter(\.passed).map(\.text)
            view.summary =
                matches
                ? "in '\(ref.name)': " + passed.joined(separator: "; ")
                : "not in '\(ref.name)': " + (failed.isEmpty ? passed : failed).joined(separator: "; ")
        }
        return view
    }

    /// A recommendation's score in parts, from the ranking's own code (`Recommender.explain`).
    public func explainRecommendation(customer key: Int64, product productId: String, stoodOn p: PointInTime? = nil)
        throws -> RecommendationExplanationView
    {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        let catalogue = products
        guard let product = catalogue.values.first(where: { $0.externalId == productId }) else {
            throw StoreError.invalidArgument("no product '\(productId)'")
        }
        guard let inputs = try explanationInputs(key, stoodOn: p) else {
            throw StoreError.invalidArgument("no fitted models yet: run 'rapport refresh'")
        }
        let displayIds = Dictionary(uniqueKeysWithValues: inputs.rows.map { ($0.id, $0.displayId) })
        let e = Insights.explainRecommendation(
            product.id, facts: try facts(key), events: inputs.rows.map(EngineBridge.event), products: catalogue,
            model: inputs.model, itemModel: inputs.items, settings: insightSettings)
        try checkNeighborReads(inputs.items)
        let round = { (v: Double) in (v * 1_000_000).rounded() / 1_000_000 }
        let sources = e.sources.map { s in
            ScoreSourceView(
                productId: catalogue[s.product]?.externalId ?? "#\(s.product)",
                title: catalogue[s.product]?.title ?? "",
                historyWeight: round(s.historyWeight), linkWeight: round(s.linkWeight),
                contribution: round(s.contribution),
                share: e.score > 0 ? round(s.contribution / e.score) : 0, boughtTogether: s.boughtTogether,
                events: s.events.map {
                    HistoryPartView(
                        eventId: displayIds[$0.event.id] ?? "#\($0.event.id)", time: Timestamp($0.event.time),
                        type: $0.event.type, typeWeight: round($0.typeWeight), damping: round($0.damping),
                        timeWeight: round($0.timeWeight), weight: round($0.weight))
                })
        }
        return RecommendationExplanationView(
            customer: c.externalId, productId: product.externalId, title: product.title, position: e.position,
            kind: e.recommendation?.kind, reason: e.recommendation?.reason, score: round(e.score),
            personalRank: e.personalRank, sources: sources,
            dampedSpikes: e.dampedSpikes.map {
                DampedSpikeView(
                    category: $0.key, from: CalendarDay(containing: $0.start), to: CalendarDay(containing: $0.end),
                    events: $0.events, counted: $0.raw > 0 ? round($0.counted / $0.raw) : 1, novel: $0.novel,
                    reason: $0.reason)
            }, explorationSlots: e.explorationSlots, fillsExplorationSlot: e.fillsExplorationSlot, excluded: e.excluded,
            asOf: CalendarDay(containing: inputs.model.asOf), asStoodOn: inputs.view)
    }
}
