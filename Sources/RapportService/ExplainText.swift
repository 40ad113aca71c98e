import Foundation

extension RecommendationExplanationView {
    /// As text: `explain recommendation` prints it and the explorer's recommendation detail shows it.
    public var lines: [String] {
        let e = self
        var out: [String] = []
        let place = e.position.map { "#\($0) of the list (\(e.kind?.rawValue ?? ""))" } ?? "not on the list"
        out.append("\(e.productId) \(e.title): \(place)")
        if let reason = e.reason { out.append("  reason: \(reason)") }
        if let why = e.excluded { out.append("  excluded: \(why)") }
        let rank = e.personalRank.map { ", rank \($0) among personal candidates" } ?? ""
        out.append(String(format: "  personal score %.4f", e.score) + rank)
        let slot = e.fillsExplorationSlot ? "fills one of" : "is not in"
        out.append("  \(slot) the \(e.explorationSlots) exploration slots")
        for s in e.sources {
            out.append(
                String(
                    format: "  %.4f (%.0f%%) via %@ %@: history weight %.4f × link %.4f%@", s.contribution,
                    s.share * 100, s.productId, s.title, s.historyWeight, s.linkWeight,
                    s.boughtTogether ? " (bought with)" : ""))
            // The heaviest events: the JSON has every one.
            let shown = s.events.sorted { $0.weight > $1.weight }.prefix(3)
            for p in shown {
                out.append(
                    String(
                        format: "      %@ %@ %@: type %.2f × damping %.2f × time %.3f = %.4f", p.eventId,
                        p.time.day, p.type.rawValue, p.typeWeight, p.damping, p.timeWeight, p.weight))
            }
            if s.events.count > shown.count { out.append("      and \(s.events.count - shown.count) more events") }
        }
        for d in e.dampedSpikes {
            out.append(
                "  damped: \(d.category) \(d.from)..\(d.to), counted \(Int((d.counted * 100).rounded()))%: \(d.reason)")
        }
        return out
    }
}
