import ArgumentParser
import Foundation
import RapportService
import RapportVocabulary

struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One customer: who they are beside what the data says.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var privacy: RedactOption
    @OptionGroup var past: StoodOnOptions
    @Argument(help: "Customer id.") var id: String

    mutating func run() throws {
        let ws = try past.open(storeOptions)
        let key = try ws.customerKey(id)
        let report = try past.pointInTime.map { try ws.profile(key, stoodOn: $0) } ?? ws.profile(key)
        RefreshWarning.show(ws)
        let p = privacy.redact ? report.redacted : report
        if output.json {
            try Out.json(p)
            return
        }
        let c = p.customer
        if let s = p.asStoodOn { Out.line(StoodOnText.heading(s)) }
        Out.line("\(c.name ?? "(no name)")  [\(c.id)]\(p.asOf.map { "  figures as of \($0)" } ?? "")")
        let place = [c.city, c.country].compactMap { $0 }.joined(separator: ", ")
        if !place.isEmpty { Out.line("  location: \(place)") }
        if let e = c.email { Out.line("  email:    \(e)") }
        if let ph = c.phone { Out.line("  phone:    \(ph)") }
        func flag(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "not recorded" }
        Out.line(
            "  consent:  personalization \(flag(c.consent.personalization)), email \(flag(c.consent.email)), sms \(flag(c.consent.sms)), push \(flag(c.consent.push))"
        )
        Out.line("  channel:  stated \(p.channel.stated ?? "-"), engages on \(p.channel.inferred ?? "-")")
        Out.line()
        Out.line("Stated")
        if p.preferences.stated.isEmpty { Out.line("  (nothing stated)") }
        for s in p.preferences.stated {
            Out.line("  \(s.polarity == .like ? "likes" : "dislikes") \(s.kind.rawValue) \(s.value)")
        }
        Out.line("Inferred (score, confidence, evidence)")
        for i in p.preferences.inferred.prefix(10) {
            Out.line(
                String(
                    format: "  %@ %@  %.2f  %.2f  %@", i.attribute.rawValue, i.value, i.score, i.confidence,
                    i.evidence.prefix(3).joined(separator: " ")))
        }
        if let r = p.rfm {
            Out.line(
                "RFM      \(r.r)\(r.f)\(r.m) \(r.segment), \(Units.count(r.orders, "order")), spend \(String(format: "%.2f", r.spend)), last \(r.recencyDays.map { "\($0) days ago" } ?? "-")"
            )
        }
        if let l = p.lifecycle {
            let expected = l.expectedPurchases90d.map { String(format: "%.2f", $0) } ?? "-"
            Out.line(
                "Lifecycle \(l.stage), P(alive) \(l.pAliveText), expected purchases 90d \(expected), CLV 12m \(l.clvText)"
            )
            if !l.basis.isEmpty { Out.line("  \(l.basis)") }
        }
        Out.line("Recommendations")
        for r in p.recommendations { Out.line("  \(r.productId) \(r.title) [\(r.kind.rawValue)] \(r.reason)") }
        if !p.replenishment.isEmpty { Out.line("Replenishment") }
        for r in p.replenishment { Out.line("  \(r.productId) \(r.title): \(r.when) (\(r.due)); \(r.basis)") }
        if !p.dampedSpikes.isEmpty { Out.line("Damped spikes") }
        for s in p.dampedSpikes {
            Out.line(
                "  \(s.category) \(s.from)..\(s.to), \(Units.count(s.events, "event")), counted \(Int((s.counted * 100).rounded()))%: \(s.reason)"
            )
        }
        Out.line("Milestones")
        for m in p.milestones {
            Out.line("  \(m.reached ? "reached" : "next") \(m.label)\(m.toGo.map { " (\($0))" } ?? "")")
        }
        if !p.notes.isEmpty { Out.line("Notes") }
        for n in p.notes { Out.line("  \(n.time) \(n.analyst): \(n.text)") }
    }
}

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Recommendations for a customer, each with its reason.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "How many.") var k = 10
    @OptionGroup var past: StoodOnOptions
    @Argument(help: "Customer id.") var id: String

    func validate() throws { if k < 1 || k > 200 { throw ValidationError("--k must be from 1 to 200") } }

    mutating func run() throws {
        let ws = try past.open(storeOptions)
        let key = try ws.customerKey(id)
        let recs =
            try past.pointInTime.map { try ws.recommendations(key, k: k, stoodOn: $0) } ?? ws.recommendations(key, k: k)
        if output.json {
            try Out.json(recs)
            return
        }
        let t = TextTable(headers: ["PRODUCT", "TITLE", "KIND", "REASON"])
        for r in recs { t.add([r.productId, r.title, r.kind.rawValue, r.reason]) }
        t.print()
    }
}

struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild metrics, segments and the recommendation model from every event.")
    @OptionGroup var storeOptions: StoreOptions

    mutating func run() throws {
        let ws = try storeOptions.open()
        let started = Date()
        let printer = RefreshPrinter(enabled: Out.isTerminal)
        try ws.refresh(progress: printer.update)
        printer.finish()
        Out.line(String(format: "refreshed in %.2f s", Date().timeIntervalSince(started)))
    }
}

