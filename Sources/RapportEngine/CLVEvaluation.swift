import Foundation

/// The result of `rapport eval clv`: BG/NBD and the modified BG/NBD fitted on a calibration
/// period, each one's prediction of repeat purchases in the holdout period next to what
/// happened. The top-level parameters are the classic model's (as before the comparison);
/// `models` has both.
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
    /// Each variant's fit and holdout errors, classic first.
    public var models: [ModelFit] = []
    /// The variant with the smaller per-customer error (RMSE) *and* aggregate error on the
    /// holdout; "bgnbd" when neither wins both (docs/algorithms.md).
    public var better: String = BGNBD.Variant.classic.rawValue

    public struct ModelFit: Codable, Sendable {
        public var model: String
        public var r: Double
        public var alpha: Double
        public var a: Double
        public var b: Double
        public var logLikelihood: Double
        public var predictedHoldout: Double
        /// Mean absolute and root-mean-square difference, per customer, between predicted and
        /// actual holdout repeat purchases.
        public var mae: Double
        public var rmse: Double
        public var fitSeconds: Double

        enum CodingKeys: String, CodingKey {
            case model, r, alpha, a, b, logLikelihood = "log_likelihood", predictedHoldout = "predicted_holdout"
            case mae, rmse, fitSeconds = "fit_seconds"
        }
    }

    /// One customer's calibration summary and what each model says (for `--per-customer`).
    public struct CustomerRow: Sendable {
        public var customer: Int64
        public var summary: RFMSummary
        public var actualHoldout: Int
        /// Per model, in the order of `models`: P(alive) at the calibration end, expected holdout purchases.
        public var pAlive: [Double]
        public var expected: [Double]
    }

    public var rows: [CustomerRow] = []

    enum CodingKeys: String, CodingKey {
        case customers, r, alpha, a, b, logLikelihood = "log_likelihood"
        case predictedHoldout = "predicted_holdout", actualHoldout = "actual_holdout", fitSeconds = "fit_seconds"
        case models, better
    }
}

/// Fits BG/NBD and the modified BG/NBD on purchases up to `calibrationEnd` (for customers
/// whose first purchase is on or before it) and compares the expected repeat purchases in the
/// holdout with the actual number (purchase days after the calibration end day, up to and
/// including the holdout end day).
public func evaluateCLV(
    purchases: [(customer: Int64, time: Int64)], calibrationEnd: Int64,
    holdoutEnd: Int64, unitDays: Double, keepRows: Bool = false
) -> CLVEvaluation {
    var byCustomer: [Int64: [Int64]] = [:]
    for p in purchases { byCustomer[p.customer, default: []].append(p.time) }
    let calDay = Day.of(calibrationEnd), holdDay = Day.of(holdoutEnd)
    var customers: [Int64] = []
    var summaries: [RFMSummary] = []
    var actual: [Int] = []
    summaries.reserveCapacity(byCustomer.count)
    for (c, times) in byCustomer.sorted(by: { $0.key < $1.key }) {
        guard let s = RFMSummary.from(purchaseTimes: times, end: calibrationEnd, unitDays: unitDays) else { continue }
        customers.append(c)
        summaries.append(s)
        actual.append(Set(times.map(Day.of).filter { $0 > calDay && $0 <= holdDay }).count)
    }
    let horizon = Double(holdDay - calDay) / unitDays
    var fits: [CLVEvaluation.ModelFit] = []
    var perModel: [(alive: [Double], expected: [Double])] = []
    for variant in BGNBD.Variant.allCases {
        let started = Date()
        let (model, ll) = BGNBD.fit(summaries, unitDays: unitDays, variant: variant)
        let seconds = Date().timeIntervalSince(started)
        let expected = summaries.map { model.expectedPurchases($0, t: horizon) }
        let errors = zip(expected, actual).map { $0 - Double($1) }
        let n = Double(max(1, errors.count))
        fits.append(
            CLVEvaluation.ModelFit(
                model: variant.rawValue, r: model.r, alpha: model.alpha, a: model.a, b: model.b, logLikelihood: ll,
                predictedHoldout: expected.reduce(0, +), mae: errors.reduce(0) { $0 + abs($1) } / n,
                rmse: (errors.reduce(0) { $0 + $1 * $1 } / n).squareRoot(), fitSeconds: seconds))
        perModel.append((keepRows ? summaries.map(model.pAlive) : [], keepRows ? expected : []))
    }
    let holdoutActual = actual.reduce(0, +)
    let classic = fits[0], modified = fits[1]
    let aggregate = { (f: CLVEvaluation.ModelFit) in abs(f.predictedHoldout - Double(holdoutActual)) }
    let modifiedWins = modified.rmse < classic.rmse && aggregate(modified) < aggregate(classic)
    var result = CLVEvaluation(
        customers: summaries.count, r: classic.r, alpha: classic.alpha, a: classic.a, b: classic.b,
        logLikelihood: classic.logLikelihood, predictedHoldout: classic.predictedHoldout,
        actualHoldout: holdoutActual, fitSeconds: classic.fitSeconds, models: fits,
        better: (modifiedWins ? BGNBD.Variant.modified : .classic).rawValue)
    if keepRows {
        result.rows = customers.indices.map { i in
            CLVEvaluation.CustomerRow(
                customer: customers[i], summary: summaries[i], actualHoldout: actual[i],
                pAlive: perModel.map { $0.alive[i] }, expected: perModel.map { $0.expected[i] })
        }
    }
    return result
}
