import Foundation
import RapportStore

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

extension Workspace {
    /// Flags or unflags a purchase as a gift, then recomputes that customer's insights at once.
    public func setGift(event displayId: String, isGift: Bool, note: String?) throws -> GiftOutcome {
        guard let event = try store.event(displayId: displayId) else { throw StoreError.unknownEvent(displayId) }
        let before = try insight(for: event.customerId)
        try store.setGift(event: displayId, isGift: isGift, note: note, by: actor)
        try refreshCustomer(event.customerId)
        let after = try insight(for: event.customerId)
        return GiftOutcome(eventId: displayId, isGift: isGift, effects: InsightDiff.describe(before: before, after: after))
    }

    /// Clears part of a customer's history and recomputes their insights.
    public func clearHistory(customer key: Int64, range: HistoryRange) throws -> Int {
        let n = try store.clearHistory(customer: key, range: range, by: actor)
        try refreshCustomer(key)
        return n
    }

    /// Erases a customer (see `ProfileStore.forget`).
    public func forget(customer key: Int64) throws {
        try store.forget(customer: key, by: actor)
    }
}
