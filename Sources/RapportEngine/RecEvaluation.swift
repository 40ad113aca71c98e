import Foundation

/// The result of `rapport eval recs`.
public struct RecEvaluation: Codable, Sendable {
    public struct Baseline: Codable, Sendable {
        public var hrAtK: Double
        public var ndcgAtK: Double
        enum CodingKeys: String, CodingKey { case hrAtK = "hr_at_k", ndcgAtK = "ndcg_at_k" }
    }
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
    /// τ of the history weights, chosen on validation (the position decay is gone: `historyDecay` is 1).
    public var tauDays: Double = 90
    /// Whether the chosen setting caps and saturates bursts (false: every event counts in full).
    public var damped: Bool = true
    /// The smallest τ the search allowed (the temporal-weighting promise), nil when unguarded.
    public var tauFloorDays: Double? = nil
    /// The store's spike cases the chosen setting was checked on (0 when unguarded or none).
    public var spikeCases: Int = 0
    /// Settings validation scored but the promise ruled out, best first.
    public var rejected: [RejectedSetting] = []

    /// A setting the search did not choose because it breaks the temporal-weighting promise.
    public struct RejectedSetting: Codable, Sendable, Equatable {
        public var lambda: Double
        public var tauDays: Double
        public var damped: Bool
        public var validationHrAtK: Double
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case lambda, tauDays = "tau_days", damped, validationHrAtK = "validation_hr_at_k", reason
        }
    }

    /// The best setting validation would have chosen without the promise, when it was ruled out.
    public var bestRejected: RejectedSetting? {
        rejected.first { $0.validationHrAtK > validationHrAtK }
    }

    /// τ values (days) the validation split chooses from: minutes (rating sessions) to a year.
    public static let tauGrid: [Double] = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.1, 1, 10, 90, 365]

    enum CodingKeys: String, CodingKey {
        case users, k, hrAtK = "hr_at_k", ndcgAtK = "ndcg_at_k", coverageAtK = "coverage_at_k", popularity
        case lambda, historyDecay = "history_decay", validationHrAtK = "validation_hr_at_k", seconds
        case tauDays = "tau_days", damped, tauFloorDays = "tau_floor_days", spikeCases = "spike_cases", rejected
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(users, forKey: .users)
        try c.encode(k, forKey: .k)
        try c.encode(hrAtK, forKey: .hrAtK)
        try c.encode(ndcgAtK, forKey: .ndcgAtK)
        try c.encode(coverageAtK, forKey: .coverageAtK)
        try c.encode(popularity, forKey: .popularity)
        try c.encode(lambda, forKey: .lambda)
        try c.encode(historyDecay, forKey: .historyDecay)
        try c.encode(validationHrAtK, forKey: .validationHrAtK)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(tauDays, forKey: .tauDays)
        try c.encode(damped, forKey: .damped)
        try c.encode(tauFloorDays, forKey: .tauFloorDays)
        try c.encode(spikeCases, forKey: .spikeCases)
        try c.encode(rejected, forKey: .rejected)
    }
}

/// How far an evaluation has got: settings scored on validation so far, of how many.
public struct RecEvaluationProgress: Sendable {
    public var done: Int
    public var total: Int
    /// What was just done, in words ("λ=200 τ=90 days damping on: validation HR@10 0.1234").
    public var step: String
}

/// One held-out interaction: the customer's events before it, and its product.
struct EvaluationCase {
    var history: [Event]
    var target: Int64
}

