import Foundation
import Testing
@testable import RapportEngine

/// Hand-made catalogue and histories.
enum Fixture {
    static let day: Int64 = 86_400
    static let now: Int64 = 1_798_675_200 // 2026-12-31T00:00:00Z

    static let products: [Int64: Product] = [
        1: Product(
            id: 1, externalId: "JAZZ1", title: "Kind of Blue", category: "Music/Jazz", brand: "Blue Room", price: 20),
        2: Product(
            id: 2, externalId: "JAZZ2", title: "Late Night Trio", category: "Music/Jazz", brand: "Blue Room", price: 18),
        3: Product(
            id: 3, externalId: "JAZZ3", title: "Bebop Sessions", category: "Music/Jazz", brand: "Vanguard", price: 22),
        4: Product(id: 4, externalId: "TOY1", title: "Wooden Train", category: "Toys", brand: "Tiny Giants", price: 35),
        5: Product(id: 5, externalId: "TOY2", title: "Plush Dragon", category: "Toys", brand: "Tiny Giants", price: 25),
        6: Product(id: 6, externalId: "ROCK1", title: "Loud Summer", category: "Music/Rock", brand: "Amp", price: 15),
        7: Product(
            id: 7, externalId: "COF1", title: "Yirgacheffe", category: "Coffee", brand: "Bean & Co", price: 12,
            replenishDays: 30)
    ]

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int64 = 0
        func next() -> Int64 {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
    static let ids = Counter()

    static func e(
        _ customer: Int64, _ product: Int64?, _ type: EventType, daysAgo: Double, gift: Bool = false,
        amount: Double? = nil
    ) -> Event {
        return Event(
            id: ids.next(), customer: customer, product: product, type: type, time: now - Int64(daysAgo * 86_400),
            amount: amount ?? (type == .purchase ? products[product ?? 0]?.price ?? 10 : 0), isGift: gift)
    }

    /// Two years of monthly jazz purchases and views, plus toys bought in one December week.
    static func jazzParent(toysAreGifts: Bool) -> [Event] {
        var out: [Event] = []
        for month in stride(from: 720.0, through: 20, by: -30) {
            out.append(e(1, [1, 2, 3][Int(month) % 3], .view, daysAgo: month + 0.1))
            out.append(e(1, [1, 2, 3][Int(month) % 3], .purchase, daysAgo: month))
        }
        for d in [12.0, 10, 8, 6] {
            out.append(e(1, d > 9 ? 4 : 5, .view, daysAgo: d + 0.01, gift: false))
            out.append(e(1, d > 9 ? 4 : 5, .purchase, daysAgo: d, gift: toysAreGifts))
        }
        return out.sorted { $0.time < $1.time }
    }

    /// Many other customers who buy jazz and toys together, so toys neighbour jazz in the model.
    static func population() -> [[Int64]] {
        var baskets: [[Int64]] = []
        for i in 0..<40 { baskets.append(i % 2 == 0 ? [1, 2, 4, 5] : [2, 3, 4]) }
        for _ in 0..<20 { baskets.append([1, 3, 6]) }
        for _ in 0..<10 { baskets.append([7, 1]) }
        return baskets
    }

    static func model(_ popularity: [Int64] = [4, 5, 6, 1, 2, 3, 7]) -> EngineModel {
        EngineModel(
            asOf: now, bgnbd: nil, gammaGamma: nil,
            rfm: RFMThresholds(recency: [10, 30, 60, 120], frequency: [1, 2, 4, 8], monetary: [20, 50, 100, 300]),
            popularity: Popularity(overall: popularity, bySegment: [:], trending: [6]))
    }
}

@Suite("Inferred preferences")
struct PreferenceTests {
    @Test func giftsShapeNothing() {
        let prefs = Preferences.infer(
            events: Fixture.jazzParent(toysAreGifts: true), products: Fixture.products, now: Fixture.now)
        #expect(!prefs.contains { $0.value == "Toys" }, "gift purchases and their shopping session must not count")
        #expect(prefs.first { $0.attribute == .category }?.value == "Music")
        #expect(prefs.contains { $0.value == "Music/Jazz" && $0.score == 1 })
    }

