import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

extension Workspace {
    /// The profile as it stood on a past moment: from the events up to it, with the gift
    /// corrections `p.corrections` names, the notes written by then and the models in force
    /// then, counted back from that moment (docs/as-of.md). An erased customer has no key.
    public func profile(_ key: Int64, stoodOn p: PointInTime) throws -> ProfileReport {
        let rows = try store.events(customer: key, stoodOn: p.moment, corrections: p.corrections, named: false)
        return try profileWithInsight(key, rows: rows, stoodOn: (p, try models(stoodOn: p))).report
    }

    /// A customer's history as it stood on a past moment, newest first.
    public func history(_ key: Int64, stoodOn p: PointInTime) throws -> [HistoryEvent] {
        try store.events(customer: key, stoodOn: p.moment, corrections: p.corrections).reversed().map(
            HistoryEvent.init)
    }

    /// Recommendations alone, with `k` items, as they stood on a past moment.
    public func recommendations(_ key: Int64, k: Int, stoodOn p: PointInTime) throws -> [RecommendationView] {
        var settings = insightSettings
        settings.recommendations.k = k
        let rows = try store.events(customer: key, stoodOn: p.moment, corrections: p.corrections, named: false)
        let m = try models(stoodOn: p)
        let i = try insightWith(key, rows: rows, model: m.model, items: m.items, settings: settings)
        return Self.views(i.recommendations, products: products)
    }

    /// A customer's insight from given events and models (a past moment's, an explanation's).
    func insightWith(
        _ key: Int64, rows: [EventRow], model: EngineModel, items: any NeighborLookup,
        settings: InsightSettings? = nil, facts known: CustomerFacts? = nil
    )
        throws -> CustomerInsight
    {
        try insightWith(
            key, events: rows.map(EngineBridge.event), model: model, items: items, settings: settings, facts: known)
    }

    /// The same from the engine's events.
    func insightWith(
        _ key: Int64, events: [Event], model: EngineModel, items: any NeighborLookup,
        settings: InsightSettings? = nil, facts known: CustomerFacts? = nil
    ) throws -> CustomerInsight {
        let (products, keys) = try cache.catalogue(store)
        let insight = Insights.compute(
            facts: try known ?? facts(key), events: events, products: products, model: model,
            itemModel: items, settings: settings ?? insightSettings, preferenceKeys: keys)
        try checkNeighborReads(items)
        return insight
    }

    /// Notes, newest first; those written by `p.moment` when one is given.
    func notes(_ key: Int64, stoodOn p: PointInTime?) throws -> [NoteView] {
        guard let p else { return try notes(key) }
        return try store.notes(customer: key, stoodOn: p.moment).map(NoteView.init)
    }
}