/// Leave-last-out evaluation of the recommender. Each customer with at least `minInteractions`
/// interactions holds out the latest one (of equal times, the later row); the model is built
/// from the remaining interactions only; the list is what `Recommender.recommend` returns for
/// the customer's earlier events (the shipped path, exploration off), so it never holds an item
/// the customer already bought or rated. λ, τ and the damping are chosen on a validation split
/// that holds out the second-to-last interaction as well, never on the test targets.
public func evaluateRecommendations(
    events: [Event], products: [Int64], k: Int, types: Set<EventType>? = nil,
    minInteractions: Int = 5,
    lambdas: [Double] = [50, 100, 200, 400, 800],
    taus: [Double] = RecEvaluation.tauGrid,
    dampings: [SpikeDamping] = [SpikeDamping(), .off],
    catalogue: [Int64: Product] = [:],
    maxCases: Int? = nil,
    guarding: TuningGuard? = nil,
    progress: ((RecEvaluationProgress) -> Void)? = nil
) -> RecEvaluation {
    let started = Date()
    var split = EvaluationSplit(events: events, types: types, minInteractions: minInteractions)
    if let maxCases { split.keepEvenSpread(of: maxCases) }
    let items = evaluationCatalogue(products, catalogue)
    // Under the promise, τ below the floor is replaced by the floor itself (still scored, so the
    // result can say what was given up); every setting is checked before it may be chosen.
    let grid = guarding.map { g in Array(Set(taus + g.allowedTaus(taus))).sorted() } ?? taus
    var best = (lambda: lambdas[0], tau: guarding?.allowedTaus(taus).first ?? taus[0], damping: dampings[0], hr: -1.0)
    var rejected: [RecEvaluation.RejectedSetting] = []
    var verdicts: [String: String?] = [:]
    let total = lambdas.count * grid.count * dampings.count
    var done = 0
    for lambda in lambdas {
        let model = ItemModel.build(baskets: split.validationTrain, lambda: lambda)
        let popularity = evaluationPopularity(split.validationTrain)
        for tau in grid {
            for damping in dampings {
                let settings = RecommendationSettings(k: k, explorationShare: 0, tauDays: tau, damping: damping)
                let r = score(
                    cases: split.validationCases, model: model, popularity: popularity, products: items,
                    settings: settings)
                let key = "\(tau) \(damping == .off)"
                if verdicts[key] == nil {
                    verdicts[key] = .some(guarding?.rejection(tauDays: tau, damping: damping, products: items))
                }
                let why = verdicts[key] ?? nil
                if let why {
                    rejected.append(
                        .init(lambda: lambda, tauDays: tau, damped: damping != .off, validationHrAtK: r.hr, reason: why)
                    )
                } else if r.hr > best.hr {
                    best = (lambda, tau, damping, r.hr)
                }
                done += 1
                progress?(
                    RecEvaluationProgress(
                        done: done, total: total,
                        step: String(
                            format: "λ=%g τ=%g days damping %@: validation HR@%d %.4f%@", lambda, tau,
                            damping == .off ? "off" : "on", k, r.hr, why.map { " (ruled out: \($0))" } ?? "")))
            }
        }
    }
    // Nothing kept the promise (every τ lost a spike case): the reference setting, the guard's
    // damping at the largest τ offered, which is where a habit leads most.
    if best.hr < 0, let g = guarding {
        let tau = grid.max() ?? g.tauFloorDays
        let r = score(
            cases: split.validationCases, model: ItemModel.build(baskets: split.validationTrain, lambda: lambdas[0]),
            popularity: evaluationPopularity(split.validationTrain), products: items,
            settings: RecommendationSettings(k: k, explorationShare: 0, tauDays: tau, damping: g.damping))
        best = (lambdas[0], tau, g.damping, r.hr)
    }
    let model = ItemModel.build(baskets: split.testTrain, lambda: best.lambda)
    let settings = RecommendationSettings(k: k, explorationShare: 0, tauDays: best.tau, damping: best.damping)
    let result = score(
        cases: split.testCases, model: model, popularity: evaluationPopularity(split.testTrain),
        products: items, settings: settings)
    let pop = popularityBaseline(train: split.testTrain, cases: split.testCases, k: k)
    return RecEvaluation(
        users: split.testCases.count, k: k, hrAtK: result.hr, ndcgAtK: result.ndcg,
        coverageAtK: Double(result.recommended.count) / Double(max(1, products.count)),
        popularity: .init(hrAtK: pop.hr, ndcgAtK: pop.ndcg), lambda: best.lambda,
        historyDecay: 1, validationHrAtK: best.hr,
        seconds: Date().timeIntervalSince(started), tauDays: best.tau,
        damped: best.damping != .off, tauFloorDays: guarding?.tauFloorDays, spikeCases: guarding?.cases.count ?? 0,
        rejected: rejected.sorted { $0.validationHrAtK > $1.validationHrAtK })
}

