import Foundation
import RapportService
import RapportStore
import RapportUI
import RapportVocabulary
import Testing

@testable import RapportApp

/// `@` on the customer list: the customers seen by the day, each with their figures of then,
/// the marker in the title, a sort by a figure given by name with the status line saying so,
/// and `@` again back to now.
@Suite("The list on a past day")
struct ListPastDateTests {
    /// Ann buys in January, February and May; Bo only in February; Cy first in April.
    static func workspace() throws -> (Workspace, () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-list-day-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = [
            ("customers.csv", "customer_id,name\nC1,Ann\nC2,Bo\nC3,Cy\n"),
            ("products.csv", "product_id,title\nP1,Paper\n"),
            (
                "events.csv",
                "event_id,customer_id,timestamp,type,product_id,amount\nE1,C1,2024-01-05,purchase,P1,100\n"
                    + "E2,C1,2024-02-20,purchase,P1,50\nE3,C2,2024-02-01,purchase,P1,20\n"
                    + "E4,C3,2024-04-03,purchase,P1,30\nE5,C1,2024-05-02,purchase,P1,70\n"
            )
        ]
        let paths = try files.map { name, text in
            let p = dir.appendingPathComponent(name).path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        let path = dir.appendingPathComponent("store.sqlite").path
        let ws = Workspace(store: try ProfileStore(path: path), analyst: "tester")
        _ = try ws.importFiles(paths, options: ImportOptions(analyst: "tester"))
        return (ws, { try? FileManager.default.removeItem(at: dir) })
    }

    @Test func atOnTheListShowsWhoWasSeenByThenWithTheirFiguresOfThen() throws {
        let (ws, cleanup) = try Self.workspace()
        defer { cleanup() }
        let h = Harness(client: .live(ws))
        #expect(h.model.list.total == 3 && h.model.list.rows[0]?.orders == 3)
        h.press(.char("@"))
        h.type("2024-03-31")
        h.press(.enter)
        let day = try #require(PointInTime.parse("2024-03-31"))
        #expect(h.model.pastDate == day && h.model.list.asOfDay == day)
        #expect(h.lines[0].contains("@ as of 2024-03-31"), "\(h.lines[0])")
        // Cy was first seen in April; Ann had two orders then, as her profile of then says.
        #expect(h.model.list.total == 2 && h.model.list.rows[0]?.externalId == "C1")
        let profile = try ws.profile(try #require(h.model.list.rows[0]?.key), stoodOn: day)
        #expect(h.model.list.rows[0]?.orders == 2 && profile.rfm?.orders == 2)
        #expect(h.model.list.rows[0]?.segment == profile.rfm?.segment)
        // By id the order is known; by RFM segment it is not: by name, and the status says so.
        h.press(.char("s"))
        #expect(!h.screen.contains("sorted by name"))
        h.press(.char("s"))
        #expect(h.model.list.query.sort == .segment && h.screen.contains("sorted by name"))
        #expect(h.model.list.rows[0]?.externalId == "C1" && h.model.list.rows[1]?.externalId == "C2")
        // `@` again: now.
        h.press(.char("@"))
        #expect(h.model.pastDate == nil && h.model.list.asOfDay == nil && h.model.list.total == 3)
        #expect(!h.lines[0].contains("@ as of"))
    }
}
