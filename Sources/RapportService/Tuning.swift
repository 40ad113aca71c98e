import Foundation
import RapportEngine
import RapportStore

/// Recommender settings chosen on the store's own validation split by `rapport eval recs
/// --apply` or automatically on a small store's first fit, so the recommender analysts see is
/// the one `eval recs` measured. Without it the shop defaults apply (λ 200, τ from config,
/// damping on).
public struct RecommenderTuning: Codable, Sendable, Equatable {
    public var lambda: Double
    public var tauDays: Double
    public var damped: Bool
    public var k: Int
    public var validationHrAtK: Double
    public var chosenAt: Timestamp

    static let stateName = "recommender_tuning"

    enum CodingKeys: String, CodingKey {
        case lambda, tauDays = "tau_days", damped, k, validationHrAtK = "validation_hr_at_k"
        case chosenAt = "chosen_at"
    }
}

extension Workspace {
    /// The tuning in force, if `eval recs --apply` or an automatic tuning set one.
    public func recommenderTuning() throws -> RecommenderTuning? {
        guard let data = try store.modelState(RecommenderTuning.stateName) else { return nil }
        return try JSONDecoder().decode(RecommenderTuning.self, from: data)
    }

    /// The settings `recommend` uses now: the stored tuning, else the defaults.
    public var recommenderInUse: (lambda: Double, tauDays: Double, damped: Bool) {
        (itemLambda, insightSettings.recommendations.tauDays, insightSettings.recommendations.damping != .off)
    }

    /// Stores this small are tuned on their first fit, without being asked (a few seconds).
    static let autoTuneMaxEvents = 300_000
    /// Validation customers an automatic tuning looks at (an even spread).
    static let autoTuneCases = 500
    /// Fewer validation customers than this say too little to choose anything.
    static let autoTuneMinCases = 50

    /// On a store's first fit, when it is small and nobody has tuned it: choose λ, τ and the
    /// damping on a validation split of its own data, and put them in force (audited). Returns
    /// the tuning, or nil when it did not run (the caller then refreshes as usual).
    func autoTuneIfNeeded(progress: ((String, Double) -> Void)?) throws -> RecommenderTuning? {
        // First fit with events: no fit yet, or one made before any event arrived (customers first).
        guard autoTune, try recommenderTuning() == nil, (try loadFit()?.events ?? 0) == 0 else { return nil }
        let events = try store.eventCount(after: 0)
        guard events > 0, events <= Self.autoTuneMaxEvents else { return nil }
        progress?("tuning the recommender", 0.05)
        let r = try evaluateRecommender(
            k: 10, types: nil, lambdas: [200, 800], taus: [0.001, 0.1, 10, 90],
            maxCases: Self.autoTuneCases)
        guard r.users >= Self.autoTuneMinCases else { return nil }
        lastAutoTuning = r
        return try applyRecommenderTuning(r, automatic: true, progress: progress)
    }

    /// Saves the settings an evaluation chose (audited), puts them in force for this session,
    /// and refits the item model with them.
    public func applyRecommenderTuning(
        _ r: RecEvaluation, automatic: Bool = false, progress: ((String, Double) -> Void)? = nil
    ) throws -> RecommenderTuning {
        let tuning = RecommenderTuning(
            lambda: r.lambda, tauDays: r.tauDays, damped: r.damped, k: r.k, validationHrAtK: r.validationHrAtK,
            chosenAt: Timestamp(clock()))
        try store.setModelState(
            RecommenderTuning.stateName, try JSONEncoder().encode(tuning), action: .tuneRecommender,
            details: [
                "lambda": "\(r.lambda)", "tau_days": "\(r.tauDays)", "damping": r.damped ? "on" : "off",
                "validation_hr": String(format: "%.4f", r.validationHrAtK), "validation_users": "\(r.users)",
                "automatic": automatic ? "yes" : "no"
            ], by: actor)
        apply(tuning)
        try refresh(progress: progress)
        return tuning
    }

    /// Puts a tuning in force: the recommender's history τ and damping (preferences keep the
    /// configured τ: a τ of minutes suits "what next" but not "what do they like").
    func apply(_ t: RecommenderTuning) {
        insightSettings.recommendations.tauDays = t.tauDays
        insightSettings.recommendations.damping = t.damped ? insightSettings.preferences.damping : .off
        itemLambda = t.lambda
    }
}
