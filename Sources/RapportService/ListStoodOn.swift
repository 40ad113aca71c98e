import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

// The customer list as it stood on a past day (`rapport customers --as-of D`, `@` on the
// explorer's list): the customers first seen by then (signed up or an event by then; erased
// ones stay erased), each shown row with its figures of then. Only the rows asked for get
// figures, computed from that customer's events up to the day (a few reads each) and kept in a
// small cache; nothing here passes over every customer.

/// What a list as of a past day can and cannot do.
public enum ListStoodOn {
    /// Sorts that need only what is known of every customer without their past figures.
    public static let sorts: [ListSort] = [.name, .id]

    /// The sort the list as of a past day gives for `sort`: its own, or by name.
    public static func sort(for sort: ListSort) -> ListSort { sorts.contains(sort) ? sort : .name }

    /// Why the list as of a past day is not in the order asked for, or nil when it is.
    public static func sortNote(_ sort: ListSort, _ p: PointInTime) -> String? {
        guard !sorts.contains(sort) else { return nil }
        return "sorted by name: \(sort.rawValue) as of \(p.label) is known only row by row"
    }

    /// Why a segment or stage filter is not applied: those are today's.
    public static func filterNote(_ q: ListQuery) -> String? {
        q.segment != nil || q.stage != nil || q.ruleSegment != nil
            ? "today's segments and stages do not filter a past day's list" : nil
    }

    /// The store's query for the list as of `p`: first seen by then, by name or id, without
    /// today's segments and stages.
    public static func query(_ q: ListQuery, _ p: PointInTime) -> ListQuery {
        var out = q
        out.seenBy = p.moment
        out.sort = sort(for: q.sort)
        if !sorts.contains(q.sort) { out.reversed = false }
        out.segment = nil
        out.stage = nil
        out.ruleSegment = nil
        return out
    }
}

/// The rows of a past day's list (customers, accounts), by (the row's key, moment with its
/// corrections), forgotten when the store changes (its write stamp).
final class PastRowsCache<Row: Sendable>: @unchecked Sendable {
    struct Key: Hashable {
        var row: Int64
        var moment: PointInTime
    }
    static var capacity: Int { 4_096 }
    private let lock = NSLock()
    private var stamp = ""
    private var entries: [Key: Row] = [:]

    /// The row cached under `stamp` (the cache is emptied when the stamp moved).
    func get(_ key: Key, stamp now: String) -> Row? {
        lock.withLock {
            if now != stamp {
                stamp = now
                entries = [:]
            }
            return entries[key]
        }
    }

    func set(_ key: Key, _ row: Row) {
        lock.withLock {
            if entries.count >= Self.capacity { entries = [:] }
            entries[key] = row
        }
    }
}

typealias ListFiguresCache = PastRowsCache<CustomerListItem>

extension Workspace {
    /// How many customers the list as of `p` shows, counted up to `cap`.
    public func customerCount(_ q: ListQuery, stoodOn p: PointInTime, cap: Int?) throws -> Int {
        try store.customerCount(ListStoodOn.query(q, p), cap: cap)
    }

    /// A page of the list as of `p` (by keyset, as today's), each row with its figures of then.
    /// `total`, when known exactly, lets the last pages be read from the end.
    public func customerPage(_ q: ListQuery, stoodOn p: PointInTime, offset: Int, limit: Int, total: Int? = nil)
        throws -> [CustomerListItem]
    {
        let rows = try listPositions.page(store, ListStoodOn.query(q, p), offset: offset, limit: limit, total: total)
        return try figures(of: rows, stoodOn: p)
    }

    /// The last `limit` rows of the list as of `p`, read backwards from its end.
    public func customerTail(_ q: ListQuery, stoodOn p: PointInTime, limit: Int) throws -> [CustomerListItem] {
        try figures(
            of: try store.customerKeysetPage(ListStoodOn.query(q, p), from: nil, .backward, limit: limit), stoodOn: p)
    }

    /// The rows with their segment, stage, recency, orders, spend and CLV as they stood on `p`:
    /// from each customer's events up to then with the corrections of `p`, and the models in
    /// force then, as `profile --as-of` computes them.
    func figures(of rows: [CustomerListItem], stoodOn p: PointInTime) throws -> [CustomerListItem] {
        guard !rows.isEmpty else { return [] }
        let stamp = try store.writeStamp()
        var models: StoodOnModels?
        return try rows.map { row in
            let key = ListFiguresCache.Key(row: row.key, moment: p)
            if let known = listFiguresStoodOn.get(key, stamp: stamp) { return known }
            let m = try models ?? self.models(stoodOn: p)
            models = m
            let events = try store.events(
                customer: row.key, stoodOn: p.moment, corrections: p.corrections, named: false)
            let f = Figures.compute(events: events.map(EngineBridge.event), model: m.model, asOf: m.model.asOf)
            // The metrics row a refresh would store then, rounded as stored figures are.
            let then = EngineBridge.metrics(row.key, f, now: p.moment)
            var out = row
            out.segment = then.rfmSegment
            out.stage = then.stage
            out.recencyDays = then.recencyDays
            out.orders = then.orders
            out.spend = then.spend
            out.clv = then.clv12m
            listFiguresStoodOn.set(key, out)
            return out
        }
    }
}
