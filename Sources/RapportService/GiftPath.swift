import Foundation
import RapportEngine
import RapportStore

// The gift flag's own path (issue 23): the customer's lean events read once, the flag applied in
// memory by the same code for the preview and the commit, the insight computed once from the
// result, and the flag, its audit entry and the figures written in one transaction.

extension Workspace {
    /// `events` as they are once event `key` is flagged (or unflagged): what the store's flag
    /// writes, applied in memory (the note does not shape the insight).
    static func flagged(_ events: [Event], event key: Int64, isGift: Bool) -> [Event] {
        var out = events
        if let i = out.firstIndex(where: { $0.id == key }) { out[i].isGift = isGift }
        return out
    }

    /// The figures and affinity vector the flag's transaction writes, from the insight of the
    /// events after it, as a refresh computes them; nil on a read-only store.
    func giftConsequences(
        _ key: Int64, insight: CustomerInsight, events: [Event], refusesPersonalization: Bool, mark: ChangeMark
    ) throws -> GiftConsequences? {
        guard !store.isReadOnly else { return nil }
        let keepsAffinity = try store.modelState(AffinityPass.stateName) != nil
        var affinity: [String: Double]?
        if keepsAffinity && !refusesPersonalization {
            // The insight inferred these preferences from the same events, catalogue, date and
            // settings when no event is after its date: its list is the vector's, not a second pass.
            affinity =
                events.allSatisfy { $0.time <= insight.asOf }
                ? AffinityPass.vector(insight.inferred)
                : AffinityPass(
                    products: try cache.products(store), refused: [], now: insight.asOf,
                    settings: insightSettings.preferences
                ).vector(key, events)
        }
        return GiftConsequences(
            mark: mark, metrics: EngineBridge.metrics(key, insight.figures, now: clock()), keepsAffinity: keepsAffinity,
            affinity: affinity)
    }
}
