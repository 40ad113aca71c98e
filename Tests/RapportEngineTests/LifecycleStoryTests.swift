import Foundation
import Testing
@testable import RapportEngine

/// Small histories with known right answers for the lifecycle labels a profile shows together.
@Suite("One lifecycle story")
struct LifecycleStoryTests {
    static let day = Shop.day
    static let now = Shop.now
    // Population parameters chosen so the arithmetic below is easy to follow.
    static let gg = GammaGamma(p: 6, q: 4, gamma: 10)
    static let bg = BGNBD(r: 0.25, alpha: 4, a: 0.8, b: 2.4, unitDays: 7)
    static let model = EngineModel(
        asOf: now, bgnbd: bg, gammaGamma: gg,
        rfm: RFMThresholds(recency: [30, 60, 120, 240], frequency: [1, 2, 3, 5], monetary: [20, 50, 100, 200]),
        popularity: Popularity())

    static func purchases(daysAgo: [Int64], amount: Double) -> [Event] {
        daysAgo.map {
            Event(
                id: Fixture.ids.next(), customer: 1, product: 1, type: .purchase, time: now - $0 * day, amount: amount)
        }
    }

    @Test func oneTimeBuyerHasNoPAliveAndAShrunkPriorCLV() {
        let f = Figures.compute(events: Self.purchases(daysAgo: [200], amount: 15), model: Self.model, asOf: Self.now)
        #expect(f.singlePurchase)
        #expect(f.pAlive == nil) // BG/NBD would say 1.0 by construction
        // Prior mean p·γ/(q−1) = 20; one order of 15 shrinks it: (γ + 15)·p / (p + q − 1) = 25·6/9.
        #expect(abs(f.expectedSpend! - 150.0 / 9) < 1e-9)
        #expect(f.expectedSpend! < 20 && f.expectedSpend! > 15)
        #expect(f.stage == .lapsing) // one-time buyers: 180 < 200 days since the order ≤ 365
        let story = LifecycleStory.explain(f, asOf: Self.now)
        #expect(story.hasPrefix("one order, 200 days ago: P(alive) needs a repeat purchase"))
    }

    @Test func aRepeatBuyerKeepsTheModelsFigures() {
        let f = Figures.compute(
            events: Self.purchases(daysAgo: [300, 200, 100, 20], amount: 30), model: Self.model, asOf: Self.now)
        #expect(!f.singlePurchase)
        #expect(f.pAlive != nil && f.pAlive! > 0.5)
        // Three repeat days of 30: (γ + 3·30)·p / (3p + q − 1) = 100·6/21.
        #expect(abs(f.expectedSpend! - 600.0 / 21) < 1e-9)
    }

    @Test func overAYearWithoutAnOrderIsNeverActive() {
        // A slow, steady buyer: every 400 days. BG/NBD keeps P(alive) high; the stage says lapsing.
        let f = Figures.compute(
            events: Self.purchases(daysAgo: [1_658, 1_258, 858, 458], amount: 30), model: Self.model, asOf: Self.now)
        #expect(f.recencyDays == 458)
        #expect((f.pAlive ?? 0) >= 0.4, "P(alive) \(f.pAlive ?? -1)")
        #expect(f.stage == .lapsing)
        let story = LifecycleStory.explain(f, asOf: Self.now)
        #expect(story.contains("over a year without an order counts as lapsing"), "\(story)")
    }

    @Test func aNewCustomerBesideASleepyRFMSegmentIsExplained() {
        // A first order 60 days ago is "new"; recency cut points that rank 60 days low make RFM sleepy.
        var model = Self.model
        model.rfm = RFMThresholds(recency: [10, 20, 30, 40], frequency: [1, 2, 3, 5], monetary: [20, 50, 100, 200])
        let f = Figures.compute(events: Self.purchases(daysAgo: [60], amount: 15), model: model, asOf: Self.now)
        #expect(f.stage == .new)
        let segment = try! #require(f.rfm?.segment)
        #expect(LifecycleStory.sleepingSegments.contains(segment), "\(segment)")
        let story = LifecycleStory.explain(f, asOf: Self.now)
        #expect(story.hasPrefix("first order 60 days ago"))
        #expect(story.contains("RFM says \"\(segment.rawValue)\" because it ranks recency and orders against all"))
    }

