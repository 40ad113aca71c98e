import Foundation
import RapportEngine
import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// P(alive) and CLV with their 90% intervals on the profile's value panel, at 80×24.
@Suite("Value panel: intervals")
struct ValueIntervalTests {
    static func profile(_ h: Harness) throws -> ProfileReport {
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        var report = try #require(h.model.profile?.report)
        report.lifecycle?.pAlive = 0.84
        report.lifecycle?.pAliveInterval = ValueInterval(low: 0.81, high: 0.87)
        report.lifecycle?.clv12m = 393.4
        report.lifecycle?.clv12mInterval = ValueInterval(low: 371.2, high: 410.9)
        report.lifecycle?.expectedSpend = 23
        report.lifecycle?.expectedPurchases90d = 4.2
        report.lifecycle?.clvModel = "bgnbd"
        return report
    }

    @Test func theValuePanelShowsBothIntervalsAndKeepsTheLayout() throws {
        let h = Harness(client: Fixtures.client)
        let report = try Self.profile(h)
        h.send(.profileLoaded(report))
        let lines = h.lines
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines.contains { $0.contains("│P(alive) 0.84 (90%: 0.81–0.87)") })
        #expect(lines.contains { $0.contains("│CLV 12m 393 (371–411)  avg order 23") })
        #expect(lines.contains { $0.contains("│stage ") && $0.contains("next 90d 4.2 orders") })
        // Both panels keep their right borders on every row of the top pair.
        for row in lines[4...12] { #expect(row.filter { $0 == "│" || $0 == "┐" || $0 == "┘" }.count >= 2, "\(row)") }
        // Enter on the value panel says what the interval is.
        h.press(.tab, .enter)
        #expect(h.screen.contains("90%: 0.81–0.87"))
        #expect(h.screen.contains("parameters' uncertainty"))
    }

    @Test func aLongCLVLineDropsTheAverageOrderRatherThanBeingCut() throws {
        let h = Harness(client: Fixtures.client)
        var report = try Self.profile(h)
        report.lifecycle?.clv12m = 12_345.6
        report.lifecycle?.clv12mInterval = ValueInterval(low: 11_000, high: 13_999)
        report.lifecycle?.singlePurchase = true
        h.send(.profileLoaded(report))
        // 38 columns: "(prior-based)" does not fit beside the range, so it is shortened.
        #expect(h.lines.contains { $0.contains("│CLV 12m 12346 (11000–13999) (prior)") })
        #expect(!h.lines.contains { $0.contains("avg order") })
    }
}
