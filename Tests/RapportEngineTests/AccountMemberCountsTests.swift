import Foundation
import Testing

@testable import RapportEngine

/// Members counted as sums over the tree (`AccountMemberCounts`) equal the sets of people of
/// each scope, counted by brute force: people with up to six memberships (several roles in one
/// account, accounts in one firm and in others), deep chains and shallow trees, memberships not
/// valid at the as-of date, of unknown accounts, and of accounts in a loop of parents.
@Suite("Account members counted without sets")
struct AccountMemberCountsTests {
    static let asOf: Int64 = 1_730_000_000

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func countsEqualThoseOfTheSets(_ seed: UInt64) {
        var g = AccountRollupTests.Seeded(state: seed)
        var nodes: [AccountNode] = []
        for k in Int64(1)...60 {
            // Chains (the account before), bushes (an early account) and roots.
            let pick = Int.random(in: 0..<6, using: &g)
            let parent: Int64? =
                k == 1 || pick == 0 ? nil : pick < 3 ? k - 1 : Int64.random(in: 1...min(k - 1, 5), using: &g)
            nodes.append(AccountNode(key: k, parent: parent))
        }
        nodes += [AccountNode(key: 91, parent: 92), AccountNode(key: 92, parent: 91)]
        nodes.shuffle(using: &g)
        var memberships: [AccountMembership] = []
        for c in Int64(1)...90 {
            for _ in 0..<Int.random(in: 0...6, using: &g) {
                let ended = Int.random(in: 0..<6, using: &g) == 0
                memberships.append(
                    AccountMembership(
                        customer: c,
                        account: [
                            Int64.random(in: 1...62, using: &g), Int64.random(in: 1...6, using: &g),
                            Int64.random(in: 1...6, using: &g), 91, 99
                        ].randomElement(using: &g)!,
                        role: ["buyer", "user"].randomElement(using: &g)!, primary: false, since: nil,
                        until: ended ? Self.asOf - 1 : nil))
            }
        }
        var activity: [Int64: MemberActivity] = [:]
        for c in Int64(1)...90 where Bool.random(using: &g) {
            activity[c] = MemberActivity(recent: Bool.random(using: &g), previous: Bool.random(using: &g))
        }
        let figures = AccountFiguresBuilder.compute(
            nodes: nodes, orders: AccountOrderLines(asOf: Self.asOf), memberships: memberships, activity: activity,
            requiredRoles: [], model: nil, asOf: Self.asOf)

        // By brute force: each account's descendants by walking every account's parents.
        let parent = Dictionary(uniqueKeysWithValues: nodes.map { ($0.key, $0.parent) })
        var people: [Int64: Set<Int64>] = [:]
        for m in memberships where m.isValid(at: Self.asOf) { people[m.account, default: []].insert(m.customer) }
        func strictlyBelow(_ a: Int64) -> [Int64] {
            nodes.map(\.key).filter { k in
                var p = parent[k] ?? nil
                var steps = 0
                while let q = p, steps < 100 {
                    if q == a { return true }
                    p = parent[q] ?? nil
                    steps += 1
                }
                return false
            }
        }
        func counts(_ s: Set<Int64>) -> [Int] { [s.count, s.filter { activity[$0]?.recent == true }.count] }
        var checked = 0
        for key in nodes.map(\.key) where key < 90 {
            guard let f = figures[key] else {
                Issue.record("account \(key) has no figures")
                continue
            }
            let own = people[key] ?? []
            let below = strictlyBelow(key).reduce(into: Set<Int64>()) { $0.formUnion(people[$1] ?? []) }
            #expect([f.individual.members, f.individual.activeMembers] == counts(own), "account \(key)")
            #expect([f.children.members, f.children.activeMembers] == counts(below), "account \(key)")
            #expect([f.total.members, f.total.activeMembers] == counts(own.union(below)), "account \(key)")
            let previous = own.union(below).filter { activity[$0]?.previous == true }.count
            let share = own.union(below).isEmpty ? 0 : Double(previous) / Double(own.union(below).count)
            #expect(f.engagementPrevious == Int((50 * share).rounded()), "account \(key)")
            if !own.isDisjoint(with: below) { checked += 1 }
        }
        #expect(figures[91] == nil && figures[92] == nil)
        // People both members of an account and below it: what the counts subtract.
        #expect(checked > 3)
    }
}