    @Test func noPurchasesSaysSo() {
        let view = Event(id: Fixture.ids.next(), customer: 1, product: 1, type: .view, time: Self.now - 3 * Self.day)
        let f = Figures.compute(events: [view], model: Self.model, asOf: Self.now)
        #expect(LifecycleStory.explain(f, asOf: Self.now) == "no purchase yet; first seen 3 days ago")
    }
}

@Suite("Already seen is not recommended")
struct OwnedItemTests {
    let jazz = (0..<5).map { Shop.id(0, $0) }

    static func events(_ specs: [(Int64, EventType, Int64)]) -> [Event] {
        specs.map { Shop.event($0.0, $0.1, at: Shop.now - $0.2) }.sorted { $0.time < $1.time }
    }

    @Test func productsViewedThreeTimesCountAsSeen() {
        // Two jazz purchases long ago, and product 2 viewed three times on three different days.
        let base: [(Int64, EventType, Int64)] = [
            (jazz[0], .purchase, 200 * Shop.day), (jazz[1], .purchase, 100 * Shop.day),
            (jazz[4], .view, 0) // the last session is today's, elsewhere
        ]
        let viewedThrice = Self.events(
            base + [(jazz[2], .view, 30 * Shop.day), (jazz[2], .view, 20 * Shop.day), (jazz[2], .view, 10 * Shop.day)])
        let recs = Shop.recommend(viewedThrice, k: 10).map(\.product)
        #expect(!recs.contains(jazz[2]))
        #expect(!recs.contains(jazz[0]) && !recs.contains(jazz[1]))
        // Viewed twice only (and not in the last session): still a candidate.
        let viewedTwice = Self.events(base + [(jazz[2], .view, 30 * Shop.day), (jazz[2], .view, 20 * Shop.day)])
        #expect(Shop.recommend(viewedTwice, k: 10).map(\.product).contains(jazz[2]))
    }

    @Test func productsViewedInTheLastSessionCountAsSeen() {
        // The last session: three views ten minutes apart, ending at the newest event.
        let history = Self.events([
            (jazz[0], .purchase, 200 * Shop.day), (jazz[1], .purchase, 100 * Shop.day),
            (jazz[3], .view, 2 * Shop.day), // an earlier session, two days before
            (jazz[2], .view, 1_200), (jazz[4], .view, 600), (jazz[0], .view, 0)
        ])
        #expect(Recommender.lastSessionStart(history, gap: 1_800) == Shop.now - 1_200)
        let recs = Shop.recommend(history, k: 10).map(\.product)
        #expect(!recs.contains(jazz[2]) && !recs.contains(jazz[4]))
        #expect(recs.contains(jazz[3]))
    }

    @Test func giftsAreNotOfferedBackToTheGiver() {
        var events = Self.events([
            (jazz[0], .purchase, 200 * Shop.day), (jazz[1], .purchase, 100 * Shop.day),
            (Shop.id(1, 0), .purchase, 5 * Shop.day)
        ])
        events[events.count - 1].isGift = true
        let recs = Shop.recommend(events, k: 20).map(\.product)
        #expect(!recs.contains(Shop.id(1, 0)))
    }
}

@Suite("Novel bursts")
struct NoveltyTests {
    @Test func theStartOfAHabitIsNotANoveltyBurst() {
        // Two purchases in a new category within a month, then one a month for a year: a habit.
        var events: [Event] = []
        let start = Shop.now - 400 * Shop.day
        events.append(Shop.event(Shop.id(2, 0), .purchase, at: start))
        events.append(Shop.event(Shop.id(2, 1), .purchase, at: start + 5 * Shop.day))
        for m in 1...12 {
            events.append(Shop.event(Shop.id(2, m % 3), .purchase, at: start + Int64(m) * 31 * Shop.day))
        }
        let input = RecommendationInput(
            events: events, stated: [], consent: Consent(personalization: true), segment: nil, replenishment: [])
        let (_, history) = Recommender.recommendWithHistory(
            input, products: Shop.products, model: Shop.items, popularity: Popularity(), now: Shop.now)
        #expect(history.dampedSpikes.allSatisfy { !$0.novel }, "\(history.dampedSpikes.map(\.reason))")
    }
}

