import Foundation
import RealModule

/// Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"):
/// each customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ).
public struct GammaGamma: Sendable, Equatable, Codable {
    public var p: Double
    public var q: Double
    public var gamma: Double
    /// Covariance of (ln p, ln q, ln γ) at the maximum (Laplace), row-major 3×3; nil when unknown.
    public var covariance: [Double]?

    public init(p: Double, q: Double, gamma: Double, covariance: [Double]? = nil) {
        self.p = p
        self.q = q
        self.gamma = gamma
        self.covariance = covariance
    }

    /// Fit on customers with at least one repeat purchase: (number of transactions, mean value).
    public static func fit(_ data: [(x: Int, mean: Double)]) -> GammaGamma? {
        let rows = data.filter { $0.x > 0 && $0.mean > 0 }
        guard rows.count >= 10 else { return nil }
        // The log-likelihood is evaluated hundreds of times over every repeat buyer: what does
        // not change between evaluations (the logs of x and of the mean) is taken once, and the
        // log-gammas once per distinct x (a handful of values) rather than per customer. The
        // sum is the same expression over the same values in the same order: the same bits.
        let distinctX = Array(Set(rows.map(\.x))).sorted()
        let slot = Dictionary(uniqueKeysWithValues: distinctX.enumerated().map { ($1, $0) })
        let xs = rows.map { Double($0.x) }
        let slots = rows.map { slot[$0.x]! }
        let logMeans = rows.map { log($0.mean) }
        let logXs = xs.map { log($0) }
        let means = rows.map(\.mean)
        let f: ([Double]) -> Double = { v in
            let p = exp(v[0]), q = exp(v[1]), g = exp(v[2])
            let logGammaQ = Double.logGamma(q), logG = log(g)
            let upper = distinctX.map { Double.logGamma(p * Double($0) + q) }
            let lower = distinctX.map { Double.logGamma(p * Double($0)) }
            var ll = 0.0
            for i in rows.indices {
                let x = xs[i]
                ll +=
                    upper[slots[i]] - lower[slots[i]] - logGammaQ + q * logG
                    + (p * x - 1) * logMeans[i] + p * x * logXs[i] - (p * x + q) * log(x * means[i] + g)
            }
            return ll.isFinite ? -ll : .greatestFiniteMagnitude
        }
        var best = NelderMead.minimize(f, start: [0, 0, 0], step: 0.5)
        best = NelderMead.minimize(f, start: best.point, step: 0.1)
        let v = best.point.map(exp)
        return GammaGamma(p: v[0], q: v[1], gamma: v[2], covariance: Laplace.covariance(f, at: best.point))
    }

    /// Expected mean transaction value given x transactions with mean m (shrunk toward the population).
    public func expectedSpend(x: Int, mean: Double) -> Double {
        let xd = Double(x)
        guard q > 1 else { return mean }
        if x == 0 { return p * gamma / (q - 1) }
        return (gamma + mean * xd) * p / (p * xd + q - 1)
    }

    func with(logParameters v: [Double]) -> GammaGamma { GammaGamma(p: exp(v[0]), q: exp(v[1]), gamma: exp(v[2])) }

    var logParameters: [Double] { [log(p), log(q), log(gamma)] }
}
