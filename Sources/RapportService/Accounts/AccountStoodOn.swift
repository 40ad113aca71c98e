import Foundation
import RapportEngine
import RapportStore

// An account as it stood on a past day (`rapport account ID --as-of D`, `account tree ID
// --as-of D`): the tree, memberships and purchases' accounts of then (the corrections made by
// then, docs/as-of.md), the purchases made by then, and the figures computed from them by the
// refresh's own code with the models in force then. Nothing is stored.

/// What an account's view reads of a past day instead of the store's today.
struct AccountPast {
    var moment: Int64
    /// The store's analysis date of then: the newest event up to the moment.
    var asOf: Int64
    /// The firm's memberships of then that had started by the moment (ended ones too).
    var members: [MembershipRecord]
    /// The firm's purchase lines made by then, each with the account it named then.
    var purchases: [AccountPurchase]
    /// The memberships of the firm's members and buyers of then, for the attribution rule.
    var memberships: [AccountMembership]
}

extension Workspace {
    /// `rapport account ID --as-of D`: the account as it stood on `p`.
    public func account(_ id: String, stoodOn p: PointInTime) throws -> AccountView {
        let (rows, past, fit) = try firm(of: id, stoodOn: p)
        return try pastAccountView(rows, id: id, past: past, fit: fit, stoodOn: p)
    }

    /// The explorer's account profile after `@`: `account(_:stoodOn:)`'s view (every member of
    /// then: they are read with the firm, so there is no page to ask for) and the tree of its
    /// firm's root then, from one reading of the firm.
    public func accountScreen(_ id: String, stoodOn p: PointInTime) throws -> (
        view: AccountView, tree: [AccountTreeLine]
    ) {
        let (rows, past, fit) = try firm(of: id, stoodOn: p)
        let view = try pastAccountView(rows, id: id, past: past, fit: fit, stoodOn: p)
        return (view, Self.tree(from: rows, root: try Self.named(view.path.first ?? view.id, in: rows)))
    }

    private func pastAccountView(
        _ rows: [AccountListRow], id: String, past: AccountPast, fit: String, stoodOn p: PointInTime
    ) throws -> AccountView {
        var view = try accountView(rows, id: id, members: nil, past: past)
        view.asStoodOn = StoodOnView(
            moment: Timestamp(p.moment), corrections: p.corrections, models: fit, limits: Self.accountLimitsText)
        return view
    }

    /// `rapport account tree ID --as-of D`: the account and everything below it, as the tree
    /// stood on `p`, with the revenue of then.
    public func accountTree(_ id: String, stoodOn p: PointInTime) throws -> [AccountTreeLine] {
        let (rows, _, _) = try firm(of: id, stoodOn: p)
        return Self.tree(from: rows, root: try Self.named(id, in: rows))
    }

    static let accountLimitsText =
        "purchases and member activity up to this moment; the tree, memberships and purchases' accounts "
        + "as the corrections made by then left them (or today's, with corrections today), without the "
        + "accounts whose since date is after then; accounts' details, imported files, consent and the "
        + "catalogue are today's; erased customers stay erased"

    /// The firm of the account `id` names as it stood on `p` (the tree of its root then), each
    /// account with the figures of then, and what its view reads of then; and where the models
    /// came from.
    /// `read`, when given, is the structure of then and every account on it, read once for
    /// several firms (the accounts list of a day).
    func firm(
        of id: String, stoodOn p: PointInTime, read: (AccountStructureOn, [AccountRecord])? = nil
    ) throws -> ([AccountListRow], AccountPast, String) {
        let s = try read?.0 ?? accountStructure(stoodOn: p)
        let all = try read?.1 ?? store.accounts(on: s)
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        guard var root = all.first(where: { $0.externalId == id }) else {
            if try store.account(externalId: id) != nil { throw Self.didNotExist(id, p) }
            throw StoreError.invalidArgument("no account '\(id)'")
        }
        for _ in 0..<64 {
            guard let up = root.parent.flatMap({ byKey[$0] }) else { break }
            root = up
        }
        let inFirm = Self.subtree(of: root.key, in: all)
        let accounts = all.filter { inFirm.contains($0.key) }
        let keys = accounts.map(\.key)
        let started = { (m: MembershipRecord) in (m.since ?? .min) <= p.moment }
        let members = try store.memberships(accounts: keys, on: s).filter(started)
        let purchases = try store.accountPurchases(accounts: keys, on: s).map(AccountBridge.purchase)
        var seen = Set<String>()
        let buyers = Array(Set(purchases.map(\.customer)))
        let memberships = (members + (try store.memberships(customers: buyers, on: s).filter(started)))
            .map(AccountBridge.membership)
            .filter { seen.insert("\($0.customer) \($0.account) \($0.role)").inserted }
        let m = try models(stoodOn: p)
        let asOf = m.model.asOf
        let window = AccountFiguresBuilder.windowDays * 86_400
        let activity = try store.memberActivity(
            customers: Array(Set(members.map(\.customer))), previousStart: asOf - 2 * window,
            recentStart: asOf - window, asOf: asOf
        ).mapValues { MemberActivity(recent: $0.recent, previous: $0.previous) }
        let figures = AccountFiguresBuilder.compute(
            nodes: accounts.map { AccountNode(key: $0.key, parent: $0.parent) }, purchases: purchases,
            memberships: memberships, activity: activity, requiredRoles: requiredRoles, model: m.model, asOf: asOf)
        let figureRows = Dictionary(uniqueKeysWithValues: try Self.figureRows(keys, figures).map { ($0.account, $0) })
        let rows = accounts.map { a in
            let parent = a.parent.flatMap { byKey[$0] }
            return AccountListRow(
                account: a, parentExternalId: parent?.externalId, parentName: parent?.name, figures: figureRows[a.key])
        }
        let past = AccountPast(
            moment: p.moment, asOf: asOf, members: members, purchases: purchases, memberships: memberships)
        return (rows, past, m.fit.basis.rawValue)
    }
}