    @Test func decemberSpikeDoesNotOutweighTwoYearsOfSteadyTaste() {
        let prefs = Preferences.infer(
            events: Fixture.jazzParent(toysAreGifts: false), products: Fixture.products, now: Fixture.now)
        let jazz = prefs.first { $0.value == "Music/Jazz" }!
        let toys = prefs.first { $0.value == "Toys" }!
        #expect(jazz.score > toys.score)
        #expect(jazz.score == 1)
        // Without damping, the recent spike would win: the raw decayed sums say so.
        #expect(toys.raw > jazz.raw)
    }

    @Test func evidenceNamesTheStrongestEvents() {
        let events = Fixture.jazzParent(toysAreGifts: false)
        let prefs = Preferences.infer(events: events, products: Fixture.products, now: Fixture.now, evidenceCount: 3)
        let jazz = prefs.first { $0.value == "Music/Jazz" }!
        #expect(jazz.evidence.count == 3)
        // The most recent jazz purchase carries the most weight.
        let newestJazzPurchase = events.filter { $0.type == .purchase && [1, 2, 3].contains($0.product!) }.max {
            $0.time < $1.time
        }!
        #expect(jazz.evidence.first == newestJazzPurchase.id)
        #expect(jazz.confidence > 0.9)
    }

    @Test func recencyWeightUsesTau() {
        let one = [Fixture.e(9, 6, .purchase, daysAgo: 90)]
        let p = Preferences.infer(
            events: one, products: Fixture.products, now: Fixture.now, settings: PreferenceSettings(tauDays: 90))
        let rock = p.first { $0.value == "Music/Rock" }!
        #expect(abs(rock.raw - 5 * exp(-1)) < 1e-9)
    }
}

@Suite("Recommendations")
struct RecommendationTests {
    let items = ItemModel.build(baskets: Fixture.population(), lambda: 10)

    func recommend(
        _ events: [Event], stated: [StatedPreference] = [], consent: Consent = Consent(personalization: true),
        explore: Double = 0, k: Int = 5
    ) -> [Recommendation] {
        let due = Replenishment.due(events: events, products: Fixture.products, now: Fixture.now)
        return Recommender.recommend(
            RecommendationInput(events: events, stated: stated, consent: consent, segment: nil, replenishment: due),
            products: Fixture.products, model: items, popularity: Fixture.model().popularity,
            settings: RecommendationSettings(k: k, explorationShare: explore), now: Fixture.now)
    }

    @Test func giftToysAreNotCitedAndNotBehindToyRecommendations() {
        let recs = recommend(Fixture.jazzParent(toysAreGifts: true))
        #expect(!recs.isEmpty)
        for r in recs {
            #expect(!r.sources.contains(4) && !r.sources.contains(5), "\(r) cites a gift")
            #expect(!r.reason.contains("Wooden Train") && !r.reason.contains("Plush Dragon"))
        }
        // The same history without the gift flags does cite the toys.
        let unflagged = recommend(Fixture.jazzParent(toysAreGifts: false))
        #expect(unflagged.contains { $0.sources.contains(4) || $0.sources.contains(5) })
    }

    @Test func everyPersonalRecommendationHasAReasonFromOwnItems() {
        let events = [
            Fixture.e(2, 1, .purchase, daysAgo: 30), Fixture.e(2, 1, .purchase, daysAgo: 20),
            Fixture.e(2, 2, .view, daysAgo: 10)
        ]
        let recs = recommend(events)
        let personal = recs.filter(\.kind.isPersonal)
        #expect(!personal.isEmpty)
        for r in personal {
            #expect(!r.sources.isEmpty && r.sources.allSatisfy { [1, 2].contains($0) })
            #expect(r.reason.contains("Kind of Blue") || r.reason.contains("Late Night Trio"))
        }
        #expect(personal.contains { $0.reason.contains("which you bought twice") })
        // Owned products are not recommended again.
        #expect(!recs.contains { $0.product == 1 })
    }

    /// A personal item's kind names what the customer did with its strongest source: bought,
    /// else rated (a film seen, as on MovieLens), else viewed; the profile shows it as the tag.
    @Test func aPersonalItemsKindNamesWhatWasDoneWithItsSource() {
        func kinds(_ type: EventType) -> Set<RecommendationKind> {
            let events = [Fixture.e(2, 1, type, daysAgo: 30), Fixture.e(2, 2, type, daysAgo: 20)]
            return Set(recommend(events).filter(\.kind.isPersonal).map(\.kind))
        }
        #expect(kinds(.purchase) == [.becauseYouBought])
        #expect(kinds(.rating) == [.becauseYouRated])
        #expect(kinds(.view) == [.becauseYouViewed])
        #expect(RecommendationKind.becauseYouRated.tag == "rated" && RecommendationKind.becauseYouRated.isPersonal)
    }

