import Foundation
import Testing

@testable import RapportEngine

/// The modified BG/NBD (Batislam, Denizel & Filiztekin 2007), checked against `lifetimes`
/// 0.11.3's `ModifiedBetaGeoFitter` with the same parameters (its CDNOW fit), and by hand.
@Suite("Modified BG/NBD") struct ModifiedBGNBDTests {
    static let mbg = BGNBD(r: 0.5248, alpha: 6.1831, a: 0.8914, b: 1.6140, unitDays: 7, variant: .modified)

    /// (x, tₓ, T) → lifetimes' conditional_probability_alive and
    /// conditional_expected_number_of_purchases_up_to_time(39 weeks).
    static let lifetimes: [(RFMSummary, Double, Double)] = [
        (RFMSummary(x: 0, tx: 0, T: 55), 0.352243785646, 0.105826869802),
        (RFMSummary(x: 0, tx: 0, T: 20), 0.459150424367, 0.288514921754),
        (RFMSummary(x: 2, tx: 30, T: 40), 0.686470767806, 1.202150554998),
        (RFMSummary(x: 7, tx: 35.5, T: 38), 0.861768498963, 4.450945669331),
        (RFMSummary(x: 1, tx: 2, T: 60), 0.107981372008, 0.085383680482)
    ]

    @Test func perCustomerFiguresMatchLifetimes() {
        for (s, alive, expected) in Self.lifetimes {
            #expect(abs(Self.mbg.pAlive(s) - alive) < 1e-9, "P(alive) of \(s)")
            #expect(abs(Self.mbg.expectedPurchases(s, t: 39) - expected) < 1e-9, "E[purchases] of \(s)")
        }
        // expected_number_of_purchases_up_to_time(52) for a new customer.
        #expect(abs(Self.mbg.expectedPurchasesNewCustomer(t: 52) - 1.418731680892) < 1e-9)
    }

    @Test func logLikelihoodMatchesLifetimes() {
        // −5 × lifetimes' _negative_log_likelihood (a mean) over the five customers above.
        let ll = BGNBD.logLikelihood(
            r: 0.5248, alpha: 6.1831, a: 0.8914, b: 1.6140, SummaryGroups(Self.lifetimes.map(\.0)),
            variant: .modified)
        #expect(abs(ll - -37.0847314663) < 1e-8)
    }

    /// The "lost" one-time buyer: one order 390 days ago. BG/NBD says P(alive) = 1 by
    /// construction; the modified model lets them drop out. By hand, T = 390/7 weeks:
    /// 1 / (1 + a/b · ((α + T)/α)^r) = 1 / (1 + 0.55229 · (61.8974/6.1831)^0.5248) = 0.35086.
    @Test func aOneTimeBuyerCanBeLost() {
        let s = RFMSummary(x: 0, tx: 0, T: 390.0 / 7)
        let classic = BGNBD(r: 0.5248, alpha: 6.1831, a: 0.8914, b: 1.6140, unitDays: 7)
        #expect(classic.pAlive(s) == 1)
        #expect(abs(Self.mbg.pAlive(s) - 0.35086) < 5e-5)
        // Fewer expected purchases than the classic model gives the same customer.
        #expect(Self.mbg.expectedPurchases(s, t: 365.0 / 7) < classic.expectedPurchases(s, t: 365.0 / 7))
        // And the figures a profile shows: P(alive) is a number now, not n/a.
        let day: Int64 = 86_400
        let asOf: Int64 = 1000 * day
        let events = [Event(id: 1, customer: 1, product: 1, type: .purchase, time: asOf - 390 * day, amount: 242.97)]
        let rfm = RFMThresholds.fit(recencyDays: [390], frequency: [1], monetary: [242.97])
        let model = EngineModel(
            asOf: asOf, bgnbd: Self.mbg, gammaGamma: nil, rfm: rfm, popularity: Popularity())
        let f = Figures.compute(events: events, model: model, asOf: asOf)
        #expect(abs((f.pAlive ?? 1) - 0.35086) < 5e-5)
        let bg = Figures.compute(
            events: events,
            model: EngineModel(asOf: asOf, bgnbd: classic, gammaGamma: nil, rfm: rfm, popularity: Popularity()),
            asOf: asOf)
        #expect(bg.pAlive == nil)
        #expect((f.clv12m ?? .infinity) < (bg.clv12m ?? 0))
    }

