import Foundation
import Testing
@testable import RapportEngine

/// Explanations on cases worked out by hand.
@Suite("Explanations")
struct ExplanationTests {
    struct Context: RuleContext {
        var fields: [String: RuleValue]
        var affinity: [String: Double]
        func field(_ name: String) -> RuleValue { fields[name] ?? .missing }
        func call(_ function: String, _ argument: String) -> RuleValue {
            function == "affinity" ? .number(affinity[argument] ?? 0) : .missing
        }
    }

    @Test func eachConditionOfARuleWithTheCustomersValue() throws {
        let rule = try Rule(parsing: "affinity(\"Coffee\") > 0.5 and consent.email and country in [\"PL\", \"DE\"]")
        let ctx = Context(fields: ["consent.email": .bool(true), "country": .string("FR")], affinity: ["Coffee": 0.42])
        let (matches, checks) = SegmentExplanation.conditions(rule, ctx)
        #expect(!matches)
        #expect(checks.map(\.passed) == [false, true, false])
        #expect(checks[0].text == "affinity(Coffee) 0.42 ≤ 0.5")
        #expect(checks[0].condition == "affinity(\"Coffee\") > 0.5" && checks[0].value == "0.42")
        #expect(checks[1].text == "consent.email true")
        #expect(checks[2].text == "country 'FR' not in ['PL', 'DE']")
        let member = Context(
            fields: ["consent.email": .bool(true), "country": .string("PL")], affinity: ["Coffee": 0.8])
        let (yes, passed) = SegmentExplanation.conditions(rule, member)
        #expect(yes && passed.allSatisfy(\.passed) && passed[0].text == "affinity(Coffee) 0.8 > 0.5")
    }

    @Test func rfmScoresAgainstTheQuintileEdges() {
        let t = RFMThresholds(recency: [10, 30, 60, 120], frequency: [1, 2, 4, 8], monetary: [50, 100, 200, 400])
        let day: Int64 = 86_400
        let now = 1_000 * day
        // Purchases 35 days and 400 days before now: recency 35 (R 6 − 3 = 3), 2 orders (F 2), spend 150 (M 3).
        let events = [
            Event(id: 1, customer: 1, product: 1, type: .purchase, time: now - 400 * day, amount: 100),
            Event(id: 2, customer: 1, product: 1, type: .purchase, time: now - 35 * day, amount: 50)
        ]
        var f = Figures.base(events: events, asOf: now)
        f.apply(EngineModel(asOf: now, bgnbd: nil, gammaGamma: nil, rfm: t, popularity: Popularity()))
        let checks = SegmentExplanation.rfm(f, thresholds: t)
        #expect(checks.map(\.value) == ["3", "2", "3"])
        #expect(checks[0].text == "R 3: 35 days since the last order; edges 10, 30, 60, 120 days (fewer is better)")
        #expect(checks[1].text == "F 2: 2 orders; edges 1, 2, 4, 8")
        #expect(checks[2].text == "M 3: spend 150; edges 50, 100, 200, 400")
    }

    @Test func aScoreIsTheSumOfItsSourcesTimesTheirTimeWeights() throws {
        let day: Int64 = 86_400
        let now = 500 * day
        let products = [1, 2, 3, 4].reduce(into: [Int64: Product]()) {
            $0[$1] = Product(id: $1, externalId: "P\($1)", title: "T\($1)", category: "C\($1)", brand: "", price: 1)
        }
        // Customer: bought 1 today, viewed 2 ninety days ago (τ = 90: time weight e^−1).
        let events = [
            Event(id: 10, customer: 7, product: 2, type: .view, time: now - 90 * day),
            Event(id: 11, customer: 7, product: 1, type: .purchase, time: now)
        ]
        let model = ItemModel(
            neighbors: [
                1: [.init(product: 3, weight: 0.5, boughtTogether: true)], 2: [.init(product: 3, weight: 0.2)],
                3: [.init(product: 4, weight: 0.1)]
            ], lambda: 0)
        var settings = RecommendationSettings(k: 3, explorationShare: 0, tauDays: 90, damping: .off)
        settings.lastSessionViewsOwned = false
        let input = RecommendationInput(
            events: events, stated: [], consent: Consent(), segment: nil, replenishment: [], customer: 7)
        let e = Recommender.explain(
            product: 3, input: input, products: products, model: model, popularity: Popularity(), settings: settings,
            now: now)
        // 5 × 1 × 0.5 + 1 × e^−1 × 0.2
        let expected = 2.5 + exp(-1.0) * 0.2
        #expect(abs(e.score - expected) < 1e-12)
        #expect(e.position == 1 && e.personalRank == 1 && e.recommendation?.kind == .becauseYouBought)
        #expect(abs((e.recommendation?.score ?? 0) - e.score) < 1e-12, "the list's score is the explained one")
        #expect(e.sources.map(\.product) == [1, 2])
        #expect(abs(e.sources[0].contribution - 2.5) < 1e-12 && e.sources[0].boughtTogether)
        #expect(abs(e.sources[1].historyWeight - exp(-1.0)) < 1e-12 && abs(e.sources[1].linkWeight - 0.2) < 1e-12)
        let part = try #require(e.sources[1].events.first)
        #expect(part.typeWeight == 1 && part.damping == 1 && abs(part.timeWeight - exp(-1.0)) < 1e-12)
        #expect(!e.fillsExplorationSlot && e.explorationSlots == 0 && e.excluded == nil)
        // Product 1 was bought: it is excluded, whatever links to it.
        let owned = Recommender.explain(
            product: 1, input: input, products: products, model: model, popularity: Popularity(), settings: settings,
            now: now)
        #expect(owned.position == nil && owned.excluded?.hasPrefix("already had") == true)
    }
}
