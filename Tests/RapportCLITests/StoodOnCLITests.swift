import Foundation
import Testing

/// `--as-of` and `explain` from the command line, on the sample.
@Suite("As of a day and explanations, end to end", .serialized)
struct StoodOnCLITests {
    @Test func aProfileAsOfADayAndItsExplanationsAsScriptsReadThem() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let past = try #require(
            try cli.json(["profile", "C00001", "--as-of", "2026-03-14", "--store", store]) as? [String: Any])
        let stood = try #require(past["as_stood_on"] as? [String: Any])
        // The analysis date as it stood then: the newest event up to that day.
        let asOf = try #require(past["as_of"] as? String)
        #expect(asOf <= "2026-03-14" && asOf >= "2026-03-01")
        #expect(stood["moment"] as? String == "2026-03-14T23:59:59Z" && stood["corrections"] as? String == "then")
        #expect(stood["models"] as? String == "then")
        let today = try #require(try cli.json(["profile", "C00001", "--store", store]) as? [String: Any])
        #expect(today["as_stood_on"] is NSNull && today["as_of"] as? String == "2026-10-31")
        // The history of then ends by then.
        let history = try #require(
            try cli.json(["history", "C00001", "--as-of", "2026-03-14", "--store", store]) as? [String: Any])
        let times = try #require(history["items"] as? [[String: Any]]).compactMap { $0["time"] as? String }
        #expect(!times.isEmpty && times.allSatisfy { $0 <= "2026-03-14T23:59:59Z" })
        // The first recommendation, explained: first place, the list's score.
        let recs = try #require(try cli.json(["recommend", "C00001", "--store", store]) as? [[String: Any]])
        let first = try #require(recs.first?["product_id"] as? String)
        let why = try #require(
            try cli.json(["explain", "recommendation", "C00001", first, "--store", store]) as? [String: Any])
        #expect(why["position"] as? Int == 1 && why["fills_exploration_slot"] as? Bool == false)
        #expect(abs((why["score"] as? Double ?? 0) - (recs[0]["score"] as? Double ?? -1)) < 0.001)
        let rfm = try #require(
            try cli.json(["explain", "segment", "champions", "C00001", "--store", store]) as? [String: Any])
        #expect((rfm["conditions"] as? [[String: Any]])?.count == 3 && rfm["member"] is Bool)
        // Bad input is named.
        let bad = try cli.run(["profile", "C00001", "--as-of", "last spring", "--store", store])
        #expect(bad.status != 0 && bad.err.contains("--as-of: 'last spring' is not a date"))
        let lone = try cli.run(["profile", "C00001", "--corrections", "today", "--store", store])
        #expect(lone.status != 0 && lone.err.contains("--corrections needs --as-of"))
    }
}
