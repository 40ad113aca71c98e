import Foundation

// Why a customer is (or is not) in a segment, and why a recommendation ranks where it does:
// computed by the code that decides, not by a second copy of it.

/// One condition of a segment and how this customer fares against it.
public struct ConditionCheck: Sendable, Codable, Equatable {
    /// The condition as the rule writes it: `affinity("Coffee") > 0.5`.
    public var condition: String
    /// The customer's value, as text ("0.42", "no value").
    public var value: String
    public var passed: Bool
    /// In words, as it stands for this customer: `affinity(Coffee) 0.42 ≤ 0.5`.
    public var text: String

    public init(condition: String, value: String, passed: Bool, text: String) {
        self.condition = condition
        self.value = value
        self.passed = passed
        self.text = text
    }
}

public enum SegmentExplanation {
    /// Every leaf condition of a rule (comparisons, `in` lists, flags and calls) with this
    /// customer's value and whether it holds, evaluated by the rule's own evaluator; and
    /// whether the rule as a whole selects them.
    public static func conditions(_ rule: Rule, _ ctx: RuleContext) -> (matches: Bool, checks: [ConditionCheck]) {
        var checks: [ConditionCheck] = []
        func walk(_ e: RuleExpr) {
            switch e {
            case .and(let a, let b), .or(let a, let b):
                walk(a)
                walk(b)
            case .not(let a): walk(a)
            default: checks.append(check(e, ctx))
            }
        }
        walk(rule.expr)
        return (rule.matches(ctx), checks)
    }

    static func check(_ e: RuleExpr, _ ctx: RuleContext) -> ConditionCheck {
        let passed = Rule.eval(e, ctx) == .bool(true)
        switch e {
        case .compare(let op, let a, let b):
            let value = show(Rule.eval(a, ctx))
            let shownOp = passed ? symbol(op) : symbol(negated(op))
            return ConditionCheck(
                condition: source(e), value: value, passed: passed,
                text: "\(name(a)) \(value) \(shownOp) \(show(Rule.eval(b, ctx)))")
        case .within(let a, let list):
            let value = show(Rule.eval(a, ctx))
            let options = list.map { show(Rule.eval($0, ctx)) }.joined(separator: ", ")
            return ConditionCheck(
                condition: source(e), value: value, passed: passed,
                text: "\(name(a)) \(value) \(passed ? "in" : "not in") [\(options)]")
        default:
            let value = show(Rule.eval(e, ctx))
            return ConditionCheck(condition: source(e), value: value, passed: passed, text: "\(name(e)) \(value)")
        }
    }

    /// RFM: the customer's recency, frequency and monetary value against the quintile edges
    /// the scores come from (a value equal to an edge falls in the lower band; fewer days since
    /// the last order score higher).
    public static func rfm(_ f: CustomerFigures, thresholds t: RFMThresholds) -> [ConditionCheck] {
        guard let s = f.rfm, let days = f.recencyDays else {
            return [
                ConditionCheck(
                    condition: "a purchase", value: "none", passed: false,
                    text: "no purchase yet: no RFM scores")
            ]
        }
        func edges(_ cuts: [Double]) -> String { cuts.map(number).joined(separator: ", ") }
        return [
            ConditionCheck(
                condition: "R", value: String(s.r), passed: true,
                text: "R \(s.r): \(days) days since the last order; edges \(edges(t.recency)) days (fewer is better)"),
            ConditionCheck(
                condition: "F", value: String(s.f), passed: true,
                text: "F \(s.f): \(f.orders) orders; edges \(edges(t.frequency))"),
            ConditionCheck(
                condition: "M", value: String(s.m), passed: true,
                text: "M \(s.m): spend \(number(f.spend)); edges \(edges(t.monetary))")
        ]
    }

    /// How lifecycle stages are decided (`Figures.stage`), in words.
    public static let stageRule =
        "new: first order within 90 days; one order only: new within 90 days of it, at risk within 180, "
        + "lapsing within 365, else lost; otherwise by P(alive): active ≥ 0.7, at risk ≥ 0.4, lapsing ≥ 0.15, "
        + "else lost (without a fitted model, the days since the last order against the customer's own pace); "
        + "a year without an order is at most lapsing"

    static func negated(_ op: String) -> String {
        switch op {
        case "<": ">="
        case "<=": ">"
        case ">": "<="
        case ">=": "<"
        case "==": "!="
        case "!=": "=="
        default: "not " + op
        }
    }

    static func symbol(_ op: String) -> String {
        switch op {
        case "<=": "≤"
        case ">=": "≥"
        case "!=": "≠"
        case "==": "="
        default: op
        }
    }

    static func show(_ v: RuleValue) -> String {
        switch v {
        case .number(let n): number(n)
        case .string(let s): "'\(s)'"
        case .bool(let b): b ? "true" : "false"
        case .missing: "no value"
        }
    }

