import Foundation
import RapportStore
import Testing

@testable import RapportService

/// `rapport metrics --account ID [--include-children]` counts only the purchases the
/// attribution rule gives the account (or its subtree), on both stores: Cy is a member of
/// Operations (primary until June) and of Globex, and buys for each and for nobody.
@Suite("Account metrics count attributed purchases")
struct AccountMetricsTests {
    @Test(arguments: Backend.available)
    func aMemberOfTwoAccountsCountsInEachForWhatWasBoughtForIt(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        // Globex: only E6, bought for it (70); not Cy's E4 (Operations') nor E5 (nobody's).
        let globex = try ws.metrics(account: "GLOBEX", includeChildren: false)
        #expect(globex.orders == 1 && globex.revenue == 70 && globex.buyers == 1 && globex.customers == 1)
        // Operations: Bo's E3 (30) and Cy's E4 (20), bought while Cy's primary membership held.
        let ops = try ws.metrics(account: "ACME-UK-OPS", includeChildren: false)
        #expect(ops.orders == 2 && ops.revenue == 50 && ops.buyers == 2)
        // Acme and below: Finance 150, Operations 50, Legal 10, Acme's own 200.
        let acme = try ws.metrics(account: "ACME", includeChildren: true)
        #expect(acme.orders == 6 && acme.revenue == 410 && acme.buyers == 5)
        #expect(acme.segment == "account ACME and below")
        let own = try ws.metrics(account: "ACME", includeChildren: false)
        #expect(own.orders == 1 && own.revenue == 200)
        // The account's figures and its metrics agree on what is its.
        let figures = try ws.account("GLOBEX").figures.total
        #expect(figures.orders == globex.orders && figures.revenue == globex.revenue)
        // An attribution moves the purchase between the two accounts' metrics at once.
        try ws.attribute(event: "E4", account: "GLOBEX")
        #expect(try ws.metrics(account: "GLOBEX", includeChildren: false).revenue == 90)
        #expect(try ws.metrics(account: "ACME-UK-OPS", includeChildren: false).revenue == 30)
    }
}
