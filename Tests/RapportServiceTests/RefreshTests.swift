import Foundation
import RapportStore
import Testing
@testable import RapportService

/// A workspace on a new store in a temporary folder, removed afterwards.
final class TempWorkspace {
    let dir: URL
    let ws: Workspace

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        ws = Workspace(
            store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "tester",
            clock: { 1_790_000_000 })
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func importEvents(_ name: String, _ rows: [String]) throws -> [ImportSummary] {
        let path = dir.appendingPathComponent(name).path
        let text = "customer_id,timestamp,type,product_id,amount\n" + rows.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try ws.importFiles([path], options: ImportOptions(analyst: "tester"))
    }

    func metrics(_ external: String) throws -> MetricsRecord? {
        let key = try ws.store.requireCustomer(external)
        return try ws.store.allMetrics().first { $0.customerId == key }
    }

    /// Metrics without their write time, to compare two refreshes.
    func allFigures() throws -> [MetricsRecord] {
        try ws.store.allMetrics().map {
            var m = $0
            m.updatedAt = 0
            return m
        }
    }

    /// 25 customers, four purchases each, a month apart, of two products.
    static func baseRows() -> [String] {
        (1...25).flatMap { c in
            (0..<4).map { k in "C\(c),2026-0\(k + 1)-\(10 + c % 9),purchase,P\(k % 2),\(10 + c)" }
        }
    }
}

@Suite("Refresh after imports")
struct RefreshTests {
    @Test func aSmallDeltaUpdatesOnlyItsCustomersAndKeepsTheFit() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        let fitted = try #require(try t.ws.modelFreshness())
        #expect(fitted.eventsAtFit == 100 && fitted.eventsSinceFit == 0 && fitted.staleBecause == nil)
        #expect(try t.metrics("C1")?.orders == 4)

        // When three new purchases of C1 and one of a new customer arrive (4 of 100: under 5%).
        _ = try t.importEvents(
            "delta.csv",
            [
                "C1,2026-04-20,purchase,P1,5", "C1,2026-04-21,purchase,P0,5",
                "C1,2026-04-22,purchase,P1,5", "C99,2026-04-22,purchase,P1,7"
            ])

        // Then their figures are current, the fit is the same one, and four events arrived since it.
        #expect(try t.metrics("C1")?.orders == 7)
        #expect(try t.metrics("C99")?.orders == 1)
        let after = try #require(try t.ws.modelFreshness())
        #expect(after.fittedAt == fitted.fittedAt && after.eventsAtFit == 100 && after.eventsSinceFit == 4)
        #expect(try t.ws.cache.model(t.ws.store)?.asOf == 1_776_816_000) // 2026-04-22, the newest event
    }

    @Test func aLargeDeltaRefitsThePopulationModels() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        _ = try t.importEvents("delta.csv", (1...6).map { "C\($0),2026-05-01,purchase,P1,5" })
        let after = try #require(try t.ws.modelFreshness())
        #expect(after.eventsAtFit == 106 && after.eventsSinceFit == 0)
    }

    @Test func moreThanAWeekOfNewDataIsStale() throws {
        let fit = ModelFit(fittedAt: 0, asOf: 1_000_000, events: 1000, lastEventKey: 1000)
        #expect(RefitRule.staleReason(fit: fit, eventsSince: 10, latestEvent: 1_000_000 + 6 * 86_400) == nil)
        #expect(RefitRule.staleReason(fit: fit, eventsSince: 10, latestEvent: 1_000_000 + 8 * 86_400) != nil)
        #expect(RefitRule.staleReason(fit: fit, eventsSince: 51, latestEvent: nil) != nil)
    }

    @Test func rangesReadAtOnceGiveTheSameFiguresAsOneRange() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        try t.ws.refreshDerived(progress: nil, parts: 1)
        let one = try t.allFigures()
        try t.ws.refreshDerived(progress: nil, parts: 3)
        #expect(try t.allFigures() == one)
        #expect(one.count == 25)
    }

    @Test func severalFilesWithSkipBadGetOneRejectsFileEach() throws {
        let t = try TempWorkspace()
        let a = t.dir.appendingPathComponent("a.csv").path
        let b = t.dir.appendingPathComponent("b.csv").path
        try Data("customer_id,timestamp,type\nC1,2026-01-01,view\nC2,not-a-date,view\n".utf8).write(
            to: URL(fileURLWithPath: a))
        try Data("customer_id,timestamp,type\nC3,2026-01-01,bogus\n".utf8).write(to: URL(fileURLWithPath: b))
        let folder = t.dir.appendingPathComponent("rejects").path
        let s = try t.ws.importFiles([a, b], options: ImportOptions(rejectsPath: folder, analyst: "tester"))
        #expect(s.map(\.rejected) == [1, 1])
        let rejectsA = try String(contentsOfFile: folder + "/a.rejects.csv", encoding: .utf8)
        #expect(rejectsA.hasPrefix("customer_id,timestamp,type,_error\nC2,not-a-date,view,\"line 3: timestamp:"))
        #expect(s.map(\.rejectsFile) == [folder + "/a.rejects.csv", folder + "/b.rejects.csv"])
    }

    @Test func writesAreStampedByTheWorkspaceClock() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        try t.ws.addNote(customer: try t.ws.customerKey("C1"), text: "prefers email")
        let notes = try t.ws.notes(try t.ws.customerKey("C1"))
        #expect(notes.map(\.time.description) == ["2026-09-21T14:13:20Z"])
        #expect(try t.metrics("C1")?.updatedAt == 1_790_000_000)
    }
}
