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

/// What the last import did about the recommender's settings, in words: what a tuning chose
/// and why, or why it did not tune.
public struct TuningNote: Sendable, Equatable {
    /// Whether this import tuned the recommender.
    public var tuned: Bool
    public var text: String
}

extension Workspace {
    /// The tuning in force, if `eval recs --apply` or an automatic tuning set one.
    public func recommenderTuning() throws -> RecommenderTuning? {
        guard let data = try store.modelState(RecommenderTuning.stateName) else { return nil }
        return try JSONDecoder().decode(RecommenderTuning.self, from: data)
    }

    /// The settings `recommend` uses now: the stored tuning, else the defaults; config pins win.
    public var recommenderInUse: (lambda: Double, tauDays: Double, damped: Bool) {
        (itemLambda, insightSettings.recommendations.tauDays, insightSettings.recommendations.damping != .off)
    }

    /// The smallest τ a tuning may choose with the configured damping (the temporal promise).
    public var tauFloorDays: Double { TuningGuard.tauFloor(damping: insightSettings.preferences.damping) }

    /// Stores this small are tuned on their first fit, without being asked (a few seconds).
    static let autoTuneMaxEvents = 300_000
    /// Validation customers an automatic tuning looks at (an even spread).
    static let autoTuneCases = 500
    /// Fewer validation customers than this say too little to choose anything.
    static let autoTuneMinCases = 50

    /// Why this store's first fit does not tune, or nil when it should.
    func reasonNotToTune() throws -> String? {
        if pinnedLambda != nil || pinnedTauDays != nil {
            return "pinned in config.toml ([insights] recommender_lambda / recommender_tau_days): \(inUseText)"
        }
        if !autoTune { return "automatic tuning is off ([insights] auto_tune = false): \(inUseText)" }
        if let t = try recommenderTuning() {
            return "tuned \(t.chosenAt) (\(inUseText)); `rapport eval recs --apply` tunes again"
        }
        if (try loadFit()?.events ?? 0) > 0 {
            return "only a store's first fit tunes by itself (\(inUseText)); `rapport eval recs --apply` tunes"
        }
        let events = try store.eventCount(after: 0)
        if events == 0 { return "no events yet: \(inUseText)" }
        if events > Self.autoTuneMaxEvents {
            return "\(events) events, more than the \(Self.autoTuneMaxEvents) a first import tunes on by itself "
                + "(\(inUseText)); `rapport eval recs --apply` tunes"
        }
        return nil
    }

    /// "λ=200 τ=90 days damping on": the settings `recommend` uses now.
    var inUseText: String {
        let u = recommenderInUse
        return "λ=\(TuningGuard.days(tauDays: u.lambda)) τ=\(TuningGuard.days(tauDays: u.tauDays)) days "
            + "damping \(u.damped ? "on" : "off")"
    }

    /// On a store's first fit, when it is small and nobody has tuned it: choose λ and τ on a
    /// validation split of its own data, within the temporal promise (`TuningGuard`), and put
    /// them in force (audited). Returns the tuning, or nil when it did not run (the caller then
    /// refreshes as usual); `lastTuningNote` says which, and why.
    func autoTuneIfNeeded(progress: ((String, Double) -> Void)?) throws -> RecommenderTuning? {
        if let why = try reasonNotToTune() {
            lastTuningNote = TuningNote(tuned: false, text: "recommender not tuned: \(why)")
            return nil
        }
        progress?("tuning the recommender", 0.05)
        let r = try evaluateRecommender(
            k: 10, types: nil, lambdas: [200, 800], taus: [0.001, 0.1, 10, 90], maxCases: Self.autoTuneCases)
        guard r.users >= Self.autoTuneMinCases else {
            lastTuningNote = TuningNote(
                tuned: false,
                text: "recommender not tuned: \(r.users) customers with 5 or more interactions, "
                    + "\(Self.autoTuneMinCases) needed to choose (\(inUseText))")
            return nil
        }
        lastAutoTuning = r
        let tuning = try applyRecommenderTuning(r, automatic: true, progress: progress)
        lastTuningNote = TuningNote(tuned: true, text: Self.describe(r))
        return tuning
    }

