import Foundation
import Testing
@testable import RapportEngine

/// A catalogue of six categories with twelve products each, and baskets that keep each category together
/// (with a few mixed baskets, so toys and jazz neighbour each other in the item model).
enum Shop {
    static let day: Int64 = 86_400
    static let now = Fixture.now
    static let categories = ["Music/Jazz", "Toys", "Books", "Garden", "Kitchen", "Sports"]
    static let perCategory = 12

    static func id(_ category: Int, _ j: Int) -> Int64 { Int64(1000 + category * 100 + j) }

    static let products: [Int64: Product] = {
        var out: [Int64: Product] = [:]
        for (c, name) in categories.enumerated() {
            for j in 0..<perCategory {
                let p = id(c, j)
                out[p] = Product(
                    id: p, externalId: "P\(p)", title: "\(name) \(j)", category: name, brand: "B\(c)",
                    price: 20)
            }
        }
        return out
    }()

    static let items: ItemModel = {
        var baskets: [[Int64]] = []
        for c in categories.indices {
            for i in 0..<40 { baskets.append((0..<3).map { id(c, (i + $0 * (i % 5 + 1)) % perCategory) }) }
        }
        for i in 0..<24 { baskets.append([id(0, i % perCategory), id(1, (i + 5) % perCategory)]) }
        return ItemModel.build(baskets: baskets, lambda: 5)
    }()

    static func event(_ product: Int64, _ type: EventType, at time: Int64) -> Event {
        Event(
            id: Fixture.ids.next(), customer: 42, product: product, type: type, time: time,
            amount: type == .purchase ? 20 : 0)
    }

    /// Twelve months of jazz (two of the five jazz products, monthly) and one week of toy shopping
    /// (five views and a purchase every day, on three of the five toys).
    static func jazzYearAndToyWeek(end: Int64 = now) -> [Event] {
        var out: [Event] = []
        for month in 0..<12 {
            let t = end - Int64(365 - month * 30) * day
            out.append(event(id(0, month % 2), .purchase, at: t))
        }
        for d in 0..<7 {
            let t = end - Int64(10 - d) * day
            for v in 0..<5 { out.append(event(id(1, (d + v) % 3), .view, at: t + Int64(v) * 600)) }
            out.append(event(id(1, d % 3), .purchase, at: t + 4_000))
        }
        return out.sorted { $0.time < $1.time }
    }

    static func shifted(_ events: [Event], by seconds: Int64) -> [Event] {
        events.map { e in
            var copy = e
            copy.time += seconds
            return copy
        }
    }

    static func recommend(
        _ events: [Event], now: Int64 = now, k: Int = 10, share: Double = 0,
        popularity: Popularity = Popularity(), customer: Int64 = 42,
        consent: Consent = Consent(personalization: true)
    ) -> [Recommendation] {
        let input = RecommendationInput(
            events: events, stated: [], consent: consent, segment: nil,
            replenishment: Replenishment.due(events: events, products: products, now: now),
            customer: customer)
        return Recommender.recommend(
            input, products: products, model: items, popularity: popularity,
            settings: RecommendationSettings(k: k, explorationShare: share), now: now)
    }

    static func jazzCount(_ recs: [Recommendation]) -> Int {
        recs.filter { products[$0.product]?.category == "Music/Jazz" }.count
    }
}

@Suite("Habits beat spikes")
struct SpikeTests {
    @Test func aYearOfJazzOutranksAWeekOfToys() {
        let recs = Shop.recommend(Shop.jazzYearAndToyWeek(), k: 5)
        #expect(recs.count == 5)
        #expect(recs.allSatisfy { Shop.products[$0.product]?.category == "Music/Jazz" }, "\(recs.map(\.product))")
    }

    @Test func withPositionWeightsTheToyWeekWouldWin() {
        // The former weighting (0.9^position over distinct items, newest first) lets the toys take over:
        // the test above can fail.
        var seen: [Int64] = []
        for e in Shop.jazzYearAndToyWeek().reversed() where !seen.contains(e.product!) { seen.append(e.product!) }
        let history = seen.enumerated().map { (product: $0.element, weight: pow(0.9, Double($0.offset))) }
        let owned = Set(Shop.jazzYearAndToyWeek().filter { $0.type == .purchase }.compactMap(\.product))
        let ranked = Recommender.rank(history: history, model: Shop.items) { !owned.contains($0) }
        #expect(Shop.products[ranked[0].product]?.category == "Toys")
    }

