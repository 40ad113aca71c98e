import Foundation
import RapportEngine
import RapportStore

// Opening an account: one read of its firm (every account with its stored figures) serves the
// breadcrumb, the children, the figures, the departments' cadence and the tree; the members
// come a page at a time for the explorer (virtualised like the customer list), whole for
// `rapport account ID`.

extension Workspace {
    /// What the explorer's account profile opens with: the account with its first `members`
    /// members (`AccountView.memberCount` says how many there are; `accountMembers` gives the
    /// rest as the list scrolls) and its firm's tree, from one read of the firm.
    public func accountScreen(_ id: String, members limit: Int) throws -> (view: AccountView, tree: [AccountTreeLine]) {
        let firm = try firmOf(id)
        let view = try accountView(firm, id: id, members: max(0, limit))
        let root = try Self.named(view.path.first ?? view.id, in: firm)
        return (view, Self.tree(from: firm, root: root))
    }

    /// A page of an account's members, in the order of `account(_:)`'s.
    public func accountMembers(_ id: String, offset: Int, limit: Int) throws -> [AccountMemberView] {
        let account = try requireAccount(id)
        let asOf = try store.latestEventTime() ?? clock()
        return try store.accountMembers(account: account.key, offset: offset, limit: limit).rows.map {
            Self.memberView($0, asOf: asOf)
        }
    }

    /// The firm of the account a file's id names, or an error naming the id.
    func firmOf(_ id: String) throws -> [AccountListRow] {
        let firm = try store.accountFirm(externalId: id)
        guard !firm.isEmpty else { throw StoreError.invalidArgument("no account '\(id)'") }
        return firm
    }

    /// The firm's account a file's id names.
    static func named(_ id: String, in firm: [AccountListRow]) throws -> AccountRecord {
        guard let row = firm.first(where: { $0.account.externalId == id }) else {
            throw StoreError.invalidArgument("no account '\(id)'")
        }
        return row.account
    }

    static func memberView(_ m: MembershipRecord, asOf: Int64) -> AccountMemberView {
        AccountMemberView(
            id: m.customerExternalId, name: m.customerName, role: m.role, primary: m.primary, title: m.title,
            since: m.since.map(DateParsing.isoDate), until: m.until.map(DateParsing.isoDate),
            current: AccountBridge.membership(m).isValid(at: asOf), consent: m.personalizationConsent)
    }