    /// A fit on data drawn from the modified model's own story finds the parameters, and its
    /// covariance is the inverse Hessian (positive variances).
    @Test func fitRecoversTheParametersAndTheirUncertainty() {
        var rng = SeededRandom(state: 7)
        func gamma(_ shape: Double) -> Double {
            // Marsaglia–Tsang, with the shape < 1 boost.
            if shape < 1 { return gamma(shape + 1) * pow(rng.openUnit(), 1 / shape) }
            let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
            while true {
                let z = rng.normal(), v = pow(1 + c * z, 3)
                if v > 0 && log(rng.openUnit()) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
            }
        }
        let (r, alpha, a, b) = (0.5, 6.0, 0.9, 1.6)
        var data: [RFMSummary] = []
        for i in 0..<4000 {
            let T = 20 + Double(i % 20)
            let lambda = gamma(r) / alpha
            let ga = gamma(a), gb = gamma(b)
            let p = ga / (ga + gb)
            var t = 0.0, x = 0, last = 0.0
            // Dropout at time 0 too: the modified model's difference.
            var alive = rng.openUnit() >= p
            while alive {
                t += -log(rng.openUnit()) / lambda
                if t > T { break }
                x += 1
                last = t
                alive = rng.openUnit() >= p
            }
            data.append(RFMSummary(x: x, tx: last, T: T))
        }
        let (m, _) = BGNBD.fit(data, unitDays: 7, variant: .modified)
        #expect(abs(m.r - r) / r < 0.25)
        #expect(abs(m.alpha - alpha) / alpha < 0.35)
        let cov = m.covariance ?? []
        #expect(cov.count == 16)
        for i in 0..<4 where cov.count == 16 { #expect(cov[i * 4 + i] > 0) }
    }

    /// Laplace on a quadratic is exact: f = ½ xᵀ H x with H = [[4, 1], [1, 2]] gives
    /// H⁻¹ = [[2, −1], [−1, 4]] / 7.
    @Test func laplaceCovarianceOfAQuadraticIsTheInverseHessian() {
        let f: ([Double]) -> Double = { x in 0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1]) }
        let c = Laplace.covariance(f, at: [0, 0]) ?? []
        let expected = [2.0 / 7, -1.0 / 7, -1.0 / 7, 4.0 / 7]
        #expect(c.count == 4)
        for (v, e) in zip(c, expected) { #expect(abs(v - e) < 1e-6) }
    }

    /// The interval is around the point figure, the same on every call, and wider when the
    /// parameters are less certain (the covariance scaled up).
    @Test func intervalsComeFromTheParameterUncertainty() {
        var m = Self.mbg
        m.covariance = [
            0.01, 0, 0, 0,
            0, 0.01, 0, 0,
            0, 0, 0.01, 0,
            0, 0, 0, 0.01
        ]
        let s = RFMSummary(x: 2, tx: 30, T: 40)
        let gg = GammaGamma(p: 6, q: 4, gamma: 10)
        let u = ValueUncertainty.compute(s, meanSpend: 30, bgnbd: m, gammaGamma: gg, pAliveShown: true)
        let again = ValueUncertainty.compute(s, meanSpend: 30, bgnbd: m, gammaGamma: gg, pAliveShown: true)
        #expect(u == again)
        let alive = m.pAlive(s)
        let clv = m.expectedPurchases(s, t: 365.0 / 7) * gg.expectedSpend(x: 2, mean: 30)
        #expect(u?.pAlive.map { $0.low < alive && alive < $0.high } == true)
        #expect(u?.clv12m.map { $0.low < clv && clv < $0.high } == true)
        m.covariance = m.covariance!.map { $0 * 4 }
        let wide = ValueUncertainty.compute(s, meanSpend: 30, bgnbd: m, gammaGamma: gg, pAliveShown: true)
        let width = { (i: ValueInterval?) in (i?.high ?? 0) - (i?.low ?? 0) }
        #expect(width(wide?.pAlive) > 1.5 * width(u?.pAlive))
        // No covariance, no interval (a model stored before intervals existed).
        #expect(ValueUncertainty.compute(s, meanSpend: 30, bgnbd: Self.mbg, gammaGamma: gg, pAliveShown: true) == nil)
    }
}
