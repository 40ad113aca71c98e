import Foundation
import RapportEngine
import RapportStore

/// The accounts list's sorts, by the names `--sort` takes.
public enum AccountListSort: String, Sendable, CaseIterable {
    case revenue, engagement, coverage, name
    case pAlive = "p_alive"

    /// How the list's title names the order: the revenue sort is by all-time total revenue,
    /// not by the 12-month column shown beside it, so the title says so.
    public var label: String { self == .revenue ? "revenue, all time" : rawValue }

    var store: AccountSort {
        switch self {
        case .revenue: .revenue
        case .engagement: .engagement
        case .coverage: .coverage
        case .name: .name
        case .pAlive: .pAlive
        }
    }
}

extension Workspace {
    /// A page of the accounts list, from the figures the refresh stored.
    public func accounts(filter: String? = nil, sort: AccountListSort = .revenue, limit: Int = 100, offset: Int = 0)
        throws -> (items: [AccountListItem], total: Int)
    {
        let rows = try store.accountPage(filter: filter, sort: sort.store, limit: limit, offset: offset)
        return (rows.map(AccountListItem.init), try store.accountCount(filter: filter))
    }

    func requireAccount(_ id: String) throws -> AccountRecord {
        guard let a = try store.account(externalId: id) else { throw StoreError.invalidArgument("no account '\(id)'") }
        return a
    }

    /// One account: its place in the tree, members (every one), figures, cadence and
    /// recommendations (`AccountOpen.swift` reads it).
    public func account(_ id: String) throws -> AccountView {
        try accountView(try firmOf(id), id: id, members: nil)
    }

    /// The keys of an account and everything below it.
    static func subtree(of key: Int64, in all: [AccountRecord]) -> Set<Int64> {
        let children = Dictionary(grouping: all.filter { $0.parent != nil }, by: { $0.parent! })
        var out: Set<Int64> = [key]
        var stack = [key]
        while let k = stack.popLast() {
            for c in children[k] ?? [] where out.insert(c.key).inserted { stack.append(c.key) }
        }
        return out
    }

    func accountRecommendations(
        _ account: AccountRecord, subtree: Set<Int64>, firm: Set<Int64>, names: [Int64: AccountRecord]
    ) throws -> [AccountRecommendationView] {
        let names = Self.distinctNames(firm, names)
        let recs =
            try keptRecommendations(account.key, subtree: subtree, firm: firm, names: names)
            ?? liveRecommendations(account.key, subtree: subtree, firm: firm, names: names)
        return try recommendationViews(recs)
    }

    /// From the firm's buyers as the refresh kept them: one query, a few rows per member. Nil
    /// when no full refresh has kept them yet (a store from before `v15-acct-buyers`).
    func keptRecommendations(_ account: Int64, subtree: Set<Int64>, firm: Set<Int64>, names: [Int64: String])
        throws -> [AccountRecommendation]?
    {
        guard let kept = try store.accountBuyers(accounts: Array(firm)) else { return nil }
        return AccountRecommender.recommend(
            account: account, firm: firm, subtree: subtree,
            buyers: kept.lazy.map { AccountBuyer(account: $0.account, product: $0.product, customer: $0.customer) },
            consenting: Set(kept.lazy.filter(\.consenting).map(\.customer)), names: names)
    }

    /// From the firm's purchases, and the memberships of their buyers (their primary
    /// membership then may lie outside the firm): what the kept buyers are made of. `from`
    /// gives them instead of today's (an account as it stood on a past day).
    func liveRecommendations(
        _ account: Int64, subtree: Set<Int64>, firm: Set<Int64>, names: [Int64: String],
        from given: (purchases: [AccountPurchase], memberships: [AccountMembership])? = nil
    ) throws -> [AccountRecommendation] {
        let purchases =
            try given?.purchases ?? store.accountPurchases(accounts: Array(firm)).map(AccountBridge.purchase)
        let memberships =
            try given?.memberships
            ?? store.memberships(customers: Array(Set(purchases.map(\.customer)))).map(AccountBridge.membership)
        return AccountRecommender.recommend(
            account: account, firm: firm, subtree: subtree, purchases: purchases,
            attribution: AccountAttribution(memberships: memberships),
            consenting: try store.consentingCustomers(among: Array(Set(purchases.map(\.customer)))),
            names: names)
    }

    func recommendationViews(_ recs: [AccountRecommendation]) throws -> [AccountRecommendationView] {
        let products = Dictionary(
            uniqueKeysWithValues: try store.products(keys: recs.map(\.product)).compactMap { p in p.id.map { ($0, p) } }
        )
        return recs.compactMap { r in
            guard let p = products[r.product] else { return nil }
            return AccountRecommendationView(
                productId: p.externalId, title: p.title.isEmpty ? p.externalId : p.title, reason: r.reason,
                kind: r.kind)
        }
    }