    /// One account of a firm read by `firmOf`, with every member (`members` nil) or the first
    /// `members`; with `past`, as it stood on a past day (`AccountStoodOn.swift`).
    func accountView(_ firmRows: [AccountListRow], id: String, members limit: Int?, past: AccountPast? = nil)
        throws -> AccountView
    {
        let account = try Self.named(id, in: firmRows)
        let all = firmRows.map(\.account)
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        let stored = Dictionary(
            firmRows.compactMap { row in row.figures.map { (row.account.key, $0) } }, uniquingKeysWith: { a, _ in a })
        let children = all.filter { $0.parent == account.key }
        var ancestors: [AccountRecord] = []
        var next = account.parent.flatMap { byKey[$0] }
        while let a = next, ancestors.count < 64 {
            ancestors.insert(a, at: 0)
            next = a.parent.flatMap { byKey[$0] }
        }
        let subtree = Self.subtree(of: account.key, in: all)
        let firm = Self.subtree(of: ancestors.first?.key ?? account.key, in: all)
        let asOf = try past?.asOf ?? store.latestEventTime() ?? clock()
        var memberRows: [MembershipRecord]
        let memberCount: Int
        if let past {
            memberRows = past.members.filter { $0.account == account.key }
            memberCount = memberRows.count
            if let limit { memberRows = Array(memberRows.prefix(limit)) }
        } else if let limit {
            (memberRows, memberCount) = try store.accountMembers(account: account.key, offset: 0, limit: limit)
        } else {
            memberRows = try store.memberships(accounts: [account.key])
            memberCount = memberRows.count
        }
        let own = stored[account.key]
        let f = try own.map { try JSONDecoder().decode(AccountFigures.self, from: Data($0.detail.utf8)) }
        let figures = f ?? AccountFigures()
        var cadence: [AccountCadenceView] = []
        let shown = all.filter { $0.key == account.key || (subtree.contains($0.key) && $0.kind == "department") }
        for a in shown {
            let its =
                a.key == account.key
                ? f?.cadence
                : try stored[a.key].flatMap {
                    try JSONDecoder().decode(AccountFigures.self, from: Data($0.detail.utf8)).cadence
                }
            cadence.append(
                AccountCadenceView(
                    id: a.externalId, name: a.name, intervalDays: its?.intervalDays,
                    nextOrder: (its?.nextOrder).map(DateParsing.isoDate), statedCadence: a.reportingCadence, sla: a.sla)
            )
        }
        var view = AccountView(
            id: account.externalId, name: account.name, kind: account.kind,
            parent: account.parent.flatMap { byKey[$0]?.externalId }, path: ancestors.map(\.externalId),
            pathNames: ancestors.map(\.name), children: children.map(\.externalId), domain: account.domain,
            industry: account.industry, tier: account.tier, reportingCadence: account.reportingCadence,
            sla: account.sla, members: memberRows.map { Self.memberView($0, asOf: asOf) },
            figures: AccountFiguresView(
                individual: AccountScopeView(figures.individual), children: AccountScopeView(figures.children),
                total: AccountScopeView(figures.total)),
            revenue12m: figures.revenue12m, pAlive: figures.pAlive, expectedOrders90d: figures.expectedOrders90d,
            clv: figures.clv12m.map { ($0 * 100).rounded() / 100 }, engagement: figures.engagement,
            engagementPrevious: figures.engagementPrevious, trend: figures.trend.rawValue, coverage: figures.coverage,
            missingRoles: figures.missingRoles, requiredRoles: requiredRoles, cadence: cadence,
            recommendations: try past.map {
                try recommendationViews(
                    liveRecommendations(
                        account.key, subtree: subtree, firm: firm, names: Self.distinctNames(firm, byKey),
                        from: ($0.purchases, $0.memberships)))
            } ?? accountRecommendations(account, subtree: subtree, firm: firm, names: byKey),
            computed: own != nil,
            notes: try store.accountNotes(account: account.key).filter { $0.time <= past?.moment ?? .max }.map {
                AccountNoteView(time: DateParsing.isoDateTime($0.time), analyst: $0.analyst, text: $0.text)
            })
        view.memberCount = memberCount
        view.since = account.since.map(DateParsing.isoDate)
        return view
    }

    /// The tree below `root` in depth-first order (children by name), from its firm's rows.
    static func tree(from firm: [AccountListRow], root: AccountRecord) -> [AccountTreeLine] {
        let all = firm.map(\.account)
        let children = Dictionary(grouping: all.filter { $0.parent != nil }, by: { $0.parent! })
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        var revenue: [Int64: Double] = [:]
        for row in firm {
            if let f = row.figures { revenue[row.account.key] = f.revenue }
        }
        var out: [AccountTreeLine] = []
        func visit(_ a: AccountRecord, _ depth: Int) {
            let kids = (children[a.key] ?? []).sorted {
                ($0.name.lowercased(), $0.key) < ($1.name.lowercased(), $1.key)
            }
            out.append(
                AccountTreeLine(
                    id: a.externalId, name: a.name, kind: a.kind, depth: depth,
                    parent: a.parent.flatMap { byKey[$0]?.externalId }, childCount: kids.count,
                    revenue: revenue[a.key]))
            guard depth < 64 else { return }
            for k in kids { visit(k, depth + 1) }
        }
        visit(root, 0)
        return out
    }
}
