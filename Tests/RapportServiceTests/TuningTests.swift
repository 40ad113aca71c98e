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

        let r = try t.ws.evaluateRecommender(k: 5, types: nil, lambdas: [50], taus: [3], damping: false)
        #expect(r.lambda == 50 && r.tauDays == 3 && !r.damped && r.users == 30)
        let tuning = try t.ws.applyRecommenderTuning(r)
        #expect(tuning.lambda == 50 && tuning.tauDays == 3 && !tuning.damped)
        #expect(t.ws.recommenderInUse == (lambda: 50, tauDays: 3, damped: false))
        // Preferences keep the configured τ.
        #expect(t.ws.insightSettings.preferences.tauDays == 90)

        // A new session on the same store uses the tuning, and `--in-use` measures exactly it.
        let again = Workspace(store: try ProfileStore(path: t.ws.storePath), analyst: "other", clock: { 1_790_000_000 })
        #expect(again.recommenderInUse == (lambda: 50, tauDays: 3, damped: false))
        let inUse = try again.evaluateRecommender(k: 5, types: nil, inUse: true)
        #expect(inUse.lambda == 50 && inUse.tauDays == 3 && inUse.hrAtK == r.hrAtK)

        let audit = try t.ws.store.auditEntries().first { $0.action == "tune_recommender" }
        #expect(audit?.analyst == "tester" && audit?.details.contains("\"lambda\":\"50.0\"") == true)
    }
}
