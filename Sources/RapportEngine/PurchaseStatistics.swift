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
        s.setPurchaseDays(dayTotals.keys.sorted().lazy.map { (day: $0, total: dayTotals[$0]!) })
        return s
    }

    /// The statistics of one purchase a day, at the day's start, of the day's total: what
    /// `of(events:asOf:)` gives for that stream (an account's orders as the lifecycle figures read
    /// them), without building it. `days` in ascending order, one entry a day.
    static func of(dailyTotals days: some BidirectionalCollection<(day: Int64, total: Double)>, asOf: Int64)
        -> PurchaseStatistics
    {
        // Only days whose start is up to the as-of date, as `of(events:)` leaves out later events.
        let upToAsOf = days.prefix { $0.day * 86_400 <= asOf }
        var s = PurchaseStatistics.none
        guard let first = upToAsOf.first, let last = upToAsOf.last else { return s }
        s.firstEvent = first.day * 86_400
        s.lastEvent = last.day * 86_400
        s.firstPurchase = s.firstEvent
        s.lastPurchase = s.lastEvent
        // In event order, which is day order; a day's total is then a fold from zero of its one purchase.
        for d in upToAsOf { s.spend += d.total }
        s.setPurchaseDays(upToAsOf.lazy.map { (day: $0.day, total: 0 + $0.total) })
        return s
    }

    /// The purchase days' part of the statistics, from each purchase day's total in ascending day
    /// order: the one definition both `of(events:asOf:)` and `of(dailyTotals:asOf:)` use.
    private mutating func setPurchaseDays(_ days: some BidirectionalCollection<(day: Int64, total: Double)>) {
        // Each element read once where it can be: on a lazy view every read computes it again.
        let first = days.first
        purchaseDays = days.count
        firstPurchaseDay = first?.day
        lastPurchaseDay = days.last?.day
        firstDayTotal = first?.total ?? 0
        repeatDaysTotal = days.dropFirst().reduce(0) { $0 + $1.total }
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
