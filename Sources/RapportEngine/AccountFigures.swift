import Foundation

/// One account of the tree as the engine needs it.
public struct AccountNode: Sendable, Equatable {
    public var key: Int64
    public var parent: Int64?
    public init(key: Int64, parent: Int64?) {
        self.key = key
        self.parent = parent
    }
}

/// Whether a member was active (any event) in the last 90 days before the as-of date, and in
/// the 90 days before those.
public struct MemberActivity: Sendable, Equatable {
    public var recent: Bool
    public var previous: Bool
    public init(recent: Bool, previous: Bool) {
        self.recent = recent
        self.previous = previous
    }
}

/// The figures of one scope of an account: its own attributed purchases (`individual`), its
/// descendants' (`children`), or both (`total`). Orders, revenue and active members' counts of
/// `children` and `individual` add up to `total` where no person buys for both; `customers`
/// counts distinct people, so it is not summed.
public struct AccountScopeFigures: Sendable, Equatable, Codable {
    public var orders = 0
    public var revenue = 0.0
    public var aov: Double?
    public var repeatRate: Double?
    public var lastOrder: Int64?
    public var customers = 0
    public var members = 0
    public var activeMembers = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case orders, revenue, aov, customers, members
        case repeatRate = "repeat_rate", lastOrder = "last_order", activeMembers = "active_members_90d"
    }
}

/// An account's ordering interval from its own orders (as replenishment is a person's).
public struct AccountCadence: Sendable, Equatable, Codable {
    public var intervalDays: Double
    public var nextOrder: Int64
    public var orders: Int
    enum CodingKeys: String, CodingKey {
        case intervalDays = "interval_days", nextOrder = "next_order", orders
    }
}

public enum EngagementTrend: String, Sendable, Codable, CaseIterable {
    case up, flat, down
}

/// Everything the refresh computes for one account (docs/accounts.md defines each figure).
public struct AccountFigures: Sendable, Equatable, Codable {
    public var individual = AccountScopeFigures()
    public var children = AccountScopeFigures()
    public var total = AccountScopeFigures()
    /// Total revenue of the last 365 days up to the as-of date.
    public var revenue12m = 0.0
    public var pAlive: Double?
    public var expectedOrders90d: Double?
    public var clv12m: Double?
    public var engagement = 0
    public var engagementPrevious = 0
    public var trend = EngagementTrend.flat
    public var cadence: AccountCadence?
    public var coverage: Double?
    public var missingRoles: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case individual, children, total, engagement, trend, cadence, coverage
        case revenue12m = "revenue_12m", pAlive = "p_alive", expectedOrders90d = "expected_orders_90d"
        case clv12m = "clv_12m", engagementPrevious = "engagement_previous", missingRoles = "missing_roles"
    }
}

/// Computes every account's figures from attributed purchases, memberships and member
/// activity; pure, so the same inputs give the same figures on either store.
public enum AccountFiguresBuilder {
    static let day: Int64 = 86_400
    /// The engagement score's window and how much its value must move to be a trend.
    public static let windowDays: Int64 = 90
    public static let trendThreshold = 5

    public static func compute(
        nodes: [AccountNode], purchases: [AccountPurchase], memberships: [AccountMembership],
        activity: [Int64: MemberActivity], requiredRoles: [String], model: EngineModel?, asOf: Int64
    ) -> [Int64: AccountFigures] {
        var orders = AccountOrderLines(asOf: asOf)
        let attribution = AccountAttribution(memberships: memberships)
        for p in purchases { orders.add(p, account: attribution.account(for: p)) }
        return compute(
            nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: requiredRoles,
            model: model, asOf: asOf)
    }

