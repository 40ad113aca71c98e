import Foundation

/// One person's membership of one account, in one role, from `since` to `until` (Unix seconds;
/// nil: open). A membership counts for an event at time t when since ≤ t < until.
public struct AccountMembership: Sendable, Equatable, Codable {
    public var customer: Int64
    public var account: Int64
    public var role: String
    public var primary: Bool
    public var since: Int64?
    public var until: Int64?

    public init(customer: Int64, account: Int64, role: String, primary: Bool, since: Int64?, until: Int64?) {
        self.customer = customer
        self.account = account
        self.role = role
        self.primary = primary
        self.since = since
        self.until = until
    }

    public func isValid(at t: Int64) -> Bool { (since ?? .min) <= t && t < (until ?? .max) }
}

/// One purchase line that may count for an account: the buyer, what and when, and the
/// account the line itself names (the file's `account_id`, or an analyst's `attribute`).
public struct AccountPurchase: Sendable, Equatable {
    public var event: Int64
    public var customer: Int64
    public var product: Int64?
    public var time: Int64
    public var amount: Double
    public var account: Int64?

    public init(event: Int64, customer: Int64, product: Int64?, time: Int64, amount: Double, account: Int64?) {
        self.event = event
        self.customer = customer
        self.product = product
        self.time = time
        self.amount = amount
        self.account = account
    }
}

/// The attribution rule, the one place it is written (docs/accounts.md): a purchase counts for
/// the account it names; otherwise for the buyer's primary membership valid at the purchase's
/// time (the one that began last, then the smaller account key); otherwise for no account.
/// Never for every account the person belongs to.
public struct AccountAttribution: Sendable {
    private let primaries: [Int64: [AccountMembership]]

    public init(memberships: [AccountMembership]) {
        primaries = Dictionary(grouping: memberships.filter(\.primary), by: \.customer)
    }

    public func account(for p: AccountPurchase) -> Int64? {
        if let named = p.account { return named }
        return primaries[p.customer]?.filter { $0.isValid(at: p.time) }
            .max { a, b in
                (a.since ?? .min) != (b.since ?? .min) ? (a.since ?? .min) < (b.since ?? .min) : a.account > b.account
            }?.account
    }
}