/// Each customer's events in time order, split into training sequences and held-out cases.
struct EvaluationSplit {
    var validationTrain: [[Int64]] = []
    var validationCases: [EvaluationCase] = []
    var testTrain: [[Int64]] = []
    var testCases: [EvaluationCase] = []

    init(events: [Event], types: Set<EventType>?, minInteractions: Int) {
        var byCustomer: [Int64: [Event]] = [:]
        for e in events where e.product != nil && (types?.contains(e.type) ?? true) {
            byCustomer[e.customer, default: []].append(e)
        }
        for (_, list) in byCustomer.sorted(by: { $0.key < $1.key }) {
            let sorted = list.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
            add(sorted, minInteractions: minInteractions)
        }
    }

    /// At most `n` cases of each kind, an even spread over customers: training data stays whole.
    mutating func keepEvenSpread(of n: Int) {
        func spread(_ cases: [EvaluationCase]) -> [EvaluationCase] {
            guard cases.count > n, n > 0 else { return cases }
            return (0..<n).map { cases[$0 * cases.count / n] }
        }
        validationCases = spread(validationCases)
        testCases = spread(testCases)
    }

    /// Validation trains without the last two interactions and targets the second-to-last.
    private mutating func add(_ s: [Event], minInteractions: Int) {
        let products = s.map { $0.product! }
        guard s.count >= minInteractions else {
            testTrain.append(products)
            validationTrain.append(products)
            return
        }
        testTrain.append(Array(products.dropLast()))
        testCases.append(EvaluationCase(history: Array(s.dropLast()), target: products[products.count - 1]))
        validationTrain.append(Array(products.dropLast(2)))
        validationCases.append(EvaluationCase(history: Array(s.dropLast(2)), target: products[products.count - 2]))
    }
}

/// The store's products, or stand-ins without category when the caller passed only keys.
private func evaluationCatalogue(_ keys: [Int64], _ catalogue: [Int64: Product]) -> [Int64: Product] {
    var out = catalogue
    for p in keys where out[p] == nil {
        out[p] = Product(id: p, externalId: "\(p)", title: "", category: "", brand: "", price: 0)
    }
    return out
}

/// Training popularity (customers per product), for the recommender's popular fill.
private func evaluationPopularity(_ train: [[Int64]]) -> Popularity {
    Popularity(overall: rankedByPopularity(train).prefix(200).map { $0 })
}

private func rankedByPopularity(_ train: [[Int64]]) -> [Int64] {
    var counts: [Int64: Int] = [:]
    for s in train { for p in Set(s) { counts[p, default: 0] += 1 } }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
}

/// Hit rate and NDCG of the shipped recommender over the cases, and the products it recommended.
private func score(
    cases: [EvaluationCase], model: ItemModel, popularity: Popularity, products: [Int64: Product],
    settings: RecommendationSettings
) -> (hr: Double, ndcg: Double, recommended: Set<Int64>) {
    var hits = 0.0, ndcg = 0.0
    var recommended = Set<Int64>()
    for c in cases {
        let input = RecommendationInput(
            events: c.history, stated: [], consent: Consent(personalization: true),
            segment: nil, replenishment: [])
        let now = c.history.last?.time ?? 0
        let top = Recommender.recommend(
            input, products: products, model: model, popularity: popularity,
            settings: settings, now: now
        ).map(\.product)
        recommended.formUnion(top)
        if let rank = top.firstIndex(of: c.target) {
            hits += 1
            ndcg += 1 / log2(Double(rank) + 2)
        }
    }
    let n = Double(max(1, cases.count))
    return (hits / n, ndcg / n, recommended)
}

private func popularityBaseline(train: [[Int64]], cases: [EvaluationCase], k: Int) -> (hr: Double, ndcg: Double) {
    let ranked = rankedByPopularity(train)
    var hits = 0.0, ndcg = 0.0
    for c in cases {
        let training = Set(c.history.compactMap(\.product))
        let top = ranked.lazy.filter { !training.contains($0) }.prefix(k)
        if let rank = Array(top).firstIndex(of: c.target) {
            hits += 1
            ndcg += 1 / log2(Double(rank) + 2)
        }
    }
    let n = Double(max(1, cases.count))
    return (hits / n, ndcg / n)
}