    @Test func dislikedProductsAndCategoriesAreNeverRecommended() {
        let events = [Fixture.e(3, 1, .purchase, daysAgo: 30), Fixture.e(3, 3, .purchase, daysAgo: 20)]
        let stated = [
            StatedPreference(polarity: .dislike, kind: .category, value: "Music/Rock"),
            StatedPreference(polarity: .dislike, kind: .product, value: "TOY1")
        ]
        for explore in [0.0, 0.5] {
            let recs = recommend(events, stated: stated, explore: explore, k: 7)
            #expect(!recs.contains { $0.product == 6 || $0.product == 4 }, "\(recs.map(\.product))")
        }
        let brand = recommend(
            events, stated: [StatedPreference(polarity: .dislike, kind: .brand, value: "tiny giants")], k: 7)
        #expect(!brand.contains { [4, 5].contains($0.product) })
    }

    @Test func noConsentMeansPopularItemsOnly() {
        let recs = recommend(
            Fixture.jazzParent(toysAreGifts: false), consent: Consent(personalization: false), explore: 0.2)
        // Popular items minus what the customer owns (1, 4 and 5).
        #expect(recs.map(\.product) == [6, 2, 3, 7])
        #expect(recs.allSatisfy { $0.kind == .popularNoConsent && $0.sources.isEmpty })
    }

    @Test func replenishableProductIsRecommendedAgainWhenDue() {
        // Coffee every 30 days, last bought 29 days ago: due tomorrow.
        let events = [
            Fixture.e(4, 7, .purchase, daysAgo: 89), Fixture.e(4, 7, .purchase, daysAgo: 59),
            Fixture.e(4, 7, .purchase, daysAgo: 29)
        ]
        let recs = recommend(events)
        let first = recs.first!
        #expect(first.product == 7 && first.kind == .replenish)
        #expect(first.reason == "due in 1 day: you buy it about every 30 days (3 purchases)")
        // Bought yesterday: not due, and owned, so not recommended.
        let fresh = [
            Fixture.e(4, 7, .purchase, daysAgo: 61), Fixture.e(4, 7, .purchase, daysAgo: 31),
            Fixture.e(4, 7, .purchase, daysAgo: 1)
        ]
        #expect(!recommend(fresh).contains { $0.product == 7 })
    }

    @Test func explorationShareIsLabelled() {
        let events = [Fixture.e(5, 1, .purchase, daysAgo: 30), Fixture.e(5, 2, .purchase, daysAgo: 20)]
        let recs = recommend(events, explore: 0.2, k: 5)
        #expect(recs.filter { $0.kind.isExploration }.count == 1)
        #expect(recs.filter { $0.kind.isExploration }.allSatisfy { $0.reason.hasPrefix("exploring") })
        #expect(recommend(events, explore: 0, k: 5).allSatisfy { !$0.kind.isExploration })
    }

    @Test func coldStartFallsBackToPopular() {
        let recs = recommend([Fixture.e(6, 1, .view, daysAgo: 3)])
        // No segment known: popular with all customers, and labelled so.
        #expect(recs.allSatisfy { $0.kind == .popularOverall && $0.reason == "popular with all customers" })
    }
}

@Suite("Segments and value")
struct SegmentTests {
    @Test func rfmGrid() {
        #expect(RFMSegment.of(r: 5, f: 5) == .champions)
        #expect(RFMSegment.of(r: 5, f: 1) == .newCustomers)
        #expect(RFMSegment.of(r: 1, f: 5) == .cantLoseThem)
        #expect(RFMSegment.of(r: 1, f: 1) == .lost)
        #expect(RFMSegment.of(r: 3, f: 1) == .aboutToSleep)
        #expect(Set(RFMSegment.grid.flatMap { $0 }).count == RFMSegment.allCases.count)
    }

    @Test func quintilesReverseRecency() {
        let t = RFMThresholds.fit(
            recencyDays: (1...100).map(Double.init), frequency: (1...100).map(Double.init),
            monetary: (1...100).map(Double.init))
        let best = t.score(recencyDays: 1, frequency: 100, monetary: 100)
        #expect(best.r == 5 && best.f == 5 && best.m == 5 && best.segment == .champions)
        let worst = t.score(recencyDays: 100, frequency: 1, monetary: 1)
        #expect(worst.r == 1 && worst.f == 1 && worst.segment == .lost)
    }