    /// What a tuning chose and why, in one paragraph.
    public static func describe(_ r: RecEvaluation) -> String {
        var text = String(
            format:
                "recommender tuned on %d validation customers: λ=%g τ=%g days damping %@ "
                + "(validation HR@%d %.4f; held out HR@%d %.4f, popularity %.4f)",
            r.users, r.lambda, r.tauDays, r.damped ? "on" : "off", r.k, r.validationHrAtK, r.k, r.hrAtK,
            r.popularity.hrAtK)
        if let floor = r.tauFloorDays {
            let cases = r.spikeCases == 1 ? "1 spike case" : "\(r.spikeCases) spike cases"
            text +=
                "; within the temporal promise: damping on, τ at least \(TuningGuard.days(tauDays: floor)) days "
                + "(a year of habit stays ahead of a week's burst), the habit ahead in the store's \(cases)"
        }
        if let b = r.bestRejected {
            text += String(
                format: "; not chosen: λ=%g τ=%g days damping %@ (validation HR@%d %.4f), %@",
                b.lambda, b.tauDays, b.damped ? "on" : "off", r.k, b.validationHrAtK, b.reason)
        }
        return text
    }

    /// Saves the settings an evaluation chose (audited), puts them in force for this session,
    /// and refits the item model with them. A setting that breaks the temporal promise (damping
    /// off, τ below the floor) is refused.
    public func applyRecommenderTuning(
        _ r: RecEvaluation, automatic: Bool = false, progress: ((String, Double) -> Void)? = nil
    ) throws -> RecommenderTuning {
        if !r.damped || r.tauDays < tauFloorDays {
            throw StoreError.invalidArgument(
                "λ=\(r.lambda) τ=\(r.tauDays) days damping \(r.damped ? "on" : "off") breaks the temporal promise "
                    + "(damping on, τ at least \(TuningGuard.days(tauDays: tauFloorDays)) days): not applied")
        }
        let tuning = RecommenderTuning(
            lambda: r.lambda, tauDays: r.tauDays, damped: r.damped, k: r.k, validationHrAtK: r.validationHrAtK,
            chosenAt: Timestamp(clock()))
        try store.setModelState(
            RecommenderTuning.stateName, try JSONEncoder().encode(tuning), action: .tuneRecommender,
            details: [
                "lambda": "\(r.lambda)", "tau_days": "\(r.tauDays)", "damping": r.damped ? "on" : "off",
                "validation_hr": String(format: "%.4f", r.validationHrAtK), "validation_users": "\(r.users)",
                "automatic": automatic ? "yes" : "no",
                "tau_floor_days": r.tauFloorDays.map { "\($0)" } ?? "none", "spike_cases": "\(r.spikeCases)"
            ], by: actor)
        apply(tuning)
        try refresh(progress: progress)
        return tuning
    }

    /// Puts a tuning in force: the recommender's history τ and λ. Damping stays on, with the
    /// preferences' caps, so recommendations and preferences weigh one damped history. A stored
    /// tuning that breaks the temporal promise (made before it existed) is not applied. Config
    /// pins win over any tuning.
    func apply(_ t: RecommenderTuning) {
        if t.damped && t.tauDays >= tauFloorDays {
            insightSettings.recommendations.tauDays = t.tauDays
            itemLambda = t.lambda
        }
        applyPins()
    }

    /// `[insights] recommender_lambda` and `recommender_tau_days`, when the config sets them.
    func applyPins() {
        insightSettings.recommendations.damping = insightSettings.preferences.damping
        if let l = pinnedLambda { itemLambda = l }
        if let t = pinnedTauDays { insightSettings.recommendations.tauDays = t }
    }
}
