import Foundation
import RapportService
import RapportStore
import RapportUI
import Testing
@testable import RapportApp

/// The metrics screen's cells, cache and reload, driven headless.
@Suite("Metrics screen: cells, cache, reload")
struct MetricsCellTests {
    static func figures(_ h: Harness) throws -> BusinessMetrics { try #require(h.model.metrics?.figures) }

    @Test func enterOnACohortListsItsCustomersAndEscReturns() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"), .tab)
        #expect(h.model.metricsView.panel == .cohorts)
        let cohort = try #require(try Self.figures(h).cohorts.first)
        h.press(.enter)
        #expect(h.model.screen == .list)
        #expect(h.model.list.total == cohort.size)
        #expect(h.lines[0].contains("first purchase in \(cohort.month)"))
        h.press(.escape)
        #expect(h.model.screen == .metrics)
        #expect(h.model.metricsView.panel == .cohorts)
    }

    @Test func enterOnAMigrationCellOrASegmentListsItsCustomers() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"), .tab, .tab)
        #expect(h.model.metricsView.panel == .migration)
        let f = try Self.figures(h)
        let last = try #require(f.migration.indices.last)
        for _ in 0..<last { h.press(.char("j")) }
        h.press(.enter)
        #expect(h.model.screen == .list && h.model.list.total == f.migration[last].customers)
        #expect(h.lines[0].contains("→ \(f.migration[last].to)"))
        h.press(.escape, .tab, .tab, .tab)
        #expect(h.model.metricsView.panel == .segments)
        let i = try #require(f.segments.firstIndex { $0.customers > 0 })
        for _ in 0..<i { h.press(.char("j")) }
        h.press(.enter)
        #expect(h.model.list.query.segment == f.segments[i].segment)
        #expect(h.model.list.total == f.segments[i].customers)
        h.press(.escape)
        #expect(h.model.screen == .metrics)
    }

    @Test func reopeningShowsFiguresAtOnce() throws {
        // Everyone's figures as the last refresh stored them: the first open can show them.
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"), .escape)
        // Before any command runs, the screen has this session's figures and is refreshing them.
        h.runtime.send(.input(.key(.char("M"))))
        #expect(h.model.metrics?.figures != nil && h.model.metricsView.refreshing)
        h.settle()
        #expect(!h.model.metricsView.refreshing)
    }

    @Test func aWriteElsewhereRecomputesTheFiguresOnScreen() throws {
        let shop = ChangingShop()
        let h = Harness(client: shop.client)
        h.press(.char("M"))
        let before = try Self.figures(h)
        h.send(.tick)
        // Another session imports a purchase of 15 on the last day: the store's figures change.
        shop.change { s in
            s.metrics["everyone"]?.orders += 1
            s.metrics["everyone"]?.revenue += 15
        }
        h.send(.tick)
        let after = try Self.figures(h)
        #expect(after.orders == before.orders + 1 && after.revenue == before.revenue + 15)
        #expect(h.model.screen == .metrics)
    }

    @Test func definitionsAreOneKeyAway() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"), .char("d"))
        #expect(h.screen.contains("What the figures mean") && h.screen.contains("AOV = revenue / orders"))
        #expect(h.lines.allSatisfy { $0.count <= 80 })
        h.press(.escape)
        #expect(h.model.dialog == nil && h.model.screen == .metrics)
    }

    @Test func everyPanelFitsAt80x24() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"))
        for _ in MetricsViewState.Panel.allCases {
            #expect(h.lines.count == 24 && h.lines.allSatisfy { $0.count <= 80 })
            #expect(h.lines[23].contains("? help"))
            h.press(.tab)
        }
    }
}

/// "At risk" is the RFM segment, the lifecycle stage, or (before) P(alive) below 0.5: each screen
/// uses one meaning and says which (docs/metrics.md, "At risk").
@Suite("Metrics screen: one meaning of at risk")
struct AtRiskMeaningTests {
    @Test func theMetricsScreenSaysAtRiskIsTheRFMSegment() throws {
        let h = Harness(client: Fixtures.withMetrics)
        h.press(.char("M"))
        // The P(alive) share is named by what it is, never "at risk".
        #expect(h.lines.contains { $0.contains("P(alive) < 0.5:") })
        #expect(!h.lines.contains { $0.contains("P(alive)") && $0.lowercased().contains("at risk") })
        for _ in 0..<6 where h.model.metricsView.panel != .segments { h.press(.tab) }
        #expect(h.model.metricsView.panel == .segments)
        #expect(h.lines.contains { $0.contains("RFM SEGMENT") && $0.contains("CUSTOMERS") })
        h.press(.char("d"))
        #expect(h.screen.contains("\"at risk\" here is the RFM segment"))
    }

    @Test func theListNamesItsSegmentColumnByKind() throws {
        let h = Harness(client: Fixtures.client)
        #expect(h.lines[1].contains("RFM SEGMENT") && h.lines[1].contains("STAGE"))
    }
}
