import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

/// Issue 19, insights 1: automatic tuning may not break the temporal-weighting promise.
@Suite("Temporal promise of tuning")
struct TemporalPromiseTests {
    static let day: Int64 = 86_400
    /// The last event of the store: before the test clock (1_790_000_000).
    static let end: Int64 = 1_790_000_000 - 10 * day
    static let start = end - 364 * day

    /// 40 teas and 120 camping products.
    static func products() -> String {
        "product_id,title,category,price\n"
            + (1...40).map { "T\($0),Tea \($0),Tea,8" }.joined(separator: "\n") + "\n"
            + (1...120).map { "K\($0),Camping \($0),Camping,40" }.joined(separator: "\n") + "\n"
    }

    /// 60 customers with a year of everyday tea (one purchase a day, the tea changing monthly);
    /// the first 30 end with one anomalous week of camping (five views and a purchase a day,
    /// each of another product), the habit pausing that week.
    static func events() -> [String] {
        var rows: [String] = []
        for c in 1...60 {
            let spike = c <= 30
            for d in 0..<(spike ? 358 : 365) {
                let tea = (c * 3 + d / 30) % 40 + 1
                rows.append("C\(c),\(start + Int64(d) * day + 9 * 3600),purchase,T\(tea),8")
            }
            guard spike else { continue }
            for d in 358..<365 {
                for v in 0..<6 {
                    let item = (c * 11 + (d - 358) * 6 + v) % 120 + 1
                    let type = v == 5 ? "purchase" : "view"
                    rows.append("C\(c),\(start + Int64(d) * day + Int64(10 + v) * 3600),\(type),K\(item),40")
                }
            }
        }
        return rows
    }

    static func store() throws -> TempWorkspace {
        let t = try TempWorkspace()
        let products = t.dir.appendingPathComponent("products.csv").path
        try Data(Self.products().utf8).write(to: URL(fileURLWithPath: products))
        _ = try t.ws.importFiles([products], options: ImportOptions(analyst: "tester"))
        _ = try t.importEvents("events.csv", Self.events())
        return t
    }

    /// The acceptance test: the store's first import tunes, and the habit stays ahead of the
    /// week's burst in the spike customers' recommendations afterwards.
    @Test func aFirstImportThatTunesKeepsTheHabitAheadInRecommendations() throws {
        let t = try Self.store()
        let tuning = try #require(try t.ws.recommenderTuning())
        #expect(t.ws.lastAutoTuning != nil)
        #expect(tuning.damped, "damping stays on")
        #expect(tuning.tauDays >= t.ws.tauFloorDays)
        for c in 1...30 {
            let p = try t.ws.profile(try t.ws.customerKey("C\(c)"))
            let tea = p.recommendations.filter { $0.category == "Tea" }.count
            let camping = p.recommendations.filter { $0.category == "Camping" }.count
            #expect(tea > camping, "C\(c): \(tea) tea, \(camping) camping, τ \(tuning.tauDays)")
            // The profile on the same screen says the same.
            #expect(p.preferences.inferred.first { $0.attribute == .category }?.value == "Tea")
        }
    }

    @Test func theTuningSaysWhatItChoseAndWhy() throws {
        let t = try Self.store()
        let note = try #require(t.ws.lastTuningNote)
        #expect(note.tuned)
        #expect(note.text.hasPrefix("recommender tuned on "))
        #expect(note.text.contains("damping on"))
        #expect(note.text.contains("within the temporal promise"))
        let r = try #require(t.ws.lastAutoTuning)
        #expect(r.spikeCases == 30)
        #expect(r.tauFloorDays == t.ws.tauFloorDays)
        // A later import does not tune, and says so.
        _ = try t.importEvents("more.csv", ["C40,\(Self.end + Self.day),purchase,T1,8"])
        let later = try #require(t.ws.lastTuningNote)
        #expect(!later.tuned && later.text.hasPrefix("recommender not tuned: tuned "))
    }

    @Test func aSettingThatBreaksThePromiseIsNotApplied() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", TuningTests.rows())
        var r = try t.ws.evaluateRecommender(k: 5, types: nil, lambdas: [50], taus: [90], damping: true)
        r.damped = false
        #expect(throws: (any Error).self) { try t.ws.applyRecommenderTuning(r) }
        r.damped = true
        r.tauDays = 0.001
        #expect(throws: (any Error).self) { try t.ws.applyRecommenderTuning(r) }
        #expect(try t.ws.recommenderTuning() == nil)
    }

    @Test func configPinsTheSettingsAndTheImportSaysSo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-pin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Config.parse("[insights]\nrecommender_lambda = 400\nrecommender_tau_days = 120\n")
        let ws = Workspace(
            store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "tester",
            config: config, clock: { 1_790_000_000 })
        #expect(ws.recommenderInUse == (lambda: 400, tauDays: 120, damped: true))
        let path = dir.appendingPathComponent("e.csv").path
        let text = "customer_id,timestamp,type,product_id,amount\n" + TuningTests.manyRows().joined(separator: "\n")
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
        _ = try ws.importFiles([path], options: ImportOptions(analyst: "tester"))
        #expect(try ws.recommenderTuning() == nil)
        let note = try #require(ws.lastTuningNote)
        #expect(!note.tuned && note.text.contains("pinned in config.toml"))
        #expect(throws: ConfigError.self) { try Config.parse("[insights]\nrecommender_tau_days = 0.001\n") }
    }
}
