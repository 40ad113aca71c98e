import Foundation
import Testing
@testable import RapportEngine

/// The purchase statistics the figures are made from (and PostgreSQL aggregates on the
/// server), with answers worked out by hand.
@Suite("Purchase statistics")
struct PurchaseStatisticsTests {
    static let day: Int64 = 86_400
    /// 2024-03-01T00:00:00Z.
    static let d0: Int64 = 1_709_251_200

    func event(_ id: Int64, _ time: Int64, _ type: EventType, _ amount: Double = 0, gift: Bool = false) -> Event {
        Event(id: id, customer: 1, product: 7, type: type, time: time, amount: amount, isGift: gift)
    }

    @Test func knownAnswers() {
        let d0 = Self.d0, day = Self.day
        let events = [
            event(1, d0 - 10, .view),
            // Two lines of one order in the same second, and a third purchase that day: one order.
            event(2, d0 + 100, .purchase, 10),
            event(3, d0 + 100, .purchase, 5),
            event(4, d0 + day - 1, .purchase, 1),
            // The next UTC day (a minute after midnight), a gift: counted like any purchase.
            event(5, d0 + day + 60, .purchase, 20, gift: true),
            event(6, d0 + 3 * day, .return, -4),
            event(7, d0 + 9 * day, .purchase, 30),
            // After the as-of date: left out.
            event(8, d0 + 20 * day, .purchase, 1000)
        ]
        let asOf = d0 + 10 * day + 5
        let s = PurchaseStatistics.of(events: events, asOf: asOf)
        #expect(s.firstEvent == d0 - 10)
        #expect(s.lastEvent == d0 + 9 * day)
        #expect(s.firstPurchase == d0 + 100)
        #expect(s.lastPurchase == d0 + 9 * day)
        #expect(s.purchaseDays == 3)
        #expect(s.firstPurchaseDay == Day.of(d0))
        #expect(s.lastPurchaseDay == Day.of(d0) + 9)
        #expect(s.spend == 62)
        #expect(s.firstDayTotal == 16)
        #expect(s.repeatDaysTotal == 50)
        #expect(s.meanRepeatSpend == 25)
        #expect(s.summary(asOf: asOf, unitDays: 7) == RFMSummary(x: 2, tx: 9.0 / 7, T: 10.0 / 7))

        let f = Figures.base(events: events, asOf: asOf)
        #expect(f.orders == 3)
        #expect(f.spend == 62)
        #expect(f.recencyDays == 1)
        #expect(f.meanRepeatSpend == 25)
        #expect(f.firstEvent == d0 - 10 && f.lastEvent == d0 + 9 * day)
    }

    @Test func onePurchaseDay() {
        let events = [event(1, Self.d0, .purchase, 12.5), event(2, Self.d0 + 60, .purchase, 2.5)]
        let s = PurchaseStatistics.of(events: events, asOf: Self.d0 + 86_400)
        #expect(s.purchaseDays == 1)
        #expect(s.repeatDaysTotal == 0)
        #expect(s.meanRepeatSpend == 15)
        #expect(s.summary(asOf: Self.d0 + 86_400, unitDays: 7) == RFMSummary(x: 0, tx: 0, T: 1.0 / 7))
    }

    @Test func noPurchase() {
        let s = PurchaseStatistics.of(events: [event(1, Self.d0, .view), event(2, Self.d0, .return, -3)], asOf: Self.d0)
        #expect(s.purchaseDays == 0 && s.firstPurchaseDay == nil && s.meanRepeatSpend == nil)
        #expect(s.summary(asOf: Self.d0, unitDays: 7) == nil)
        #expect(s.spend == -3)
        #expect(PurchaseStatistics.of(events: [], asOf: Self.d0) == .none)
    }

    /// Sums are left folds in event order, then day order: the order a database must reproduce.
    @Test func sumsAddInEventOrder() {
        let amounts = [1, 1, 1e16, -1e16, 0.1, 0.2, 0.3]
        let events = amounts.enumerated().map {
            event(Int64($0.offset), Self.d0 + Int64($0.offset), .purchase, $0.element)
        }
        let s = PurchaseStatistics.of(events: events, asOf: Self.d0 + 100)
        #expect(s.spend == amounts.reduce(0, +))
        #expect(s.spend != amounts.reversed().reduce(0, +))
        #expect(s.firstDayTotal == s.spend)
    }
}
