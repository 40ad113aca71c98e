import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

/// A past moment to see the store as it stood then (`--as-of DATE`, the explorer's `@`): the
/// events up to it, the gift corrections of `corrections`, the notes written by then and the
/// models in force then. Not the analysis date (`ProfileReport.asOf`), which is the day every
/// figure counts back from: the store's newest event. As it stood on D, that is the newest event
/// up to D, as a store holding only those events would say.
public struct PointInTime: Sendable, Equatable, Hashable {
    /// Unix seconds (UTC); a day given as a date stands for its last second.
    public var moment: Int64
    public var corrections: CorrectionsBasis

    public init(moment: Int64, corrections: CorrectionsBasis = .then) {
        self.moment = moment
        self.corrections = corrections
    }

    /// From the text of `--as-of`: a date (`2026-03-14`, the end of that day, UTC), an ISO-8601
    /// date-time or Unix seconds; nil when it is none of these.
    public static func parse(_ text: String, corrections: CorrectionsBasis = .then) -> PointInTime? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let t = Dates.timestamp(trimmed) else { return nil }
        let isDay = trimmed.count == 10 && trimmed.dropFirst(4).first == "-"
        return PointInTime(moment: isDay ? t + 86_399 : t, corrections: corrections)
    }

    /// `2026-03-14`, or the date-time when the moment is not a day's end.
    public var label: String {
        (moment + 1) % 86_400 == 0 ? Dates.isoDate(moment) : Dates.isoDateTime(moment)
    }
}

/// What a view as it stood on a past moment says about itself in `--json` (`as_stood_on`).
public struct StoodOnView: Codable, Sendable, Equatable {
    public var moment: Timestamp
    public var corrections: CorrectionsBasis
    /// Where the models came from: the refresh in force then (`refresh`), or a fit made
    /// afterwards from the events up to that day (`then` or `today`, its corrections).
    public var models: String
    public var limits: String

    enum CodingKeys: String, CodingKey { case moment, corrections, models, limits }

    static let limitsText =
        "events up to this moment; cleared history is not reconstructed; identity, consent, stated "
        + "preferences and the catalogue are today's; erased customers stay erased"
}

/// The models a view as it stood on a moment uses, decoded from a kept fit.
struct StoodOnModels {
    var model: EngineModel
    var items: ItemModel
    var fit: StoredModelFit
    var freshness: ModelFreshness
}

/// Decoded fits by moment, so paging a past view does not decode its models again.
final class StoodOnCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [PointInTime: StoodOnModels] = [:]

    func get(_ p: PointInTime) -> StoodOnModels? { lock.withLock { entries[p] } }

    func set(_ p: PointInTime, _ m: StoodOnModels) {
        lock.withLock {
            if entries.count >= 8 { entries.removeAll() }
            entries[p] = m
        }
    }
}

extension Workspace {
    /// The models in force at `p.moment`: the newest refresh fit made by then, or else a fit
    /// made for that moment from the events up to it (made now and kept, when none is kept or
    /// events up to the moment arrived after it). The analysis date is the store's as it stood
    /// then: its newest event up to the moment, as a store holding only those events says.
    func models(stoodOn p: PointInTime) throws -> StoodOnModels {
        if let cached = stoodOnCache.get(p),
            try !store.eventsArrived(after: cached.fit.lastEventKey, through: p.moment)
                || cached.fit.basis == .refresh
        {
            return cached
        }
        let fit: StoredModelFit
        if let inForce = try store.modelFitInForce(at: p.moment) {
            fit = inForce
        } else if let kept = try store.modelFitMadeFor(p.moment, basis: Self.fitBasis(p.corrections)),
            try !store.eventsArrived(after: kept.lastEventKey, through: p.moment)
        {
            fit = kept
        } else {
            fit = try fitStoodOn(p)
        }
        var model = try JSONDecoder().decode(EngineModel.self, from: fit.engine)
        model.asOf = fit.basis == .refresh ? try analysisDate(stoodOn: p.moment, since: fit) : fit.asOf
        let (lists, flags) = ModelFitItems.decode(fit.items)
        var items = ItemModel(
            neighbors: lists.mapValues { $0.map { .init(product: $0.product, weight: $0.weight) } }, lambda: 0)
        BoughtTogether.decode(flags, into: &items)
        let since = fit.basis == .refresh ? try store.eventCount(after: fit.lastEventKey, through: p.moment) : 0
        let asFit = ModelFit(fittedAt: fit.fittedAt, asOf: fit.asOf, events: fit.events, lastEventKey: fit.lastEventKey)
        let freshness = ModelFreshness(
            fittedAt: Timestamp(fit.fittedAt), fittedAsOf: CalendarDay(containing: fit.asOf),
            eventsAtFit: fit.events, eventsSinceFit: since,
            staleBecause: RefitRule.staleReason(fit: asFit, eventsSince: since, latestEvent: model.asOf))
        let out = StoodOnModels(model: model, items: items, fit: fit, freshness: freshness)
        stoodOnCache.set(p, out)
        return out
    }

