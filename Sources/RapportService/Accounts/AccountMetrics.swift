import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// The people of an account (or of its subtree, with `includeChildren`): its members, ended
    /// memberships included, and the buyers of the purchases the attribution rule gives it.
    func accountPeople(_ id: String, includeChildren: Bool) throws -> [Int64] {
        let account = try requireAccount(id)
        let scope = includeChildren ? Self.subtree(of: account.key, in: try store.accounts()) : [account.key]
        var people = Set(try store.memberships(accounts: Array(scope)).map(\.customer))
        let purchases = try store.accountPurchases(accounts: Array(scope)).map(AccountBridge.purchase)
        let attribution = AccountAttribution(
            memberships: try store.memberships(customers: Array(Set(purchases.map(\.customer))))
                .map(AccountBridge.membership))
        for p in purchases where attribution.account(for: p).map(scope.contains) ?? false { people.insert(p.customer) }
        return people.sorted()
    }

    /// `rapport metrics --account ID [--include-children]`: every business figure over the
    /// account's people (docs/accounts.md says what that includes and what not).
    public func metrics(since: Int64? = nil, until: Int64? = nil, account id: String, includeChildren: Bool) throws
        -> BusinessMetrics
    {
        let keys = try accountPeople(id, includeChildren: includeChildren)
        let (start, end) = try metricsWindow(since: since, until: until)
        var acc: BusinessMetricsAccumulator
        if try store.hasActivity() {
            acc = try foldActivity(since: start, until: end, scope: keys)
        } else {
            acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
            try foldEvents(into: &acc, scope: keys)
        }
        let label = "account \(id)" + (includeChildren ? " and below" : "")
        var out = Self.compose(acc.finish(), since: start, until: end, segment: label)
        out.recommendations = try recommendationFigure(acc.holdoutCandidates, until: end)
        return out
    }
}
