import Foundation

/// The result of `rapport eval clv`: a BG/NBD fit on a calibration period and its prediction
/// of repeat purchases in the holdout period next to what happened.
public struct CLVEvaluation: Codable, Sendable {
    public var customers: Int
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double
    public var logLikelihood: Double
    public var predictedHoldout: Double
    public var actualHoldout: Int
    public var fitSeconds: Double

    enum CodingKeys: String, CodingKey {
        case customers, r, alpha, a, b, logLikelihood = "log_likelihood"
        case predictedHoldout = "predicted_holdout", actualHoldout = "actual_holdout", fitSeconds = "fit_seconds"
    }
}

/// Fits BG/NBD on purchases up to `calibrationEnd` (for customers whose first purchase is on
/// or before it) and compares the expected repeat purchases in the holdout with the actual
/// number (purchase days after the calibration end day, up to and including the holdout end day).
public func evaluateCLV(
    purchases: [(customer: Int64, time: Int64)], calibrationEnd: Int64,
    holdoutEnd: Int64, unitDays: Double
) -> CLVEvaluation {
    var byCustomer: [Int64: [Int64]] = [:]
    for p in purchases { byCustomer[p.customer, default: []].append(p.time) }
    let calDay = Day.of(calibrationEnd), holdDay = Day.of(holdoutEnd)
    var summaries: [RFMSummary] = []
    var holdoutActual = 0
    summaries.reserveCapacity(byCustomer.count)
    for (_, times) in byCustomer {
        guard let s = RFMSummary.from(purchaseTimes: times, end: calibrationEnd, unitDays: unitDays) else { continue }
        summaries.append(s)
        let holdDays = Set(times.map(Day.of).filter { $0 > calDay && $0 <= holdDay })
        holdoutActual += holdDays.count
    }
    let started = Date()
    let (model, ll) = BGNBD.fit(summaries, unitDays: unitDays)
    let seconds = Date().timeIntervalSince(started)
    let horizon = Double(holdDay - calDay) / unitDays
    let predicted = summaries.reduce(0) { $0 + model.expectedPurchases($1, t: horizon) }
    return CLVEvaluation(
        customers: summaries.count, r: model.r, alpha: model.alpha, a: model.a, b: model.b,
        logLikelihood: ll, predictedHoldout: predicted, actualHoldout: holdoutActual,
        fitSeconds: seconds)
}
