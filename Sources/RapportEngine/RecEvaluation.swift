import Foundation

/// The result of `rapport eval recs`.
public struct RecEvaluation: Codable, Sendable {
    public struct Baseline: Codable, Sendable { public var hrAtK: Double; public var ndcgAtK: Double
        enum CodingKeys: String, CodingKey { case hrAtK = "hr_at_k", ndcgAtK = "ndcg_at_k" } }
    public var users: Int
    public var k: Int
    public var hrAtK: Double
    public var ndcgAtK: Double
    public var coverageAtK: Double
    public var popularity: Baseline
    /// Settings chosen on the validation split (the second-to-last interaction).
    public var lambda: Double
    public var historyDecay: Double
    public var validationHrAtK: Double
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case users, k, hrAtK = "hr_at_k", ndcgAtK = "ndcg_at_k", coverageAtK = "coverage_at_k", popularity
        case lambda, historyDecay = "history_decay", validationHrAtK = "validation_hr_at_k", seconds
    }
}

/// Leave-last-out evaluation of the recommender. Each customer with at least `minInteractions`
/// interactions holds out the latest one (of equal times, the later row); the model is built
/// from the remaining interactions only; every product the customer did not interact with in
/// training is ranked. λ and the history decay are chosen on a validation split that holds
/// out the second-to-last interaction as well, never on the test targets. The model scored
/// is the one Rapport ships (top-k neighbours per item), with no exploration.
public func evaluateRecommendations(events: [Event], products: [Int64], k: Int, types: Set<EventType>? = nil,
                                    minInteractions: Int = 5,
                                    lambdas: [Double] = [50, 100, 200, 400, 800],
                                    decays: [Double] = [0.7, 0.8, 0.9, 0.95, 1.0]) -> RecEvaluation {
    let started = Date()
    var byCustomer: [Int64: [Event]] = [:]
    for e in events where e.product != nil && (types?.contains(e.type) ?? true) {
        byCustomer[e.customer, default: []].append(e)
    }
    var sequences: [[Int64]] = []
    for (_, list) in byCustomer.sorted(by: { $0.key < $1.key }) {
        let sorted = list.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
        sequences.append(sorted.map { $0.product! })
    }
    let catalogue = products

    // Validation: train without the last two interactions of eligible users, target the second-to-last.
    var validationTrain: [[Int64]] = [], validationCases: [(history: [Int64], target: Int64)] = []
    var testTrain: [[Int64]] = [], testCases: [(history: [Int64], target: Int64)] = []
    for s in sequences {
        if s.count >= minInteractions {
            testTrain.append(Array(s.dropLast()))
            testCases.append((Array(s.dropLast()), s.last!))
            validationTrain.append(Array(s.dropLast(2)))
            validationCases.append((Array(s.dropLast(2)), s[s.count - 2]))
        } else {
            testTrain.append(s)
            validationTrain.append(s)
        }
    }
    var best = (lambda: lambdas[0], decay: decays[0], hr: -1.0)
    for lambda in lambdas {
        let model = ItemModel.build(baskets: validationTrain, lambda: lambda)
        for decay in decays {
            let r = score(cases: validationCases, model: model, catalogue: catalogue, k: k, decay: decay)
            if r.hr > best.hr { best = (lambda, decay, r.hr) }
        }
    }
    let model = ItemModel.build(baskets: testTrain, lambda: best.lambda)
    let result = score(cases: testCases, model: model, catalogue: catalogue, k: k, decay: best.decay)
    let pop = popularityBaseline(train: testTrain, cases: testCases, catalogue: catalogue, k: k)
    return RecEvaluation(users: testCases.count, k: k, hrAtK: result.hr, ndcgAtK: result.ndcg,
                         coverageAtK: Double(result.recommended.count) / Double(max(1, catalogue.count)),
                         popularity: .init(hrAtK: pop.hr, ndcgAtK: pop.ndcg), lambda: best.lambda,
                         historyDecay: best.decay, validationHrAtK: best.hr,
                         seconds: Date().timeIntervalSince(started))
}

private func score(cases: [(history: [Int64], target: Int64)], model: ItemModel, catalogue: [Int64], k: Int,
                   decay: Double) -> (hr: Double, ndcg: Double, recommended: Set<Int64>) {
    var hits = 0.0, ndcg = 0.0
    var recommended = Set<Int64>()
    for c in cases {
        var seen = Set<Int64>()
        var history: [(product: Int64, weight: Double)] = []
        for p in c.history.reversed() where !seen.contains(p) {
            seen.insert(p)
            history.append((p, pow(decay, Double(history.count))))
        }
        let training = Set(c.history)
        var scores: [Int64: Double] = [:]
        for (source, w) in history {
            for n in model.neighbors[source] ?? [] where !training.contains(n.product) {
                scores[n.product, default: 0] += w * n.weight
            }
        }
        let top = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(k).map(\.key)
        recommended.formUnion(top)
        if let rank = top.firstIndex(of: c.target) {
            hits += 1
            ndcg += 1 / log2(Double(rank) + 2)
        }
    }
    let n = Double(max(1, cases.count))
    return (hits / n, ndcg / n, recommended)
}

private func popularityBaseline(train: [[Int64]], cases: [(history: [Int64], target: Int64)], catalogue: [Int64],
                                k: Int) -> (hr: Double, ndcg: Double) {
    var counts: [Int64: Int] = [:]
    for s in train { for p in Set(s) { counts[p, default: 0] += 1 } }
    let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    var hits = 0.0, ndcg = 0.0
    for c in cases {
        let training = Set(c.history)
        let top = ranked.lazy.filter { !training.contains($0) }.prefix(k)
        if let rank = Array(top).firstIndex(of: c.target) { hits += 1; ndcg += 1 / log2(Double(rank) + 2) }
    }
    let n = Double(max(1, cases.count))
    return (hits / n, ndcg / n)
}
