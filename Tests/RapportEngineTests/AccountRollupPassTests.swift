import Foundation
import Testing

@testable import RapportEngine

/// The account figures' roll-up with weeks as bits, members' activity counted once per scope
/// and the cadence from the account's own order days equals, to the bit, the roll-up it
/// replaced (kept here as the reference: sets of weeks, a pass over the members per figure,
/// the cadence from every order's time), on known and random accounts.
@Suite("Account figures rolled up in one pass")
struct AccountRollupPassTests {
    static let day: Int64 = 86_400
    static let asOf: Int64 = 1_730_000_000

    static func both(
        _ nodes: [AccountNode], _ purchases: [AccountPurchase], _ memberships: [AccountMembership],
        _ activity: [Int64: MemberActivity], roles: [String], model: EngineModel?
    ) -> (new: [Int64: AccountFigures], old: [Int64: AccountFigures]) {
        var orders = AccountOrderLines(asOf: asOf)
        let attribution = AccountAttribution(memberships: memberships)
        for p in purchases { orders.add(p, account: attribution.account(for: p)) }
        let new = AccountFiguresBuilder.compute(
            nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: roles,
            model: model, asOf: asOf)
        let old = PreviousAccountFigures.compute(
            nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: roles,
            model: model, asOf: asOf)
        return (new, old)
    }

    /// Equal to the bit: every field, and the stored JSON character for character.
    static func expectSame(_ new: [Int64: AccountFigures], _ old: [Int64: AccountFigures]) {
        #expect(new.count == old.count)
        for (key, o) in old {
            guard let n = new[key] else {
                Issue.record("account \(key) has no figures")
                continue
            }
            #expect(n == o, "account \(key)")
            #expect(AccountFiguresJSON.encode(n) == AccountFiguresJSON.encode(o), "account \(key)")
        }
    }

    /// One account, known answers: orders 21, 14 and 7 days before the as-of date (weeks 3, 2
    /// and 1 of the last window), one in the window before (100 days back: its week 1), two
    /// members, one active in each window.
    @Test func knownAccount() {
        let a = Self.asOf
        let purchases = [21, 14, 7, 100].enumerated().map { i, d in
            AccountPurchase(
                event: Int64(i + 1), customer: 10, product: 1, time: a - Int64(d) * Self.day, amount: 10,
                account: 1)
        }
        let memberships = [10, 11].map {
            AccountMembership(customer: $0, account: 1, role: "buyer", primary: true, since: nil, until: nil)
        }
        let activity: [Int64: MemberActivity] = [
            10: MemberActivity(recent: true, previous: false), 11: MemberActivity(recent: false, previous: true)
        ]
        let (new, old) = Self.both(
            [AccountNode(key: 1, parent: nil)], purchases, memberships, activity, roles: ["buyer", "legal"],
            model: AccountRollupTests.model)
        Self.expectSame(new, old)
        let f = new[1]
        // 50 × 1/2 + 50 × 3/13 = 36.5 → 37; before: 50 × 1/2 + 50 × 1/13 = 28.8 → 29.
        #expect(f?.engagement == 37)
        #expect(f?.engagementPrevious == 29)
        #expect(f?.trend == .up)
        #expect(f?.total.activeMembers == 1 && f?.individual.activeMembers == 1 && f?.children.activeMembers == 0)
        #expect(f?.total.repeatRate == 1 && f?.total.customers == 1 && f?.total.orders == 4)
        // Order days 100, 21, 14 and 7 back: gaps 79, 7, 7 are not regular, so no cadence.
        #expect(f?.cadence == nil)
        #expect(f?.coverage == 0.5 && f?.missingRoles == ["legal"])
    }