    @Test func jazzDominatesAListOfTen() {
        let recs = Shop.recommend(Shop.jazzYearAndToyWeek(), k: 10)
        #expect(recs.count == 10)
        #expect(Shop.jazzCount(recs) >= 7, "\(recs.map(\.product))")
        // One day of toy shopping instead of a week: the same.
        let oneDay = Shop.jazzYearAndToyWeek().filter { e in
            Shop.products[e.product!]?.category == "Music/Jazz" || e.time >= Shop.now - 4 * Shop.day
        }
        #expect(Shop.jazzCount(Shop.recommend(oneDay, k: 10)) >= 7)
    }

    @Test func theSpikeIsReportedAsDamped() {
        let input = RecommendationInput(
            events: Shop.jazzYearAndToyWeek(), stated: [],
            consent: Consent(personalization: true), segment: nil, replenishment: [])
        let (_, history) = Recommender.recommendWithHistory(
            input, products: Shop.products, model: Shop.items,
            popularity: Popularity(), now: Shop.now)
        #expect(history.dampedSpikes.count == 1)
        let spike = history.dampedSpikes[0]
        #expect(spike.key == "Toys" && spike.novel && spike.counted < spike.raw / 4)
        #expect(spike.reason.contains("new to this customer") && spike.reason.contains("42 events in 7 days"))
    }

