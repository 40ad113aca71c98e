import Foundation
import RapportEngine
import Logging
import RapportStore

/// What the last full fit of the population models saw, kept in the store beside the models.
struct ModelFit: Codable, Sendable {
    /// Wall-clock time of the fit (Unix seconds).
    var fittedAt: Int64
    /// The data's date the models were fitted as of (the newest event then).
    var asOf: Int64
    /// Events in the store at the fit, and the largest event key then.
    var events: Int
    var lastEventKey: Int64

    static let stateName = "fit"
}

/// How current the population models (BG/NBD, Gamma-Gamma, RFM thresholds, item model,
/// popularity) are, as the explorer and `profile --json` report it.
public struct ModelFreshness: Codable, Sendable, Equatable {
    public var fittedAt: Timestamp
    public var fittedAsOf: CalendarDay
    public var eventsAtFit: Int
    public var eventsSinceFit: Int
    /// Why the next import will refit, or nil while the models are current.
    public var staleBecause: String?

    enum CodingKeys: String, CodingKey {
        case fittedAt = "fitted_at", fittedAsOf = "fitted_as_of", eventsAtFit = "events_at_fit"
        case eventsSinceFit = "events_since_fit", staleBecause = "stale_because"
    }
}

/// When an import refits the population models instead of updating only its customers.
public enum RefitRule {
    /// New events since the fit, as a share of the events the fit saw.
    public static let maxNewEventShare = 0.05
    /// How far the data's date may move past the fit's as-of date.
    public static let maxAsOfDrift: Int64 = 7 * 86_400

    static func staleReason(fit: ModelFit, eventsSince: Int, latestEvent: Int64?) -> String? {
        if Double(eventsSince) > maxNewEventShare * Double(max(fit.events, 1)) {
            return "\(eventsSince) new events since the fit, more than 5% of \(fit.events)"
        }
        if let latestEvent, latestEvent - fit.asOf > maxAsOfDrift {
            return "the newest event is more than 7 days past the fit's as-of date"
        }
        return nil
    }
}

extension Workspace {
    func loadFit() throws -> ModelFit? {
        guard let data = try store.modelState(ModelFit.stateName) else { return nil }
        return try? JSONDecoder().decode(ModelFit.self, from: data)
    }

    /// When the models were fitted and how many events arrived since; nil before the first fit.
    public func modelFreshness() throws -> ModelFreshness? {
        guard let fit = try loadFit() else { return nil }
        let since = try store.eventCount(after: fit.lastEventKey)
        // An import whose refresh did not finish (interrupted, or a later file failed) comes
        // first: the figures do not include what it committed until a refresh runs.
        let reason =
            try store.refreshPending().map(Self.pendingReason)
            ?? RefitRule.staleReason(fit: fit, eventsSince: since, latestEvent: try store.latestEventTime())
        return ModelFreshness(
            fittedAt: Timestamp(fit.fittedAt), fittedAsOf: CalendarDay(containing: fit.asOf),
            eventsAtFit: fit.events, eventsSinceFit: since, staleBecause: reason)
    }

    /// Words for an import that was not followed by a finished refresh.
    static func pendingReason(_ p: RefreshPending) -> String {
        "an import of \(p.file) at \(DateParsing.isoDateTime(p.time)) was not followed by a refresh; "
            + "run 'rapport refresh'"
    }

    /// Why the figures need a refresh that no import will start by itself: an import that was
    /// interrupted or failed part way after committing. Nil when there is nothing to do.
    public func refreshNeeded() throws -> String? {
        try store.refreshPending().map(Self.pendingReason)
    }

    /// After an import: the whole refresh when the models are missing or stale by `RefitRule`,
    /// otherwise only the customers the import touched, in time proportional to the delta.
    /// True when it ran the whole refresh, whose pass computed every account's figures too.
    @discardableResult
    func refreshAfterImport(_ summaries: [ImportSummary], progress: ((String, Double) -> Void)?) throws -> Bool {
        guard !store.isReadOnly else { return false }
        cache.forgetProducts()
        // Consent takes effect at once: a customers file may withdraw it.
        if summaries.contains(where: { $0.kind == .customers }) { try applyPersonalizationRefusals() }
        let ours = Set(summaries.compactMap(\.refreshMark))
        let pending = try store.refreshPendingAll()
        guard let model = try cache.model(store), let fit = try loadFit(),
            RefitRule.staleReason(
                fit: fit, eventsSince: try store.eventCount(after: fit.lastEventKey),
                latestEvent: try store.latestEventTime()) == nil
        else {
            // A small store's first fit also chooses the recommender's settings on its own data.
            if try autoTuneIfNeeded(progress: progress) == nil {
                try refreshDerived(progress: progress)
                return true
            }
            return false
        }
        // An earlier import whose refresh never ran touched customers nobody recorded: refresh all.
        if pending.contains(where: { !ours.contains($0.name) }) {
            try refreshDerived(progress: progress)
            return true
        }
        let mine = pending.filter { ours.contains($0.name) }
        var touched = Set(summaries.flatMap(\.touchedCustomers))
        touched.formUnion(try store.customersWithoutMetrics())
        guard !touched.isEmpty else {
            try store.clearRefreshPending(mine)
            return false
        }
        let started = Date()
        // The parameters stay; the date moves, so the new events count in their customers' figures.
        var current = model
        if let latest = try store.latestEventTime(), latest != current.asOf {
            current.asOf = latest
            try store.writeModelState(["engine": try JSONEncoder().encode(current)], now: clock())
            cache.set(model: current)
        }
        let keys = touched.sorted()
        try refreshCustomers(keys, model: current)
        try refreshSegmentMembers(customers: keys)
        try store.clearRefreshPending(mine)
        logger.info(
            "delta refresh",
            metadata: [
                "customers": "\(keys.count)",
                "seconds": "\(Date().timeIntervalSince(started))"
            ])
        return false
    }

