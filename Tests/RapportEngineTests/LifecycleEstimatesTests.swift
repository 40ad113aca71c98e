import Foundation
import Testing

@testable import RapportEngine

/// An account's lifecycle figures (`LifecycleEstimates`: P(alive), expected orders in 90 days,
/// CLV) are, to the bit, those `Figures.compute` gives for the same statistics, with every kind
/// of model: classic and modified BG/NBD, without Gamma-Gamma, without BG/NBD, without a model.
@Suite("Lifecycle estimates of an account")
struct LifecycleEstimatesTests {
    static let asOf: Int64 = 1_730_000_000

    static var models: [EngineModel?] {
        let base = AccountRollupTests.model
        var modified = base
        modified.bgnbd?.variant = .modified
        var noSpend = base
        noSpend.gammaGamma = nil
        var noFit = base
        noFit.bgnbd = nil
        var flat = base
        flat.gammaGamma = GammaGamma(p: 6, q: 0.5, gamma: 10)
        return [base, modified, noSpend, noFit, flat, nil]
    }

    static func same(_ a: Double?, _ b: Double?) -> Bool { a?.bitPattern == b?.bitPattern }

    @Test func equalToTheCustomerFiguresToTheBit() {
        var rng = AccountRollupTests.Seeded(state: 90)
        let today = Self.asOf / 86_400
        var checked = 0
        for _ in 0..<400 {
            // One to twenty order days in the last three years, some after the as-of date.
            let days = Set(
                (0..<Int.random(in: 1...20, using: &rng)).map { _ in today - Int64.random(in: -3...1100, using: &rng) })
            let totals = days.sorted().map {
                (day: $0, total: Double(Int.random(in: -500...90_000, using: &rng)) / 100)
            }
            let s = PurchaseStatistics.of(dailyTotals: totals, asOf: Self.asOf)
            for model in Self.models {
                let lean = LifecycleEstimates(s, model: model, asOf: Self.asOf)
                let full = Figures.compute(s, model: model, asOf: Self.asOf)
                #expect(Self.same(lean.pAlive, full.pAlive), "\(totals) \(String(describing: model?.bgnbd))")
                #expect(Self.same(lean.expected90, full.expected90), "\(totals)")
                #expect(Self.same(lean.clv12m, full.clv12m), "\(totals)")
                if full.clv12m != nil { checked += 1 }
            }
        }
        // Not only the empty cases.
        #expect(checked > 1000)
    }
}
