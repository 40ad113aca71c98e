import Foundation

/// One person who bought one product for one account (by the attribution rule): what an
/// account's recommendations are made of. The refresh keeps these per account, so opening an
/// account reads its firm's buyers instead of every purchase of its members.
public struct AccountBuyer: Sendable, Hashable {
    public var account: Int64
    public var product: Int64
    public var customer: Int64

    public init(account: Int64, product: Int64, customer: Int64) {
        self.account = account
        self.product = product
        self.customer = customer
    }

    /// The distinct buyers of `purchases` for the accounts `within` (nil: any account), each
    /// purchase counted for the one account the attribution rule gives it.
    public static func from(
        _ purchases: [AccountPurchase], attribution: AccountAttribution, within: Set<Int64>? = nil
    ) -> Set<AccountBuyer> {
        var out = Set<AccountBuyer>()
        for p in purchases {
            guard let product = p.product, let a = attribution.account(for: p) else { continue }
            if let within, !within.contains(a) { continue }
            out.insert(AccountBuyer(account: a, product: product, customer: p.customer))
        }
        return out
    }
}