    /// Names for reasons: a name two accounts of the firm share ("Operations") says whose it is
    /// ("Operations (Northwind Logistics)").
    static func distinctNames(_ firm: Set<Int64>, _ all: [Int64: AccountRecord]) -> [Int64: String] {
        let inFirm = firm.compactMap { all[$0] }
        let repeated = Dictionary(grouping: inFirm, by: \.name).filter { $0.value.count > 1 }
        return Dictionary(
            uniqueKeysWithValues: inFirm.map { a in
                let parent = a.parent.flatMap { all[$0]?.name }
                return (a.key, repeated[a.name] != nil && parent != nil ? "\(a.name) (\(parent!))" : a.name)
            })
    }

    /// The account and its descendants in depth-first order (children by name), for `account tree`.
    public func accountTree(_ id: String) throws -> [AccountTreeLine] {
        let firm = try firmOf(id)
        return Self.tree(from: firm, root: try Self.named(id, in: firm))
    }

    /// A person's accounts and roles, for their profile.
    public func accountsOf(customer id: String) throws -> [(account: String, name: String, role: String, primary: Bool)]
    {
        let key = try store.requireCustomer(id)
        let names = Dictionary(uniqueKeysWithValues: try store.accounts().map { ($0.key, $0) })
        return try store.memberships(customer: key).compactMap { m in
            guard let a = names[m.account] else { return nil }
            return (a.externalId, a.name, m.role, m.primary)
        }
    }

    /// A person's accounts as list rows, each with the person's role there.
    public func personAccounts(customer id: String) throws -> [PersonAccount] {
        let key = try store.requireCustomer(id)
        let asOf = try store.latestEventTime() ?? clock()
        let memberships = try store.memberships(customer: key)
        let rows = Dictionary(
            uniqueKeysWithValues: try store.accountRows(keys: Array(Set(memberships.map(\.account)))).map {
                ($0.account.key, AccountListItem($0))
            })
        return memberships.compactMap { m in
            rows[m.account].map {
                PersonAccount(
                    account: $0, role: m.role, primary: m.primary,
                    current: AccountBridge.membership(m).isValid(at: asOf))
            }
        }
    }

    // MARK: Corrections: each audited, and the figures of the accounts they touch recomputed at once.

    public func linkMember(customer id: String, account: String, role: String, primary: Bool, title: String? = nil)
        throws
    {
        let key = try store.requireCustomer(id)
        let before = try store.accountsTouching(customer: key)
        try store.linkMember(
            customer: key, account: account, role: role, primary: primary, title: title, since: nil,
            by: Actor(analyst: analyst, now: clock()))
        try refreshAccountFigures(customer: key, before: before)
    }

    /// Ends a membership at `until` (default now; its history stays), or deletes it with `delete`.
    @discardableResult
    public func unlinkMember(
        customer id: String, account: String, role: String? = nil, until: Int64? = nil, delete: Bool = false
    ) throws -> Int {
        let key = try store.requireCustomer(id)
        let before = try store.accountsTouching(customer: key)
        let n = try store.unlinkMember(
            customer: key, account: account, role: role, until: until ?? clock(), delete: delete,
            by: Actor(analyst: analyst, now: clock()))
        try refreshAccountFigures(customer: key, before: before)
        return n
    }

    public func setAccountParent(_ id: String, parent: String?, dryRun: Bool = false) throws -> ParentChangeView {
        // The moved subtree keeps its figures; its old and new ancestors' change.
        let moved = try store.account(externalId: id)
        let change = try store.setAccountParent(
            account: id, parent: parent, dryRun: dryRun, by: Actor(analyst: analyst, now: clock()))
        if change.applied, let moved {
            let to = try parent.flatMap { try store.account(externalId: $0)?.key }
            try refreshAccountFigures(
                around: Set([moved.key] + [moved.parent, to].compactMap { $0 }), buyers: .unchanged)
        }
        return ParentChangeView(change)
    }

    /// Adds a note to an account (audited; the audit keeps no text).
    public func addAccountNote(_ id: String, text: String) throws {
        try store.addAccountNote(account: id, text: text, by: Actor(analyst: analyst, now: clock()))
    }

    /// Marks a purchase as made for an account (nil: back to the attribution rule).
    public func attribute(event: String, account: String?) throws {
        let customer = try store.event(displayId: event)?.customerId
        let before = try customer.map { try store.accountsTouching(customer: $0) } ?? []
        try store.attributeEvent(event, account: account, by: Actor(analyst: analyst, now: clock()))
        try refreshAccountFigures(customer: customer, before: before)
    }
}