    /// Every customer's events up to `p.moment`, in one pass in customer order, each with the gift
    /// state of `p.corrections`; customers without events up to then are not visited.
    func forEachCustomerEvents(stoodOn p: PointInTime, _ body: (Int64, [Event]) throws -> Void) throws {
        let corrections = p.corrections == .then ? try store.giftCorrections(customer: nil) : [:]
        var current: Int64 = -1
        var batch: [Event] = []
        try store.scanEvents { e in
            guard e.time <= p.moment else { return }
            if e.customer != current {
                if current >= 0 { try body(current, batch) }
                current = e.customer
                batch.removeAll(keepingCapacity: true)
            }
            var event = EngineBridge.event(e)
            if let list = corrections[e.key] {
                event.isGift = GiftStateOn.state(today: (e.isGift, nil), corrections: list, moment: p.moment).isGift
            }
            batch.append(event)
        }
        if current >= 0 { try body(current, batch) }
    }

    static func fitBasis(_ c: CorrectionsBasis) -> ModelFitBasis { c == .then ? .then : .today }

    /// The newest event up to `moment`, when a refresh fit is in force: the fit's own date, or a
    /// newer event that arrived since (a range of the primary key); a scan only when the fit's
    /// date is past the moment (events dated in the future at the fit).
    func analysisDate(stoodOn moment: Int64, since fit: StoredModelFit) throws -> Int64 {
        guard fit.asOf <= moment else { return try store.eventCount(through: moment).newest ?? moment }
        return max(fit.asOf, try store.newestEventTime(after: fit.lastEventKey, through: moment) ?? fit.asOf)
    }

    /// Fits the models as of `p.moment` from the events up to it, read as a refresh reads them,
    /// with the gift corrections of `p.corrections`; kept unless the store is read-only.
    func fitStoodOn(_ p: PointInTime) throws -> StoredModelFit {
        let started = Date()
        let (events, newest, lastKey) = try store.eventCount(through: p.moment)
        // As a refresh dates its fit: the newest event (here, up to the moment).
        let asOf = newest ?? p.moment
        var builder = ModelBuilder(asOf: asOf)
        builder.itemLambda = itemLambda
        builder.clvModel = clvModel
        let keys = try store.customerKeys()
        var next = 0
        try forEachCustomerEvents(stoodOn: p) { customer, batch in
            while next < keys.count && keys[next] < customer {
                builder.add(customer: keys[next], events: [])
                next += 1
            }
            if next < keys.count && keys[next] == customer { next += 1 }
            builder.add(customer: customer, events: batch)
        }
        while next < keys.count {
            builder.add(customer: keys[next], events: [])
            next += 1
        }
        let result = builder.finish()
        var fit = StoredModelFit(
            basis: Self.fitBasis(p.corrections), moment: p.moment, asOf: asOf, fittedAt: clock(), events: events,
            lastEventKey: lastKey, engine: try JSONEncoder().encode(result.model), items: Self.itemsData(result.items))
        // Kept for the next question about this moment; a role that may not write (a reader on
        // PostgreSQL) still gets its answer, fitted again next time.
        if !store.isReadOnly {
            do { fit.id = try store.appendModelFit(fit) } catch {
                logger.warning("a fit for a past moment was not kept", metadata: ["error": "\(type(of: error))"])
            }
        }
        logger.info(
            "fitted models for a past moment",
            metadata: ["events": "\(events)", "seconds": "\(Date().timeIntervalSince(started))"])
        return fit
    }

    /// Keeps a refresh's fit with the as-of date it was fitted for.
    func keepRefreshFit(_ fit: ModelFit, model: EngineModel, items: ItemModel) throws {
        try store.appendModelFit(
            StoredModelFit(
                basis: .refresh, moment: fit.fittedAt, asOf: fit.asOf, fittedAt: fit.fittedAt, events: fit.events,
                lastEventKey: fit.lastEventKey, engine: try JSONEncoder().encode(model), items: Self.itemsData(items)))
    }

    static func itemsData(_ items: ItemModel) -> Data {
        ModelFitItems.encode(
            items.neighbors.mapValues { $0.map { (product: $0.product, weight: $0.weight) } },
            boughtTogether: BoughtTogether.encode(items))
    }
}
