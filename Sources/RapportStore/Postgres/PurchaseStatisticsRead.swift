import Foundation
import RapportPostgres

/// One customer's purchase statistics as the database aggregated them: the fields of the
/// engine's `PurchaseStatistics` (which defines them and is tested against this).
public struct PurchaseStatisticsRow: Sendable, Equatable {
    public var customer: Int64
    public var firstEvent: Int64
    public var lastEvent: Int64
    public var firstPurchase: Int64?
    public var lastPurchase: Int64?
    public var purchaseDays: Int
    public var firstPurchaseDay: Int64?
    public var lastPurchaseDay: Int64?
    public var spend: Double
    public var firstDayTotal: Double
    public var repeatDaysTotal: Double
}

/// A store that aggregates the refresh's per-customer purchase statistics itself, so one row
/// per customer crosses the wire instead of the figures being folded from every event.
/// PostgreSQL does; SQLite's refresh folds the events it reads from the file anyway.
public protocol PurchaseStatisticsSource {
    /// The statistics of every customer in `customers` with an event at or before `asOf`, in
    /// key order. Customers without such an event have no row.
    func purchaseStatistics(
        customers: ClosedRange<Int64>, asOf: Int64, _ body: (PurchaseStatisticsRow) throws -> Void) throws
}

extension PostgresStore: PurchaseStatisticsSource {
    public func purchaseStatistics(
        customers: ClosedRange<Int64>, asOf: Int64, _ body: (PurchaseStatisticsRow) throws -> Void
    ) throws {
        try read { c in
            try c.forEachRow(
                PurchaseStatisticsSQL.query,
                [.int64(customers.lowerBound), .int64(customers.upperBound), .int64(asOf)]
            ) { r in
                try body(
                    PurchaseStatisticsRow(
                        customer: try r.int64(0) ?? 0, firstEvent: try r.int64(1) ?? 0, lastEvent: try r.int64(2) ?? 0,
                        firstPurchase: try r.int64(3), lastPurchase: try r.int64(4), purchaseDays: try r.int(5) ?? 0,
                        firstPurchaseDay: try r.int64(6), lastPurchaseDay: try r.int64(7), spend: try r.double(8) ?? 0,
                        firstDayTotal: try r.double(9) ?? 0, repeatDaysTotal: try r.double(10) ?? 0))
            }
        }
    }
}

/// The statement: two `GROUP BY customer_id` over `events` (per customer, and per customer and
/// UTC day for purchases), joined. Both group by the distribution column, so each hash
/// partition (or Citus shard) aggregates its own customers.
///
/// The sums are `sum(… ORDER BY time, id)`: PostgreSQL then feeds the rows to float8 addition
/// in that order, the same left fold the engine does, so the figures are equal to the bit
/// (a plain `sum` adds in whatever order the plan gives and can differ in the last digit).
/// `+ 0` makes a sum of nothing or of negative zeros the engine's `0`.
enum PurchaseStatisticsSQL {
    /// `events.type` codes (`EventType.code` in the engine).
    static let purchase = 0
    static let `return` = 4
    /// `Day.of`: whole UTC days since 1970, rounded down also before 1970.
    static let day = "((CASE WHEN time >= 0 THEN time ELSE time - 86399 END) / 86400)"

    static let query = """
        SELECT c.customer_id, c.first_event, c.last_event, c.first_purchase, c.last_purchase,
               COALESCE(d.days, 0), d.first_day, d.last_day,
               c.spend, COALESCE(d.first_total, 0), COALESCE(d.repeat_total, 0)
        FROM (
            SELECT customer_id, min(time) AS first_event, max(time) AS last_event,
                   min(time) FILTER (WHERE type = \(purchase)) AS first_purchase,
                   max(time) FILTER (WHERE type = \(purchase)) AS last_purchase,
                   COALESCE(sum(amount ORDER BY time, id)
                       FILTER (WHERE type IN (\(purchase), \(`return`))), 0) + 0::float8 AS spend
            FROM events WHERE customer_id BETWEEN $1 AND $2 AND time <= $3
            GROUP BY customer_id
        ) AS c
        LEFT JOIN (
            SELECT customer_id, count(*) AS days, min(day) AS first_day, max(day) AS last_day,
                   min(total) FILTER (WHERE nth = 1) AS first_total,
                   sum(total ORDER BY day) FILTER (WHERE nth > 1) + 0::float8 AS repeat_total
            FROM (
                SELECT customer_id, day, total, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS nth
                FROM (
                    SELECT customer_id, \(day) AS day, sum(amount ORDER BY time, id) + 0::float8 AS total
                    FROM events WHERE customer_id BETWEEN $1 AND $2 AND time <= $3 AND type = \(purchase)
                    GROUP BY customer_id, \(day)
                ) AS per_day
            ) AS numbered
            GROUP BY customer_id
        ) AS d ON d.customer_id = c.customer_id
        ORDER BY c.customer_id
        """
}
