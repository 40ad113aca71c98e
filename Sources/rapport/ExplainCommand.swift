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
            for line in ExplanationText.lines(e) { Out.line(line) }
        }
    }
}

/// A recommendation's explanation as text lines (the command's output).
enum ExplanationText {
    static func lines(_ e: RecommendationExplanationView) -> [String] {
        var out: [String] = []
        if let s = e.asStoodOn { out.append(StoodOnText.heading(s)) }
        let place = e.position.map { "#\($0) of the list (\(e.kind?.rawValue ?? ""))" } ?? "not on the list"
        out.append("\(e.productId) \(e.title): \(place)")
        if let reason = e.reason { out.append("  reason: \(reason)") }
        if let why = e.excluded { out.append("  excluded: \(why)") }
        let rank = e.personalRank.map { ", rank \($0) among personal candidates" } ?? ""
        out.append(String(format: "  personal score %.4f", e.score) + rank)
        let slot = e.fillsExplorationSlot ? "fills one of" : "is not in"
        out.append("  \(slot) the \(e.explorationSlots) exploration slots")
        for s in e.sources {
            out.append(
                String(
                    format: "  %.4f (%.0f%%) via %@ %@: history weight %.4f × link %.4f%@", s.contribution,
                    s.share * 100, s.productId, s.title, s.historyWeight, s.linkWeight,
                    s.boughtTogether ? " (bought with)" : ""))
            // The heaviest events: the JSON has every one.
            let shown = s.events.sorted { $0.weight > $1.weight }.prefix(3)
            for p in shown {
                out.append(
                    String(
                        format: "      %@ %@ %@: type %.2f × damping %.2f × time %.3f = %.4f", p.eventId,
                        p.time.day, p.type.rawValue, p.typeWeight, p.damping, p.timeWeight, p.weight))
            }
            if s.events.count > shown.count { out.append("      and \(s.events.count - shown.count) more events") }
        }
        for d in e.dampedSpikes {
            out.append(
                "  damped: \(d.category) \(d.from)..\(d.to), counted \(Int((d.counted * 100).rounded()))%: \(d.reason)")
        }
        return out
    }
}