    static func number(_ n: Double) -> String {
        if n == n.rounded() && abs(n) < 1e15 { return String(Int64(n)) }
        var text = String(format: "%.2f", n)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// An operand as the explanation names it: `affinity(Coffee)`, `recency_days`.
    static func name(_ e: RuleExpr) -> String {
        switch e {
        case .field(let f): f
        case .call(let f, let a): "\(f)(\(a))"
        default: source(e)
        }
    }

    /// A condition written back as rule text.
    static func source(_ e: RuleExpr) -> String {
        switch e {
        case .number(let n): number(n)
        case .string(let s): "'\(s)'"
        case .bool(let b): b ? "true" : "false"
        case .field(let f): f
        case .call(let f, let a): "\(f)(\"\(a)\")"
        case .list(let l): "[" + l.map(source).joined(separator: ", ") + "]"
        case .not(let a): "not " + source(a)
        case .and(let a, let b): "\(source(a)) and \(source(b))"
        case .or(let a, let b): "\(source(a)) or \(source(b))"
        case .compare(let op, let a, let b): "\(source(a)) \(op) \(source(b))"
        case .within(let a, let l): "\(source(a)) in [" + l.map(source).joined(separator: ", ") + "]"
        }
    }
}

/// One event's part in its product's history weight: w(type) × damping × exp(−age/τ).
public struct HistoryPart: Sendable, Equatable {
    public var event: Event
    public var typeWeight: Double
    /// The share the burst caps left (1: not damped).
    public var damping: Double
    /// exp(−age/τ), the age counted back from the customer's newest event.
    public var timeWeight: Double
    public var weight: Double { typeWeight * damping * timeWeight }
}

/// Why a product ranks where it does in a customer's list (or why it is not there).
public struct RecommendationExplanation: Sendable {
    public struct Source: Sendable {
        /// The customer's item the score comes through.
        public var product: Int64
        /// Its weight in the customer's history (the sum of its events' parts).
        public var historyWeight: Double
        /// The item model's weight from it to the recommended product.
        public var linkWeight: Double
        /// historyWeight × linkWeight: its part of the score.
        public var contribution: Double
        public var boughtTogether: Bool
        public var events: [HistoryPart]
    }

    public var product: Int64
    /// 1-based place in the list of `k`, nil when not on it.
    public var position: Int?
    public var recommendation: Recommendation?
    /// The personal score: the sum of the sources' contributions (0 without a link).
    public var score: Double
    /// Place among every personal candidate, by that score.
    public var personalRank: Int?
    public var sources: [Source]
    /// Bursts the damping held down in the customer's history.
    public var dampedSpikes: [DampedSpike]
    public var explorationSlots: Int
    public var fillsExplorationSlot: Bool
    /// Why it cannot be recommended at all, if so.
    public var excluded: String?
}

extension Recommender {
    /// Explains `product` for one customer through the ranking's own steps: the list from
    /// `recommendWithHistory`, each history item's weight from `history` (instrumented), the
    /// score's parts from `score`, the personal order from `rank`.
    public static func explain(
        product: Int64, input: RecommendationInput, products: [Int64: Product], model: any NeighborLookup,
        popularity: Popularity, settings: RecommendationSettings, now: Int64
    ) -> RecommendationExplanation {
        let (list, _) = recommendWithHistory(
            input, products: products, model: model, popularity: popularity, settings: settings, now: now)
        let builder = ListBuilder(input: input, products: products, settings: settings, now: now)
        var parts: [Int64: [HistoryPart]] = [:]
        let hist = history(builder.shaping, products: products, now: now, settings: settings) { part in
            if let p = part.event.product { parts[p, default: []].append(part) }
        }
        let weights = Dictionary(hist.items.map { ($0.product, $0.weight) }, uniquingKeysWith: +)
        let contributions = score(history: hist.items, model: model)[product] ?? []
        let sources = contributions.sorted { $0.1 > $1.1 }.map { source, contribution, bought in
            let w = weights[source] ?? 0
            return RecommendationExplanation.Source(
                product: source, historyWeight: w, linkWeight: w == 0 ? 0 : contribution / w,
                contribution: contribution, boughtTogether: bought, events: parts[source] ?? [])
        }
        let ranked = hist.items.count >= 2 ? rank(history: hist.items, model: model) { builder.isCandidate($0) } : []
        let index = list.firstIndex { $0.product == product }
        let rec = index.map { list[$0] }
        var excluded: String?
        if products[product] == nil {
            excluded = "not in the catalogue"
        } else if !input.consent.allowsPersonalization {
            excluded = rec == nil ? "no personalization consent: popular items only" : nil
        } else if builder.owned.contains(product) {
            excluded = "already had: bought, rated, viewed often or in the last session, or given as a gift"
        } else if !builder.allowed(product) {
            excluded = "the customer said they dislike it (its product, brand or category)"
        }
        return RecommendationExplanation(
            product: product, position: index.map { $0 + 1 }, recommendation: rec,
            score: contributions.reduce(0) { $0 + $1.1 },
            personalRank: ranked.firstIndex { $0.product == product }.map {
                $0 + 1
            }, sources: sources, dampedSpikes: hist.dampedSpikes, explorationSlots: settings.explorationSlots,
            fillsExplorationSlot: rec?.kind.isExploration ?? false, excluded: excluded)
    }
}
