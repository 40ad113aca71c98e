import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary

/// Every customer's figures (and, when a rule needs them, affinities) as they stood on a past
/// moment, from one pass over the events up to it with the models in force then.
struct StoodOnPopulation {
    var customers: [CustomerRecord]
    var figures: [Int64: CustomerFigures]
    var affinities: [Int64: [String: Double]]
    var asOf: Int64
}

extension Workspace {
    /// One pass over every event up to `p.moment`, like a refresh: seconds on the sample,
    /// minutes on a store of tens of millions of events.
    func population(stoodOn p: PointInTime, affinities wanted: Bool) throws -> StoodOnPopulation {
        let started = Date()
        let m = try models(stoodOn: p)
        let asOf = m.model.asOf
        let refused = try store.personalizationRefused()
        let catalogue = products
        var figures: [Int64: CustomerFigures] = [:]
        var affinities: [Int64: [String: Double]] = [:]
        try forEachCustomerEvents(stoodOn: p) { customer, batch in
            figures[customer] = Figures.compute(events: batch, model: m.model, asOf: asOf)
            if wanted && !refused.contains(customer) {
                affinities[customer] = AffinityPass.vector(
                    Preferences.infer(
                        events: batch, products: catalogue, now: asOf, settings: insightSettings.preferences))
            }
        }
        let customers = try store.allCustomers()
        for c in customers where figures[c.id ?? 0] == nil {
            figures[c.id ?? 0] = Figures.compute(events: [], model: m.model, asOf: asOf)
        }
        logger.info(
            "figures as of a past moment",
            metadata: ["customers": "\(customers.count)", "seconds": "\(Date().timeIntervalSince(started))"])
        return StoodOnPopulation(customers: customers, figures: figures, affinities: affinities, asOf: asOf)
    }

    /// The members of a segment as they stood on `p`, in key order.
    func members(of ref: SegmentRef, in population: StoodOnPopulation) throws -> [Int64] {
        switch ref.kind {
        case .rfm: return population.figures.filter { $0.value.rfm?.segment.rawValue == ref.name }.map(\.key).sorted()
        case .stage: return population.figures.filter { $0.value.stage.rawValue == ref.name }.map(\.key).sorted()
        case .rule:
            guard let saved = try store.segment(named: ref.name) else {
                throw StoreError.invalidArgument("no segment named '\(ref.name)'")
            }
            let rule = try parseRule(saved.rule)
            let stated = Dictionary(grouping: try store.allStatedPreferences(), by: \.customerId)
            return population.customers.compactMap { c -> Int64? in
                guard let key = c.id else { return nil }
                let vector = population.affinities[key] ?? [:]
                let ctx = CustomerRuleContext(
                    customer: c,
                    metrics: population.figures[key].map { EngineBridge.metrics(key, $0, now: population.asOf) },
                    stated: stated[key] ?? [], affinity: { vector[$0.lowercased()] }, now: population.asOf)
                return rule.matches(ctx) ? key : nil
            }
        }
    }

    /// RFM segments, stages and rule segments with their member counts as they stood on `p`
    /// (rule definitions are today's).
    public func segmentSummaries(stoodOn p: PointInTime) throws -> [SegmentSummary] {
        let rules = try store.segments()
        let needsAffinity = rules.contains {
            (try? Rule(parsing: $0.rule))?.functionsUsed.contains("affinity") == true
        }
        let population = try population(stoodOn: p, affinities: needsAffinity)
        let total = Double(max(1, population.customers.count))
        var out: [SegmentSummary] = []
        for seg in RFMSegment.allCases {
            let n = try members(of: SegmentRef(kind: .rfm, name: seg.rawValue), in: population).count
            out.append(SegmentSummary(name: seg.rawValue, kind: .rfm, rule: nil, members: n, share: Double(n) / total))
        }
        for st in LifecycleStage.allCases {
            let n = try members(of: SegmentRef(kind: .stage, name: st.rawValue), in: population).count
            out.append(SegmentSummary(name: st.rawValue, kind: .stage, rule: nil, members: n, share: Double(n) / total))
        }
        for s in rules {
            let n = try members(of: SegmentRef(kind: .rule, name: s.name), in: population).count
            out.append(SegmentSummary(name: s.name, kind: .rule, rule: s.rule, members: n, share: Double(n) / total))
        }
        return out
    }

    /// A segment's members as they stood on `p`, by name as the list sorts them, with their
    /// segment and stage of then.
    public func segmentMembers(_ ref: SegmentRef, stoodOn p: PointInTime) throws -> [CustomerListItem] {
        let saved = ref.kind == .rule ? try store.segment(named: ref.name) : nil
        let needsAffinity = saved.flatMap { try? Rule(parsing: $0.rule) }?.functionsUsed.contains("affinity") == true
        let population = try population(stoodOn: p, affinities: needsAffinity)
        let keys = Set(try members(of: ref, in: population))
        return population.customers.filter { keys.contains($0.id ?? 0) }.map { c in
            let f = population.figures[c.id ?? 0]
            return CustomerListItem(
                key: c.id ?? 0, externalId: c.externalId, name: c.name, email: c.email,
                segment: f?.rfm?.segment.rawValue, stage: f?.stage.rawValue, recencyDays: f?.recencyDays,
                orders: f?.orders, spend: f.map { ($0.spend * 100).rounded() / 100 },
                clv: f?.clv12m.map { ($0 * 100).rounded() / 100 })
        }.sorted {
            let (a, b) = (($0.name ?? "").lowercased(), ($1.name ?? "").lowercased())
            return a != b ? a < b : $0.key < $1.key
        }
    }
}
