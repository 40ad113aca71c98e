import Foundation
import Testing
@testable import RapportEngine

/// One customer's events folded into days, worked out by hand.
@Suite("Customer activity")
struct ActivityTests {
    static let day: Int64 = 86_400
    // 2026-01-05 is day 20458.
    static let jan5: Int64 = 20458 * 86_400

    static func event(
        _ id: Int64, _ type: EventType, _ t: Int64, product: Int64? = 1, amount: Double = 0, channel: String? = "web"
    ) -> Event {
        Event(id: id, customer: 7, product: product, type: type, time: t, amount: amount, channel: channel)
    }

    @Test func daysOrdersCartsAndChannelsByHand() {
        let a = CustomerActivity(events: [
            // Two lines at one second and one five seconds later: two orders, 19.99 + 0.01 + 5.
            Self.event(1, .purchase, Self.jan5 + 10, amount: 19.99),
            Self.event(2, .purchase, Self.jan5 + 10, product: 2, amount: 0.01, channel: "app"),
            Self.event(3, .purchase, Self.jan5 + 15, amount: 5),
            // A cart of product 1 the day before (bought within 7 days) and one 8 days before (not).
            Self.event(4, .cart, Self.jan5 - Self.day),
            Self.event(5, .cart, Self.jan5 - 8 * Self.day),
            // A cart without a product is not a cart of anything.
            Self.event(6, .cart, Self.jan5 - 8 * Self.day, product: nil),
            Self.event(7, .open, Self.jan5 + 3 * Self.day, product: nil, channel: "email"),
            Self.event(8, .click, Self.jan5 + 3 * Self.day + 60, product: nil, channel: "email"),
            Self.event(9, .return, Self.jan5 + 3 * Self.day, amount: -5),
            Self.event(10, .view, Self.jan5 + 4 * Self.day)
        ])
        #expect(a.channels == ["web", "app", "email"])
        #expect(a.days.map(\.day) == [20450, 20457, 20458, 20461])
        #expect(a.days[0].carts == 1 && a.days[0].abandonedCarts == 1)
        #expect(a.days[1].carts == 1 && a.days[1].abandonedCarts == 0)
        #expect(a.days[2].orders == 2 && a.days[2].revenue.value == 25)
        #expect(a.days[2].channels.map(\.purchases) == [2, 1])
        #expect(a.days[3].returns.value == 5 && a.days[3].returnAmount.value == -5)
        #expect(a.days[3].channels == [.init(channel: 2, purchases: 0, opens: 1, clicks: 1)])
        let bytes = a.encoded()
        #expect(bytes.withUnsafeBytes { CustomerActivity(bytes: $0) } == a)
        #expect([UInt8](bytes.dropLast()).withUnsafeBytes { CustomerActivity(bytes: $0) } == nil)
    }

    @Test func amountsThatAreNotWholeCentsKeepTheirValue() {
        var m = Money()
        m.add(0.125)
        m.add(2.5)
        #expect(m.value == 2.625 && m.cents == 250)
        let a = CustomerActivity(events: [Self.event(1, .purchase, Self.jan5, amount: 0.125)])
        let back = a.encoded().withUnsafeBytes { CustomerActivity(bytes: $0) }
        #expect(back?.days.first?.revenue.value == 0.125)
    }

    @Test func aWindowCountsOnlyItsDays() {
        // One customer: an order on Jan 5, one on Feb 1; the window is Jan 6 ... Feb 1.
        let a = CustomerActivity(events: [
            Self.event(1, .purchase, Self.jan5, amount: 10),
            Self.event(2, .purchase, Self.jan5 + 27 * Self.day, amount: 4)
        ])
        var acc = BusinessMetricsAccumulator(
            since: Self.jan5 + Self.day, until: Self.jan5 + 27 * Self.day + 100, clvEdges: [0, 10])
        a.encoded().withUnsafeBytes {
            acc.add(
                customer: 7, inScope: true, refreshed: RefreshedFigures(segment: .champions, clv12m: 12, pAlive: 0.4),
                activity: $0)
        }
        let f = acc.finish()
        #expect(f.customers == 1 && f.buyers == 1 && f.orders == 1 && f.revenue == 4 && f.repeatBuyers == 0)
        // The first purchase was before the window: no cohort.
        #expect(f.cohorts.isEmpty)
        #expect(f.clvCounts == [0, 1] && f.atRisk == 1 && f.segments[.champions]?.revenue == 4)
        #expect(f.migration.values.reduce(0, +) == 1 && f.migration.keys.first?.from != nil)
        #expect(f.holdoutCandidates == [7])
    }
}

@Suite("Business metrics cut points")
struct CutPointTests {
    @Test func selectionGivesTheCutsOfSorting() {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 5, 10, 101, 1000] {
            // Few distinct values as well as many: ties must fall as they do after a sort.
            for spread in [3.0, 1e6] {
                let v = (0..<n).map { _ in Double(Int.random(in: 0..<Int(spread), using: &rng)) }
                var copy = v
                #expect(BusinessMetricsAccumulator.cuts(&copy) == RFMThresholds.cuts(v))
            }
        }
    }
}

@Suite("Activity encoder")
struct ActivityEncoderTests {
    @Test func theEncoderWritesTheBytesOfTheFold() {
        var rng = SystemRandomNumberGenerator()
        var encoder = ActivityEncoder()
        let types: [EventType] = [.purchase, .purchase, .view, .cart, .return, .open, .click]
        let channels: [String?] = ["web", "app", "email", nil]
        let amounts: [Double] = [0, 19.99, 0.125, -5, 30, 0.01]
        for n in [0, 1, 2, 5, 30, 200] {
            for _ in 0..<20 {
                let events = (0..<n).map { i in
                    Event(
                        id: Int64(i), customer: 1, product: Bool.random(using: &rng) ? Int64.random(in: 1...4) : nil,
                        type: types.randomElement(using: &rng)!,
                        time: 1_700_000_000 + Int64.random(in: 0...(40 * 86_400), using: &rng) / 600 * 600,
                        amount: amounts.randomElement(using: &rng)!, channel: channels.randomElement(using: &rng)!)
                }
                #expect(encoder.encode(events) == CustomerActivity(events: events).encoded())
            }
        }
    }
}
