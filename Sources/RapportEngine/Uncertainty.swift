import Foundation

/// The Laplace approximation of a fitted model's parameter uncertainty: near the maximum the
/// log-likelihood is taken as quadratic, so the parameters (on the log scale the fit works on)
/// are approximately normal with covariance H⁻¹, H the Hessian of the negative log-likelihood.
/// With a flat prior on the log parameters that is the posterior's normal approximation.
enum Laplace {
    /// H⁻¹ of `f` (a negative log-likelihood) at `x` by central differences, row-major; nil
    /// when H is not positive definite (the maximum is flat or not a maximum).
    static func covariance(_ f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-3) -> [Double]? {
        let n = x.count
        let f0 = f(x)
        guard f0.isFinite, f0 < .greatestFiniteMagnitude else { return nil }
        func at(_ i: Int, _ di: Double, _ j: Int, _ dj: Double) -> Double {
            var p = x
            p[i] += di
            p[j] += dj
            return f(p)
        }
        var hessian = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            hessian[i * n + i] = (at(i, h, i, 0) - 2 * f0 + at(i, -h, i, 0)) / (h * h)
            for j in 0..<i {
                let v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h)
                hessian[i * n + j] = v
                hessian[j * n + i] = v
            }
        }
        guard hessian.allSatisfy(\.isFinite), SPD.invert(&hessian, n: n) else { return nil }
        return hessian
    }

    /// `count` draws from N(mean, covariance), the same draws for the same inputs (a fixed
    /// seed): a profile shows the same interval every time it is opened.
    static func draws(mean: [Double], covariance: [Double], count: Int, seed: UInt64) -> [[Double]]? {
        let n = mean.count
        var l = covariance
        let ok = l.withUnsafeMutableBufferPointer { SPD.cholesky($0.baseAddress!, n: n) }
        guard ok else { return nil }
        var rng = SeededRandom(state: seed)
        return (0..<count).map { _ in
            let z = (0..<n).map { _ in rng.normal() }
            return (0..<n).map { i in mean[i] + (0...i).reduce(0) { $0 + l[i * n + $1] * z[$1] } }
        }
    }
}

/// The intervals' draws: uniform in the open (0, 1), so `log` never sees 0, and Box–Muller normals.
extension SeededRandom {
    mutating func openUnit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    mutating func normal() -> Double { (-2 * log(openUnit())).squareRoot() * cos(2 * Double.pi * openUnit()) }
}

/// A central interval of a figure: `low` and `high` are its 5th and 95th percentiles.
public struct ValueInterval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// How uncertain a customer's P(alive) and CLV are because the population's parameters are
/// estimated (docs/algorithms.md): both are recomputed under draws of the BG/NBD and
/// Gamma-Gamma parameters from their Laplace approximations, and the 5th and 95th percentiles
/// are reported (a 90% interval). The customer's own randomness (whether they will in fact buy)
/// is not in it: this is the interval PyMC-Marketing's posterior gives for the expected values.
public struct ValueUncertainty: Sendable, Equatable, Codable {
    public var pAlive: ValueInterval?
    public var clv12m: ValueInterval?
    /// 0.9: the share of the draws between `low` and `high`.
    public var level: Double
    public var draws: Int

    public static let drawCount = 400

    public static func compute(
        _ s: RFMSummary, meanSpend: Double, bgnbd: BGNBD, gammaGamma: GammaGamma?, pAliveShown: Bool,
        draws count: Int = drawCount
    ) -> ValueUncertainty? {
        guard let cov = bgnbd.covariance,
            let bgDraws = Laplace.draws(mean: bgnbd.logParameters, covariance: cov, count: count, seed: 0x5EED_B6)
        else { return nil }
        let ggDraws = gammaGamma.flatMap { gg in
            gg.covariance.flatMap {
                Laplace.draws(mean: gg.logParameters, covariance: $0, count: count, seed: 0x5EED_66)
            }
        }
        let horizon = 365 / bgnbd.unitDays
        var alive: [Double] = []
        var clv: [Double] = []
        alive.reserveCapacity(count)
        clv.reserveCapacity(count)
        let x = max(1, s.x)
        let models = bgDraws.prefix(count).map { bgnbd.with(logParameters: $0) }
        // Every draw's series summed side by side: the same figures as one at a time.
        let expected = BGNBD.expectedPurchases(s, t: horizon, under: models)
        for i in 0..<count {
            let m = models[i]
            alive.append(m.pAlive(s))
            let spend =
                ggDraws.map { gammaGamma!.with(logParameters: $0[i]).expectedSpend(x: x, mean: meanSpend) }
                ?? gammaGamma?.expectedSpend(x: x, mean: meanSpend) ?? meanSpend
            clv.append(expected[i] * spend)
        }
        func interval(_ v: [Double]) -> ValueInterval? {
            let finite = v.filter(\.isFinite).sorted()
            guard finite.count >= count / 2 else { return nil }
            let lo = finite[Int((Double(finite.count - 1) * 0.05).rounded())]
            let hi = finite[Int((Double(finite.count - 1) * 0.95).rounded())]
            return ValueInterval(low: lo, high: hi)
        }
        return ValueUncertainty(
            pAlive: pAliveShown ? interval(alive) : nil, clv12m: interval(clv), level: 0.9, draws: count)
    }
}
