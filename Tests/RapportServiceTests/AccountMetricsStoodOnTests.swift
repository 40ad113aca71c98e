import Foundation
import RapportStore
import Testing

@testable import RapportService

/// `rapport metrics --account ID --as-of D` counts, on both stores, the events up to D with the
/// memberships and attribution in force on D, on a hand-made tree (ROOT above TEAM):
/// - Ann (TEAM, primary since January) buys 100 in February and 50 in April;
/// - Bo (TEAM, primary from May) buys 30 in March and 40 in June: on 31 March not yet a member;
/// - Cy (ROOT, primary January to 15 February) buys 20 on 1 February (ROOT's) and 25 in March
///   (nobody's: the membership had ended);
/// - Di (ROOT, a user, not primary) only views;
/// - Ed, no member, buys 60 in March for TEAM by name, and 80 in May for TEAM.
@Suite("Account metrics as of a date")
struct AccountMetricsStoodOnTests {
    static let files: [(String, String)] = [
        ("customers.csv", "customer_id,name\nC1,Ann\nC2,Bo\nC3,Cy\nC4,Di\nC5,Ed\n"),
        ("products.csv", "product_id,title\nP1,Paper\nP2,Pens\n"),
        ("accounts.csv", "account_id,name,parent_id,kind\nROOT,Root Co,,company\nTEAM,Team,ROOT,department\n"),
        (
            "memberships.csv",
            """
            customer_id,account_id,role,primary,title,since,until
            C1,TEAM,buyer,true,,2024-01-01,
            C2,TEAM,buyer,true,,2024-05-01,
            C3,ROOT,buyer,true,,2024-01-01,2024-02-15
            C4,ROOT,user,false,,2024-01-01,

            """
        ),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount,account_id
            E1,C1,2024-02-01,purchase,P1,100,
            E2,C1,2024-04-10,purchase,P2,50,
            E3,C2,2024-03-01,purchase,P1,30,
            E4,C2,2024-06-01,purchase,P2,40,
            E5,C3,2024-02-01,purchase,P1,20,
            E6,C3,2024-03-01,purchase,P2,25,
            E7,C4,2024-03-10,view,P1,,
            E8,C5,2024-03-05,purchase,P1,60,TEAM
            E9,C5,2024-05-05,purchase,P2,80,TEAM

            """
        )
    ]

    static func workspace(_ backend: Backend) throws -> (Workspace, () -> Void) {
        try workspaceImporting(files, on: backend, clock: { 1_730_000_000 })
    }

    @Test(arguments: Backend.available)
    func membershipsAndPurchasesOfThenCount(_ backend: Backend) throws {
        let (ws, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        let march = try #require(PointInTime.parse("2024-03-31"))
        // TEAM on 31 March: Ann's 100 and Ed's 60 (by name); not Bo's 30 (his membership began
        // in May) nor anything after the day.
        let team = try ws.metrics(account: "TEAM", includeChildren: false, stoodOn: march)
        #expect(team.orders == 2 && team.revenue == 160 && team.buyers == 2 && team.customers == 2)
        #expect(team.until == "2024-03-10", "the window ends on the newest event up to the day")
        // ROOT alone: Cy's 20 made while a member, not the 25 after the membership ended; Di
        // counts among its people (a member), buying nothing.
        let root = try ws.metrics(account: "ROOT", includeChildren: false, stoodOn: march)
        #expect(root.orders == 1 && root.revenue == 20 && root.buyers == 1 && root.customers == 2)
        let tree = try ws.metrics(account: "ROOT", includeChildren: true, stoodOn: march)
        #expect(tree.orders == 3 && tree.revenue == 180 && tree.customers == 4)
        #expect(tree.segment == "account ROOT and below")
        // Today: Bo is a member (his June 40 counts; his March 30 was before he joined), Ann's
        // April 50 and Ed's May 80 count too.
        let today = try ws.metrics(account: "TEAM", includeChildren: false)
        #expect(today.orders == 5 && today.revenue == 330 && today.customers == 3)
        // As of a day after everything, the figures are today's.
        let later = try #require(PointInTime.parse("2024-12-31"))
        let then = try ws.metrics(account: "TEAM", includeChildren: false, stoodOn: later)
        #expect(then.orders == today.orders && then.revenue == today.revenue && then.customers == today.customers)
    }
}
