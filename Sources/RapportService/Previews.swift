import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

// Previews of a correction: the customer's events as they would be after it, in memory,
// through the same `profileWithInsight` the profile and the commit use, compared with the
// profile as it is. The preview carries the store's token for the state it was computed
// from; the commit passes it back and is refused if anything changed in between.

extension Workspace {
    /// What flagging (or unflagging) a purchase as a gift would change, without changing it.
    /// `shown` is the profile on screen, if any: the "before" side, as the commit takes it.
    public func previewGift(event displayId: String, isGift: Bool, note: String?, shown: ProfileReport? = nil) throws
        -> CorrectionPreview
    {
        guard let event = try store.event(displayId: displayId) else { throw StoreError.unknownEvent(displayId) }
        guard event.type == EventKinds.purchase else { throw StoreError.notAPurchase(displayId) }
        let key = event.customerId
        // The lean read (no names or external ids), with the flags and notes the token hashes:
        // the token is of exactly the events the diff is computed from (no second read of them).
        let facts = try store.eventFacts(customer: key) { $0 }
        let token = try store.previewToken(facts: facts)
        let events = facts.map(EngineBridge.event)
        let changed = Self.flagged(events, event: event.id, isGift: isGift)
        let displayIds = { (keys: [Int64]) in try self.store.displayIds(events: keys, customer: key) }
        let after = try profileWithInsight(key, events: changed, displayIds: displayIds).report
        // The customer's id from the report's read of them (not a second read of their row).
        return CorrectionPreview(
            customer: after.customer.id, token: token, events: nil, heldFor: nil,
            diff: ProfileDiff(
                before: try shown ?? profileWithInsight(key, events: events, displayIds: displayIds).report,
                after: after))
    }

    /// What clearing part of a customer's history would change, without clearing it.
    public func previewClear(customer key: Int64, range: HistoryWindow) throws -> CorrectionPreview {
        let token = try store.previewToken(customer: key)
        let rows = try store.eventsWithoutNames(customer: key)
        let kept = rows.filter { !Self.inWindow($0, range) }
        // A clear of the store's newest events lowers its as-of date, and the models' with it
        // (`followLoweredAsOf`): the preview counts from the date the commit would leave.
        var asOf: Int64?
        if let latest = try store.latestEventTime(), let model = try cache.model(store),
            rows.contains(where: { Self.inWindow($0, range) && $0.time >= latest })
        {
            let after = try store.latestEventTime(clearing: range, of: key)
            if let after, after < model.asOf { asOf = after }
        }
        let before = try profileWithInsight(key, rows: rows).report
        // The customer's id from the report's read of them (not a second read of their row).
        return CorrectionPreview(
            customer: before.customer.id, token: token, events: rows.count - kept.count,
            heldFor: HoldWords.duration(holdSeconds),
            diff: ProfileDiff(before: before, after: try profileWithInsight(key, rows: kept, asOf: asOf).report))
    }

    /// The events a clear-history's window selects, as the store's `historyFilter` selects them.
    static func inWindow(_ e: EventRow, _ range: HistoryWindow) -> Bool {
        if let since = range.since, e.time < since { return false }
        if let types = range.types, !types.contains(e.typeName) { return false }
        return true
    }
}