    /// The same from purchases already attributed and gathered into orders (a full refresh
    /// gathers them in its own pass over the events).
    public static func compute(
        nodes: [AccountNode], orders: AccountOrderLines, memberships: [AccountMembership],
        activity: [Int64: MemberActivity], requiredRoles: [String], model: EngineModel?, asOf: Int64
    ) -> [Int64: AccountFigures] {
        let known = Set(nodes.map(\.key))
        // Sized once: growing a table rehashes every key in it.
        var own: [Int64: AccountRollup] = [:]
        own.reserveCapacity(known.count)
        for (a, orders) in orders.lines where known.contains(a) {
            var r = AccountRollup()
            // In time order, not the dictionary's (which changes from run to run): sums of
            // amounts come out the same to the last bit, so a refresh over the same events
            // stores the same figures and writes none of them again.
            for (k, amount) in orders.sorted(by: { ($0.key.time, $0.key.customer) < ($1.key.time, $1.key.customer) }) {
                r.addOrder(customer: k.customer, time: k.time, amount: amount, asOf: asOf)
            }
            own[a] = r
        }
        // Roles are read only for coverage.
        var roles: [Int64: Set<String>] = [:]
        for m in memberships where m.isValid(at: asOf) && known.contains(m.account) {
            own[m.account, default: AccountRollup()].addMember(m.customer, activity)
            if !requiredRoles.isEmpty { roles[m.account, default: []].insert(m.role) }
        }
        var out: [Int64: AccountFigures] = [:]
        out.reserveCapacity(known.count)
        // Children before their parents: each account's total is merged into its parent once.
        var totals: [Int64: AccountRollup] = [:]
        totals.reserveCapacity(known.count)
        for node in postOrder(nodes, known: known) {
            var below = AccountRollup()
            for child in node.children {
                if let t = totals.removeValue(forKey: child) { below.absorb(consume t, activity) }
            }
            let mine = own.removeValue(forKey: node.key) ?? AccountRollup()
            var f = AccountFigures()
            f.individual = mine.figures()
            f.children = below.figures()
            // The account's own order days and last order: its cadence's, before they are merged.
            f.cadence = cadence(days: mine.days.keys.sorted(), last: mine.lastOrder)
            var all = consume below
            all.absorb(consume mine, activity)
            f.total = all.figures()
            // Every order belongs to one account, so the summable figures add up exactly.
            f.total.orders = f.individual.orders + f.children.orders
            f.total.revenue = f.individual.revenue + f.children.revenue
            f.total.aov = f.total.orders > 0 ? f.total.revenue / Double(f.total.orders) : nil
            f.revenue12m = (all.revenue12m * 100).rounded() / 100
            if !all.days.isEmpty {
                let lifecycle = Figures.compute(all.purchaseStatistics(asOf: asOf), model: model, asOf: asOf)
                f.pAlive = lifecycle.pAlive
                f.expectedOrders90d = lifecycle.expected90
                f.clv12m = lifecycle.clv12m
            }
            f.engagement = all.engagement(recent: true)
            f.engagementPrevious = all.engagement(recent: false)
            let delta = f.engagement - f.engagementPrevious
            f.trend = delta >= trendThreshold ? .up : delta <= -trendThreshold ? .down : .flat
            if !requiredRoles.isEmpty {
                let filled = roles[node.key] ?? []
                f.missingRoles = requiredRoles.filter { !filled.contains($0) }
                f.coverage = Double(requiredRoles.count - f.missingRoles.count) / Double(requiredRoles.count)
            }
            out[node.key] = f
            totals[node.key] = consume all
        }
        return out
    }

    /// The accounts with their children, every child before its parent (a tree from each root;
    /// an account whose parent is not among `nodes` is a root).
    static func postOrder(_ nodes: [AccountNode]) -> [(key: Int64, children: [Int64])] {
        postOrder(nodes, known: Set(nodes.map(\.key)))
    }

    /// The same with the set of `nodes`' keys already at hand.
    static func postOrder(_ nodes: [AccountNode], known: Set<Int64>) -> [(key: Int64, children: [Int64])] {
        var children: [Int64: [Int64]] = [:]
        var roots: [Int64] = []
        for n in nodes {
            if let p = n.parent, known.contains(p), p != n.key {
                children[p, default: []].append(n.key)
            } else {
                roots.append(n.key)
            }
        }
        var order: [(key: Int64, children: [Int64])] = []
        var seen = Set<Int64>()
        var stack = roots
        while let k = stack.popLast() {
            guard seen.insert(k).inserted else { continue }
            let below = children[k] ?? []
            order.append((k, below))
            stack.append(contentsOf: below)
        }
        return order.reversed()
    }

    /// The account's own ordering interval: the median gap between order days when there are at
    /// least two and the gaps are regular (replenishment's rule), else none.
    static func cadence(_ times: [Int64]) -> AccountCadence? {
        cadence(days: Array(Set(times.map(Day.of))).sorted(), last: times.max())
    }

    /// The same from the distinct order days in ascending order and the last order's time.
    static func cadence(days: [Int64], last: Int64?) -> AccountCadence? {
        guard days.count >= 2 else { return nil }
        let gaps = zip(days.dropFirst(), days).map { Double($0 - $1) }
        guard Replenishment.variation(gaps) <= Replenishment.maxVariation else { return nil }
        let sorted = gaps.sorted()
        let mid = sorted.count / 2
        let interval = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        guard interval > 0, let last else { return nil }
        return AccountCadence(intervalDays: interval, nextOrder: last + Int64(interval * 86_400), orders: days.count)
    }

}
