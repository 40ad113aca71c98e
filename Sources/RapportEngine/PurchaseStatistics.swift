import Foundation

/// What a customer's figures need from their events, and nothing more: first and last event,
/// first and last purchase, the purchase days, spend, and the totals of the first and the
/// later purchase days. `Figures.base` turns these into figures, so the statistics can come
/// from the events here or from a database that aggregates them where they are stored (the
/// PostgreSQL refresh; `PostgresStore.purchaseStatistics` must agree with `of(events:asOf:)`).
///
/// Sums are folds from zero in a fixed order, which makes them bit-for-bit reproducible:
/// `spend` adds purchases and returns in event order (time, then key), a day's total adds its
/// purchases in event order, and `repeatDaysTotal` adds the later days' totals in day order.
/// Gift purchases count like any other (the figures are about what the customer bought).
public struct PurchaseStatistics: Sendable, Equatable {
    public var firstEvent: Int64?
    public var lastEvent: Int64?
    public var firstPurchase: Int64?
    public var lastPurchase: Int64?
    /// UTC days with at least one purchase.
    public var purchaseDays: Int
    public var firstPurchaseDay: Int64?
    public var lastPurchaseDay: Int64?
    /// Purchases plus returns (returns are recorded with their sign).
    public var spend: Double
    /// The first purchase day's total.
    public var firstDayTotal: Double
    /// The later purchase days' totals added up (0 with one purchase day).
    public var repeatDaysTotal: Double

    public init(
        firstEvent: Int64?, lastEvent: Int64?, firstPurchase: Int64?, lastPurchase: Int64?, purchaseDays: Int,
        firstPurchaseDay: Int64?, lastPurchaseDay: Int64?, spend: Double, firstDayTotal: Double,
        repeatDaysTotal: Double
    ) {
        self.firstEvent = firstEvent
        self.lastEvent = lastEvent
        self.firstPurchase = firstPurchase
        self.lastPurchase = lastPurchase
        self.purchaseDays = purchaseDays
        self.firstPurchaseDay = firstPurchaseDay
        self.lastPurchaseDay = lastPurchaseDay
        self.spend = spend
        self.firstDayTotal = firstDayTotal
        self.repeatDaysTotal = repeatDaysTotal
    }

    /// A customer without events up to the as-of date.
    public static let none = PurchaseStatistics(
        firstEvent: nil, lastEvent: nil, firstPurchase: nil, lastPurchase: nil, purchaseDays: 0,
        firstPurchaseDay: nil, lastPurchaseDay: nil, spend: 0, firstDayTotal: 0, repeatDaysTotal: 0)

    /// The statistics of events given in time order (then key order); events after `asOf` are left out.
    public static func of(events: [Event], asOf: Int64) -> PurchaseStatistics {
        var s = PurchaseStatistics.none
        var dayTotals: [Int64: Double] = [:]
        for e in events where e.time <= asOf {
            s.lastEvent = max(s.lastEvent ?? e.time, e.time)
            s.firstEvent = min(s.firstEvent ?? e.time, e.time)
            if e.type == .purchase {
                s.firstPurchase = min(s.firstPurchase ?? e.time, e.time)
                s.lastPurchase = max(s.lastPurchase ?? e.time, e.time)
                s.spend += e.amount
                dayTotals[Day.of(e.time), default: 0] += e.amount
            } else if e.type == .return {
                s.spend += e.amount
            }
        }
        let days = dayTotals.keys.sorted()
        s.purchaseDays = days.count
        s.firstPurchaseDay = days.first
        s.lastPurchaseDay = days.last
        s.firstDayTotal = days.first.map { dayTotals[$0]! } ?? 0
        s.repeatDaysTotal = days.dropFirst().reduce(0) { $0 + dayTotals[$1]! }
        return s
    }

    /// Recency, frequency and age in BG/NBD's terms (weeks when `unitDays` is 7); nil without a purchase.
    public func summary(asOf: Int64, unitDays: Double) -> RFMSummary? {
        guard let first = firstPurchaseDay, let last = lastPurchaseDay else { return nil }
        return RFMSummary(
            x: purchaseDays - 1, tx: Double(last - first) / unitDays, T: Double(Day.of(asOf) - first) / unitDays)
    }

    /// Mean value of the repeat purchase days (the first day's total with no repeat day); nil without a purchase.
    public var meanRepeatSpend: Double? {
        guard purchaseDays > 0 else { return nil }
        return purchaseDays == 1 ? firstDayTotal : repeatDaysTotal / Double(purchaseDays - 1)
    }
}
