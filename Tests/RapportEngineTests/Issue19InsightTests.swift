import Foundation
import Testing
@testable import RapportEngine

/// Issue 19, insights 1: the floor of τ keeps a year of habit ahead of a week's burst.
@Suite("Tuning floor")
struct TuningFloorTests {
    @Test func aWeekOfBurstDoesNotOutweighAYearOfHabitAtTheFloor() {
        let floor = TuningGuard.tauFloor(damping: SpikeDamping())
        #expect(floor > 0.1 && floor < 90)
        let (events, products) = TuningGuard.floorScenario()
        let c = TuningGuard.SpikeCase(customer: 1, events: events, habit: "habit", burst: "burst")
        #expect(TuningGuard.habitAhead(c, tauDays: floor, damping: SpikeDamping(), products: products))
        #expect(!TuningGuard.habitAhead(c, tauDays: 0.1, damping: SpikeDamping(), products: products))
    }

}

/// Issue 19, insights 4: every damping that changed a score is reported.
@Suite("Damping reported")
struct DampingReportTests {
    /// Monthly jazz for a year, and one day of toys worth 13 (two purchases and three views) in
    /// a category never touched before or since: the daily cap (5) cuts it to a fraction.
    static func oneDayBurst() -> [Event] {
        var out: [Event] = []
        for month in 0..<12 {
            out.append(Shop.event(Shop.id(0, month % 2), .purchase, at: Shop.now - Int64(365 - month * 30) * Shop.day))
        }
        let t = Shop.now - 20 * Shop.day
        for v in 0..<3 { out.append(Shop.event(Shop.id(1, v), .view, at: t + Int64(v) * 600)) }
        out.append(Shop.event(Shop.id(1, 0), .purchase, at: t + 2_000))
        out.append(Shop.event(Shop.id(1, 1), .purchase, at: t + 2_500))
        return out.sorted { $0.time < $1.time }
    }

    @Test func aOneDayBurstCutByTheDailyCapIsReported() throws {
        let input = RecommendationInput(
            events: Self.oneDayBurst(), stated: [], consent: Consent(personalization: true), segment: nil,
            replenishment: [])
        let (_, history) = Recommender.recommendWithHistory(
            input, products: Shop.products, model: Shop.items, popularity: Popularity(), now: Shop.now)
        let toys = try #require(history.dampedSpikes.first { $0.key == "Toys" })
        #expect(toys.raw == 13 && toys.counted < 5 && toys.novel)
        #expect(toys.reason.hasSuffix("counted as 3.4 instead of 13.0"), "\(toys.reason)")
        // Preferences report the same burst: one damped history.
        let (_, spikes) = Preferences.inferWithSpikes(
            events: Self.oneDayBurst(), products: Shop.products, now: Shop.now)
        #expect(spikes.map(\.key).contains("Toys"))
    }

    @Test func anOrdinaryPurchaseIsNotABurst() {
        let events = (0..<12).map { m in
            Shop.event(Shop.id(0, m % 2), .purchase, at: Shop.now - Int64(365 - m * 30) * Shop.day)
        }
        let input = RecommendationInput(
            events: events, stated: [], consent: Consent(personalization: true), segment: nil, replenishment: [])
        let (_, history) = Recommender.recommendWithHistory(
            input, products: Shop.products, model: Shop.items, popularity: Popularity(), now: Shop.now)
        #expect(history.dampedSpikes.isEmpty)
    }
}

/// Issue 19, insights 5: "bought with" only where customers bought both.
@Suite("Reasons that mean what they say")
struct ReasonWordsTests {
    static let products: [Int64: Product] = Dictionary(
        uniqueKeysWithValues: (1...4).map { i in
            (
                Int64(i),
                Product(id: Int64(i), externalId: "P\(i)", title: "Item \(i)", category: "C", brand: "", price: 5)
            )
        })