    @Test func bgnbdLikelihoodMatchesTheFormula() {
        // One customer, x = 2, tx = 4, T = 10, parameters chosen by hand.
        let (r, alpha, a, b) = (0.5, 2.0, 0.8, 1.5)
        let data = SummaryGroups([RFMSummary(x: 2, tx: 4, T: 10)])
        let ll = BGNBD.logLikelihood(r: r, alpha: alpha, a: a, b: b, data)
        let x = 2.0
        let a1 = lgamma(r + x) - lgamma(r) + r * log(alpha)
        let a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x)
        let a3 = -(r + x) * log(alpha + 10)
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + 4)
        #expect(abs(ll - (a1 + a2 + log(exp(a3) + exp(a4)))) < 1e-10)
        // x = 0 has no dropout term.
        let zero = BGNBD.logLikelihood(r: r, alpha: alpha, a: a, b: b, SummaryGroups([RFMSummary(x: 0, tx: 0, T: 10)]))
        #expect(abs(zero - (r * log(alpha) - r * log(alpha + 10))) < 1e-10)
    }

    @Test func pAliveAndExpectations() {
        let m = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, unitDays: 7)
        #expect(m.pAlive(RFMSummary(x: 0, tx: 0, T: 30)) == 1)
        let recent = m.pAlive(RFMSummary(x: 5, tx: 29, T: 30)), stale = m.pAlive(RFMSummary(x: 5, tx: 5, T: 30))
        #expect(recent > 0.85 && recent < 0.9 && stale < 0.5)
        #expect(
            m.expectedPurchases(RFMSummary(x: 5, tx: 29, T: 30), t: 52)
                > m.expectedPurchases(RFMSummary(x: 5, tx: 5, T: 30), t: 52))
    }

    @Test func summaryMergesSameDayAndUsesWholeDays() {
        let d: Int64 = 86_400
        let s = RFMSummary.from(purchaseTimes: [0, 3600, 7 * d, 14 * d + 5], end: 21 * d + 100, unitDays: 7)!
        #expect(s.x == 2 && s.tx == 2 && s.T == 3)
    }

    @Test func ruleParserPointsAtTheMistake() {
        #expect(throws: RuleError(column: 16, message: "unknown field 'recncy'")) {
            try Rule(parsing: "orders > 3 and recncy < 5")
        }
        #expect(throws: RuleError(column: 12, message: "the rule ends too soon: expected a value")) {
            try Rule(parsing: "orders >= (")
        }
        #expect(throws: RuleError.self) { try Rule(parsing: "affinity(Coffee) > 1") }
        let rule = try! Rule(
            parsing:
                #"recency_days < 60 and affinity("Coffee") > 0.3 and consent.email and segment in ["champions", "loyal customers"]"#
        )
        #expect(rule.functionsUsed == ["affinity"])
        struct Ctx: RuleContext {
            var recency: Double
            func field(_ n: String) -> RuleValue {
                switch n {
                case "recency_days": .number(recency)
                case "consent.email": .bool(true)
                case "segment": .string("Champions")
                default: .missing
                }
            }
            func call(_ f: String, _ a: String) -> RuleValue { .number(a == "Coffee" ? 0.5 : 0) }
        }
        #expect(rule.matches(Ctx(recency: 10)))
        #expect(!rule.matches(Ctx(recency: 90)))
        #expect(!(try! Rule(parsing: "not consent.email").matches(Ctx(recency: 1))))
    }

    @Test func milestonesAndChannel() {
        let events =
            (0..<5).map { Fixture.e(8, 1, .purchase, daysAgo: Double(10 * $0 + 1)) } + [
                Fixture.e(8, nil, .open, daysAgo: 2)
            ]
        let ms = Milestones.compute(events: events, signup: Fixture.now - 400 * 86_400, now: Fixture.now)
        #expect(ms.contains { $0.kind == .orders && $0.reached && $0.label == "5th order" })
        #expect(ms.contains { $0.kind == .orders && !$0.reached && $0.label == "10th order" && $0.distance == 5 })
        #expect(ms.contains { $0.kind == .anniversary && $0.label == "2nd anniversary" })
        var withChannels = events
        for i in withChannels.indices { withChannels[i].channel = withChannels[i].type == .open ? "email" : "app" }
        let ch = Channels.infer(events: withChannels, stated: "email", now: Fixture.now)
        #expect(ch.inferred == "app" && ch.differs)
    }

    @Test func spdInverse() {
        var m = [4.0, 2, 0, 2, 5, 1, 0, 1, 3]
        let original = m
        #expect(SPD.invert(&m, n: 3))
        for i in 0..<3 {
            for j in 0..<3 {
                let v = (0..<3).reduce(0.0) { $0 + original[i * 3 + $1] * m[$1 * 3 + j] }
                #expect(abs(v - (i == j ? 1 : 0)) < 1e-12)
            }
        }
    }
}

