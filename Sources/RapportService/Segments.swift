import Foundation
import RapportEngine
import RapportStore

/// The fields a rule sees for one customer.
struct CustomerRuleContext: RuleContext {
    let customer: CustomerRecord
    let metrics: MetricsRecord?
    let stated: [StatedPreferenceRecord]
    let affinity: (String) -> Double?
    let now: Int64

    func field(_ name: String) -> RuleValue {
        func num(_ v: Double?) -> RuleValue { v.map(RuleValue.number) ?? .missing }
        func str(_ v: String?) -> RuleValue { v.map(RuleValue.string) ?? .missing }
        func flag(_ v: Bool?) -> RuleValue { .bool(v ?? false) }
        let m = metrics
        switch name {
        case "recency_days": return num(m?.recencyDays.map(Double.init))
        case "orders", "frequency": return num(m.map { Double($0.orders) })
        case "spend", "monetary": return num(m?.spend)
        case "r": return num(m?.r.map(Double.init))
        case "f": return num(m?.f.map(Double.init))
        case "m": return num(m?.m.map(Double.init))
        case "segment": return str(m?.rfmSegment)
        case "stage": return str(m?.stage)
        case "p_alive": return num(m?.pAlive)
        case "expected_purchases_90d": return num(m?.expected90d)
        case "clv": return num(m?.clv12m)
        case "consent.personalization": return .bool(customer.consentPersonalization ?? true)
        case "consent.email": return flag(customer.consentEmail)
        case "consent.sms": return flag(customer.consentSms)
        case "consent.push": return flag(customer.consentPush)
        case "country": return str(customer.country)
        case "city": return str(customer.city)
        case "stated_channel": return str(customer.statedChannel)
        case "age":
            guard let by = customer.birthYear else { return .missing }
            let year =
                Calendar(identifier: .gregorian).dateComponents(
                    in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: TimeInterval(now))
                ).year ?? 2026
            return .number(Double(year - by))
        default: return .missing
        }
    }

    func call(_ function: String, _ argument: String) -> RuleValue {
        switch function {
        case "affinity": return affinity(argument).map(RuleValue.number) ?? .number(0)
        case "likes", "dislikes":
            let polarity = function == "likes" ? "like" : "dislike"
            return .bool(
                stated.contains { $0.polarity == polarity && $0.value.caseInsensitiveCompare(argument) == .orderedSame }
            )
        default: return .missing
        }
    }
}

/// Where a segment comes from: the RFM grid, a lifecycle stage, or a saved rule.
public enum SegmentKind: String, Codable, Sendable, CaseIterable {
    case rfm, stage, rule
}

public struct SegmentSummary: Codable, Sendable {
    public var name: String
    public var kind: SegmentKind
    public var rule: String?
    public var members: Int
    public var share: Double
}

extension Workspace {
    /// Parses a rule; the error names the column of the mistake.
    public func parseRule(_ text: String) throws -> Rule {
        do { return try Rule(parsing: text) } catch { throw StoreError.invalidArgument("rule: \(error.description)") }
    }

    /// The customers a rule selects right now.
    public func members(of rule: Rule) throws -> [Int64] {
        let customers = try store.allCustomers()
        let metrics = Dictionary(uniqueKeysWithValues: try store.allMetrics().map { ($0.customerId, $0) })
        let prefs = Dictionary(grouping: try store.allStatedPreferences(), by: \.customerId)
        return try select(rule, from: customers, metrics: metrics, stated: prefs, keys: nil)
    }

    /// The customers of `customers` that a rule selects.
    /// `keys`: the customers whose stored affinity vectors to read (nil: everyone's).
    func select(
        _ rule: Rule, from customers: [CustomerRecord], metrics: [Int64: MetricsRecord],
        stated: [Int64: [StatedPreferenceRecord]], keys: [Int64]?
    ) throws -> [Int64] {
        let needsAffinity = rule.functionsUsed.contains("affinity")
        let model = try cache.model(store)
        // Affinities come from the vectors the last refresh stored; a store refreshed before
        // they existed computes them here, customer by customer, until its next refresh.
        let stored = try needsAffinity && store.modelState(AffinityPass.stateName) != nil
        let vectors = stored ? try store.affinities(customers: keys) : [:]
        let products = needsAffinity && !stored ? try cache.get(store).2 : [:]
        let asOf = model?.asOf ?? clock()
        var out: [Int64] = []
        for c in customers {
            guard let key = c.id else { continue }
            // Inferred preferences exist only for customers who allow personalization: a rule
            // sees none for the others (their affinity is 0), also while a vector stored before
            // they withdrew consent is still there.
            let allowed = c.consentPersonalization != false
            var affinities: [String: Double] = stored && allowed ? vectors[key] ?? [:] : [:]
            if needsAffinity && !stored && allowed {
                let events = try store.events(customer: key).map(EngineBridge.event)
                for p in Preferences.infer(
                    events: events, products: products, now: asOf, settings: insightSettings.preferences)
                {
                    affinities[p.value.lowercased()] = max(affinities[p.value.lowercased()] ?? 0, p.score)
                }
            }
            let ctx = CustomerRuleContext(
                customer: c, metrics: metrics[key], stated: stated[key] ?? [],
                affinity: { affinities[$0.lowercased()] }, now: asOf)
            if rule.matches(ctx) { out.append(key) }
        }
        return out
    }

