import Foundation
import RapportStore
import Testing
@testable import RapportService

/// Business metrics on a store small enough to work out by hand (see the comments).
@Suite("Business metrics")
struct MetricsTests {
    static let customers = """
        customer_id,name
        C1,One
        C2,Two
        C3,Three
        C4,Four
        C5,Five
        """
    // C1: bought before the window (no cohort); one two-line order at one second; a return.
    // C2: first purchase in January; two orders five seconds apart; back in March.
    // C3: a cart bought within 7 days, a cart bought 19 days later (abandoned).
    // C4: never buys; an abandoned cart; two email opens and one click.
    // C5: one order in the window's last month.
    static let events = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel,gift
        E01,C1,2025-12-10T10:00:00Z,purchase,P1,1,10,web,
        E02,C1,2026-01-05T10:00:00Z,purchase,P1,1,20,web,
        E03,C1,2026-01-05T10:00:00Z,purchase,P2,1,30,web,
        E04,C1,2026-01-06T10:00:00Z,return,P2,1,-30,web,
        E05,C1,2026-02-10T10:00:00Z,purchase,P1,1,15,web,
        E06,C2,2026-01-20T09:00:00Z,purchase,P1,1,40,web,
        E07,C2,2026-01-20T09:00:05Z,purchase,P2,1,10,web,
        E08,C2,2026-03-03T09:00:00Z,purchase,P1,1,25,web,
        E09,C3,2026-02-01T00:00:00Z,cart,P2,1,0,web,
        E10,C3,2026-02-05T12:00:00Z,purchase,P2,1,50,web,
        E11,C3,2026-03-01T00:00:00Z,cart,P1,1,0,web,
        E12,C3,2026-03-20T00:00:00Z,purchase,P1,1,5,web,
        E13,C4,2026-03-30T00:00:00Z,cart,P1,1,0,web,
        E14,C4,2026-01-10T08:00:00Z,open,,1,0,email,
        E15,C4,2026-01-11T08:00:00Z,open,,1,0,email,
        E16,C4,2026-01-11T08:01:00Z,click,,1,0,email,
        E17,C5,2026-03-31T23:00:00Z,purchase,P1,1,30,app,
        """

    static func workspace() throws -> (Workspace, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = [
            ("customers.csv", customers), ("products.csv", "product_id,title\nP1,One\nP2,Two"),
            ("events.csv", events)
        ]
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let ws = Workspace(
            store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "t",
            clock: { 1_790_000_000 })
        _ = try ws.importFiles(
            files.map { dir.appendingPathComponent($0.0).path }, options: ImportOptions(analyst: "t"))
        return (ws, dir)
    }

    static func window(_ ws: Workspace, segment: String? = nil) throws -> BusinessMetrics {
        try ws.metrics(
            since: Dates.timestamp("2026-01-01"), until: Dates.timestamp("2026-03-31"), segment: segment)
    }

    @Test func ordersRevenueAndReturnsByHand() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try Self.window(ws)
        #expect(m.since == "2026-01-01" && m.until == "2026-03-31")
        #expect(m.customers == 5 && m.buyers == 4)
        // C1 2 (two lines at one second are one order), C2 3, C3 2, C5 1.
        #expect(m.orders == 8)
        #expect(m.revenue == 225 && m.returns == 30)
        #expect(m.aov == 225.0 / 8 && m.purchaseFrequency == 2 && m.repeatRate == 0.75)
    }

    @Test func cohortsCartsAndChannelsByHand() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try Self.window(ws)
        #expect(
            m.cohorts == [
                .init(month: "2026-01", size: 1, retention: [1, 0, 1]),
                .init(month: "2026-02", size: 1, retention: [1, 1]),
                .init(month: "2026-03", size: 1, retention: [1])
            ])
        // Every cart is alone in its session (the purchases come days later): 3 cart sessions,
        // all abandoned; per line, C3's February cart was bought within 7 days.
        #expect(m.carts == 3 && m.cartSessions == 3 && m.cartAbandonment == 1)
        #expect(m.cartLineAbandonment == 2.0 / 3)
        #expect(
            m.channels == [
                .init(channel: "app", opens: 0, clicks: 0, clickToOpen: nil, purchases: 1),
                .init(channel: "email", opens: 2, clicks: 1, clickToOpen: 0.5, purchases: 0),
                .init(channel: "web", opens: 0, clicks: 0, clickToOpen: nil, purchases: 8)
            ])
        #expect(m.clv.clvHistogram.counts.reduce(0, +) <= 5)
        #expect(m.segments.map(\.customers).reduce(0, +) == 4)
        #expect(m.segments.map(\.revenue).reduce(0, +) == 225)
        // C1 was the only buyer before the window; everyone else arrives from "no purchase yet".
        #expect(m.migration.filter { $0.from == nil }.map(\.customers).reduce(0, +) == 3)
        #expect(m.migration.filter { $0.from != nil }.map(\.customers).reduce(0, +) == 1)
    }

    @Test func aWindowWithoutPurchasesGivesZerosAndNulls() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ws.metrics(since: Dates.timestamp("2020-01-01"), until: Dates.timestamp("2020-12-31"))
        #expect(m.buyers == 0 && m.orders == 0 && m.revenue == 0 && m.returns == 0)
        #expect(m.aov == nil && m.purchaseFrequency == nil && m.repeatRate == nil && m.cartAbandonment == nil)
        #expect(m.cohorts.isEmpty && m.channels.isEmpty)
        let json = String(decoding: try JSONEncoder.pretty.encode(m), as: UTF8.self)
        #expect(json.contains("\"aov\" : null") && json.contains("\"repeat_rate\" : null"))
    }

    @Test func aRuleSegmentScopesTheFigures() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Spend counts returns: C1 45, C2 75, C3 55, C5 30.
        #expect(try ws.createSegment(name: "big", rule: "spend > 50") == 2)
        let m = try Self.window(ws, segment: "big")
        #expect(m.customers == 2 && m.buyers == 2 && m.orders == 5 && m.revenue == 130)
        #expect(m.carts == 2 && m.cartAbandonment == 1 && m.cartLineAbandonment == 0.5)
        #expect(throws: StoreError.self) { try Self.window(ws, segment: "no such segment") }
    }

    @Test func theDefaultWindowEndsOnTheAsOfDay() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ws.metrics()
        // The newest event is 2026-03-31; 365 days back, both ends inclusive.
        #expect(m.until == "2026-03-31" && m.since == "2025-04-01")
        #expect(m.orders == 9 && m.cohorts.first?.month == "2025-12")
    }
}
