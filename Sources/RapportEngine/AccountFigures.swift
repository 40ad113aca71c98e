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
        let parent = Dictionary(nodes.map { ($0.key, $0.parent) }, uniquingKeysWith: { a, _ in a })
        func ancestors(_ k: Int64) -> [Int64] {
            var out: [Int64] = []
            var next = parent[k] ?? nil
            while let p = next, out.count < 64, p != k {
                out.append(p)
                next = parent[p] ?? nil
            }
            return out
        }
        var ind: [Int64: Scope] = [:], chi: [Int64: Scope] = [:], tot: [Int64: Scope] = [:]
        let attribution = AccountAttribution(memberships: memberships)
        for p in purchases where p.time <= asOf {
            guard let a = attribution.account(for: p), parent.keys.contains(a) else { continue }
            ind[a, default: Scope()].add(p, account: a)
            tot[a, default: Scope()].add(p, account: a)
            for b in ancestors(a) {
                chi[b, default: Scope()].add(p, account: a)
                tot[b, default: Scope()].add(p, account: a)
            }
        }
        for m in memberships where m.isValid(at: asOf) && parent.keys.contains(m.account) {
            ind[m.account, default: Scope()].addMember(m)
            tot[m.account, default: Scope()].addMember(m)
            for b in ancestors(m.account) {
                chi[b, default: Scope()].addMember(m)
                tot[b, default: Scope()].addMember(m)
            }
        }
        var out: [Int64: AccountFigures] = [:]
        for node in nodes {
            let own = ind[node.key] ?? Scope(), below = chi[node.key] ?? Scope(), all = tot[node.key] ?? Scope()
            var f = AccountFigures()
            f.individual = own.figures(activity)
            f.children = below.figures(activity)
            f.total = all.figures(activity)
            // Every order belongs to one account, so the summable figures add up exactly.
            f.total.orders = f.individual.orders + f.children.orders
            f.total.revenue = f.individual.revenue + f.children.revenue
            f.total.aov = f.total.orders > 0 ? f.total.revenue / Double(f.total.orders) : nil
            f.revenue12m =
                (all.orders.filter { $0.key.time > asOf - 365 * day }.values.reduce(0, +) * 100).rounded() / 100
            let stream = all.orders.enumerated().map { i, o in
                Event(
                    id: Int64(i), customer: node.key, product: nil, type: .purchase, time: o.key.time, amount: o.value)
            }
            if !stream.isEmpty {
                let lifecycle = Figures.compute(events: stream, model: model, asOf: asOf)
                f.pAlive = lifecycle.pAlive
                f.expectedOrders90d = lifecycle.expected90
                f.clv12m = lifecycle.clv12m
            }
            f.engagement = engagement(all, activity, asOf: asOf, recent: true)
            f.engagementPrevious = engagement(all, activity, asOf: asOf, recent: false)
            let delta = f.engagement - f.engagementPrevious
            f.trend = delta >= trendThreshold ? .up : delta <= -trendThreshold ? .down : .flat
            f.cadence = cadence(own.orders.keys.map(\.time))
            if !requiredRoles.isEmpty {
                f.missingRoles = requiredRoles.filter { !own.roles.contains($0) }
                f.coverage = Double(requiredRoles.count - f.missingRoles.count) / Double(requiredRoles.count)
            }
            out[node.key] = f
        }
        return out
    }

    /// 0–100: half the share of current members active in the window, half the share of the
    /// window's 13 weeks with an order (the previous window: the 90 days before it).
    static func engagement(_ s: Scope, _ activity: [Int64: MemberActivity], asOf: Int64, recent: Bool) -> Int {
        let span = windowDays * day
        let end = recent ? asOf : asOf - span
        let active = s.members.filter { c in activity[c].map { recent ? $0.recent : $0.previous } ?? false }.count
        let activeShare = s.members.isEmpty ? 0 : Double(active) / Double(s.members.count)
        let weeks = Set(
            s.orders.keys.filter { $0.time <= end && $0.time > end - span }.map { (end - $0.time) / (7 * day) })
        let weekShare = min(1, Double(weeks.count) / 13)
        return Int((50 * activeShare + 50 * weekShare).rounded())
    }

    /// The account's own ordering interval: the median gap between order days when there are at
    /// least two and the gaps are regular (replenishment's rule), else none.
    static func cadence(_ times: [Int64]) -> AccountCadence? {
        let days = Array(Set(times.map(Day.of))).sorted()
        guard days.count >= 2 else { return nil }
        let gaps = zip(days.dropFirst(), days).map { Double($0 - $1) }
        guard Replenishment.variation(gaps) <= Replenishment.maxVariation else { return nil }
        let sorted = gaps.sorted()
        let mid = sorted.count / 2
        let interval = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        guard interval > 0, let last = times.max() else { return nil }
        return AccountCadence(intervalDays: interval, nextOrder: last + Int64(interval * 86_400), orders: days.count)
    }

    /// One order: the lines one person bought for one account at one second.
    struct OrderKey: Hashable {
        var customer: Int64
        var time: Int64
        var account: Int64
    }

    /// What one scope of one account accumulates.
    struct Scope {
        var orders: [OrderKey: Double] = [:]
        var members = Set<Int64>()
        var roles = Set<String>()

        mutating func add(_ p: AccountPurchase, account: Int64) {
            orders[OrderKey(customer: p.customer, time: p.time, account: account), default: 0] += p.amount
        }

        mutating func addMember(_ m: AccountMembership) {
            members.insert(m.customer)
            roles.insert(m.role)
        }

        func figures(_ activity: [Int64: MemberActivity]) -> AccountScopeFigures {
            var f = AccountScopeFigures()
            f.orders = orders.count
            // In cents, so the sum does not depend on the order the lines were added in.
            f.revenue = (orders.values.reduce(0, +) * 100).rounded() / 100
            var perBuyer: [Int64: Int] = [:]
            for k in orders.keys { perBuyer[k.customer, default: 0] += 1 }
            f.customers = perBuyer.count
            f.aov = f.orders > 0 ? f.revenue / Double(f.orders) : nil
            f.repeatRate =
                perBuyer.isEmpty ? nil : Double(perBuyer.values.filter { $0 >= 2 }.count) / Double(perBuyer.count)
            f.lastOrder = orders.keys.map(\.time).max()
            f.members = members.count
            f.activeMembers = members.filter { activity[$0]?.recent ?? false }.count
            return f
        }
    }
}