    /// Weekly orders: a cadence of 7 days, next order a week after the last.
    @Test func knownCadence() {
        let a = Self.asOf
        let purchases = [28, 21, 14, 7].enumerated().map { i, d in
            AccountPurchase(
                event: Int64(i + 1), customer: 10 + Int64(i % 2), product: 1, time: a - Int64(d) * Self.day,
                amount: 5, account: 2)
        }
        let nodes = [AccountNode(key: 1, parent: nil), AccountNode(key: 2, parent: 1)]
        let (new, old) = Self.both(nodes, purchases, [], [:], roles: [], model: nil)
        Self.expectSame(new, old)
        #expect(
            new[2]?.cadence == AccountCadence(intervalDays: 7, nextOrder: a - 7 * Self.day + 7 * Self.day, orders: 4))
        #expect(new[1]?.cadence == nil)
        #expect(new[1]?.children.orders == 4 && new[1]?.engagement == new[2]?.engagement)
        // Weeks 0–3 of the last window hold no order but weeks 1, 2, 3 and 4: 50 × 4/13 = 15.4 → 15.
        #expect(new[2]?.engagement == 15)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as [UInt64])
    func randomForests(_ seed: UInt64) {
        let (nodes, purchases, memberships, activity) = AccountRollupTests.forest(seed: seed)
        let (new, old) = Self.both(
            nodes, purchases, memberships, activity, roles: ["buyer", "decision_maker", "user", "legal"],
            model: AccountRollupTests.model)
        #expect(old.values.contains { $0.engagement > 0 && $0.engagementPrevious > 0 })
        Self.expectSame(new, old)
    }
}

/// `AccountFiguresBuilder.compute(nodes:orders:…)` as it was before the one-pass roll-up,
/// unchanged but for its names.
enum PreviousAccountFigures {
    static func compute(
        nodes: [AccountNode], orders: AccountOrderLines, memberships: [AccountMembership],
        activity: [Int64: MemberActivity], requiredRoles: [String], model: EngineModel?, asOf: Int64
    ) -> [Int64: AccountFigures] {
        let known = Set(nodes.map(\.key))
        let lines = orders.lines.filter { known.contains($0.key) }
        var own: [Int64: PreviousAccountRollup] = [:]
        var roles: [Int64: Set<String>] = [:]
        for (a, orders) in lines {
            var r = PreviousAccountRollup()
            // In time order, not the dictionary's (which changes from run to run): sums of
            // amounts come out the same to the last bit, so a refresh over the same events
            // stores the same figures and writes none of them again.
            for (k, amount) in orders.sorted(by: { ($0.key.time, $0.key.customer) < ($1.key.time, $1.key.customer) }) {
                r.addOrder(customer: k.customer, time: k.time, amount: amount, asOf: asOf)
            }
            own[a] = r
        }
        for m in memberships where m.isValid(at: asOf) && known.contains(m.account) {
            own[m.account, default: PreviousAccountRollup()].members.insert(m.customer)
            roles[m.account, default: []].insert(m.role)
        }
        var out: [Int64: AccountFigures] = [:]
        // Children before their parents: each account's total is merged into its parent once.
        var totals: [Int64: PreviousAccountRollup] = [:]
        for node in AccountFiguresBuilder.postOrder(nodes) {
            var below = PreviousAccountRollup()
            for child in node.children {
                if let t = totals.removeValue(forKey: child) { below.absorb(t) }
            }
            let mine = own.removeValue(forKey: node.key) ?? PreviousAccountRollup()
            var f = AccountFigures()
            f.individual = mine.figures(activity)
            f.children = below.figures(activity)
            var all = below
            all.absorb(mine)
            f.total = all.figures(activity)
            // Every order belongs to one account, so the summable figures add up exactly.
            f.total.orders = f.individual.orders + f.children.orders
            f.total.revenue = f.individual.revenue + f.children.revenue
            f.total.aov = f.total.orders > 0 ? f.total.revenue / Double(f.total.orders) : nil
            f.revenue12m = (all.revenue12m * 100).rounded() / 100
            if !all.days.isEmpty {
                let lifecycle = Figures.compute(events: all.dailyStream, model: model, asOf: asOf)
                f.pAlive = lifecycle.pAlive
                f.expectedOrders90d = lifecycle.expected90
                f.clv12m = lifecycle.clv12m
            }
            f.engagement = all.engagement(activity, recent: true)
            f.engagementPrevious = all.engagement(activity, recent: false)
            let delta = f.engagement - f.engagementPrevious
            f.trend =
                delta >= AccountFiguresBuilder.trendThreshold
                ? .up : delta <= -AccountFiguresBuilder.trendThreshold ? .down : .flat
            f.cadence = AccountFiguresBuilder.cadence(lines[node.key].map { $0.keys.map(\.time) } ?? [])
            if !requiredRoles.isEmpty {
                let filled = roles[node.key] ?? []
                f.missingRoles = requiredRoles.filter { !filled.contains($0) }
                f.coverage = Double(requiredRoles.count - f.missingRoles.count) / Double(requiredRoles.count)
            }
            out[node.key] = f
            totals[node.key] = all
        }
        return out
    }
}