    /// Saves a new rule segment; a name already taken (built-in or rule) is refused. Returns the member count.
    public func createSegment(name: String, rule text: String) throws -> Int {
        try saveRuleSegment(name: name, rule: text, replace: false).members
    }

    func refreshSegmentMembers() throws {
        for s in try store.segments() {
            guard let rule = try? Rule(parsing: s.rule) else { continue }
            try store.replaceSegmentMembers(segment: s.name, customers: try members(of: rule))
        }
    }

    /// Re-evaluates every rule segment for some customers only (after an import or a write).
    func refreshSegmentMembers(customers keys: [Int64]) throws {
        let segments = try store.segments()
        guard !segments.isEmpty, !keys.isEmpty else { return }
        let facts = try store.ruleFacts(customers: keys)
        for s in segments {
            guard let rule = try? Rule(parsing: s.rule) else { continue }
            let members = try select(
                rule, from: facts.customers, metrics: facts.metrics, stated: facts.stated, keys: keys)
            let selected = Set(members)
            try store.updateSegmentMembers(
                segment: s.name, members: members,
                nonMembers: keys.filter { !selected.contains($0) })
        }
    }

    /// After a customers file, which may withdraw consent: the customers who refuse
    /// personalization lose their stored preference vectors and leave the rule segments that
    /// read inferred preferences at once, not at the next refresh.
    func applyPersonalizationRefusals() throws {
        let refused = try store.personalizationRefused().sorted()
        guard !refused.isEmpty else { return }
        let preferenceRules = try store.segments().filter {
            (try? Rule(parsing: $0.rule))?.functionsUsed.contains("affinity") == true
        }
        if try store.modelState(AffinityPass.stateName) != nil {
            try store.writeAffinities([], covering: refused, replacingAll: false, skipping: [])
        }
        guard !preferenceRules.isEmpty else { return }
        let facts = try store.ruleFacts(customers: refused)
        for s in preferenceRules {
            guard let rule = try? Rule(parsing: s.rule) else { continue }
            let members = try select(
                rule, from: facts.customers, metrics: facts.metrics, stated: facts.stated, keys: refused)
            let selected = Set(members)
            try store.updateSegmentMembers(
                segment: s.name, members: members, nonMembers: refused.filter { !selected.contains($0) })
        }
    }

    /// RFM segments, lifecycle stages and saved rule segments with member counts.
    public func segmentSummaries() throws -> [SegmentSummary] {
        let total = max(1, try store.customerCount())
        let (rfm, stages) = try store.segmentCounts()
        var out: [SegmentSummary] = []
        for seg in RFMSegment.allCases {
            let n = rfm.first { $0.0 == seg.rawValue }?.1 ?? 0
            out.append(
                SegmentSummary(name: seg.rawValue, kind: .rfm, rule: nil, members: n, share: Double(n) / Double(total))
            )
        }
        for st in LifecycleStage.allCases {
            let n = stages.first { $0.0 == st.rawValue }?.1 ?? 0
            out.append(
                SegmentSummary(
                    name: st.rawValue, kind: .stage, rule: nil, members: n, share: Double(n) / Double(total)))
        }
        for s in try store.segments() {
            let n = s.memberCount ?? 0
            out.append(
                SegmentSummary(name: s.name, kind: .rule, rule: s.rule, members: n, share: Double(n) / Double(total)))
        }
        return out
    }
}

public enum RFMNames {
    public static let all = Set(RFMSegment.allCases.map(\.rawValue))
    public static let ordered = RFMSegment.allCases.map(\.rawValue)
}
public enum StageNames {
    public static let all = Set(LifecycleStage.allCases.map(\.rawValue))
    public static let ordered = LifecycleStage.allCases.map(\.rawValue)
}
