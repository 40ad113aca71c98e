import Foundation
import RapportStore
import Testing
@testable import RapportService

/// `eval recs --apply`: the settings validation chose are the ones `recommend` uses afterwards.
@Suite("Recommender tuning")
struct TuningTests {
    /// 30 customers, six purchases each, of products that come in pairs.
    static func rows() -> [String] {
        (1...30).flatMap { c in
            (0..<6).map { k in "C\(c),2026-0\(k + 1)-\(10 + c % 9),purchase,P\((c + k) % 8),\(10 + c)" }
        }
    }

    @Test func appliedSettingsAreUsedAndSurviveReopening() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", Self.rows())
        #expect(try t.ws.recommenderTuning() == nil)
        #expect(t.ws.recommenderInUse.lambda == 200 && t.ws.recommenderInUse.tauDays == 90)

        let r = try t.ws.evaluateRecommender(k: 5, types: nil, lambdas: [50], taus: [120], damping: true)
        #expect(r.lambda == 50 && r.tauDays == 120 && r.damped && r.users == 30)
        let tuning = try t.ws.applyRecommenderTuning(r)
        #expect(tuning.lambda == 50 && tuning.tauDays == 120 && tuning.damped)
        #expect(t.ws.recommenderInUse == (lambda: 50, tauDays: 120, damped: true))
        // Preferences keep the configured τ.
        #expect(t.ws.insightSettings.preferences.tauDays == 90)

        // A new session on the same store uses the tuning, and `--in-use` measures exactly it.
        let again = Workspace(store: try ProfileStore(path: t.ws.storePath), analyst: "other", clock: { 1_790_000_000 })
        #expect(again.recommenderInUse == (lambda: 50, tauDays: 120, damped: true))
        let inUse = try again.evaluateRecommender(k: 5, types: nil, inUse: true)
        #expect(inUse.lambda == 50 && inUse.tauDays == 120 && inUse.hrAtK == r.hrAtK)

        let audit = try t.ws.store.auditEntries().first { $0.action == "tune_recommender" }
        #expect(audit?.analyst == "tester" && audit?.details.contains("\"lambda\":\"50.0\"") == true)
    }

    /// 60 customers with six purchases each: enough validation customers to choose settings.
    static func manyRows() -> [String] {
        (1...60).flatMap { c in
            (0..<6).map { k in "C\(c),2026-0\(k + 1)-\(10 + c % 9),purchase,P\((c + k) % 8),\(10 + c)" }
        }
    }

    @Test func aSmallStoresFirstFitTunesTheRecommenderOnItsOwnData() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", Self.manyRows())
        let tuning = try #require(try t.ws.recommenderTuning())
        let r = try #require(t.ws.lastAutoTuning)
        #expect(r.users == 60 && tuning.lambda == r.lambda && tuning.tauDays == r.tauDays)
        #expect([200, 800].contains(tuning.lambda))
        #expect(tuning.damped && tuning.tauDays >= t.ws.tauFloorDays)
        #expect(t.ws.recommenderInUse == (lambda: r.lambda, tauDays: r.tauDays, damped: r.damped))
        let audit = try #require(try t.ws.store.auditEntries().first { $0.action == "tune_recommender" })
        #expect(audit.details.contains("\"automatic\":\"yes\""))
        // A later import does not tune again: the analyst's (or the first) choice stands.
        _ = try t.importEvents("more.csv", ["C1,2026-08-01,purchase,P1,10"])
        #expect(try t.ws.store.auditEntries().filter { $0.action == "tune_recommender" }.count == 1)
    }

    @Test func customersFirstThenEventsStillTunes() throws {
        let t = try TempWorkspace()
        let customers = t.dir.appendingPathComponent("customers.csv").path
        let ids = (1...60).map { "C\($0),Name \($0)" }.joined(separator: "\n")
        try Data("customer_id,name\n\(ids)\n".utf8).write(to: URL(fileURLWithPath: customers))
        _ = try t.ws.importFiles([customers], options: ImportOptions(analyst: "tester"))
        #expect(try t.ws.recommenderTuning() == nil)
        _ = try t.importEvents("e.csv", Self.manyRows())
        #expect(try t.ws.recommenderTuning() != nil)
    }

    @Test func autoTuneCanBeTurnedOff() throws {
        let t = try TempWorkspace()
        t.ws.autoTune = false
        _ = try t.importEvents("e.csv", Self.manyRows())
        #expect(try t.ws.recommenderTuning() == nil && t.ws.lastAutoTuning == nil)
    }
}
