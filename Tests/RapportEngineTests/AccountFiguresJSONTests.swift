import Foundation
import Testing

@testable import RapportEngine

/// The account figures' JSON written by hand is, character for character, what `JSONEncoder`
/// with sorted keys writes: on chosen awkward values and on random figures.
@Suite("Account figures' JSON")
struct AccountFiguresJSONTests {
    static func encoded(_ f: AccountFigures) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(f), as: UTF8.self)
    }

    @Test func chosenValues() throws {
        var f = AccountFigures()
        #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
        f.individual.revenue = 0.1 + 0.2
        f.individual.aov = 1e-7
        f.individual.repeatRate = 1.0 / 3
        f.individual.lastOrder = 1_730_000_000
        f.children.revenue = 1e21
        f.children.aov = 123.0
        f.total.revenue = -0.0
        f.total.customers = 3
        f.revenue12m = 12_345_678.9
        f.pAlive = 0.999_999_999_999
        f.expectedOrders90d = 5e-324
        f.clv12m = 1.7976931348623157e308
        f.coverage = 0.5
        f.engagement = 73
        f.engagementPrevious = 12
        f.trend = .up
        f.cadence = AccountCadence(intervalDays: 21, nextOrder: 1_731_000_000, orders: 4)
        f.missingRoles = ["decision \"maker\"", "a/b\\c", "line\nbreak\ttab\u{01}", "Ünïcode ✓ 😀"]
        #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
        #expect(AccountFiguresJSON.canEncode(f))
        f.pAlive = .nan
        #expect(!AccountFiguresJSON.canEncode(f))
    }

    @Test func randomFigures() throws {
        var rng = AccountRollupTests.Seeded(state: 21)
        for _ in 0..<500 {
            var f = AccountFigures()
            for path in [\AccountFigures.individual, \.children, \.total]
                as [WritableKeyPath<AccountFigures, AccountScopeFigures>]
            {
                f[keyPath: path].orders = Int.random(in: 0...10_000, using: &rng)
                f[keyPath: path].revenue = (Double.random(in: 0...1e7, using: &rng) * 100).rounded() / 100
                f[keyPath: path].aov = Bool.random(using: &rng) ? Double.random(in: 0...1e4, using: &rng) : nil
                f[keyPath: path].repeatRate = Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : nil
                f[keyPath: path].lastOrder =
                    Bool.random(using: &rng) ? Int64.random(in: 0...2_000_000_000, using: &rng) : nil
                f[keyPath: path].customers = Int.random(in: 0...5_000, using: &rng)
                f[keyPath: path].members = Int.random(in: 0...5_000, using: &rng)
                f[keyPath: path].activeMembers = Int.random(in: 0...5_000, using: &rng)
            }
            f.revenue12m = Double.random(in: 0...1e6, using: &rng)
            f.pAlive = Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : nil
            f.clv12m = Bool.random(using: &rng) ? Double.random(in: 0...1e5, using: &rng) : nil
            f.coverage = Bool.random(using: &rng) ? Double(Int.random(in: 0...4, using: &rng)) / 4 : nil
            f.trend = EngagementTrend.allCases.randomElement(using: &rng) ?? .flat
            #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
        }
    }
}
