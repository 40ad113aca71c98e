import Foundation
import RapportEngine
import RapportStore

/// Recommender settings chosen on the store's own validation split by `rapport eval recs
/// --apply`, so the recommender analysts see is the one `eval recs` measured. Without it the
/// shop defaults apply (λ 200, τ from config, damping on).
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
    /// The tuning in force, if `eval recs --apply` set one.
    public func recommenderTuning() throws -> RecommenderTuning? {
        guard let data = try store.modelState(RecommenderTuning.stateName) else { return nil }
        return try JSONDecoder().decode(RecommenderTuning.self, from: data)
    }

    /// The settings `recommend` uses now: the stored tuning, else the defaults.
    public var recommenderInUse: (lambda: Double, tauDays: Double, damped: Bool) {
        (itemLambda, insightSettings.recommendations.tauDays, insightSettings.recommendations.damping != .off)
    }

    /// Saves the settings an evaluation chose (audited), puts them in force for this session,
    /// and refits the item model with them.
    public func applyRecommenderTuning(_ r: RecEvaluation, progress: ((String, Double) -> Void)? = nil) throws
        -> RecommenderTuning
    {
        let tuning = RecommenderTuning(
            lambda: r.lambda, tauDays: r.tauDays, damped: r.damped, k: r.k, validationHrAtK: r.validationHrAtK,
            chosenAt: Timestamp(clock()))
        try store.setModelState(
            RecommenderTuning.stateName, try JSONEncoder().encode(tuning), action: "tune_recommender",
            details: [
                "lambda": "\(r.lambda)", "tau_days": "\(r.tauDays)", "damping": r.damped ? "on" : "off",
                "validation_hr": String(format: "%.4f", r.validationHrAtK)
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
