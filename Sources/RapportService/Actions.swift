import Foundation
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
    public var history: [HistoryEvent]
    public var profile: ProfileReport
}

extension Workspace {
    /// Flags or unflags a purchase as a gift, with that customer's insights recomputed at once.
    /// `shown` is the profile on screen, if any: what changed is described against it, which
    /// saves recomputing the "before" insight. The customer's events are read once, the flag
    /// applied to them in memory as the preview does (`flagged`), and the new profile, history
    /// and metrics row come from the result; the flag, its audit entry and the metrics row are
    /// written in one transaction (`GiftPath.swift`).
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
        var rows = try namedEvents(key)
        let shownReport = try shown ?? profileWithInsight(key, rows: rows).report
        let before = InsightSnapshot(shownReport)
        rows = Self.flagged(rows, event: event.id, isGift: isGift, note: note)
        let computed = try profileWithInsight(key, rows: rows)
        var report = computed.report
        let consequences = try computed.insight.flatMap {
            try giftConsequences(
                key, insight: $0, events: rows,
                refusesPersonalization: report.customer.consent.personalization == false,
                mark: mark)
        }
        if let consequences {
            let written = try store.setGift(
                event: displayId, isGift: isGift, note: note, expecting: token, by: actor, writing: consequences)
            if !written.consequencesWritten {
                try refreshCustomer(key)
                rows = try namedEvents(key)
                report = try profileWithInsight(key, rows: rows).report
            }
        } else {
            try store.setGift(event: displayId, isGift: isGift, note: note, expecting: token, by: actor)
        }
        let outcome = GiftOutcome(
            eventId: displayId, isGift: isGift,
            effects: InsightDiff.describe(before: before, after: InsightSnapshot(report)))
        return GiftResult(
            outcome: outcome, diff: ProfileDiff(before: shownReport, after: report),
            history: rows.reversed().map(HistoryEvent.init), profile: report)
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
