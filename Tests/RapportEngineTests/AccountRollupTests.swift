import Foundation
import Testing

@testable import RapportEngine

/// The account figures merged bottom-up (`AccountRollup`) equal those of the first
/// implementation, which added every purchase and member to each of its account's ancestors'
/// scopes (kept here as the reference), on random forests of accounts.
@Suite("Account figures rolled up")
struct AccountRollupTests {
    static let day: Int64 = 86_400
    static let asOf: Int64 = 1_730_000_000
    static let model = EngineModel(
        asOf: asOf, bgnbd: BGNBD(r: 0.25, alpha: 4, a: 0.8, b: 2.4, unitDays: 7),
        gammaGamma: GammaGamma(p: 6, q: 4, gamma: 10),
        rfm: RFMThresholds(recency: [30, 60, 120, 240], frequency: [1, 2, 3, 5], monetary: [20, 50, 100, 200]),
        popularity: Popularity())

    /// A seeded generator, so a failure repeats.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 | (state << 53)
        }
    }

    static func forest(seed: UInt64) -> (
        [AccountNode], [AccountPurchase], [AccountMembership], [Int64: MemberActivity]
    ) {
        var g = Seeded(state: seed)
        var nodes: [AccountNode] = []
        for k in Int64(1)...40 {
            // About one in five a root; otherwise under an earlier account (depth grows).
            let parent: Int64? =
                k == 1 || Int.random(in: 0..<5, using: &g) == 0 ? nil : Int64.random(in: 1..<k, using: &g)
            nodes.append(AccountNode(key: k, parent: parent))
        }
        var memberships: [AccountMembership] = []
        for c in Int64(100)..<160 {
            for _ in 0..<Int.random(in: 0...2, using: &g) {
                let since: Int64? = Bool.random(using: &g) ? asOf - Int64.random(in: 0...700, using: &g) * day : nil
                let until: Int64? =
                    Int.random(in: 0..<4, using: &g) == 0 ? asOf - Int64.random(in: 0...400, using: &g) * day : nil
                memberships.append(
                    AccountMembership(
                        customer: c, account: Int64.random(in: 1...42, using: &g),
                        role: ["buyer", "user", "decision_maker"].randomElement(using: &g)!,
                        primary: Int.random(in: 0..<3, using: &g) > 0, since: since, until: until))
            }
        }
        var purchases: [AccountPurchase] = []
        for e in Int64(1)...600 {
            // Some lines share a second (one order of several lines), some name an account.
            let time = asOf - Int64.random(in: -5...730, using: &g) * day / (Bool.random(using: &g) ? 1 : 3)
            purchases.append(
                AccountPurchase(
                    event: e, customer: Int64.random(in: 100..<170, using: &g),
                    product: Int64.random(in: 1...30, using: &g),
                    time: time - time % (Int.random(in: 0..<4, using: &g) == 0 ? day : 1),
                    amount: Double(Int.random(in: 1...20_000, using: &g)) / 100,
                    account: Int.random(in: 0..<4, using: &g) == 0 ? Int64.random(in: 1...42, using: &g) : nil))
        }
        var activity: [Int64: MemberActivity] = [:]
        for c in Int64(100)..<160 where Bool.random(using: &g) {
            activity[c] = MemberActivity(recent: Bool.random(using: &g), previous: Bool.random(using: &g))
        }
        return (nodes, purchases, memberships, activity)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func rolledUpFiguresEqualThoseOfEveryAncestorsScope(_ seed: UInt64) {
        let (nodes, purchases, memberships, activity) = Self.forest(seed: seed)
        let roles = ["buyer", "decision_maker", "user", "legal"]
        let new = AccountFiguresBuilder.compute(
            nodes: nodes, purchases: purchases, memberships: memberships, activity: activity, requiredRoles: roles,
            model: Self.model, asOf: Self.asOf)
        let old = ReferenceAccountFigures.compute(
            nodes: nodes, purchases: purchases, memberships: memberships, activity: activity, requiredRoles: roles,
            model: Self.model, asOf: Self.asOf)
        #expect(new.count == old.count && new.count == nodes.count)
        #expect(old.values.contains { $0.children.orders > 0 && $0.total.members > 0 && $0.pAlive != nil })
        for (key, o) in old {
            guard let n = new[key] else {
                Issue.record("account \(key) has no figures")
                continue
            }
            #expect(Self.same(n, o), "account \(key)")
        }
    }

    /// Equal, the lifecycle figures within float rounding (their sums are added in another order).
    static func same(_ a: AccountFigures, _ b: AccountFigures) -> Bool {
        func close(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case (let x?, let y?): abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
            default: false
            }
        }
        var a2 = a, b2 = b
        guard close(a.pAlive, b.pAlive), close(a.expectedOrders90d, b.expectedOrders90d), close(a.clv12m, b.clv12m)
        else { return false }
        a2.pAlive = nil
        b2.pAlive = nil
        a2.expectedOrders90d = nil
        b2.expectedOrders90d = nil
        a2.clv12m = nil
        b2.clv12m = nil
        return a2 == b2
    }
}

/// The first implementation of `AccountFiguresBuilder.compute`, unchanged but for its name:
/// every purchase and member added to its account's scopes and each ancestor's.
enum ReferenceAccountFigures {
    static let day: Int64 = 86_400

    static func compute(
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
            f.trend =
                delta >= AccountFiguresBuilder.trendThreshold
                ? .up : delta <= -AccountFiguresBuilder.trendThreshold ? .down : .flat
            f.cadence = AccountFiguresBuilder.cadence(own.orders.keys.map(\.time))
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
        let span = AccountFiguresBuilder.windowDays * day
        let end = recent ? asOf : asOf - span
        let active = s.members.filter { c in activity[c].map { recent ? $0.recent : $0.previous } ?? false }.count
        let activeShare = s.members.isEmpty ? 0 : Double(active) / Double(s.members.count)
        let weeks = Set(
            s.orders.keys.filter { $0.time <= end && $0.time > end - span }.map { (end - $0.time) / (7 * day) })
        let weekShare = min(1, Double(weeks.count) / 13)
        return Int((50 * activeShare + 50 * weekShare).rounded())
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
