import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// Recomputes the figures of the accounts a correction can have moved: `seeds` (the
    /// accounts it touched on either side) and their ancestors, from the purchases, memberships
    /// and member activity of their firms only. An account's figures depend on its own subtree
    /// alone, so these equal what a full recompute would store; every other row stays as it is.
    /// `buyers` says whose kept buyers (`account_buyers`) the correction can have changed.
    func refreshAccountFigures(around seeds: Set<Int64>, buyers touched: BuyersTouched = .firms) throws {
        guard !store.isReadOnly, !seeds.isEmpty else { return }
        let started = Date()
        let firms = try store.accountFirms(of: Array(seeds))
        if firms.isEmpty { return }
        let nodes = firms.map { AccountNode(key: $0.key, parent: $0.parent) }
        let keys = firms.map(\.key)
        let inFirms = Set(keys)
        let purchases = try store.accountPurchases(accounts: keys).map(AccountBridge.purchase)
        // The firms' members, and every membership of the buyers (attribution needs a buyer's
        // primary memberships elsewhere too).
        var seen = Set<String>()
        let memberships =
            (try store.memberships(accounts: keys)
            + store.memberships(customers: Array(Set(purchases.map(\.customer)))))
            .map(AccountBridge.membership)
            .filter { seen.insert("\($0.customer) \($0.account) \($0.role)").inserted }
        let model = try cache.model(store)
        let asOf = try store.latestEventTime() ?? clock()
        let window = AccountFiguresBuilder.windowDays * 86_400
        let members = Array(Set(memberships.filter { inFirms.contains($0.account) }.map(\.customer)))
        let activity = try store.memberActivity(
            customers: members, previousStart: asOf - 2 * window, recentStart: asOf - window, asOf: asOf
        ).mapValues { MemberActivity(recent: $0.recent, previous: $0.previous) }
        let figures = AccountFiguresBuilder.compute(
            nodes: nodes, purchases: purchases, memberships: memberships, activity: activity,
            requiredRoles: requiredRoles, model: model, asOf: asOf)
        let affected = Self.withAncestors(seeds, in: nodes)
        let rows = try Self.figureRows(keys.filter(affected.contains), figures)
        let attribution = AccountAttribution(memberships: memberships)
        switch touched {
        case .unchanged:
            try store.replaceAccountFigures(rows, buyers: [], ofAccounts: [], now: clock())
        case .person(let key):
            let buyers = AccountBuyer.from(
                purchases.filter { $0.customer == key }, attribution: attribution, within: inFirms)
            try store.replaceAccountFigures(
                rows, buyers: buyers.map(AccountBridge.buyer), ofAccounts: keys, customer: key, now: clock())
        case .firms:
            // Every purchase attributed in the firms was read: their buyers are rewritten whole.
            let buyers = AccountBuyer.from(purchases, attribution: attribution, within: inFirms)
            try store.replaceAccountFigures(
                rows, buyers: buyers.map(AccountBridge.buyer), ofAccounts: keys, now: clock())
        }
        logger.info(
            "account figures of a correction",
            metadata: [
                "accounts": "\(affected.count)", "firm_accounts": "\(firms.count)",
                "seconds": "\(Date().timeIntervalSince(started))"
            ])
    }

    /// After a correction of one person (a clear, an attribution, a link or unlink, an erasure):
    /// the accounts it touched before (`before`) and the person's accounts now. When the
    /// correction moved the store's as-of date or the models' (`basis`, read before it), every
    /// account's windows moved with it, so every account is recomputed.
    /// Only that person's kept buyers are rewritten (`buyers`, default: the person's, or the
    /// firms' whole when there is no person).
    func refreshAccountFigures(
        customer key: Int64?, before: Set<Int64>, basis: [Int64?]? = nil, buyers: BuyersTouched? = nil
    ) throws {
        if let basis, try accountFiguresBasis() != basis {
            try refreshAccountFigures()
            return
        }
        let now = try key.map { try store.accountsTouching(customer: $0) } ?? []
        try refreshAccountFigures(around: before.union(now), buyers: buyers ?? key.map { .person($0) } ?? .firms)
    }

    /// What every account's figures count from: the store's as-of date (its newest event) and
    /// the models' date.
    func accountFiguresBasis() throws -> [Int64?] {
        [try store.latestEventTime(), try cache.model(store)?.asOf]
    }

    /// The accounts of `seeds` present in the tree, and all their ancestors.
    static func withAncestors(_ seeds: Set<Int64>, in nodes: [AccountNode]) -> Set<Int64> {
        let parent = Dictionary(nodes.map { ($0.key, $0.parent) }, uniquingKeysWith: { a, _ in a })
        var out = Set<Int64>()
        for seed in seeds where parent[seed] != nil {
            var next: Int64? = seed
            while let k = next, out.insert(k).inserted { next = parent[k] ?? nil }
        }
        return out
    }
}

/// Whose kept buyers (`account_buyers`: who bought what for which account) a correction can
/// have changed. Attribution reads only a purchase's own account and its buyer's memberships:
/// a move changes none (`unchanged`); a link, an unlink, an attribution, a clear or an erasure only
/// that person's (`person`), so the firms' other buyers' rows stay; anything else, every
/// buyer of the firms (`firms`).
enum BuyersTouched: Equatable {
    case unchanged
    case person(Int64)
    case firms
}
