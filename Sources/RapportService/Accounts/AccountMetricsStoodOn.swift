import Foundation
import RapportEngine
import RapportStore

// An account's business metrics as they stood on a past day: the account's people and
// purchases of then, each person's events up to the day with the gift corrections of then,
// and their segment, CLV and P(alive) from the models in force then (docs/as-of.md).

extension Workspace {
    /// The account structure `p` reads: the memberships, parents and purchases' accounts of
    /// then (`--corrections then`), or today's (`--corrections today`); either way without the
    /// accounts whose `since` is after then (they were not clients yet).
    func accountStructure(stoodOn p: PointInTime) throws -> AccountStructureOn {
        try store.accountStructure(stoodOn: p.moment, corrections: p.corrections == .then)
    }

    /// An account's error when it is in the store today but its `since` is after `p`'s day.
    static func didNotExist(_ id: String, _ p: PointInTime) -> StoreError {
        StoreError.invalidArgument("account '\(id)' did not exist on \(p.label): its since date is after that day")
    }

    /// The people of an account (or its subtree) and the purchases attributed to it, as they
    /// stood on `p`: the tree and membership records of then (`accountStructure`), memberships
    /// that had started by then (ended ones too, as today's metrics count them; one that ended
    /// attributes no purchase made after its end), and the buyers of purchases made by then that
    /// the attribution rule gives the account, each with the account it named then.
    func accountScope(_ id: String, includeChildren: Bool, stoodOn p: PointInTime) throws
        -> (people: [Int64], purchases: Set<[Int64]>)
    {
        let account = try requireAccount(id)
        let s = try accountStructure(stoodOn: p)
        guard s.existed(account.key) else { throw Self.didNotExist(id, p) }
        let scope = includeChildren ? Self.subtree(of: account.key, in: try store.accounts(on: s)) : [account.key]
        let started = { (m: MembershipRecord) in (m.since ?? .min) <= p.moment }
        var people = Set(try store.memberships(accounts: Array(scope), on: s).filter(started).map(\.customer))
        let purchases = try store.accountPurchases(accounts: Array(scope), on: s).map(AccountBridge.purchase)
        let attribution = AccountAttribution(
            memberships: try store.memberships(customers: Array(Set(purchases.map(\.customer))), on: s)
                .filter(started).map(AccountBridge.membership))
        var attributed = Set<[Int64]>()
        for p in purchases where attribution.account(for: p).map(scope.contains) ?? false {
            people.insert(p.customer)
            attributed.insert([p.customer, p.event])
        }
        return (people.sorted(), attributed)
    }

    /// `rapport metrics --account ID [--include-children] --as-of D`: the account's business
    /// figures as they stood on `p`, over the 365 days ending on the store's analysis date of
    /// then, with the account structure of then (`accountScope`).
    public func metrics(account id: String, includeChildren: Bool, stoodOn p: PointInTime) throws -> BusinessMetrics {
        let (keys, attributed) = try accountScope(id, includeChildren: includeChildren, stoodOn: p)
        let m = try models(stoodOn: p)
        let (start, end) = try metricsWindow(since: nil, until: m.model.asOf)
        var own: [Int64: [UInt8]] = [:]
        var refreshed: [Int64: RefreshedFigures] = [:]
        var encoder = ActivityEncoder()
        for key in keys {
            let events = try store.events(customer: key, stoodOn: p.moment, corrections: p.corrections, named: false)
                .map(EngineBridge.event)
            let f = Figures.compute(events: events, model: m.model, asOf: m.model.asOf)
            // Rounded as the stored figures are.
            refreshed[key] = RefreshedFigures(
                segment: f.rfm?.segment, clv12m: f.clv12m.map { ($0 * 100).rounded() / 100 }, pAlive: f.pAlive)
            let counted = events.filter { $0.type != .purchase || attributed.contains([key, $0.id]) }
                .sorted { ($0.time, $0.id) < ($1.time, $1.id) }
            own[key] = encoder.encode(counted)
        }
        let fold = MetricsStoodOn(
            moment: p.moment,
            corrections: p.corrections == .then ? try store.giftCorrections(customer: nil) : [:],
            refreshed: refreshed)
        var acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
        try foldEvents(into: &acc, scope: keys, stoodOn: fold, replacing: own)
        let label = "account \(id)" + (includeChildren ? " and below" : "")
        var out = Self.compose(acc.finish(), since: start, until: end, segment: label)
        out.recommendations = try recommendationFigure(acc.holdoutCandidates, until: end)
        return out
    }
}
