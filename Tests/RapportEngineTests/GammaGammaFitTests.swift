import Foundation
import Testing
@testable import RapportEngine

/// The Gamma-Gamma fit takes the log-gammas once per distinct number of repeat purchases instead
/// of once per customer (issue 23: it was a third of a refresh on a flat 1M-event store). The
/// parameters must be the very bits the per-customer sum gave: this is that sum, kept as the
/// reference.
@Suite("Gamma-Gamma fit")
struct GammaGammaFitTests {
    static func perCustomerFit(_ data: [(x: Int, mean: Double)]) -> [Double] {
        let rows = data.filter { $0.x > 0 && $0.mean > 0 }
        let f: ([Double]) -> Double = { v in
            let p = exp(v[0]), q = exp(v[1]), g = exp(v[2])
            var ll = 0.0
            for r in rows {
                let x = Double(r.x)
                ll +=
                    Double.logGamma(p * x + q) - Double.logGamma(p * x) - Double.logGamma(q) + q * log(g)
                    + (p * x - 1) * log(r.mean) + p * x * log(x) - (p * x + q) * log(x * r.mean + g)
            }
            return ll.isFinite ? -ll : .greatestFiniteMagnitude
        }
        var best = NelderMead.minimize(f, start: [0, 0, 0], step: 0.5)
        best = NelderMead.minimize(f, start: best.point, step: 0.1)
        return best.point.map(exp)
    }

    @Test(arguments: [1, 2, 3])
    func theGroupedSumGivesTheSameBits(_ seed: Int) throws {
        // A fixed pseudo-random population: repeat counts 0…30 (skewed low), means 5…400.
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let data: [(x: Int, mean: Double)] = (0..<3_000).map { _ in
            (x: Int(pow(next(), 3) * 31), mean: 5 + next() * next() * 395)
        }
        let fitted = try #require(GammaGamma.fit(data))
        #expect([fitted.p, fitted.q, fitted.gamma] == Self.perCustomerFit(data))
    }
}
