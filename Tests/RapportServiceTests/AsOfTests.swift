import Foundation
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// The as-of date follows the events that are stored (down as well as up), and a refresh that
/// an import left undone is recorded and shown.
@Suite("As-of date and pending refreshes")
struct AsOfTests {
    func asOf(_ t: TempWorkspace, _ customer: String = "C2") throws -> String? {
        try t.ws.profile(try t.ws.customerKey(customer)).asOf?.description
    }

    @Test func deletingAFarFutureEventBringsTheAsOfBackAfterADeltaImportAndARefresh() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows() + ["C1,2099-06-01,purchase,P0,10"])
        #expect(try asOf(t) == "2099-06-01")
        let c1 = try t.ws.customerKey("C1")
        _ = try t.ws.clearHistory(
            customer: c1, range: HistoryWindow(since: Dates.timestamp("2099-01-01"), types: nil))
        // A small import afterwards updates only its customers: the date still comes down.
        _ = try t.importEvents("delta.csv", ["C3,2026-04-20,purchase,P1,12"])
        #expect(try asOf(t) == "2026-04-20")
        _ = try t.importEvents("future.csv", ["C4,2098-01-01,purchase,P1,12"])
        _ = try t.ws.clearHistory(
            customer: try t.ws.customerKey("C4"), range: HistoryWindow(since: Dates.timestamp("2098-01-01")))
        try t.ws.refresh()
        #expect(try asOf(t) == "2026-04-20")
        #expect(try t.ws.asOf() == Dates.timestamp("2026-04-20"))
    }

    @Test func anImportWhoseRefreshNeverRanIsRecordedAndShown() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        #expect(try t.ws.refreshNeeded() == nil)
        // The store commits a file; the process dies before the refresh that follows.
        let path = t.dir.appendingPathComponent("more.csv").path
        try Data("customer_id,timestamp,type,product_id,amount\nC1,2026-04-21,purchase,P1,30\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        _ = try t.ws.store.importFile(path, options: ImportOptions(analyst: "tester"))
        let reason = try #require(try t.ws.refreshNeeded())
        #expect(reason.contains("more.csv") && reason.contains("rapport refresh"))
        #expect(try t.ws.modelFreshness()?.staleBecause == reason)
        #expect(try t.metrics("C1")?.orders == 4, "the figures do not include the committed file yet")
        // The next import sees another import's mark and refreshes everything.
        _ = try t.importEvents("next.csv", ["C2,2026-04-22,purchase,P1,30"])
        #expect(try t.ws.refreshNeeded() == nil)
        #expect(try t.metrics("C1")?.orders == 5)
        #expect(try t.metrics("C2")?.orders == 5)
    }

    @Test func filesCommittedBeforeALaterFileFailsAreStillRefreshed() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        let good = t.dir.appendingPathComponent("a-events.csv").path
        try Data("customer_id,timestamp,type,product_id,amount\nC1,2026-04-21,purchase,P1,30\n".utf8)
            .write(to: URL(fileURLWithPath: good))
        let bad = t.dir.appendingPathComponent("b-notes.csv").path
        try Data("customer_id,timestamp,analyst,text\nC1,not a date,tester,hello\n".utf8)
            .write(to: URL(fileURLWithPath: bad))
        #expect(throws: (any Error).self) {
            try t.ws.importFiles([good, bad], options: ImportOptions(analyst: "tester"))
        }
        #expect(try t.metrics("C1")?.orders == 5)
        #expect(try t.ws.refreshNeeded() == nil)
    }
}