@Suite("Item model")
struct ItemModelTests {
    /// Small baskets in time order, with repeats; product ids are sparse on purpose.
    static let baskets: [[Int64]] = [
        [10, 20, 30], [20, 30, 20], [10, 30], [40, 10, 20, 50], [50, 60], [30, 10, 10],
        [70, 20], [90_000_000_000, 10], [20, 30, 60]
    ]

    @Test func sparseCoCountsEqualABruteForceCount() {
        let x = Interactions(baskets: Self.baskets, maxBasketItems: 100)
        var counter = CoCounter(items: x.itemCount)
        for i in 0..<x.itemCount {
            counter.count(item: i, in: x)
            for j in 0..<x.itemCount {
                let (a, b) = (x.products[i], x.products[j])
                let brute = Self.baskets.filter { Set($0).contains(a) && Set($0).contains(b) }.count
                #expect(Int(counter.counts[j]) == brute, "\(a), \(b)")
            }
        }
        // Numbered by popularity: 10, 20 and 30 are each in five baskets; ties by id.
        #expect(Array(x.products.prefix(3)) == [10, 20, 30])
    }

    @Test func aHugeBasketCountsOnlyItsMostRecentProducts() {
        let x = Interactions(baskets: [[1, 2, 3, 4, 2, 5]], maxBasketItems: 3)
        let kept = x.basketItems.map { x.products[Int($0)] }
        #expect(kept == [5, 2, 4])
    }

    @Test func tailItemsBeyondTheDenseBlockGetNeighbours() {
        let model = ItemModel.build(
            baskets: Self.baskets,
            settings: .init(
                lambda: 1, maxDenseItems: 2,
                maxBorderedItems: 1))
        let products = Set(Self.baskets.joined())
        for p in products { #expect(model.neighbors[p]?.isEmpty == false, "\(p) has no neighbours") }
        // 70 (far tail) was only ever with 20: one co-count, popularity 1, so 1 / (1 + λ).
        #expect(model.neighbors[70] == [ItemModel.Neighbor(product: 20, weight: 0.5)])
    }

    @Test func theParallelBuildIsDeterministic() {
        var baskets: [[Int64]] = []
        for c in 0..<3000 { baskets.append((0..<(c % 17 + 2)).map { Int64(($0 * 7919 + c * 31) % 400) }) }
        let settings = ItemModel.Settings(lambda: 20, topK: 20, maxDenseItems: 50, maxBorderedItems: 100)
        let a = ItemModel.build(baskets: baskets, settings: settings)
        let b = ItemModel.build(baskets: baskets, settings: settings)
        #expect(a == b)
        #expect(a.neighbors.count == 400)
    }

    @Test func theDenseBlockMatchesEASEOnAllItems() {
        // With every item dense, the weights are EASE's: check one against a direct 2 × 2 case.
        let model = ItemModel.build(baskets: [[1, 2], [1, 2], [1]], lambda: 1)
        // G + λI = [[4, 2], [2, 3]], P = [[3, −2], [−2, 4]] / 8, B_12 = −P_12 / P_22 = 0.5.
        #expect(abs((model.neighbors[1]?.first?.weight ?? 0) - 0.5) < 1e-12)
    }
}

@Suite("Popularity totals")
struct ProductTotalsTests {
    @Test func denseAndSparseKeysAddAndMerge() {
        var a = ProductTotals()
        a.add(3, 1.5)
        a.add(1 << 40, 2)
        var b = ProductTotals()
        b.add(3, 1)
        b.add(-7, 4)
        a.merge(b)
        #expect(a[3] == 2.5 && a[1 << 40] == 2 && a[-7] == 4 && a[5] == 0)
        #expect(a.nonZero.map(\.key) == [3, -7, 1 << 40])
    }
}
