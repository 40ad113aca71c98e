import ArgumentParser
import Foundation
import RapportService

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Why a customer is in a segment, or why a product ranks where it does.",
        subcommands: [SegmentWhy.self, RecommendationWhy.self])

    struct SegmentWhy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "segment",
            abstract: "Each condition of a segment with the customer's value, passed or failed.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var past: StoodOnOptions
        @Option(help: "Which kind of segment the name is (needed for 'at risk', both an RFM segment and a stage).")
        var kind: SegmentKind?
        @Argument(help: "Segment name.") var name: String
        @Argument(help: "Customer id.") var id: String

        mutating func run() throws {
            let ws = try past.open(storeOptions)
            let ref = try SegmentArgument.resolve(name, kind: kind, in: ws)
            let e = try ws.explainSegment(ref, customer: try ws.customerKey(id), stoodOn: past.pointInTime)
            if output.json { return try Out.json(e) }
            if let s = e.asStoodOn { Out.line(StoodOnText.heading(s)) }
            Out.line(e.summary)
            if let rule = e.rule { Out.line("rule: \(rule)") }
            for c in e.conditions { Out.line("  \(c.passed ? "pass" : "fail")  \(c.text)") }
        }
    }

    struct RecommendationWhy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recommendation",
            abstract: "A recommendation's score in parts: history items, time weights, damping.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var past: StoodOnOptions
        @Argument(help: "Customer id.") var id: String
        @Argument(help: "Product id.") var product: String

        mutating func run() throws {
            let ws = try past.open(storeOptions)
            let e = try ws.explainRecommendation(
                customer: try ws.customerKey(id), product: product, stoodOn: past.pointInTime)
            if output.json { return try Out.json(e) }
            if let s = e.asStoodOn { Out.line(StoodOnText.heading(s)) }
            for line in e.lines { Out.line(line) }
        }
    }
}
