import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// Rebuilds the batch state from every event: per-customer metrics, RFM thresholds,
    /// BG/NBD and Gamma-Gamma fits, popularity, item neighbours. Customers are read in
    /// contiguous key ranges, one per core (at most four), each on its own read connection.
    func refreshDerived(progress: ((String, Double) -> Void)?, parts requested: Int? = nil) throws {
        guard !store.isReadOnly else { return }
        let started = Date()
        // Events that arrive during the scan have larger keys: they count as "since the fit".
        // Writes by other analysts during the refresh are found from this mark, so their
        // customers are recomputed afterwards instead of overwritten with stale figures.
        let mark = try store.changeMark()
        let lastEventKey = mark.event
        // Keys are numbered as events arrive: the largest is about how many there are.
        let approximateEvents = Int(lastEventKey)
        // What an interrupted import left to do is done by this refresh: remembered now, so an
        // import committing during the refresh keeps its own mark.
        let pending = try store.refreshPendingAll()
        // The as-of date is recomputed from the events stored now, so it comes down again after a
        // far-future event is deleted: a refresh never only raises it.
        let asOf = try store.recomputeLatestEventTime(now: clock()) ?? clock()
        let customerKeys = try store.customerKeys()
        // Affinity vectors for rules are computed from the events this scan reads anyway, when a
        // saved segment uses affinity(): they cost more than twice the rest of the refresh.
        let affinity = try affinityPass(now: asOf, whenSegmentsUseIt: true)
        // Account attribution rides on the same pass (no second read of the events).
        let accounts = try AccountFold.start(store, asOf: asOf)
        let parts = requested ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let slices = Self.split(customerKeys, into: parts)
        let results = RangeResults(count: slices.count)
        let report = RefreshProgress(total: approximateEvents, report: progress)
        DispatchQueue.concurrentPerform(iterations: slices.count) { i in
            do {
                let (builder, vectors, activity) = try self.readCustomers(
                    slices[i], asOf: asOf, affinity: affinity, accounts: accounts, progress: report)
                results.set(i, builder, vectors, activity)
            } catch {
                results.fail(error)
            }
        }
        if let error = results.error { throw error }
        let seen = report.seen
        let readSeconds = Date().timeIntervalSince(started)
        progress?("fitting models", 0.8)
        // The ranges' builders are released once merged: a million customers' figures and
        // baskets are not held twice while the models are fitted.
        var builder = ModelBuilder(asOf: asOf)
        builder.itemLambda = itemLambda
        builder.clvModel = clvModel
        let vectors = results.takeVectors()
        let (builders, activity) = results.takeAll()
        for part in builders { builder.append(part) }
        let result = builder.finish()
        let fitSeconds = Date().timeIntervalSince(started) - readSeconds
        progress?("writing metrics", 0.9)
        let writeStarted = Date()
        let now = clock()
        let (written, concurrent) = try store.writeChangedMetrics(
            result.customers.map { EngineBridge.metrics($0.key, $0.figures, now: now) }, unlessChangedSince: mark)
        if affinity != nil {
            try store.writeAffinities(vectors, covering: nil, replacingAll: true, skipping: concurrent)
            try store.writeModelState([AffinityPass.stateName: Data("1".utf8)], now: now)
        } else {
            try store.clearAffinities(flag: AffinityPass.stateName)
        }
        let activityWritten = try store.writeChangedActivity(
            Self.activityRows(activity, figures: result.customers), unlessChangedSince: mark)
        try store.writeNeighbors(result.items.neighbors.mapValues { $0.map { ($0.product, $0.weight) } })
        let fit = ModelFit(fittedAt: now, asOf: asOf, events: seen, lastEventKey: lastEventKey)
        try store.writeModelState(
            [
                "engine": try JSONEncoder().encode(result.model),
                ModelFit.stateName: try JSONEncoder().encode(fit),
                ProfileStore.activityStateName: Data("{}".utf8),
                BoughtTogether.stateName: BoughtTogether.encode(result.items)
            ], now: now)
        try keepRefreshFit(fit, model: result.model, items: result.items)
        // Products are read again when a profile next needs them, not here.
        cache.set(model: result.model, products: nil)
        if !concurrent.isEmpty {
            try refreshCustomers(try store.existingCustomers(Array(concurrent)), model: result.model)
        }
        try refreshSegmentMembers()
        try store.clearRefreshPending(pending)
        progress?("account figures", 0.95)
        // A change made during the pass (seen as a changed customer, or other memberships)
        // can move what the pass gathered: then the figures are read again from the store.
        if let accounts, concurrent.isEmpty {
            try refreshAccountFigures(accounts, model: result.model)
        } else {
            try refreshAccountFigures(model: result.model)
        }
        progress?("business metrics", 0.97)
        // The metrics screen opens from these while it computes the current figures.
        let metricsStarted = Date()
        try store.writeModelState([BusinessMetrics.cacheName: try JSONEncoder().encode(metrics())], now: now)
        let metricsSeconds = Date().timeIntervalSince(metricsStarted)
        logger.info(
            "refreshed",
            metadata: [
                "customers": "\(result.customers.count)", "events": "\(seen)",
                "metrics_written": "\(written)", "activity_written": "\(activityWritten)",
                "changed_meanwhile": "\(concurrent.count)", "read": "\(readSeconds)",
                "fit": "\(fitSeconds)", "write": "\(Date().timeIntervalSince(writeStarted))",
                "metrics": "\(metricsSeconds)",
                "seconds": "\(Date().timeIntervalSince(started))"
            ])
        progress?("done", 1)
    }

    /// Contiguous slices of ascending keys, as equal in size as possible.
    static func split(_ keys: [Int64], into parts: Int) -> [ArraySlice<Int64>] {
        guard !keys.isEmpty else { return [keys[...]] }
        let size = (keys.count + parts - 1) / parts
        return stride(from: 0, to: keys.count, by: size).map { keys[$0..<min($0 + size, keys.count)] }
    }

    /// Feeds one range of customers, with their events in time order, to a model builder.
    /// Customers without events still get figures, so every sort lists everyone.
    private func readCustomers(
        _ keys: ArraySlice<Int64>, asOf: Int64, affinity: AffinityPass?, accounts: AccountFold?,
        progress: RefreshProgress
    ) throws -> (ModelBuilder, [(customer: Int64, vector: [String: Double])], [(Int64, [UInt8])]) {
        var builder = ModelBuilder(asOf: asOf)
        var vectors: [(customer: Int64, vector: [String: Double])] = []
        var activity: [(Int64, [UInt8])] = []
        activity.reserveCapacity(keys.count)
        let none = CustomerActivity().encoded()
        var encoder = ActivityEncoder()
        var accountPart = accounts?.part()
        defer { if let accountPart { accounts?.collect(accountPart) } }
        guard let first = keys.first, let last = keys.last else { return (builder, vectors, activity) }
        var next = keys.startIndex
        var current: Int64 = -1
        var batch: [Event] = []
        var counted = 0
        func flush() {
            while next < keys.endIndex && keys[next] < current {
                builder.add(customer: keys[next], events: [])
                activity.append((keys[next], none))
                next += 1
            }
            if next < keys.endIndex && keys[next] == current { next += 1 }
            builder.add(customer: current, events: batch)
            if let v = affinity?.vector(current, batch) { vectors.append((current, v)) }
            activity.append((current, encoder.encode(batch)))
            accountPart?.finish(customer: current)
        }
        try store.scanEvents(customers: first...last) { e in
            if e.customer != current {
                if current >= 0 { flush() }
                current = e.customer
                batch.removeAll(keepingCapacity: true)
            }
            batch.append(EngineBridge.event(e))
            accountPart?.add(e)
            counted += 1
            if counted == 250_000 {
                progress.add(counted)
                counted = 0
            }
        }
        progress.add(counted)
        if current >= 0 { flush() }
        while next < keys.endIndex {
            builder.add(customer: keys[next], events: [])
            activity.append((keys[next], none))
            next += 1
        }
        return (builder, vectors, activity)
    }

    /// Activity rows with the figures the refresh gave each customer; both lists are in key order.
    static func activityRows(_ activity: [(Int64, [UInt8])], figures: [(key: Int64, figures: CustomerFigures)])
        -> [ActivityRow]
    {
        var rows: [ActivityRow] = []
        rows.reserveCapacity(activity.count)
        var j = 0
        for (key, bytes) in activity {
            while j < figures.count && figures[j].key < key { j += 1 }
            let f = j < figures.count && figures[j].key == key ? figures[j].figures : nil
            rows.append(activityRow(key, f, bytes))
        }
        return rows
    }

    static func activityRow(_ key: Int64, _ f: CustomerFigures?, _ bytes: [UInt8]) -> ActivityRow {
        ActivityRow(
            customer: key, segment: f?.rfm.flatMap { RFMSegment.allCases.firstIndex(of: $0.segment) },
            clv12m: f?.clv12m.map { ($0 * 100).rounded() / 100 }, pAlive: f?.pAlive, bytes: bytes)
    }
}

