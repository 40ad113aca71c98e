import Foundation
import RapportEngine
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// `M` on an account: the metrics screen over that account's people (and the accounts below it),
/// through the client's `accountMetrics`, with no store.
@Suite("Account metrics")
struct AccountMetricsTests {
    static func client(_ calls: FixtureCalls) -> ExplorerClient {
        var client = Fixtures.withMetrics
        let acme = AccountListItem(
            id: "ACME", name: "Acme", kind: "company", parent: nil, parentName: nil, members: 2, revenue: 300,
            revenue12m: 120, engagement: 40, trend: "up", coverage: nil, pAlive: nil)
        let views = [
            "ACME": Fixtures.accountView("ACME", "Acme", children: ["FIN"]),
            "FIN": Fixtures.accountView("FIN", "Finance", path: [("ACME", "Acme")])
        ]
        client.accountPage = { _, _, offset, limit in (Array([acme].dropFirst(offset).prefix(limit)), 1) }
        client.account = { id in
            guard let v = views[id] else { throw NotInFixture(operation: "account \(id)") }
            return v
        }
        client.accountTree = { _ in
            [
                AccountTreeLine(id: "ACME", name: "Acme", kind: "company", depth: 0, parent: nil, childCount: 1),
                AccountTreeLine(id: "FIN", name: "Finance", kind: "department", depth: 1, parent: "ACME", childCount: 0)
            ]
        }
        client.accountMetrics = { id, below in
            calls.add("accountMetrics \(id)\(below ? " and below" : "")")
            return Fixtures.shop.metrics["everyone"]!
        }
        return client
    }

    @Test func mOnAnAccountShowsItsPeoplesFiguresAndSaysWhose() throws {
        let calls = FixtureCalls()
        let h = Harness(client: Self.client(calls))
        h.press(.char("A"), .enter)
        #expect(h.model.screen == .account && h.model.account?.view?.id == "ACME")
        #expect(h.lines[23].contains("M metrics"), "\(h.lines[23])")
        h.press(.char("M"))
        #expect(h.model.screen == .metrics)
        #expect(h.lines[0].contains("Metrics • account Acme and below"), "\(h.lines[0])")
        #expect(calls.all == ["accountMetrics ACME and below"])
        #expect(h.model.metrics?.figures != nil && !h.model.metricsView.refreshing)
        // Its cells are not listed here (the service lists everyone's and a segment's).
        h.press(.enter)
        #expect(h.model.screen == .metrics && h.model.flash?.isError == true, "\(h.model.flash?.text ?? "")")
        // Back on the account; a department without accounts below it is itself alone.
        h.press(.escape)
        #expect(h.model.screen == .account)
        h.press(.char("j"), .enter, .char("M"))
        #expect(h.lines[0].contains("Metrics • account Finance") && !h.lines[0].contains("and below"))
        #expect(calls.all.last == "accountMetrics FIN")
        // Everyone's figures again from the list.
        h.press(.escape, .escape, .escape, .escape, .char("M"))
        #expect(h.lines[0].contains("Metrics • everyone"), "\(h.screen)")
    }
}
