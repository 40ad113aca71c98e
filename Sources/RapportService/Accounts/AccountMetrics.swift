import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// The people of an account (or of its subtree, with `includeChildren`), and the purchases
    /// the attribution rule gives it: its members (ended memberships included) and the buyers
    /// of those purchases; the purchases as (customer, event key).
    func accountScope(_ id: String, includeChildren: Bool) throws -> (people: [Int64], purchases: Set<[Int64]>) {
        let account = try requireAccount(id)
        let scope = includeChildren ? Self.subtree(of: account.key, in: try store.accounts()) : [account.key]
        var people = Set(try store.memberships(accounts: Array(scope)).map(\.customer))
        let purchases = try store.accountPurchases(accounts: Array(scope)).map(AccountBridge.purchase)
        let attribution = AccountAttribution(
            memberships: try store.memberships(customers: Array(Set(purchases.map(\.customer))))
                .map(AccountBridge.membership))
        var attributed = Set<[Int64]>()
        for p in purchases where attribution.account(for: p).map(scope.contains) ?? false {
            people.insert(p.customer)
            attributed.insert([p.customer, p.event])
        }
        return (people.sorted(), attributed)
    }

    /// `rapport metrics --account ID [--include-children]`: every business figure over the
    /// account's people, counting of their purchases only those the attribution rule gives the
    /// account (or its subtree); their other events (views, carts, returns, opens, clicks: the
    /// rule attributes purchases only) count as they are. docs/accounts.md says what else.
    public func metrics(since: Int64? = nil, until: Int64? = nil, account id: String, includeChildren: Bool) throws
        -> BusinessMetrics
    {
        let (keys, attributed) = try accountScope(id, includeChildren: includeChildren)
        let (start, end) = try metricsWindow(since: since, until: until)
        var own: [Int64: [UInt8]] = [:]
        var encoder = ActivityEncoder()
        for key in keys {
            let events = try store.events(customer: key).map(EngineBridge.event)
                .filter { $0.type != .purchase || attributed.contains([key, $0.id]) }
                .sorted { ($0.time, $0.id) < ($1.time, $1.id) }
            own[key] = encoder.encode(events)
        }
        var acc: BusinessMetricsAccumulator
        if try store.hasActivity() {
            acc = try foldActivity(since: start, until: end, scope: keys, replacing: own)
        } else {
            acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
            try foldEvents(into: &acc, scope: keys, replacing: own)
        }
        let label = "account \(id)" + (includeChildren ? " and below" : "")
        var out = Self.compose(acc.finish(), since: start, until: end, segment: label)
        out.recommendations = try recommendationFigure(acc.holdoutCandidates, until: end)
        return out
    }
}