/// The builders of the ranges read at once, and the first error, behind a lock.
private final class RangeResults: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [ModelBuilder?]
    private var vectors: [[(customer: Int64, vector: [String: Double])]]
    private var activity: [[(Int64, [UInt8])]]
    private(set) var error: Error?

    init(count: Int) {
        parts = Array(repeating: nil, count: count)
        vectors = Array(repeating: [], count: count)
        activity = Array(repeating: [], count: count)
    }

    func set(
        _ i: Int, _ builder: ModelBuilder, _ v: [(customer: Int64, vector: [String: Double])],
        _ rows: [(Int64, [UInt8])]
    ) {
        lock.withLock {
            parts[i] = builder
            vectors[i] = v
            activity[i] = rows
        }
    }

    /// The affinity vectors of every range, in key order, handed over.
    func takeVectors() -> [(customer: Int64, vector: [String: Double])] {
        lock.withLock {
            let all = vectors.flatMap { $0 }
            vectors = []
            return all
        }
    }

    func fail(_ e: Error) {
        lock.withLock { if error == nil { error = e } }
    }

    /// The builders, handed over: this object keeps no reference to them.
    func takeAll() -> ([ModelBuilder], [(Int64, [UInt8])]) {
        lock.withLock {
            let all = parts.compactMap { $0 }
            let rows = activity.flatMap { $0 }
            parts = []
            activity = []
            return (all, rows)
        }
    }
}

/// Events read so far by every range, reported as "reading events" up to 80% of the refresh.
private final class RefreshProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let report: ((String, Double) -> Void)?
    private(set) var seen = 0

    init(total: Int, report: ((String, Double) -> Void)?) {
        self.total = max(1, total)
        self.report = report
    }

    func add(_ n: Int) {
        lock.withLock {
            seen += n
            report?("reading events", min(0.8, 0.8 * Double(seen) / Double(total)))
        }
    }
}
