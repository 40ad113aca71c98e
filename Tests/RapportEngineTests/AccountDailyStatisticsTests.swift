import Foundation
import Testing

@testable import RapportEngine

/// An account scope's lifecycle figures from its days (`AccountRollup.purchaseStatistics`)
/// equal, to the bit, those of the one-purchase-a-day stream they replaced
/// (`Figures.compute(events: dailyStream…)`), with and without a fitted model, on empty,
/// one-day and random scopes, days after the as-of date and before 1970 among them.
@Suite("Account lifecycle figures from the days")
struct AccountDailyStatisticsTests {
    static let asOf = AccountRollupTests.asOf

    /// Every stored bit of a value: doubles by their bit pattern (so 0 and -0 differ), the rest
    /// as printed, field by field.
    static func bits(_ value: Any) -> String {
        if let d = value as? Double { return "0x" + String(d.bitPattern, radix: 16) }
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty { return String(describing: value) }
        let fields = mirror.children.map { "\($0.label ?? "_"):\(bits($0.value))" }
        return "\(mirror.displayStyle.map { "\($0)" } ?? "")(\(fields.joined(separator: ",")))"
    }

    static func expectSame(_ r: AccountRollup, _ comment: Comment) {
        let stream = r.dailyStream
        let fromDays = r.purchaseStatistics(asOf: asOf)
        let fromStream = PurchaseStatistics.of(events: stream, asOf: asOf)
        #expect(bits(fromDays) == bits(fromStream), comment)
        for model in [AccountRollupTests.model, nil] {
            let a = Figures.compute(fromDays, model: model, asOf: asOf)
            let b = Figures.compute(events: stream, model: model, asOf: asOf)
            #expect(bits(a) == bits(b), comment)
        }
    }

    static func rollup(_ days: [Int64: Double]) -> AccountRollup {
        var r = AccountRollup()
        r.days = days
        return r
    }

    @Test func emptyScope() {
        Self.expectSame(Self.rollup([:]), "empty")
        #expect(Self.rollup([:]).purchaseStatistics(asOf: Self.asOf) == .none)
    }

    @Test func oneDayScopes() {
        let today = Day.of(Self.asOf)
        for (day, amount) in [(today, 12.5), (today - 400, -3.1), (today + 1, 7), (-3, 0.1 + 0.2), (today, 0)] {
            Self.expectSame(Self.rollup([day: amount]), "one day \(day): \(amount)")
        }
    }

    /// A few to a few hundred days, some after the as-of date, with sums of cents that are not
    /// exact in binary (so the order of addition shows in the last bits).
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] as [UInt64])
    func randomScopes(_ seed: UInt64) {
        var g = AccountRollupTests.Seeded(state: seed)
        let today = Day.of(Self.asOf)
        var r = AccountRollup()
        for _ in 0..<Int.random(in: 1...(seed % 4 == 0 ? 400 : 12), using: &g) {
            let day = today - Int64.random(in: -10...(seed % 3 == 0 ? 25_000 : 900), using: &g)
            let amount = Double(Int.random(in: -2_000...90_000, using: &g)) / 100
            r.days[day, default: 0] += amount
        }
        Self.expectSame(r, "seed \(seed)")
    }
}

extension AccountRollup {
    /// The scope's orders as the lifecycle figures read them before the days were read directly:
    /// one purchase a day with the day's amount (the reference `purchaseStatistics` must equal).
    var dailyStream: [Event] {
        days.sorted { $0.key < $1.key }.enumerated().map { i, d in
            Event(id: Int64(i), customer: 0, product: nil, type: .purchase, time: d.key * 86_400, amount: d.value)
        }
    }
}
