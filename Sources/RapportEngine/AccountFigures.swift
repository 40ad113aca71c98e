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
        var out: [Int64: AccountFigures] = [:]
        out.reserveCapacity(nodes.count)
        forEachFigures(
            nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: requiredRoles,
            model: model, asOf: asOf
        ) { i, f in out[nodes[i].key] = f }
        return out
    }

    /// Each account's figures as they are computed, children before parents, with the account's
    /// position in `nodes` (whose keys are distinct): a full refresh stores them as they come,
    /// with no table of every account's figures. An account in a loop of parents gets none.
    public static func forEachFigures(
        nodes: [AccountNode], orders: AccountOrderLines, memberships: [AccountMembership],
        activity: [Int64: MemberActivity], requiredRoles: [String], model: EngineModel?, asOf: Int64,
        _ body: (_ node: Int, _ figures: AccountFigures) throws -> Void
    ) rethrows {
        let forest = AccountForest(nodes)
        // One roll-up per position: the account's own until its turn, then its total (what its
        // parent takes). Arrays by position, not tables by key: no hashing, no table sized
        // for every account three times over.
        var rollups = [AccountRollup](repeating: AccountRollup(), count: nodes.count)
        for (a, orders) in orders.lines {
            guard let i = forest.position[a] else { continue }
            var r = AccountRollup()
            // In time order, not the dictionary's (which changes from run to run): sums of
            // amounts come out the same to the last bit, so a refresh over the same events
            // stores the same figures and writes none of them again.
            for (k, amount) in orders.sorted(by: { ($0.key.time, $0.key.customer) < ($1.key.time, $1.key.customer) }) {
                r.addOrder(customer: k.customer, time: k.time, amount: amount, asOf: asOf)
            }
            rollups[i] = consume r
        }
        // Roles are read only for coverage.
        var roles = [Set<String>](repeating: [], count: requiredRoles.isEmpty ? 0 : nodes.count)
        if !requiredRoles.isEmpty {
            for m in memberships where m.isValid(at: asOf) {
                guard let i = forest.position[m.account] else { continue }
                roles[i].insert(m.role)
            }
        }
        let members = AccountMemberCounts(forest, memberships: memberships, activity: activity, asOf: asOf)
        var subtree = [AccountMemberCounts.Count](repeating: .init(), count: nodes.count)
        // Children before their parents: each account's total is merged into its parent once.
        for i in forest.order {
            var below = AccountRollup()
            for child in forest.children(of: i) {
                var t = AccountRollup()
                swap(&t, &rollups[child])
                below.absorb(consume t)
            }
            var mine = AccountRollup()
            swap(&mine, &rollups[i])
            var f = AccountFigures()
            f.individual = mine.figures()
            f.children = below.figures()
            // The account's own order days and last order: its cadence's, before they are merged.
            f.cadence = cadence(days: mine.days.keys.sorted(), last: mine.lastOrder)
            var all = consume below
            all.absorb(consume mine)
            f.total = all.figures()
            // Distinct members of each scope: the own, the subtree's (each child's total, merged
            // in the same order as the roll-ups), and below the account (the subtree's without
            // those only here).
            var total = members.weight[i]
            for child in forest.children(of: i) { total.add(subtree[child]) }
            subtree[i] = total
            let own = members.own[i]
            let children = total.minus(own).plus(members.ownAlsoBelow[i])
            (f.individual.members, f.individual.activeMembers) = (own.members, own.recent)
            (f.children.members, f.children.activeMembers) = (children.members, children.recent)
            (f.total.members, f.total.activeMembers) = (total.members, total.recent)
            // Every order belongs to one account, so the summable figures add up exactly.
            f.total.orders = f.individual.orders + f.children.orders
            f.total.revenue = f.individual.revenue + f.children.revenue
            f.total.aov = f.total.orders > 0 ? f.total.revenue / Double(f.total.orders) : nil
            f.revenue12m = (all.revenue12m * 100).rounded() / 100
            if !all.days.isEmpty {
                let lifecycle = LifecycleEstimates(all.purchaseStatistics(asOf: asOf), model: model, asOf: asOf)
                f.pAlive = lifecycle.pAlive
                f.expectedOrders90d = lifecycle.expected90
                f.clv12m = lifecycle.clv12m
            }
            f.engagement = all.engagement(recent: true, members: total.members, active: total.recent)
            f.engagementPrevious = all.engagement(recent: false, members: total.members, active: total.previous)
            let delta = f.engagement - f.engagementPrevious
            f.trend = delta >= trendThreshold ? .up : delta <= -trendThreshold ? .down : .flat
            if !requiredRoles.isEmpty {
                let filled = roles[i]
                f.missingRoles = requiredRoles.filter { !filled.contains($0) }
                f.coverage = Double(requiredRoles.count - f.missingRoles.count) / Double(requiredRoles.count)
            }
            try body(i, f)
            rollups[i] = consume all
        }
    }

    /// The accounts with their children, every child before its parent (a tree from each root;
    /// an account whose parent is not among `nodes` is a root).
    static func postOrder(_ nodes: [AccountNode]) -> [(key: Int64, children: [Int64])] {
        let forest = AccountForest(nodes)
        return forest.order.map { i in (nodes[i].key, forest.children(of: i).map { nodes[$0].key }) }
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

/// The account tree by positions in the list of nodes: who is whose child, and an order with
/// every child before its parent (a tree from each root; an account whose parent is not among
/// the nodes, or is itself, is a root). Children are in the nodes' order.
struct AccountForest {
    /// Each key's position (the first, should a key repeat; a repeat is then left out).
    let position: [Int64: Int]
    /// Every account reachable from a root, children before parents.
    let order: [Int]
    /// The parent's position of each node (-1: none, a root or a repeated key).
    let parent: [Int]
    /// The children of position i: `childList[childStart[i]..<childStart[i + 1]]`.
    private let childStart: [Int]
    private let childList: [Int]

    init(_ nodes: [AccountNode]) {
        var position: [Int64: Int] = [:]
        position.reserveCapacity(nodes.count)
        for (i, n) in nodes.enumerated() where position[n.key] == nil { position[n.key] = i }
        // The parent's position of each node (nil: a root; -1: a repeated key, left out).
        var parent = [Int?](repeating: nil, count: nodes.count)
        var counts = [Int](repeating: 0, count: nodes.count + 1)
        var roots: [Int] = []
        for (i, n) in nodes.enumerated() {
            guard position[n.key] == i else {
                parent[i] = -1
                continue
            }
            if let p = n.parent, p != n.key, let at = position[p] {
                parent[i] = at
                counts[at + 1] += 1
            } else {
                roots.append(i)
            }
        }
        for i in 0..<nodes.count { counts[i + 1] += counts[i] }
        var next = counts
        var list = [Int](repeating: 0, count: counts[nodes.count])
        for (i, p) in parent.enumerated() {
            guard let p, p >= 0 else { continue }
            list[next[p]] = i
            next[p] += 1
        }
        childStart = counts
        childList = list
        self.parent = parent.map { max($0 ?? -1, -1) }
        self.position = position
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        var seen = [Bool](repeating: false, count: nodes.count)
        var stack = roots
        while let k = stack.popLast() {
            guard !seen[k] else { continue }
            seen[k] = true
            order.append(k)
            stack.append(contentsOf: list[counts[k]..<counts[k + 1]])
        }
        self.order = order.reversed()
    }

    func children(of i: Int) -> ArraySlice<Int> { childList[childStart[i]..<childStart[i + 1]] }
}

/// How many distinct people are members of each account's scopes, and how many of them were
/// active in each window, without a set of people per account merged up the tree (that was a
/// tenth of the figures' time). A subtree's distinct count is a sum: each person's accounts in
/// the forest's order (where every subtree is one run), +1 at each, −1 at the lowest common
/// ancestor of each two neighbours; the subtree then sums to 1 for everyone with an account in
/// it. Integers only, so the counts are those of the sets.
struct AccountMemberCounts {
    struct Count {
        var members = 0
        var recent = 0
        var previous = 0

        mutating func add(_ other: Count) {
            members += other.members
            recent += other.recent
            previous += other.previous
        }
        func plus(_ other: Count) -> Count {
            var c = self
            c.add(other)
            return c
        }
        func minus(_ other: Count) -> Count {
            Count(members: members - other.members, recent: recent - other.recent, previous: previous - other.previous)
        }
    }

    /// Per position: what the account adds to the sums of the subtrees it is in.
    private(set) var weight: [Count]
    /// Per position: the account's own distinct members.
    private(set) var own: [Count]
    /// Per position: of the account's own members, those also members of an account below it.
    private(set) var ownAlsoBelow: [Count]

    init(_ forest: AccountForest, memberships: [AccountMembership], activity: [Int64: MemberActivity], asOf: Int64) {
        let n = forest.parent.count
        let none = [Count](repeating: Count(), count: n)
        weight = none
        own = none
        ownAlsoBelow = none
        // Each reached account's place in the order and the size of its subtree, which is the
        // run of the order that ends at the account.
        var rank = [Int](repeating: -1, count: n)
        var size = [Int](repeating: 1, count: n)
        for (r, i) in forest.order.enumerated() {
            rank[i] = r
            for c in forest.children(of: i) { size[i] += size[c] }
        }
        /// Whether `u` is `w` or above it.
        func contains(_ u: Int, _ w: Int) -> Bool { rank[w] <= rank[u] && rank[w] > rank[u] - size[u] }
        func lowestCommonAncestor(_ a: Int, _ b: Int) -> Int? {
            var u = a
            while !contains(u, b) {
                u = forest.parent[u]
                if u < 0 { return nil }
            }
            return u
        }
        // Each person's accounts (a membership valid at the as-of date, of a reached account),
        // in the order's ranks, once each (a person may hold several roles in one account).
        var pairs: [(customer: Int64, rank: Int)] = []
        pairs.reserveCapacity(memberships.count)
        for m in memberships where m.isValid(at: asOf) {
            guard let i = forest.position[m.account], rank[i] >= 0 else { continue }
            pairs.append((m.customer, rank[i]))
        }
        pairs.sort { ($0.customer, $0.rank) < ($1.customer, $1.rank) }
        var start = 0
        while start < pairs.count {
            let customer = pairs[start].customer
            var end = start
            while end < pairs.count && pairs[end].customer == customer { end += 1 }
            let a = activity[customer]
            let one = Count(members: 1, recent: a?.recent == true ? 1 : 0, previous: a?.previous == true ? 1 : 0)
            var before: Int?
            for k in start..<end where k == start || pairs[k].rank != pairs[k - 1].rank {
                let v = forest.order[pairs[k].rank]
                own[v].add(one)
                weight[v].add(one)
                if let b = before {
                    if let l = lowestCommonAncestor(b, v) { weight[l].add(Count().minus(one)) }
                    // The person's previous account in the order is below this one when it is in
                    // its subtree's run.
                    if contains(v, b) { ownAlsoBelow[v].add(one) }
                }
                before = v
            }
            start = end
        }
    }
}