struct PreviousAccountRollup {
    var orders = 0
    /// Sums of order amounts; rounded to cents when shown.
    var revenue = 0.0
    var revenue12m = 0.0
    var lastOrder: Int64?
    /// Orders per buyer.
    var perBuyer: [Int64: Int] = [:]
    /// Order amounts per UTC day: all the lifecycle figures read of an order stream.
    var days: [Int64: Double] = [:]
    /// Weeks (counted back from the window's end) with an order, in the last window and the one before.
    var recentWeeks = Set<Int64>()
    var previousWeeks = Set<Int64>()
    var members = Set<Int64>()

    /// Adds one order of `amount` by `customer` at `time`.
    mutating func addOrder(customer: Int64, time: Int64, amount: Double, asOf: Int64) {
        let day = AccountFiguresBuilder.day
        let span = AccountFiguresBuilder.windowDays * day
        orders += 1
        revenue += amount
        if time > asOf - 365 * day { revenue12m += amount }
        lastOrder = max(lastOrder ?? time, time)
        perBuyer[customer, default: 0] += 1
        days[Day.of(time), default: 0] += amount
        if time <= asOf && time > asOf - span { recentWeeks.insert((asOf - time) / (7 * day)) }
        let end = asOf - span
        if time <= end && time > end - span { previousWeeks.insert((end - time) / (7 * day)) }
    }

    /// Merges another scope's figures into this one.
    mutating func absorb(_ other: PreviousAccountRollup) {
        var other = other
        orders += other.orders
        revenue += other.revenue
        revenue12m += other.revenue12m
        if let t = other.lastOrder { lastOrder = max(lastOrder ?? t, t) }
        if other.perBuyer.count > perBuyer.count { swap(&perBuyer, &other.perBuyer) }
        for (k, v) in other.perBuyer { perBuyer[k, default: 0] += v }
        if other.days.count > days.count { swap(&days, &other.days) }
        for (k, v) in other.days { days[k, default: 0] += v }
        if other.members.count > members.count { swap(&members, &other.members) }
        members.formUnion(other.members)
        recentWeeks.formUnion(other.recentWeeks)
        previousWeeks.formUnion(other.previousWeeks)
    }

    func figures(_ activity: [Int64: MemberActivity]) -> AccountScopeFigures {
        var f = AccountScopeFigures()
        f.orders = orders
        f.revenue = (revenue * 100).rounded() / 100
        f.customers = perBuyer.count
        f.aov = f.orders > 0 ? f.revenue / Double(f.orders) : nil
        f.repeatRate =
            perBuyer.isEmpty ? nil : Double(perBuyer.values.filter { $0 >= 2 }.count) / Double(perBuyer.count)
        f.lastOrder = lastOrder
        f.members = members.count
        f.activeMembers = members.filter { activity[$0]?.recent ?? false }.count
        return f
    }

    /// 0–100: half the share of current members active in the window, half the share of the
    /// window's 13 weeks with an order (the previous window: the 90 days before it).
    func engagement(_ activity: [Int64: MemberActivity], recent: Bool) -> Int {
        let active = members.filter { c in activity[c].map { recent ? $0.recent : $0.previous } ?? false }.count
        let activeShare = members.isEmpty ? 0 : Double(active) / Double(members.count)
        let weekShare = min(1, Double((recent ? recentWeeks : previousWeeks).count) / 13)
        return Int((50 * activeShare + 50 * weekShare).rounded())
    }

    /// The scope's orders as the lifecycle figures read them: one purchase a day with the day's amount.
    var dailyStream: [Event] {
        days.sorted { $0.key < $1.key }.enumerated().map { i, d in
            Event(id: Int64(i), customer: 0, product: nil, type: .purchase, time: d.key * 86_400, amount: d.value)
        }
    }
}
