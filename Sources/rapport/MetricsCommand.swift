import ArgumentParser
import Foundation
import RapportService

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Business metrics: orders, AOV, repeat rate, cohorts, carts, channels, CLV, segments.",
        discussion:
            "Definitions in docs/metrics.md. The window defaults to the 365 days ending on the store's as-of day.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "First day of the window (inclusive).", transform: DateArgument.parse) var since: DateArgument?
    @Option(help: "Last day of the window (inclusive).", transform: DateArgument.parse) var until: DateArgument?
    @Option(help: "Only an RFM segment, a lifecycle stage or a saved rule segment.") var segment: String?
    @Option(help: "Which kind of segment --segment names (needed for 'at risk', both an RFM segment and a stage).")
    var kind: SegmentKind?
    @OptionGroup var past: StoodOnOptions
    @Option(help: "Only the people of this B2B account (docs/accounts.md).") var account: String?
    @Flag(name: .customLong("include-children"), help: "With --account: its subtree's people too.")
    var includeChildren = false

    func validate() throws {
        if past.asOf != nil && (since != nil || until != nil) {
            throw ValidationError("--as-of ends the window on its day (the 365 days before it): no --since or --until")
        }
        if account != nil && segment != nil { throw ValidationError("give --segment or --account, not both") }
        if includeChildren && account == nil { throw ValidationError("--include-children goes with --account") }
    }

    mutating func run() throws {
        let ws = try past.pointInTime == nil ? storeOptions.open(readOnly: true) : past.open(storeOptions)
        if let account {
            if let p = past.pointInTime { StoodOnText.fullPass(p) }
            let m =
                try past.pointInTime.map {
                    try ws.metrics(account: account, includeChildren: includeChildren, stoodOn: $0)
                }
                ?? ws.metrics(
                    since: since?.seconds, until: until?.seconds, account: account, includeChildren: includeChildren)
            if output.json { try Out.json(m) } else { MetricsText.print(m) }
            return
        }
        // Resolved here for the command's own errors; the kind travels only when it was given.
        let scope = try segment.map { try SegmentArgument.resolve($0, kind: kind, in: ws) }
        let name = kind == nil ? scope?.name : scope?.qualified
        if let p = past.pointInTime { StoodOnText.fullPass(p) }
        let m =
            try past.pointInTime.map { try ws.metrics(stoodOn: $0, segment: name) }
            ?? ws.metrics(since: since?.seconds, until: until?.seconds, segment: name)
        if output.json {
            try Out.json(m)
            return
        }
        MetricsText.print(m)
    }
}

/// The readable form of `rapport metrics`.
enum MetricsText {
    static func num(_ v: Double?, _ format: String = "%.2f") -> String { v.map { String(format: format, $0) } ?? "-" }
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    static func print(_ m: BusinessMetrics) {
        Out.line("\(m.since) … \(m.until)\(m.segment.map { "  segment: \($0)" } ?? "")")
        Out.line(
            "customers \(m.customers)  buyers \(m.buyers)  orders \(m.orders)  revenue \(num(m.revenue))  "
                + "returns \(num(m.returns))")
        Out.line(
            "AOV \(num(m.aov))  purchase frequency \(num(m.purchaseFrequency))  repeat rate \(pct(m.repeatRate))")
        Out.line(
            "cart abandonment \(pct(m.cartAbandonment)) of \(m.cartSessions) cart sessions  (per cart line "
                + "\(pct(m.cartLineAbandonment)) of \(m.carts))  recommendation CTR \(pct(m.recommendationClickThrough))"
                + " (\(m.recommendationClicks) clicks of \(m.recommendationImpressions) impressions)")
        Out.line(
            "CLV 12m total \(num(m.clv.total))  mean \(num(m.clv.mean))  P(alive) < 0.5: "
                + "\(pct(m.clv.pAliveBelowHalfShare)) of customers")
        if let r = m.recommendations {
            Out.line(
                "recommendations HR@\(r.k) \(pct(r.hrAtK))  NDCG@\(r.k) \(num(r.ndcgAtK, "%.4f"))  on \(r.cases) "
                    + "held-out last purchases (sample of \(r.sample) of \(r.eligible) eligible customers)")
        } else {
            Out.line("recommendations -  (no customer in scope has a purchase to hold out)")
        }
        Out.line()
        printChannels(m)
        printCohorts(m)
        printSegments(m)
        printMigration(m)
    }

    static func printChannels(_ m: BusinessMetrics) {
        guard !m.channels.isEmpty else { return }
        let t = TextTable(headers: ["CHANNEL", "OPENS", "CLICKS", "CTOR", "PURCHASES"])
        for c in m.channels {
            t.add([c.channel, String(c.opens), String(c.clicks), pct(c.clickToOpen), String(c.purchases)])
        }
        t.print()
        Out.line()
    }

    static func printCohorts(_ m: BusinessMetrics) {
        guard !m.cohorts.isEmpty else { return }
        let width = m.cohorts.map(\.retention.count).max() ?? 1
        let t = TextTable(headers: ["COHORT", "SIZE"] + (0..<width).map { "M\($0)" })
        for c in m.cohorts {
            let cells = (0..<width).map {
                $0 < c.retention.count ? String(format: "%.0f%%", c.retention[$0] * 100) : ""
            }
            t.add([c.month, String(c.size)] + cells)
        }
        t.print()
        Out.line()
    }

    static func printSegments(_ m: BusinessMetrics) {
        let t = TextTable(headers: ["RFM SEGMENT", "CUSTOMERS", "REVENUE", "CLV 12M"])
        for s in m.segments where s.customers > 0 {
            t.add([s.segment, String(s.customers), num(s.revenue), num(s.clv12m)])
        }
        t.print()
        Out.line()
    }

    static func printMigration(_ m: BusinessMetrics) {
        guard !m.migration.isEmpty else { return }
        let t = TextTable(headers: ["FROM (START)", "TO (END)", "CUSTOMERS"])
        for x in m.migration { t.add([x.from ?? "(no purchase yet)", x.to, String(x.customers)]) }
        t.print()
    }
}

/// A segment named on the command line: an ambiguous name is a usage error (exit 2), an unknown
/// one a failure with a suggestion (exit 1).
enum SegmentArgument {
    static func resolve(_ name: String, kind: SegmentKind?, in ws: Workspace) throws -> SegmentRef {
        do {
            return try ws.resolveSegment(name, kind: kind)
        } catch SegmentLookupError.ambiguous(let message) {
            throw ValidationError(message)
        } catch SegmentLookupError.unknown(let message) {
            throw RuntimeError(message)
        }
    }
}