    /// 1 and 2 are bought together by 20 customers; 1 and 3 only viewed together by 20 others.
    static func model() -> ItemModel {
        var baskets: [[Int64]] = []
        var purchases: [[Int64]] = []
        for _ in 0..<20 {
            baskets.append([1, 2])
            purchases.append([1, 2])
        }
        for _ in 0..<20 {
            baskets.append([1, 3])
            purchases.append([1])
        }
        var m = ItemModel.build(baskets: baskets, lambda: 1)
        m.markBoughtTogether(purchases: purchases)
        return m
    }

    @Test func linksAreMarkedByPurchaseCoOccurrence() {
        let m = Self.model()
        #expect(m.neighbors[1]?.first { $0.product == 2 }?.boughtTogether == true)
        #expect(m.neighbors[1]?.first { $0.product == 3 }?.boughtTogether == false)
    }

    @Test func boughtWithOnlyForPurchaseLinks() {
        let events = [Event(id: 1, customer: 9, product: 1, type: .purchase, time: Shop.now - Shop.day, amount: 5)]
        let recs = Recommender.recommend(
            RecommendationInput(
                events: events + [
                    Event(id: 2, customer: 9, product: 4, type: .view, time: Shop.now - 2 * Shop.day)
                ], stated: [], consent: Consent(personalization: true), segment: nil, replenishment: []),
            products: Self.products, model: Self.model(), popularity: Popularity(),
            settings: RecommendationSettings(k: 2, explorationShare: 0), now: Shop.now)
        let two = recs.first { $0.product == 2 }
        let three = recs.first { $0.product == 3 }
        #expect(two?.reason.hasPrefix("bought with Item 1") == true, "\(recs.map(\.reason))")
        #expect(three?.reason.hasPrefix("often seen with Item 1") == true, "\(recs.map(\.reason))")
    }
}

/// Issue 19, insights 7: exploration rotates per customer and day; products bought in turn form
/// one category habit.
@Suite("Exploration and habits")
struct ExplorationRotationTests {
    /// Ten trending products in categories the customers never touched.
    static let popularity = Popularity(trending: (0..<10).map { Shop.id(2 + $0 % 4, $0) })

    static func exploration(customer: Int64, now: Int64) -> Recommendation? {
        Shop.recommend(
            Shop.jazzYearAndToyWeek(end: Shop.now), now: now, k: 10, share: 0.1, popularity: popularity,
            customer: customer
        ).first { $0.kind.isExploration }
    }

    @Test func oneCustomersPickChangesFromDayToDay() {
        let picks = (0..<7).compactMap { d in Self.exploration(customer: 42, now: Shop.now + Int64(d) * Shop.day) }
        #expect(picks.count == 7)
        #expect(Set(picks.map(\.product)).count >= 3, "\(picks.map(\.product))")
    }

    @Test func customersDifferOnOneDay() {
        let picks = (1...20).compactMap { c in Self.exploration(customer: Int64(c), now: Shop.now) }
        #expect(Set(picks.map(\.product)).count >= 4)
        // The first exploration source is not the same for everyone either.
        let full = Popularity(
            overall: (0..<10).map { Shop.id(2 + $0 % 4, 11 - $0) }, bySegment: [:],
            trending: (0..<10).map { Shop.id(2 + $0 % 4, $0) })
        let kinds = (1...20).compactMap { c in
            Shop.recommend(
                Shop.jazzYearAndToyWeek(), k: 10, share: 0.1, popularity: full, customer: Int64(c)
            ).first { $0.kind.isExploration }?.kind
        }
        #expect(Set(kinds).count >= 2, "\(kinds)")
    }

    @Test func twoCoffeesBoughtInTurnAreOneHabitAtTheCombinedInterval() {
        // Bean 1 and bean 2 alternate every 15 days: each alone is bought every 30 days.
        let events = CategoryHabitTests.purchases([(1, 105), (2, 90), (1, 75), (2, 60), (1, 45), (2, 30), (1, 15)])
        let habits = Replenishment.habits(events: events, products: CategoryHabitTests.coffees, now: Shop.now)
        #expect(habits.count == 1, "\(habits.map(\.basis))")
        #expect(habits.first?.category == "Coffee" && habits.first?.intervalDays == 15)
        #expect(habits.first?.product == 1 && habits.first?.daysUntilDue == 0)
    }
}
