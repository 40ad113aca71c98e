import Foundation
import RapportEngine
import RapportStore

/// What the metrics fold reads as of a past moment: the moment, the gift flags of then and every
/// customer's figures of then.
struct MetricsStoodOn {
    var moment: Int64
    var corrections: [Int64: [GiftCorrection]]
    var refreshed: [Int64: RefreshedFigures]

    func event(_ e: EventFact) -> Event {
        var event = EngineBridge.event(e)
        if let list = corrections[e.key] {
            event.isGift = GiftStateOn.state(today: (e.isGift, nil), corrections: list, moment: moment).isGift
        }
        return event
    }
}

extension Workspace {
    /// The business metrics as they stood on `p`: the 365 days ending that day, from the events
    /// up to it, with every customer's segment, CLV and P(alive) of then (and a segment's
    /// members of then). A full pass over the events: slow on big stores.
    public func metrics(stoodOn p: PointInTime, segment: String? = nil) throws -> BusinessMetrics {
        let scope = try metricScope(segment)
        let ref: SegmentRef?
        switch scope {
        case .all: ref = nil
        case .rfmSegment(let n): ref = SegmentRef(kind: .rfm, name: n)
        case .stage(let n): ref = SegmentRef(kind: .stage, name: n)
        case .ruleSegment(let n): ref = SegmentRef(kind: .rule, name: n)
        }
        let rule = try ref.flatMap { $0.kind == .rule ? try store.segment(named: $0.name) : nil }
        let needsAffinity = rule.flatMap { try? Rule(parsing: $0.rule) }?.functionsUsed.contains("affinity") == true
        let population = try population(stoodOn: p, affinities: needsAffinity)
        // The window ends on the store's analysis date as it stood then, as today's ends on today's.
        let (start, end) = try metricsWindow(since: nil, until: population.asOf)
        let keys = try ref.map { try members(of: $0, in: population) }
        let fold = MetricsStoodOn(
            moment: p.moment,
            corrections: p.corrections == .then ? try store.giftCorrections(customer: nil) : [:],
            refreshed: population.figures.mapValues {
                // Rounded as the stored figures are.
                RefreshedFigures(
                    segment: $0.rfm?.segment, clv12m: $0.clv12m.map { ($0 * 100).rounded() / 100 }, pAlive: $0.pAlive)
            })
        var acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
        try foldEvents(into: &acc, scope: keys, stoodOn: fold)
        var out = Self.compose(acc.finish(), since: start, until: end, segment: segment)
        out.recommendations = try recommendationFigure(acc.holdoutCandidates, until: end)
        return out
    }
}
