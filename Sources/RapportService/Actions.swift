import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

/// What a gift flag changed, in words for the analyst.
public struct GiftOutcome: Sendable {
    public var eventId: String
    public var isGift: Bool
    /// e.g. "Toys no longer inferred; 3 recommendations changed".
    public var effects: [String]

    public var summary: String {
        let head = isGift ? "\(eventId) flagged as a gift" : "\(eventId) is no longer a gift"
        return effects.isEmpty ? head : head + ": " + effects.joined(separator: "; ")
    }
}

/// A gift change with everything the screen shows afterwards.
public struct GiftResult: Sendable {
    public var outcome: GiftOutcome
    /// What the change did to the profile, as a preview of it describes it.
    public var diff: ProfileDiff
    public var profile: ProfileReport
}

extension Workspace {
    /// Flags or unflags a purchase as a gift, with that customer's insights recomputed at once.
    /// `shown` is the profile on screen, if any: what changed is described against it, which
    /// saves recomputing the "before" insight. The customer's lean events are read once, the
    /// flag applied to them in memory as the preview does (`flagged`), and the new profile and
    /// metrics row come from the result; the flag, its audit entry and the metrics row are
    /// written in one transaction (`GiftPath.swift`). The caller's history changes the one flag.
    /// `token` (from `previewGift`) makes it apply exactly what was previewed: a change to the
    /// customer since refuses it.
    public func setGift(
        event displayId: String, isGift: Bool, note: String?, shown: ProfileReport? = nil,
        expecting token: String? = nil
    ) throws -> GiftResult {
        guard let event = try store.event(displayId: displayId) else { throw StoreError.unknownEvent(displayId) }
        let key = event.customerId
        // Marked before the read: if another analyst changes this customer before the flag is
        // written, the figures computed here are not written; they are recomputed from the store.
        let mark = try store.changeMark()
        // The lean read: a history screen on show changes the one flag it holds (no history
        // with product names is read again for it).
        var events = try store.eventFacts(customer: key, EngineBridge.event)
        let displayIds = { (keys: [Int64]) in try self.store.displayIds(events: keys, customer: key) }
        let shownReport = try shown ?? profileWithInsight(key, events: events, displayIds: displayIds).report
        let before = InsightSnapshot(shownReport)
        events = Self.flagged(events, event: event.id, isGift: isGift)
        let computed = try profileWithInsight(key, events: events, displayIds: displayIds)
        var report = computed.report
        let consequences = try computed.insight.flatMap {
            try giftConsequences(
                key, insight: $0, events: events,
                refusesPersonalization: report.customer.consent.personalization == false,
                mark: mark)
        }
        if let consequences {
            let written = try store.setGift(
                event: displayId, isGift: isGift, note: note, expecting: token, by: actor, writing: consequences)
            if !written.consequencesWritten {
                try refreshCustomer(key)
                report = try profile(key)
            }
        } else {
            try store.setGift(event: displayId, isGift: isGift, note: note, expecting: token, by: actor)
        }
        let outcome = GiftOutcome(
            eventId: displayId, isGift: isGift,
            effects: InsightDiff.describe(before: before, after: InsightSnapshot(report)))
        return GiftResult(outcome: outcome, diff: ProfileDiff(before: shownReport, after: report), profile: report)
    }

    /// Clears part of a customer's history and recomputes their insights.
    /// The events stay held for `[corrections] hold_hours` so the clear can be undone, unless
    /// `purgeNow`; `token` (from `previewClear`) refuses it if the customer changed since.
    public func clearHistory(
        customer key: Int64, range: HistoryWindow, purgeNow: Bool = false, expecting token: String? = nil
    ) throws -> Int {
        let accounts = try store.accountsTouching(customer: key)
        let basis = try accountFiguresBasis()
        let n = try store.clearHistory(
            customer: key, range: range, holdSeconds: purgeNow ? 0 : holdSeconds, expecting: token, by: actor)
        try refreshCustomer(key)
        try followLoweredAsOf()
        try refreshAccountFigures(customer: key, before: accounts, basis: basis)
        return n
    }

    /// Clears part of a customer's history and says, in words, what that changed in their
    /// inferred preferences and recommendations.
    public func clearHistoryDescribed(
        customer key: Int64, range: HistoryWindow, purgeNow: Bool = false, expecting token: String? = nil
    ) throws -> (removed: Int, effects: [String], diff: ProfileDiff) {
        let before = try profile(key)
        let n = try clearHistory(customer: key, range: range, purgeNow: purgeNow, expecting: token)
        let after = try profile(key)
        let diff = ProfileDiff(before: before, after: after)
        return (n, diff.summary, diff)
    }

    /// Erases a customer (see `ProfileStore.forget`).
    public func forget(customer key: Int64) throws {
        let accounts = try store.accountsTouching(customer: key)
        let basis = try accountFiguresBasis()
        try announcing("erasure") { _ in try store.forget(customer: key, by: actor) }
        try followLoweredAsOf()
        try refreshAccountFigures(customer: nil, before: accounts, basis: basis, buyers: .person(key))
    }
}