struct Segments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "RFM segments, lifecycle stages and rule segments with counts.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var past: StoodOnOptions

    mutating func run() throws {
        let ws = try past.open(storeOptions)
        let s = try past.pointInTime.map { try ws.segmentSummaries(stoodOn: $0) } ?? ws.segmentSummaries()
        if let p = past.pointInTime { StoodOnText.fullPass(p) }
        if output.json {
            try Out.json(Listing(items: s, total: s.count, limit: nil, offset: 0))
            return
        }
        let t = TextTable(headers: ["KIND", "SEGMENT", "MEMBERS", "SHARE", "RULE"])
        for x in s {
            t.add([x.kind.rawValue, x.name, String(x.members), String(format: "%.1f%%", x.share * 100), x.rule ?? ""])
        }
        t.print()
    }
}

struct Segment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and inspect rule segments.",
        subcommands: [Create.self, Members.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a rule segment, e.g. 'recency_days < 60 and consent.email'.")
        @OptionGroup var storeOptions: StoreOptions
        @Flag(help: "Replace the rule of an existing rule segment of this name.") var replace = false
        @Argument(help: "Segment name (not an RFM segment or lifecycle stage).") var name: String
        @Argument(help: "Rule (see docs/algorithms.md).") var rule: String

        mutating func run() throws {
            let ws = try storeOptions.open()
            let saved = try ws.saveRuleSegment(name: name, rule: rule, replace: replace)
            for w in saved.warnings { ErrorReporting.printError("rapport: warning: \(Printable.safe(w))") }
            Out.line("segment \(name)\(saved.replaced ? " replaced" : ""): \(Units.count(saved.members, "member"))")
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Members of a segment (rule, RFM or stage).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var list: ListOptions
        @OptionGroup var privacy: RedactOption
        @Option(help: "Which kind of segment the name is (needed for 'at risk', both an RFM segment and a stage).")
        var kind: SegmentKind?
        @OptionGroup var past: StoodOnOptions
        @Argument(help: "Segment name.") var name: String

        mutating func run() throws {
            let ws = try past.open(storeOptions)
            let ref = try SegmentArgument.resolve(name, kind: kind, in: ws)
            if let p = past.pointInTime {
                StoodOnText.fullPass(p)
                let all = try ws.segmentMembers(ref, stoodOn: p)
                return try show(list.page(all), total: all.count)
            }
            let query: ListQuery
            switch ref.kind {
            case .rule: query = ListQuery(ruleSegment: name)
            case .rfm: query = ListQuery(segment: name)
            case .stage: query = ListQuery(stage: name)
            }
            let total = try ws.customerCount(query)
            try show(try ws.customerPage(query, offset: list.offset, limit: list.limit, total: total), total: total)
        }

        func show(_ page: [CustomerListItem], total: Int) throws {
            let rows = privacy.redact ? page.map(\.redacted) : page
            let listing = list.listing(rows, total: total)
            if output.json {
                try Out.json(listing)
                return
            }
            let t = TextTable(headers: ["ID", "NAME", "RFM SEGMENT", "STAGE"])
            for r in rows { t.add([r.externalId, r.name ?? "", r.segment ?? "", r.stage ?? ""]) }
            t.print()
            Out.line(listing.footer("members of \(name)"))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a rule segment.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Segment name.") var name: String
        mutating func run() throws {
            let ws = try storeOptions.open()
            try ws.deleteSegment(name)
            Out.line("deleted segment \(name)")
        }
    }
}

extension SegmentKind: ExpressibleByArgument {}

/// Refresh stages on one rewritten stderr line, on a terminal only.
final class RefreshPrinter: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ stage: String, _ fraction: Double) {
        guard enabled else { return }
        lock.withLock {
            FileHandle.standardError.write(Data(String(format: "\r%@ %3.0f%%\u{1B}[K", stage, fraction * 100).utf8))
            shown = true
        }
    }

    func finish() {
        lock.withLock { if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    }
}

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a whole store into a new one, e.g. a SQLite file into PostgreSQL (docs/postgres.md).")
    @Option(name: .long, help: ArgumentHelp("The store to copy (file or postgres:// URL).", valueName: "path|url"))
    var from: String
    @Option(name: .long, help: ArgumentHelp("The new, empty store (file or postgres:// URL).", valueName: "path|url"))
    var to: String
    @Option(name: .long, help: ArgumentHelp("Name recorded in the audit log (default: $USER).", valueName: "name"))
    var analyst: String?
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        Logs.bootstrap()
        let source = StoreLocation.resolve(explicit: from)
        if !source.isServer && !FileManager.default.fileExists(atPath: source.path) {
            throw RuntimeError("no store at \(source.path)")
        }
        let target = StoreLocation.resolve(explicit: to)
        let who = StoreOptions.analystName(analyst, at: target)
        let summary = try StoreCopy.run(
            from: source, to: target, analyst: who, config: try Config.load(),
            progress: output.json ? nil : { Out.line($0) })
        if output.json { return try Out.json(summary) }
        Out.line(
            "copied \(summary.customers) customers, \(summary.products) products, \(summary.events) events, "
                + "\(summary.notes) notes, \(summary.segments) segments and \(summary.auditEntries) audit entries "
                + String(format: "in %.1f s", summary.seconds))
    }
}