    @Test func theSameSpikeScoresTheSameWhicheverCalendarBucketItFallsIn() {
        let events = Shop.jazzYearAndToyWeek()
        for shift in [15 * Shop.day, 15 * Shop.day + 37_000, -11 * Shop.day - 5_000] {
            let moved = Shop.shifted(events, by: shift)
            let a = Shop.recommend(events, k: 10)
            let b = Shop.recommend(moved, now: Shop.now + shift, k: 10)
            #expect(a.map(\.product) == b.map(\.product))
            for (x, y) in zip(a, b) { #expect(abs(x.score - y.score) < 1e-9 * max(1, abs(x.score))) }
            let p = Preferences.infer(events: events, products: Shop.products, now: Shop.now)
            let q = Preferences.infer(events: moved, products: Shop.products, now: Shop.now + shift)
            #expect(p.count == q.count)
            for (x, y) in zip(p, q) { #expect(x.value == y.value && abs(x.score - y.score) < 1e-9) }
        }
    }

    @Test func anAgedSpikeStillDoesNotOvertakeTheHabit() {
        let events = Shop.jazzYearAndToyWeek()
        for later in [0, 100, 200] as [Int64] {
            let now = Shop.now + later * Shop.day
            #expect(Shop.jazzCount(Shop.recommend(events, now: now, k: 10)) >= 7, "after \(later) days")
            let prefs = Preferences.infer(
                events: Fixture.jazzParent(toysAreGifts: false), products: Fixture.products,
                now: Fixture.now + later * Shop.day)
            guard let jazz = prefs.first(where: { $0.value == "Music/Jazz" }) else {
                Issue.record("no jazz preference after \(later) days")
                continue
            }
            let toys = prefs.first { $0.value == "Toys" }?.score ?? 0
            #expect(jazz.score == 1 && toys < 0.8, "after \(later) days: toys \(toys)")
        }
    }

    @Test func preferencesReportTheDampedBurst() {
        let (prefs, spikes) = Preferences.inferWithSpikes(
            events: Fixture.jazzParent(toysAreGifts: false),
            products: Fixture.products, now: Fixture.now)
        #expect(prefs.first { $0.value == "Music/Jazz" }?.score == 1)
        #expect(spikes.map(\.key) == ["Toys"])
    }
}

@Suite("Honest replenishment")
struct ReplenishmentTruthTests {
    let coffee: Int64 = 7

    func buys(_ daysAgo: [Double]) -> [Event] {
        daysAgo.map { Fixture.e(11, coffee, .purchase, daysAgo: $0) }.sorted { $0.time < $1.time }
    }

    func habits(_ daysAgo: [Double]) -> [ReplenishmentDue] {
        Replenishment.habits(events: buys(daysAgo), products: Fixture.products, now: Fixture.now)
    }

    @Test func boughtOnceHasNoDueDate() {
        #expect(habits([20]).isEmpty)
        #expect(habits([40]).isEmpty, "the product's replenish_days (30) is no habit of this customer")
    }

    @Test func irregularGapsHaveNoDueDate() {
        // Gaps 5, 60, 10, 90 days: coefficient of variation about 0.9.
        #expect(habits([175, 170, 110, 100, 10]).isEmpty)
    }

    @Test func regularGapsGiveTheCustomersOwnInterval() {
        let h = habits([89, 59, 29])
        #expect(h.count == 1)
        #expect(h[0].intervalDays == 30 && h[0].purchases == 3 && !h[0].lapsed)
        #expect(h[0].dueAt == h[0].lastPurchase + 30 * 86_400)
        #expect(h[0].whenText == "due in 1 day")
        #expect(h[0].basis == "you buy it about every 30 days (3 purchases)")
        // Two purchases 45 days apart: the customer's 45, not the product's 30.
        #expect(habits([95, 50]).first?.intervalDays == 45)
    }

    @Test func longOverdueIsLapsedNotDue() {
        // Every 30 days, last bought 105 days ago: overdue by 75 days, 2.5 intervals.
        let events = buys([165, 135, 105])
        let h = Replenishment.habits(events: events, products: Fixture.products, now: Fixture.now)
        #expect(h.count == 1 && h[0].lapsed && h[0].whenText.hasPrefix("lapsed"))
        #expect(Replenishment.due(events: events, products: Fixture.products, now: Fixture.now).isEmpty)
        // Overdue by 1.5 intervals: still due.
        #expect(habits([135, 105, 75]).first?.lapsed == false)
    }

    @Test func withoutAPriorFourRegularPurchasesAreNeeded() {
        let jazz = [120.0, 90, 60].map { Fixture.e(12, 1, .purchase, daysAgo: $0) }
        #expect(Replenishment.habits(events: jazz, products: Fixture.products, now: Fixture.now).isEmpty)
        let four = jazz + [Fixture.e(12, 1, .purchase, daysAgo: 30)]
        #expect(Replenishment.habits(events: four, products: Fixture.products, now: Fixture.now).count == 1)
    }

    @Test func theRecommenderFollowsTheSameRule() {
        let items = ItemModel.build(baskets: Fixture.population(), lambda: 10)
        func recs(_ events: [Event]) -> [Recommendation] {
            let due = Replenishment.habits(events: events, products: Fixture.products, now: Fixture.now)
            return Recommender.recommend(
                RecommendationInput(events: events, stated: [], consent: Consent(), segment: nil, replenishment: due),
                products: Fixture.products, model: items, popularity: Fixture.model().popularity,
                settings: RecommendationSettings(k: 5, explorationShare: 0), now: Fixture.now)
        }
        #expect(!recs(buys([40])).contains { $0.kind == .replenish })
        #expect(!recs(buys([165, 135, 105])).contains { $0.kind == .replenish })
        let due = recs(buys([89, 59, 29])).first
        #expect(due?.kind == .replenish && due?.reason == "due in 1 day: you buy it about every 30 days (3 purchases)")
    }
}

@Suite("Exact exploration")
struct ExplorationTests {
    /// Bought jazz and toys; every other product is popular and trending.
    let events = [
        Shop.event(Shop.id(0, 0), .purchase, at: Shop.now - 30 * Shop.day),
        Shop.event(Shop.id(0, 1), .purchase, at: Shop.now - 20 * Shop.day),
        Shop.event(Shop.id(1, 0), .purchase, at: Shop.now - 10 * Shop.day)
    ]
    let popularity = Popularity(
        overall: Shop.products.keys.sorted(),
        trending: (2..<6).flatMap { c in (0..<3).map { Shop.id(c, $0) } })

    func explored(_ recs: [Recommendation]) -> [Recommendation] { recs.filter { $0.kind.isExploration } }

    @Test func theShareIsHonouredAtEveryK() {
        let cases: [(k: Int, share: Double, expected: Int)] = [
            (1, 0.1, 0), (3, 0.1, 0), (10, 0.1, 1),
            (1, 0.5, 1), (3, 0.5, 2), (10, 0.5, 5)
        ]
        for c in cases {
            let recs = Shop.recommend(events, k: c.k, share: c.share, popularity: popularity)
            #expect(recs.count == c.k, "k \(c.k) s \(c.share)")
            #expect(explored(recs).count == c.expected, "k \(c.k) s \(c.share): \(recs.map(\.kind))")
        }
    }

    @Test func exploratoryItemsLieOutsideTheCustomersCategories() {
        for customer in Int64(1)...30 {
            let recs = Shop.recommend(events, k: 10, share: 0.5, popularity: popularity, customer: customer)
            for r in explored(recs) {
                let c = Shop.products[r.product]!.category
                #expect(c != "Music/Jazz" && c != "Toys", "\(r)")
            }
        }
    }

    @Test func listsAreFullWhenExplorationRunsShort() {
        // Only one product outside the customer's categories: it is explored, personal items fill the rest.
        let few = Popularity(overall: [Shop.id(0, 2), Shop.id(0, 3), Shop.id(2, 0)], trending: [Shop.id(2, 0)])
        let recs = Shop.recommend(events, k: 8, share: 0.5, popularity: few)
        #expect(explored(recs).map(\.product) == [Shop.id(2, 0)])
        #expect(recs.count == 8)
    }

    @Test func trendingPicksAreSpreadOverCustomers() {
        let trendingOnly = Popularity(overall: [], trending: popularity.trending)
        var picks: [Int64: Int] = [:]
        for customer in Int64(1)...200 {
            let recs = Shop.recommend(events, k: 1, share: 1, popularity: trendingOnly, customer: customer)
            if let p = recs.first?.product { picks[p, default: 0] += 1 }
        }
        #expect(picks.values.reduce(0, +) == 200)
        #expect(picks.count >= 5 && picks.values.max()! < 60, "\(picks)")
    }

    @Test func noConsentListExcludesOwnedItems() {
        let recs = Shop.recommend(events, k: 5, popularity: popularity, consent: Consent(personalization: false))
        let owned = Set(events.compactMap(\.product))
        #expect(recs.count == 5 && recs.allSatisfy { $0.kind == .popularNoConsent && !owned.contains($0.product) })
    }
}

@Suite("Reason texts")
struct ReasonTests {
    @Test func popularFallbackSaysWhereItComesFrom() {
        let items = ItemModel.build(baskets: Fixture.population(), lambda: 10)
        let pop = Popularity(overall: [4, 5, 6], bySegment: ["champions": [6]], trending: [])
        func recs(_ segment: String?) -> [Recommendation] {
            Recommender.recommend(
                RecommendationInput(events: [], stated: [], consent: Consent(), segment: segment, replenishment: []),
                products: Fixture.products, model: items, popularity: pop,
                settings: RecommendationSettings(k: 3, explorationShare: 0), now: Fixture.now)
        }
        #expect(recs(nil).allSatisfy { $0.kind == .popularOverall && $0.reason == "popular with all customers" })
        let seg = recs("champions")
        #expect(seg[0].kind == .popularInSegment && seg[0].reason == "popular with champions")
        #expect(seg.dropFirst().allSatisfy { $0.kind == .popularOverall })
    }

    @Test func viewedReasonNamesWhatTheCustomerDid() {
        #expect(Recommender.describe([.view, .view, .click]) == "clicked once and viewed twice")
        #expect(Recommender.describe([.view]) == "viewed once")
        #expect(Recommender.describe([.rating, .view, .view, .view]) == "rated once and viewed 3 times")
    }

    @Test func anniversariesFollowTheCalendar() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let now = Date(timeIntervalSince1970: TimeInterval(Fixture.now))
        func anniversary(yearsBack: Int, extraDays: Int) -> Milestone? {
            let start = utc.date(byAdding: DateComponents(year: -yearsBack, day: -extraDays), to: now)!
            return Milestones.compute(events: [], signup: Int64(start.timeIntervalSince1970), now: Fixture.now)
                .first { $0.kind == .anniversary }
        }
        let today = anniversary(yearsBack: 3, extraDays: 0)
        #expect(today?.label == "3rd anniversary" && today?.distance == 0)
        let yesterday = anniversary(yearsBack: 3, extraDays: 1)
        #expect(yesterday?.label == "4th anniversary" && yesterday?.distance == 364)
        let tomorrow = anniversary(yearsBack: 3, extraDays: -1)
        #expect(tomorrow?.label == "3rd anniversary" && tomorrow?.distance == 1)
    }

    @Test func dayCountsArePlural() {
        #expect(Plural.count(1, "day") == "1 day" && Plural.count(2, "day") == "2 days")
    }
}
