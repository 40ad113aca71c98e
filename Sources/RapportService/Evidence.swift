import Foundation
import RapportEngine

/// One event behind an inferred preference, and how much it added to it.
public struct EvidenceContribution: Codable, Sendable {
    public var event: HistoryEvent
    /// What the event type says about taste (purchase 5, cart 3, click 1.5, view 1, rating by stars).
    public var weight: Double
    /// exp(-age / τ): the share of the weight left at the as-of date.
    public var decay: Double
    /// weight × decay, before the daily and monthly caps damp bursts.
    public var contribution: Double
    /// The contribution as a share of the preference's undamped total (0...1).
    public var share: Double

    enum CodingKeys: String, CodingKey { case event, weight, decay, contribution, share }
}

extension Workspace {
    /// The evidence events of one inferred preference (as the profile lists them, strongest
    /// first) with each one's contribution: the type's weight decayed to the as-of date, and
    /// its share of the preference's undamped total. Empty when the preference is not inferred.
    public func evidence(customer key: Int64, attribute: PreferenceAttribute, value: String) throws
        -> [EvidenceContribution]
    {
        let rows = try store.events(customer: key)
        guard let insight = try customerInsight(key, rows: rows),
            let pref = insight.inferred.first(where: {
                $0.attribute == attribute && $0.value == value
            })
        else { return [] }
        let byKey = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let tau = insightSettings.preferences.tauDays
        return pref.evidence.compactMap { id -> EvidenceContribution? in
            guard let row = byKey[id] else { return nil }
            let e = EngineBridge.event(row)
            let weight = PreferenceSettings.weight(e)
            let decay = exp(-max(0, Double(insight.asOf - e.time)) / 86_400 / tau)
            let contribution = weight * decay
            return EvidenceContribution(
                event: HistoryEvent(row), weight: weight, decay: decay, contribution: contribution,
                share: pref.raw > 0 ? contribution / pref.raw : 0)
        }
    }
}
