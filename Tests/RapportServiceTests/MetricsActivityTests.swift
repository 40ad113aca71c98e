import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// The stored activity stays in step with the events, and gives what a pass over the events gives.
@Suite("Business metrics from stored activity")
struct MetricsActivityTests {
    static func fromEvents(_ ws: Workspace, segment: String? = nil) throws -> BusinessMetrics {
        let (start, end) = try ws.metricsWindow(
            since: Dates.timestamp("2026-01-01"), until: Dates.timestamp("2026-03-31"))
        var acc = BusinessMetricsAccumulator(since: start, until: end, clvEdges: BusinessMetrics.clvEdges)
        let scope = try ws.metricScope(segment)
        try ws.foldEvents(into: &acc, scope: scope == .all ? nil : try ws.store.scopeKeys(scope))
        let figures = acc.finish()
        var m = Workspace.compose(figures, since: start, until: end, segment: segment)
        m.recommendations = try ws.recommendationFigure(figures.holdoutCandidates, until: end)
        return m
    }

    @Test func storedActivityAndEventsGiveTheSameFigures() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ws.store.hasActivity())
        #expect(try MetricsTests.window(ws) == Self.fromEvents(ws))
        #expect(try ws.createSegment(name: "big", rule: "spend > 50") == 2)
        #expect(try MetricsTests.window(ws, segment: "big") == Self.fromEvents(ws, segment: "big"))
    }

    @Test func clearingHistoryUpdatesTheFigures() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // C2's three orders (75) go; C1, C3 and C5 keep 2 + 2 + 1 orders and 150.
        _ = try ws.clearHistory(customer: try ws.customerKey("C2"), range: HistoryWindow())
        let m = try MetricsTests.window(ws)
        #expect(m.buyers == 3 && m.orders == 5 && m.revenue == 150)
        #expect(m.cohorts.map(\.month) == ["2026-02", "2026-03"])
        #expect(m == (try Self.fromEvents(ws)))
    }

    @Test func anImportUpdatesItsCustomersActivity() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("more.csv")
        // C4 buys the product of their abandoned cart the next day: no cart line is abandoned
        // but C3's second (every cart session still is: each purchase is in a later session);
        // C4 becomes a buyer with a March cohort of two.
        try Data(
            """
            event_id,customer_id,timestamp,type,product_id,quantity,amount,channel,gift
            E18,C4,2026-03-31T12:00:00Z,purchase,P1,1,12.5,web,
            """.utf8
        ).write(to: file)
        _ = try ws.importFiles([file.path], options: ImportOptions(analyst: "t"))
        let m = try MetricsTests.window(ws)
        #expect(m.buyers == 5 && m.orders == 9 && m.revenue == 237.5)
        #expect(m.carts == 3 && m.cartLineAbandonment == 1.0 / 3 && m.cartAbandonment == 1)
        #expect(m.cohorts.last == .init(month: "2026-03", size: 2, retention: [1]))
        #expect(m == (try Self.fromEvents(ws)))
    }

    @Test func anErasedCustomerLeavesTheFigures() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ws.forget(customer: try ws.customerKey("C5"))
        let m = try MetricsTests.window(ws)
        #expect(m.customers == 4 && m.buyers == 3 && m.orders == 7 && m.revenue == 195)
        #expect(m.cohorts.map(\.month) == ["2026-01", "2026-02"])
    }
}

@Suite("Business metrics: recommendations")
struct MetricsRecommendationTests {
    @Test func theLastPurchasesInTheWindowAreHeldOut() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try #require(try MetricsTests.window(ws).recommendations)
        // C1, C2 and C3 bought in the window and on two days or more; C5 on one day only.
        #expect(r.eligible == 3 && r.sample == 3 && r.cases == 3 && r.k == 10)
        // Held out: C1's P1, C2's P1, C3's P1. The recommender never offers what a customer
        // already bought: C1 and C2 bought P1 before, so only C3's P1 can be found.
        #expect(r.hrAtK == 1.0 / 3)
    }

    @Test func noPurchaseToHoldOutIsNull() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(
            try ws.metrics(since: Dates.timestamp("2020-01-01"), until: Dates.timestamp("2020-12-31")).recommendations
                == nil)
    }

    @Test func theSampleIsEvenlySpread() {
        #expect(Workspace.sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4) == [1, 4, 7, 10])
        #expect(Workspace.sample([1, 2], 4) == [1, 2])
    }
}

@Suite("Business metrics: the customers behind a cell")
struct MetricsListTests {
    static func keys(_ ws: Workspace, _ q: ListQuery) throws -> [String] {
        try ws.customerPage(q, offset: 0, limit: 100).map(\.externalId).sorted()
    }

    @Test func cohortsMigrationsAndSegmentsListTheirCustomers() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let since = Dates.timestamp("2026-01-01"), until = Dates.timestamp("2026-03-31")
        func list(_ cell: MetricsSelection, segment: String? = nil) throws -> ListQuery {
            try ws.metricsList(cell, since: since, until: until, segment: segment)
        }
        // First purchases: C2 in January, C3 in February, C5 in March; C1 bought before.
        #expect(try Self.keys(ws, list(.cohort("2026-01"))) == ["C2"])
        #expect(try Self.keys(ws, list(.cohort("2026-03"))) == ["C5"])
        #expect(try list(.cohort("2026-02")).keysLabel == "first purchase in 2026-02")
        #expect(try ws.customerCount(list(.cohort("2026-02"))) == 1)
        // Migration: C1 alone had bought before the window; every cell lists as many as it counts.
        let m = try MetricsTests.window(ws)
        var seen: [String] = []
        for cell in m.migration {
            let q = try list(.migration(from: cell.from, to: cell.to))
            #expect(q.keys?.count == cell.customers)
            seen += try Self.keys(ws, q)
            if cell.from != nil { #expect(try Self.keys(ws, q) == ["C1"]) }
        }
        #expect(seen.sorted() == ["C1", "C2", "C3", "C5"])
        // A segment row filters the list the way the segments screen does.
        let row = try #require(m.segments.first { $0.customers > 0 })
        let q = try list(.segment(row.segment))
        #expect(q.segment == row.segment && q.keys == nil)
        #expect(try ws.customerCount(q) == row.customers)
        // Within a rule segment, the cohort lists only its members: "big" is C2 and C3.
        #expect(try ws.createSegment(name: "big", rule: "spend > 50") == 2)
        #expect(try Self.keys(ws, list(.cohort("2026-03"), segment: "big")).isEmpty)
        #expect(try Self.keys(ws, list(.cohort("2026-02"), segment: "big")) == ["C3"])
    }

    @Test func theLastRefreshStoresEveryonesFigures() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ws.cachedMetrics() == ws.metrics())
    }
}

@Suite("Business metrics: months")
struct MetricsMonthTests {
    @Test func ordersAndRevenuePerMonthByHand() throws {
        let (ws, dir) = try MetricsTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // January: C1's two-line order (50) and C2's two orders (50); February: C1 15, C3 50;
        // March: C2 25, C3 5, C5 30.
        #expect(
            try MetricsTests.window(ws).months == [
                .init(month: "2026-01", orders: 3, revenue: 100), .init(month: "2026-02", orders: 2, revenue: 65),
                .init(month: "2026-03", orders: 3, revenue: 60)
            ])
        // A window inside one month has that month only, counted from its days.
        let m = try ws.metrics(since: Dates.timestamp("2026-01-06"), until: Dates.timestamp("2026-01-31"))
        #expect(m.months == [.init(month: "2026-01", orders: 2, revenue: 50)])
    }
}
