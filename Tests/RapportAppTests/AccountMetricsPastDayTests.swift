import Foundation
import RapportEngine
import RapportUI
import Testing

@testable import RapportApp
@testable import RapportService

/// `@` on an account's metrics: the figures as they stood on the day, through the client's
/// `accountMetricsStoodOn`, with the marker in the title; `@` again returns to today's.
@Suite("Account metrics on a past day")
struct AccountMetricsPastDayTests {
    @Test func atOnAnAccountsMetricsAsksForTheFiguresOfThen() throws {
        let calls = FixtureCalls()
        var client = AccountMetricsTests.client(calls)
        client.accountMetricsStoodOn = { id, below, p in
            calls.add("accountMetricsStoodOn \(id)\(below ? " and below" : "") \(p.label)")
            return Fixtures.shop.metrics["everyone"]!
        }
        let h = Harness(client: client)
        h.press(.char("A"), .enter, .char("M"))
        #expect(calls.all == ["accountMetrics ACME and below"])
        h.press(.char("@"))
        h.type("2024-03-31")
        h.press(.enter)
        #expect(calls.all.last == "accountMetricsStoodOn ACME and below 2024-03-31", "\(calls.all)")
        #expect(h.lines[0].contains("account Acme and below") && h.lines[0].contains("@ as of 2024-03-31"))
        #expect(h.model.flash?.isError != true)
        h.press(.char("@"))
        #expect(calls.all.last == "accountMetrics ACME and below" && !h.lines[0].contains("@ as of"))
    }
}
