import Foundation
import RapportEngine
import RapportStore
import Testing

@testable import RapportService

/// The stored rows made as each account's figures come (`Workspace.figureRows(_:_:)` over
/// `AccountFiguresBuilder.forEachFigures`, a full refresh's way) are those made from the table
/// of every account's figures, in the same order: with roles, a model, and accounts in a loop
/// of parents (which get empty figures either way).
@Suite("Account figures' rows as they come")
struct AccountFiguresRowsTests {
    static let model = EngineModel(
        asOf: 1_730_000_000, bgnbd: BGNBD(r: 0.25, alpha: 4, a: 0.8, b: 2.4, unitDays: 7),
        gammaGamma: GammaGamma(p: 6, q: 4, gamma: 10),
        rfm: RFMThresholds(recency: [30, 60, 120, 240], frequency: [1, 2, 3, 5], monetary: [20, 50, 100, 200]),
        popularity: Popularity())

    @Test func sameRowsAsFromTheTable() throws {
        var rng = SeededRandom(seed: 33)
        let asOf: Int64 = 1_730_000_000
        var nodes: [AccountNode] = []
        for key in Int64(1)...300 {
            let parent: Int64? = key > 20 && Bool.random(using: &rng) ? Int64.random(in: 1..<key, using: &rng) : nil
            nodes.append(AccountNode(key: key, parent: parent))
        }
        // A loop of parents, and an account under it.
        nodes += [
            AccountNode(key: 901, parent: 902), AccountNode(key: 902, parent: 901), AccountNode(key: 903, parent: 901)
        ]
        nodes.shuffle(using: &rng)
        let memberships = (0..<600).map { i in
            AccountMembership(
                customer: Int64(i % 400), account: nodes.randomElement(using: &rng)!.key,
                role: ["buyer", "legal"].randomElement(using: &rng)!, primary: i < 400, since: nil, until: nil)
        }
        var orders = AccountOrderLines(asOf: asOf)
        let attribution = AccountAttribution(memberships: memberships)
        for event in Int64(0)..<3000 {
            let p = AccountPurchase(
                event: event, customer: Int64.random(in: 0..<400, using: &rng), product: 1,
                time: asOf - Int64.random(in: 0...700, using: &rng) * 86_400,
                amount: Double(Int.random(in: 1...50_000, using: &rng)) / 100, account: nil)
            orders.add(p, account: attribution.account(for: p))
        }
        let activity = Dictionary(
            uniqueKeysWithValues: (Int64(0)..<400).map {
                ($0, MemberActivity(recent: $0 % 3 == 0, previous: $0 % 2 == 0))
            })
        let roles = ["buyer", "legal", "finance"]
        let table = AccountFiguresBuilder.compute(
            nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: roles,
            model: Self.model, asOf: asOf)
        let expected = try Workspace.figureRows(nodes.map(\.key), table)
        let rows = try Workspace.figureRows(nodes) { body in
            try AccountFiguresBuilder.forEachFigures(
                nodes: nodes, orders: orders, memberships: memberships, activity: activity, requiredRoles: roles,
                model: Self.model, asOf: asOf, body)
        }
        #expect(rows == expected)
        #expect(table[901] == nil && table[903] == nil)
        #expect(rows.first { $0.account == 903 }?.detail == AccountFiguresJSON.encode(AccountFigures()))
        #expect(table.values.contains { $0.total.orders > 0 && $0.pAlive != nil })
    }
}
