import Foundation

/// A product for an account, with the accounts of its firm that buy it.
public struct AccountRecommendation: Sendable, Equatable {
    public var product: Int64
    /// The other accounts of the firm whose consenting members bought it, most buyers first.
    public var boughtBy: [Int64]
    public var buyers: Int
    public var reason: String
    /// The recommendation's kind in `--json`: bought elsewhere in the firm.
    public var kind: String { "bought_in_firm" }
}

/// Products bought for other accounts of the same firm (the root's tree) and not yet for this
/// account or its descendants. Only purchases by people with personalization consent count.
public enum AccountRecommender {
    public static func recommend(
        account: Int64, firm: Set<Int64>, subtree: Set<Int64>, purchases: [AccountPurchase],
        attribution: AccountAttribution, consenting: Set<Int64>, names: [Int64: String], limit: Int = 10
    ) -> [AccountRecommendation] {
        recommend(
            account: account, firm: firm, subtree: subtree,
            buyers: AccountBuyer.from(purchases, attribution: attribution, within: firm), consenting: consenting,
            names: names, limit: limit)
    }

    /// The same from the firm's buyers (the refresh keeps them per account): a product any
    /// buyer of the subtree bought is left out; the others' consenting buyers rank the rest.
    public static func recommend(
        account: Int64, firm: Set<Int64>, subtree: Set<Int64>, buyers: some Sequence<AccountBuyer>,
        consenting: Set<Int64>, names: [Int64: String], limit: Int = 10
    ) -> [AccountRecommendation] {
        var own = Set<Int64>()
        var others: [Int64: (accounts: [Int64: Set<Int64>], buyers: Set<Int64>)] = [:]
        for b in buyers where firm.contains(b.account) {
            if subtree.contains(b.account) {
                own.insert(b.product)
            } else if consenting.contains(b.customer) {
                others[b.product, default: ([:], [])].accounts[b.account, default: []].insert(b.customer)
                others[b.product, default: ([:], [])].buyers.insert(b.customer)
            }
        }
        let ranked = others.filter { !own.contains($0.key) }.sorted { a, b in
            if a.value.accounts.count != b.value.accounts.count {
                return a.value.accounts.count > b.value.accounts.count
            }
            if a.value.buyers.count != b.value.buyers.count { return a.value.buyers.count > b.value.buyers.count }
            return a.key < b.key
        }
        let mine = names[account] ?? "this account"
        return ranked.prefix(limit).map { product, seen in
            let accounts = seen.accounts.sorted { a, b in
                a.value.count != b.value.count
                    ? a.value.count > b.value.count : (names[a.key] ?? "") < (names[b.key] ?? "")
            }.map(\.key)
            let who = list(accounts.map { names[$0] ?? "#\($0)" })
            return AccountRecommendation(
                product: product, boughtBy: accounts, buyers: seen.buyers.count,
                reason: "bought by \(who) in this firm, not yet by \(mine)")
        }
    }

    /// "A", "A and B", "A, B and C", "A, B and 3 more".
    static func list(_ names: [String]) -> String {
        switch names.count {
        case 0: ""
        case 1: names[0]
        case 2, 3: names.dropLast().joined(separator: ", ") + " and " + names.last!
        default: names.prefix(2).joined(separator: ", ") + " and \(names.count - 2) more"
        }
    }
}
