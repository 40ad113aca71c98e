import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

@Suite("Service")
struct ServiceTests {
    @Test func storeAndEngineAgreeOnEventTypeCodes() {
        for t in EventType.allCases { #expect(EventKinds.code(of: t.rawValue) == t.code) }
        #expect(EventKinds.names.count == EventType.allCases.count)
    }

    @Test func configParsesAndPointsAtMistakes() throws {
        let c = try Config.parse(
            """
            [keys]
            down = ["n", "Down"]
            quit = "Q"
            [insights]
            tau_days = 30
            exploration_share = 0.2
            owned_after_views = 0
            last_session_views_owned = false
            [colors]
            accent = "magenta"
            [ui]
            mouse = true
            """)
        #expect(c.keys == ["down": ["n", "Down"], "quit": ["Q"]])
        #expect(c.tauDays == 30 && c.explorationShare == 0.2 && c.colors["accent"] == "magenta" && c.mouse)
        #expect(c.ownedAfterViews == 0 && !c.lastSessionViewsOwned)
        #expect(Config().ownedAfterViews == 3 && Config().lastSessionViewsOwned)
        #expect(throws: ConfigError.self) { try Config.parse("[insights]\nexploration_share = 2\n") }
        #expect(throws: ConfigError.self) { try Config.parse("[insights]\nowned_after_views = -1\n") }
        do {
            _ = try Config.parse("[keys\ndown = 1\n", path: "config.toml")
            Issue.record("should fail")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("config.toml:1:"))
        }
        #expect(try Config.load(path: "/nonexistent/config.toml") == Config())
    }

    @Test func storeLocationOrder() {
        #expect(
            StoreLocation.resolve(explicit: "/x/s.sqlite", environment: ["RAPPORT_STORE": "/y"]).path == "/x/s.sqlite")
        #expect(
            StoreLocation.resolve(explicit: nil, environment: ["RAPPORT_STORE": "/y/s.sqlite"])
                == StoreLocation(path: "/y/s.sqlite", isDefault: false))
        #expect(
            StoreLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"])
                == StoreLocation(path: "/d/rapport/store.sqlite", isDefault: true))
        #expect(
            StoreLocation.resolve(explicit: nil, environment: ["HOME": "/h"]).path
                == "/h/.local/share/rapport/store.sqlite")
    }

    @Test func insightDiffInWords() {
        let before = InsightSnapshotTestSupport.make(inferred: ["Music/Jazz", "Toys"], recs: ["P1", "P2", "P3"])
        let after = InsightSnapshotTestSupport.make(inferred: ["Music/Jazz"], recs: ["P1", "P2", "P4"])
        #expect(
            InsightDiff.describe(before: before, after: after) == [
                "Toys no longer inferred", "recommendations: P4 in; P3 out"
            ])
    }

    /// A gift flag that only reorders the list said "recommendations unchanged" (issue 19, 4).
    @Test func aReorderIsDescribedAsMoves() {
        let before = InsightSnapshotTestSupport.make(inferred: ["Toys"], recs: ["P1", "P2", "P3"])
        let after = InsightSnapshotTestSupport.make(inferred: ["Toys"], recs: ["P2", "P1", "P3"])
        #expect(InsightDiff.describe(before: before, after: after) == ["recommendations: moved P2 2 → 1, P1 1 → 2"])
        let same = InsightSnapshotTestSupport.make(inferred: ["Toys"], recs: ["P1", "P2", "P3"])
        #expect(InsightDiff.describe(before: before, after: same) == ["recommendations unchanged"])
    }
}

enum InsightSnapshotTestSupport {
    static func make(inferred: [String], recs: [String]) -> InsightSnapshot {
        var s = InsightSnapshot(inferred: [], recommendations: [])
        s.inferred = inferred
        s.recommendations = recs
        return s
    }
}

@Suite("Log file")
struct LogFileTests {
    @Test func linesFromSeveralWritersArriveWholeAndControlsAreNeutralised() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-log-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Two sinks on one file stand for two processes; each writes from several threads.
        let sinks = [FileSink(path: path), FileSink(path: path)]
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for n in 0..<250 { sinks[t % 2].write("writer \(t) line \(n) \(String(repeating: "x", count: 200))\n") }
        }
        sinks[0].write("name \u{1B}[2J forged\nline\n")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2001)
        #expect(
            lines.dropLast().allSatisfy { $0.hasPrefix("writer ") && $0.hasSuffix(String(repeating: "x", count: 200)) })
        #expect(lines.last == "name ?[2J forged?line")
    }
}
