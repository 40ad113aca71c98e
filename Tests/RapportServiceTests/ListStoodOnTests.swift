import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// The customer list as it stood on a past day, on both stores: the customers first seen by
/// then, each row with the figures `profile --as-of` gives for that day.
/// - Ann buys in January and February, and again in May;
/// - Bo signs up in January and buys nothing by March;
/// - Cy is first seen in April;
/// - Di buys in January only; Ed buys in February and is erased.
@Suite("The customer list as of a date")
struct ListStoodOnTests {
    static let files: [(String, String)] = [
        (
            "customers.csv",
            "customer_id,name,signup_date\nC1,Ann,\nC2,Bo,2024-01-10\nC3,Cy,\nC4,Di,\nC5,Ed,\n"
        ),
        ("products.csv", "product_id,title\nP1,Paper\nP2,Pens\n"),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount
            E1,C1,2024-01-05,purchase,P1,100
            E2,C1,2024-02-20,purchase,P2,50
            E3,C1,2024-05-02,purchase,P1,70
            E4,C3,2024-04-03,purchase,P2,30
            E5,C4,2024-01-15,purchase,P1,20
            E6,C5,2024-02-01,purchase,P2,10
            E7,C3,2024-06-03,purchase,P1,30

            """
        )
    ]

    static func workspace(_ backend: Backend) throws -> (Workspace, () -> Void) {
        try workspaceImporting(files, on: backend, clock: { 1_730_000_000 })
    }

    @Test(arguments: Backend.available)
    func theListOfThenHasThoseFirstSeenByThenWithTheirProfilesFigures(_ backend: Backend) throws {
        let (ws, cleanup) = try Self.workspace(backend)
        defer { cleanup() }
        try ws.forget(customer: try #require(try ws.findCustomer("C5")))
        let march = try #require(PointInTime.parse("2024-03-31"))
        let q = ListQuery(sort: .name)
        let total = try ws.customerCount(q, stoodOn: march, cap: nil)
        let rows = try ws.customerPage(q, stoodOn: march, offset: 0, limit: 10, total: total)
        // Cy was first seen in April; Ed is erased; Bo signed up in January.
        #expect(rows.map(\.externalId) == ["C1", "C2", "C4"] && total == 3)
        #expect(try ws.customerCount(q, stoodOn: march, cap: 2) == 2)
        // Ann's figures of then: two orders, 150 spent, as her profile as of that day says.
        let ann = rows[0]
        #expect(ann.orders == 2 && ann.spend == 150)
        for row in rows {
            let profile = try ws.profile(row.key, stoodOn: march)
            #expect(row.segment == profile.rfm?.segment && row.recencyDays == profile.rfm?.recencyDays)
            #expect(row.orders == (profile.rfm?.orders ?? 0) && row.spend == (profile.rfm?.spend ?? 0))
            #expect(row.stage == profile.lifecycle?.stage)
            #expect(row.clv == profile.lifecycle?.clv12m.map { ($0 * 100).rounded() / 100 })
        }
        // Today's list differs: Cy is in it, Ann has three orders.
        let today = try ws.customerPage(q, offset: 0, limit: 10)
        #expect(today.map(\.externalId) == ["C1", "C2", "C3", "C4"] && today[0].orders == 3)
        // A sort by a figure is given by name; by id stays by id; the last rows read from the end.
        #expect(
            try ws.customerPage(ListQuery(sort: .spend), stoodOn: march, offset: 0, limit: 10).map(\.externalId)
                == ["C1", "C2", "C4"])
        #expect(try ws.customerTail(ListQuery(sort: .name), stoodOn: march, limit: 2).map(\.externalId) == ["C2", "C4"])
        // A filter applies as today; a day before anyone was seen lists no one.
        #expect(
            try ws.customerPage(ListQuery(text: "Di"), stoodOn: march, offset: 0, limit: 10).map(\.externalId) == ["C4"]
        )
        let early = try #require(PointInTime.parse("2024-01-01"))
        #expect(try ws.customerCount(q, stoodOn: early, cap: nil) == 0)
    }
}
