import Foundation
import RapportStore
import Testing
@testable import RapportService

/// The CLV model a store fits (`[insights] clv_model`) and the 90% intervals of P(alive) and
/// CLV in the profile (docs/algorithms.md).
@Suite("CLV model and intervals")
struct CLVIntervalTests {
    static func workspace(clvModel: String) throws -> (Workspace, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-clv-\(UUID().uuidString)")
        let out = try SampleGenerator(customers: 150, seed: 42).write(to: dir.path)
        var config = Config()
        config.autoTune = false
        config.clvModel = clvModel
        let ws = Workspace(
            store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "t", config: config,
            clock: { 1_800_000_000 })
        _ = try ws.importFiles(out.files, options: ImportOptions(analyst: "t"))
        return (ws, dir)
    }

    /// A customer with one purchase day who is no longer new (a new customer's basis is their
    /// first order, not the model).
    static func oneTimeBuyer(_ ws: Workspace) throws -> ProfileReport? {
        for i in 1...400 {
            let id = "C" + String(format: "%05d", i)
            let p = try ws.profile(try ws.customerKey(id))
            if p.lifecycle?.singlePurchase == true && p.lifecycle?.basis.hasPrefix("first order") == false { return p }
        }
        return nil
    }

    @Test func theProfileShowsIntervalsAroundItsFigures() throws {
        let (ws, dir) = try Self.workspace(clvModel: "bgnbd")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try ws.profile(try ws.customerKey("C00001"))
        let l = try #require(p.lifecycle)
        #expect(l.clvModel == "bgnbd")
        let alive = try #require(l.pAlive), clv = try #require(l.clv12m)
        let ai = try #require(l.pAliveInterval), ci = try #require(l.clv12mInterval)
        #expect(ai.low <= alive && alive <= ai.high && ai.low >= 0 && ai.high <= 1)
        #expect(ci.low <= clv && clv <= ci.high && ci.low < ci.high)
        let json = String(decoding: try JSONOutput.encode(p), as: UTF8.self)
        #expect(json.contains("\"p_alive_interval\" : {") && json.contains("\"clv_12m_interval\" : {"))
        #expect(json.contains("\"clv_model\" : \"bgnbd\""))
        // The same interval on every open (the draws are seeded).
        #expect(try ws.profile(try ws.customerKey("C00001")).lifecycle?.clv12mInterval == ci)
    }

    @Test func theModifiedModelLetsOneTimeBuyersDropOut() throws {
        let (bg, d1) = try Self.workspace(clvModel: "bgnbd")
        defer { try? FileManager.default.removeItem(at: d1) }
        let (mbg, d2) = try Self.workspace(clvModel: "mbgnbd")
        defer { try? FileManager.default.removeItem(at: d2) }
        let classic = try #require(try Self.oneTimeBuyer(bg))
        #expect(classic.lifecycle?.pAlive == nil && classic.lifecycle?.pAliveInterval == nil)
        #expect(classic.lifecycle?.pAliveText == "n/a (one purchase)")
        let id = classic.customer.id
        let modified = try #require(try mbg.profile(try mbg.customerKey(id)).lifecycle)
        #expect(modified.clvModel == "mbgnbd")
        let alive = try #require(modified.pAlive)
        #expect(alive > 0 && alive < 1)
        #expect(modified.pAliveInterval.map { $0.low <= alive && alive <= $0.high } == true)
        #expect(modified.basis.contains("modified BG/NBD"))
    }

    @Test func theConfigNamesTheModel() throws {
        #expect(try Config.parse("[insights]\nclv_model = \"mbgnbd\"\n").clvModel == "mbgnbd")
        #expect(Config().clvModel == "bgnbd")
        #expect(throws: ConfigError.self) { try Config.parse("[insights]\nclv_model = \"pareto\"\n") }
    }
}
