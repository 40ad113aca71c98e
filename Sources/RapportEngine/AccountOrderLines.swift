import Foundation

/// Every account's own orders, gathered purchase by purchase: an order is the lines one person
/// bought for one account at one second. Gathered apart (one part per range of customers) and
/// merged, since the parts' people, and so their orders, never overlap.
public struct AccountOrderLines: Sendable {
    public let asOf: Int64
    /// Account → order → the order's amount.
    var lines: [Int64: [OrderKey: Double]] = [:]

    public init(asOf: Int64) { self.asOf = asOf }

    /// Adds one purchase line to the order of the account attribution gave it (nil: none).
    /// Lines after the as-of date count for no order.
    public mutating func add(_ p: AccountPurchase, account: Int64?) {
        guard let account, p.time <= asOf else { return }
        lines[account, default: [:]][OrderKey(customer: p.customer, time: p.time), default: 0] += p.amount
    }

    /// Takes another part's orders (of other people) into these.
    public mutating func merge(_ other: AccountOrderLines) {
        for (account, orders) in other.lines {
            lines[account, default: [:]].merge(orders, uniquingKeysWith: +)
        }
    }
}

/// One order of an account: the lines one person bought for it at one second.
struct OrderKey: Hashable, Sendable {
    var customer: Int64
    var time: Int64
}