@Suite("Category habits")
struct CategoryHabitTests {
    static let coffees: [Int64: Product] = Dictionary(
        uniqueKeysWithValues: (1...4).map { i in
            (
                Int64(i),
                Product(
                    id: Int64(i), externalId: "COF\(i)", title: "Bean \(i)", category: "Coffee", brand: "B",
                    price: 10, replenishDays: 30)
            )
        })

    static func purchases(_ specs: [(product: Int64, daysAgo: Int64)]) -> [Event] {
        specs.map {
            Event(
                id: Fixture.ids.next(), customer: 1, product: $0.product, type: .purchase,
                time: Shop.now - $0.daysAgo * Shop.day, amount: 10)
        }
    }

    @Test func aDifferentBeanEachMonthIsStillACoffeeHabit() {
        // Beans 1, 2, 3, 4 a month apart: no product is bought twice, the category is bought monthly.
        let events = Self.purchases([(1, 100), (2, 70), (3, 40), (4, 10)])
        let habits = Replenishment.habits(events: events, products: Self.coffees, now: Shop.now)
        #expect(habits.count == 1)
        let h = habits[0]
        #expect(h.category == "Coffee" && h.product == 4 && h.intervalDays == 30 && h.purchases == 4)
        #expect(h.daysUntilDue == 20 && !h.lapsed)
        #expect(h.basis == "you buy Coffee about every 30 days (4 purchases)")
    }

    @Test func oneProductsHabitIsNotCountedTwice() {
        // Bean 1 monthly: the product's own habit; the category adds nothing.
        let events = Self.purchases([(1, 90), (1, 60), (1, 30), (2, 45)])
        let habits = Replenishment.habits(events: events, products: Self.coffees, now: Shop.now)
        #expect(habits.count == 1 && habits[0].category == nil && habits[0].product == 1)
    }

    @Test func irregularCategoryBuyingIsNoHabit() {
        let events = Self.purchases([(1, 200), (2, 190), (3, 60), (4, 55)])
        #expect(Replenishment.habits(events: events, products: Self.coffees, now: Shop.now).isEmpty)
    }
}

@Suite("Old sources")
struct OldSourceTests {
    @Test func aReasonCitingAnOldEventSaysHowOld() {
        // Two jazz purchases 19 and 20 months ago, nothing since.
        let events = [
            Shop.event(Shop.id(0, 0), .purchase, at: Shop.now - 609 * Shop.day),
            Shop.event(Shop.id(0, 1), .purchase, at: Shop.now - 579 * Shop.day)
        ]
        let recs = Shop.recommend(events, k: 3).filter { $0.kind == .becauseYouBought }
        #expect(!recs.isEmpty)
        #expect(recs.allSatisfy { $0.reason.hasSuffix("months ago") }, "\(recs.map(\.reason))")
        #expect(recs.contains { $0.reason.hasSuffix(", last 19 months ago") })
    }
}

@Suite("Without a population model")
struct NoModelStageTests {
    static func figures(daysAgo: [Int64]) -> CustomerFigures {
        let events = daysAgo.map {
            Event(
                id: Fixture.ids.next(), customer: 1, product: 1, type: .purchase, time: Shop.now - $0 * Shop.day,
                amount: 25)
        }
        return Figures.compute(events: events, model: nil, asOf: Shop.now)
    }

    @Test func theStageFollowsTheCustomersOwnPace() {
        // Every 30 days, the last 20 days ago: active; the last 150 days ago (5 paces): lapsing.
        #expect(Self.figures(daysAgo: [140, 110, 80, 50, 20]).stage == .active)
        let late = Self.figures(daysAgo: [300, 270, 240, 210, 180, 150])
        #expect(late.pAlive == nil && late.stage == .lapsing)
        let story = LifecycleStory.explain(late, asOf: Shop.now)
        #expect(story.hasPrefix("6 orders about every 30 days, the last 150 days ago; no population model yet"))
        #expect(!story.contains("P(alive)"))
    }
}
