import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// Leave-last-out evaluation of the shipped recommender. `lambdas`, `taus` and `damping`
    /// narrow the settings validation chooses from (nil: the full grid; config pins narrow it to
    /// themselves); `inUse` evaluates exactly the settings `recommend` uses now. Unless `guarded`
    /// is false, the choice keeps the temporal promise (`TuningGuard`: damping on, τ at least the
    /// floor, the habit ahead in the store's spike cases). `progress` hears of every setting scored.
    public func evaluateRecommender(
        k: Int, types: [String]?, lambdas: [Double]? = nil, taus: [Double]? = nil, damping: Bool? = nil,
        inUse: Bool = false, maxCases: Int? = nil, guarded: Bool = true,
        progress: ((RecEvaluationProgress) -> Void)? = nil
    ) throws -> RecEvaluation {
        var events: [Event] = []
        try store.scanEvents { events.append(EngineBridge.event($0)) }
        let typeSet = try types.map { names in
            Set(
                try names.map { n -> EventType in
                    guard let t = EventType(rawValue: n) else {
                        throw StoreError.invalidArgument("unknown event type '\(n)'")
                    }
                    return t
                })
        }
        let records = try store.allProducts()
        // With the catalogue, bursts are damped per category, as in the shipped recommender.
        let catalogue = Dictionary(uniqueKeysWithValues: records.map { ($0.id ?? 0, EngineBridge.product($0)) })
        let current = recommenderInUse
        let on = insightSettings.preferences.damping
        let guarding = guarded && !inUse && damping != false
        let dampings = (inUse ? current.damped : damping).map { [$0 ? on : .off] } ?? (guarding ? [on] : [on, .off])
        let lambdaGrid = inUse ? [current.lambda] : pinnedLambda.map { [$0] } ?? lambdas ?? [50, 100, 200, 400, 800]
        let tauGrid = inUse ? [current.tauDays] : pinnedTauDays.map { [$0] } ?? taus ?? RecEvaluation.tauGrid
        let tuningGuard =
            guarding
            ? TuningGuard(
                events: events, products: catalogue, damping: on,
                referenceTauDays: insightSettings.preferences.tauDays) : nil
        return RapportEngine.evaluateRecommendations(
            events: events, products: records.compactMap(\.id), k: k, types: typeSet,
            lambdas: lambdaGrid, taus: tauGrid, dampings: dampings,
            catalogue: catalogue, maxCases: maxCases, guarding: tuningGuard, progress: progress)
    }

    /// BG/NBD calibration/holdout evaluation over the store's purchases.
    public func evaluateLifetimeValue(
        calibrationEnd: Int64, holdoutEnd: Int64, unitDays: Double, perCustomer: Bool = false
    ) throws
        -> CLVEvaluation
    {
        var purchases: [(customer: Int64, time: Int64)] = []
        try store.scanEvents { e in
            if e.type == EventType.purchase.code { purchases.append((e.customer, e.time)) }
        }
        // A fit with nothing to fit is not a result: say so instead of printing start values.
        guard purchases.contains(where: { $0.time <= calibrationEnd }) else {
            throw StoreError.invalidArgument(
                "no purchases on or before the calibration end \(DateParsing.isoDate(calibrationEnd)): nothing to fit")
        }
        return RapportEngine.evaluateCLV(
            purchases: purchases, calibrationEnd: calibrationEnd,
            holdoutEnd: holdoutEnd, unitDays: unitDays, keepRows: perCustomer)
    }

    /// `eval clv --per-customer`: one CSV row per customer and model, with the customer's id as
    /// the data gave it, for checking against another implementation (scripts/check-clv-lifetimes.py).
    public func lifetimeValueRowsCSV(_ e: CLVEvaluation) throws -> String {
        var out = "customer_id,model,x,tx,T,actual_holdout,p_alive,expected_holdout\n"
        for row in e.rows {
            let id = try store.customer(row.customer)?.externalId ?? "#\(row.customer)"
            for (i, m) in e.models.enumerated() {
                out +=
                    "\(id),\(m.model),\(row.summary.x),\(row.summary.tx),\(row.summary.T),\(row.actualHoldout),"
                    + "\(row.pAlive[i]),\(row.expected[i])\n"
            }
        }
        return out
    }
}

/// How far `eval recs` has got (settings scored on validation so far), for the CLI.
public typealias EvaluationProgress = RecEvaluationProgress
