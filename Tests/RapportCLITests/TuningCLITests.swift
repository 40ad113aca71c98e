import Foundation
import Testing

/// Issue 19, insights 1: tuning says what it does, and `eval recs` is not silent in a pipe.
@Suite("Tuning on the command line")
struct TuningCLITests {
    @Test func evalRecsReportsProgressOnStderrWhenNotOnATerminal() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let small = try cli.smallSample()
        let r = try cli.run(["eval", "recs", "--store", small, "--lambda", "200,800", "--tau-days", "90"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("eval recs: setting 1 of 2, λ=200 τ=90 days damping on: validation HR@10"), "\(r.err)")
        #expect(r.err.contains("eval recs: setting 2 of 2"))
        #expect(!r.err.contains("\r"), "one line per setting in a pipe")
        #expect(r.out.contains("within the temporal promise: damping on, τ at least"), "\(r.out)")
        // --apply keeps damping on.
        let off = try cli.run(["eval", "recs", "--store", small, "--damping", "off", "--apply"])
        #expect(off.status != 0 && off.err.contains("--apply keeps damping on"))
    }

    @Test func everyImportSaysWhatItDidAboutTheRecommender() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let events = cli.dir.appendingPathComponent("events.csv")
        try Data("customer_id,timestamp,type,product_id,amount\nC1,2026-01-01,purchase,P1,5\n".utf8).write(to: events)
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let r = try cli.run(["import", "--store", store, events.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("recommender not tuned: 0 customers with 5 or more interactions"), "\(r.out)")
    }
}