    /// One clock after deletions: when a clear-history or an erasure removed the newest events,
    /// the store lowers its as-of date, and the models' date and every customer's figures
    /// follow at once (the parameters stay, as after a delta import), so the profile,
    /// `recommend` and the list agree with `metrics` and `clear-history --last` without a
    /// refresh. A deletion that leaves the newest event in place costs nothing here.
    func followLoweredAsOf() throws {
        try followAsOf(where: <, "as-of date lowered after a deletion")
    }

    /// Moves the models' date to the store's newest event when it moved the way `moved` says,
    /// and recomputes every customer's figures and the segments' members with it.
    func followAsOf(where moved: (Int64, Int64) -> Bool, _ message: Logger.Message) throws {
        guard !store.isReadOnly, let model = try cache.model(store), let latest = try store.latestEventTime(),
            moved(latest, model.asOf)
        else { return }
        let started = Date()
        var current = model
        current.asOf = latest
        try store.writeModelState(["engine": try JSONEncoder().encode(current)], now: clock())
        cache.set(model: current)
        try refreshCustomers(try store.customerKeys(), model: current)
        try refreshSegmentMembers()
        logger.info(message, metadata: ["seconds": "\(Date().timeIntervalSince(started))"])
    }

    /// Recomputes the metrics rows of some customers with the current models, reading their
    /// events in one range per core (at most four; one range for fewer than 64 customers).
    /// A customer changed by someone else while their events were read is read again (up to
    /// three rounds), so no figures older than the change are written back; one erased meanwhile
    /// is skipped.
    func refreshCustomers(_ keys: [Int64], model: EngineModel) throws {
        var keys = keys
        let affinity = try affinityPass(now: model.asOf, whenSegmentsUseIt: false)
        for _ in 0..<3 where !keys.isEmpty {
            let mark = try store.changeMark()
            let (rows, vectors, activity) = try computeMetrics(keys, model: model, affinity: affinity)
            let changed = try store.writeMetrics(rows, replacingAll: false, unlessChangedSince: mark)
            if affinity != nil {
                try store.writeAffinities(vectors, covering: keys, replacingAll: false, skipping: changed)
            }
            // Customers changed meanwhile get their activity with the next round's figures.
            try store.writeActivity(
                activity.filter { !changed.contains($0.customer) }, replacingAll: false, unlessChangedSince: nil)
            keys = try store.existingCustomers(keys.filter { changed.contains($0) })
        }
        // Still changing after three rounds: the last writer's own refresh of them stands.
        if !keys.isEmpty { logger.info("customers left to their writers", metadata: ["count": "\(keys.count)"]) }
    }

    private func computeMetrics(_ keys: [Int64], model: EngineModel, affinity: AffinityPass?) throws
        -> ([MetricsRecord], [(customer: Int64, vector: [String: Double])], [ActivityRow])
    {
        let now = clock()
        let slices = Self.split(
            keys, into: keys.count < 64 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)))
        let results = MetricsParts(count: slices.count)
        DispatchQueue.concurrentPerform(iterations: slices.count) { i in
            do {
                var rows: [MetricsRecord] = []
                var vectors: [(customer: Int64, vector: [String: Double])] = []
                var activity: [ActivityRow] = []
                var encoder = ActivityEncoder()
                try self.store.eventFacts(customers: slices[i]) { key, facts in
                    let events = facts.map(EngineBridge.event)
                    var f = Figures.base(events: events, asOf: model.asOf)
                    f.apply(model)
                    rows.append(EngineBridge.metrics(key, f, now: now))
                    if let v = affinity?.vector(key, events) { vectors.append((key, v)) }
                    activity.append(Self.activityRow(key, f, encoder.encode(events)))
                }
                results.set(i, rows, vectors, activity)
            } catch {
                results.fail(error)
            }
        }
        if let error = results.error { throw error }
        return (results.rows, results.vectors, results.activity)
    }
}

/// The metrics rows of ranges of customers computed at once, and the first error.
private final class MetricsParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [[MetricsRecord]]
    private var vectorParts: [[(customer: Int64, vector: [String: Double])]]
    private var activityParts: [[ActivityRow]]
    private(set) var error: Error?

    init(count: Int) {
        parts = Array(repeating: [], count: count)
        vectorParts = Array(repeating: [], count: count)
        activityParts = Array(repeating: [], count: count)
    }

    func set(
        _ i: Int, _ rows: [MetricsRecord], _ vectors: [(customer: Int64, vector: [String: Double])],
        _ activity: [ActivityRow]
    ) {
        lock.withLock {
            parts[i] = rows
            vectorParts[i] = vectors
            activityParts[i] = activity
        }
    }

    var vectors: [(customer: Int64, vector: [String: Double])] { lock.withLock { vectorParts.flatMap { $0 } } }
    var activity: [ActivityRow] { lock.withLock { activityParts.flatMap { $0 } } }

    func fail(_ e: Error) { lock.withLock { if error == nil { error = e } } }

    var rows: [MetricsRecord] { lock.withLock { parts.flatMap { $0 } } }
}
