import ArgumentParser
import Foundation
import RapportService
import RapportVocabulary

struct Customers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List customers.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var list: ListOptions
    @OptionGroup var privacy: RedactOption
    @Option(help: "Only names, emails or ids containing this text.") var filter = ""
    @Option(help: "Only this RFM segment (\(RFMNames.ordered.joined(separator: ", "))).") var segment: String?
    @Option(help: "Only this lifecycle stage (\(StageNames.ordered.joined(separator: ", "))).") var stage: String?
    @Option(help: "Sort column.") var sort: ListSort = .name
    @OptionGroup var past: StoodOnOptions

    func validate() throws {
        if past.asOf != nil && (segment != nil || stage != nil) {
            throw ValidationError("--segment and --stage are today's: not with --as-of (docs/as-of.md)")
        }
        if let segment, !RFMNames.all.contains(segment) {
            throw ValidationError("--segment '\(segment)' is not an RFM segment; one of \(quoted(RFMNames.ordered))")
        }
        if let stage, !StageNames.all.contains(stage) {
            throw ValidationError("--stage '\(stage)' is not a lifecycle stage; one of \(quoted(StageNames.ordered))")
        }
    }

    mutating func run() throws {
        let ws = try past.open(storeOptions)
        let q = ListQuery(text: filter, segment: segment, stage: stage, sort: sort)
        let total: Int
        let page: [CustomerListItem]
        if let p = past.pointInTime {
            if let note = ListStoodOn.sortNote(sort, p) { ErrorReporting.printError("rapport: \(note)") }
            total = try ws.customerCount(q, stoodOn: p, cap: nil)
            page = try ws.customerPage(q, stoodOn: p, offset: list.offset, limit: list.limit, total: total)
        } else {
            total = try ws.customerCount(q)
            page = try ws.customerPage(q, offset: list.offset, limit: list.limit, total: total)
        }
        RefreshWarning.show(ws)
        let rows = privacy.redact ? page.map(\.redacted) : page
        let listing = list.listing(rows, total: total)
        if output.json {
            try Out.json(listing)
            return
        }
        let table = TextTable(headers: ["ID", "NAME", "RFM SEGMENT", "STAGE", "RECENCY", "ORDERS", "SPEND", "CLV"])
        for r in rows {
            table.add([
                r.externalId, r.name ?? "", r.segment ?? "", r.stage ?? "",
                r.recencyDays.map { "\($0)d" } ?? "", r.orders.map(String.init) ?? "",
                r.spend.map { String(format: "%.2f", $0) } ?? "", r.clv.map { String(format: "%.2f", $0) } ?? ""
            ])
        }
        table.print()
        Out.line(listing.footer("customers"))
    }
}

extension ListSort: ExpressibleByArgument {}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A customer's events, newest first, with their event ids.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var list: ListOptions
    @OptionGroup var privacy: RedactOption
    @OptionGroup var past: StoodOnOptions
    @Argument(help: "Customer id.") var id: String

    mutating func run() throws {
        let ws = try storeOptions.openForReading()
        let key = try ws.customerKey(id)
        if let moment = past.pointInTime {
            let stored = try ws.history(key, stoodOn: moment)
            let all = privacy.redact ? stored.map(\.redacted) : stored
            if output.json {
                try Out.json(list.listing(list.page(all), total: all.count))
                return
            }
            Out.line(
                "as of \(moment.label) (\(moment.corrections == .then ? "gift flags of then" : "today's gift flags"))")
            printTable(list.page(all), total: all.count)
            return
        }
        if output.json {
            // Streamed from a cursor: a customer with a million events is not held in memory.
            try Out.streamJSON { write in
                try ws.streamHistoryJSON(
                    key, offset: list.offset, limit: list.limit, redact: privacy.redact, write: write)
            }
            return
        }
        let stored = try ws.history(key)
        let all = privacy.redact ? stored.map(\.redacted) : stored
        printTable(list.page(all), total: all.count)
    }

    func printTable(_ events: [HistoryEvent], total: Int) {
        let listing = list.listing(events, total: total)
        let table = TextTable(headers: ["EVENT", "TIME", "TYPE", "PRODUCT", "QTY", "AMOUNT", "CHANNEL", "GIFT"])
        for e in events {
            table.add([
                e.eventId, e.time.description, e.type.rawValue, e.product ?? e.productId ?? "", String(e.quantity),
                String(format: "%.2f", e.amount), e.channel ?? "", e.gift ? "gift" : ""
            ])
        }
        table.print()
        Out.line(listing.footer("events"))
    }
}

struct Gift: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flag a purchase as a gift: it stops shaping the buyer's profile and recommendations.",
        discussion: "--dry-run shows what would change and a token; --expect TOKEN commits only that.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Remove the gift flag instead.") var undo = false
    @Option(help: "Why (for example: for her nephew).") var note: String?
    @Flag(name: .customLong("dry-run"), help: "Show what would change, and change nothing.") var dryRun = false
    @Option(help: "Commit only if nothing changed since the --dry-run that gave this token.") var expect: String?
    @Argument(help: "Event id (as shown by 'rapport history').") var eventId: String

    mutating func run() throws {
        let ws = try dryRun ? storeOptions.openForReading() : storeOptions.open()
        if dryRun {
            let p = try ws.previewGift(event: eventId, isGift: !undo, note: note)
            if output.json { return try Out.json(p) }
            CorrectionOutput.preview(
                p, head: "flagging \(eventId) \(undo ? "as not a gift" : "as a gift") would change:")
            return
        }
        let change = try ws.setGift(event: eventId, isGift: !undo, note: note, expecting: expect)
        if output.json { return try Out.json(change.diff) }
        Out.line(change.outcome.summary)
    }
}

struct ClearHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear-history", abstract: "Delete a customer's recent events (all types unless --types).",
        discussion: """
            The events are held for [corrections] hold_hours (24 by default) so 'rapport undo' \
            can bring them back, then purged; --purge-now purges them at once.
            """)
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only events on or after this date (YYYY-MM-DD or ISO-8601).", transform: DateArgument.parse)
    var since: DateArgument?
    @Option(help: "Only events of the last N days or weeks, e.g. 30d or 2w.", transform: DurationArgument.parse)
    var last: DurationArgument?
    @Option(help: "Only these types, comma separated (e.g. view,search).") var types: String?
    @Flag(help: "Every event of the customer (of --types, if given): needed when there is no --since or --last.")
    var all = false
    @Flag(name: .customLong("dry-run"), help: "Show what would change, and remove nothing.")
    var dryRun = false
    @Flag(name: .customLong("purge-now"), help: "Purge the events at once: no undo.") var purgeNow = false
    @Option(help: "Commit only if nothing changed since the --dry-run that gave this token.") var expect: String?
    @Argument(help: "Customer id.") var id: String

    func validate() throws {
        if since != nil && last != nil { throw ValidationError("give --since or --last, not both") }
        if since == nil && last == nil && !all {
            throw ValidationError("say which events: --last 30d, --since DATE, or --all for the whole history")
        }
        if all && (since != nil || last != nil) { throw ValidationError("--all goes without --since or --last") }
    }

    mutating func run() throws {
        let ws = try dryRun ? storeOptions.openForReading() : storeOptions.open()
        // `--last` counts back from the store's as-of date, as the explorer and the profile do.
        let asOf = try ws.asOf() ?? ws.clock()
        // `--last 30d` is the 30 calendar days ending with the as-of day; `--last 12h` the 12 hours before it.
        let from = since?.seconds ?? last?.windowStart(asOf: asOf)
        let typeList = types?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let window = HistoryWindow(since: from, types: typeList)
        let key = try ws.customerKey(id)
        let scope = from.map { "since \(Dates.isoDateTime($0))" } ?? "all time"
        if dryRun {
            let p = try ws.previewClear(customer: key, range: window)
            if output.json { return try Out.json(p) }
            let n = p.events ?? 0
            CorrectionOutput.preview(
                p,
                head:
                    "would remove \(n) event\(n == 1 ? "" : "s") of \(id) (\(scope)); nothing was removed. It would change:"
            )
            return
        }
        let (removed, effects, diff) = try ws.clearHistoryDescribed(
            customer: key, range: window, purgeNow: purgeNow, expecting: expect)
        if output.json { return try Out.json(diff) }
        let tail = effects.isEmpty ? "" : ": " + effects.joined(separator: "; ")
        let kept =
            purgeNow || removed == 0
            ? "" : " (held \(HoldWords.duration(ws.holdSeconds)): 'rapport undo' brings them back)"
        Out.line("removed \(removed) event\(removed == 1 ? "" : "s") of \(id) (\(scope))\(tail)\(kept)")
    }
}

struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add an agent note to a customer (or edit or delete one).",
        discussion: "A note's number is printed when it is added, and 'rapport log' lists it.")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Replace the text of this note.") var edit: Int64?
    @Option(help: "Delete this note.") var delete: Int64?
    @Argument(help: "Customer id.") var id: String
    @Argument(help: "The note.") var text: String?

    func validate() throws {
        if edit != nil && delete != nil { throw ValidationError("give --edit or --delete, not both") }
        if delete != nil && text != nil { throw ValidationError("--delete takes no text") }
        if delete == nil && text == nil { throw ValidationError("the note's text is missing") }
    }

    mutating func run() throws {
        let ws = try storeOptions.open()
        let key = try ws.customerKey(id)
        if let n = delete {
            try ws.deleteNote(customer: key, note: n)
            Out.line("note \(n) of \(id) deleted")
        } else if let n = edit {
            try ws.editNote(customer: key, note: n, text: text ?? "")
            Out.line("note \(n) of \(id) edited")
        } else {
            let n = try ws.addNote(customer: key, text: text ?? "")
            Out.line("note \(n) added to \(id)")
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export everything stored about a customer as JSON.")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: ArgumentHelp("Write here (default: stdout).", valueName: "file")) var out: String?
    @Flag(help: "Replace the --out file if it exists.") var force = false
    @OptionGroup var privacy: RedactOption
    @Argument(help: "Customer id.") var id: String

    func validate() throws {
        if let out, !force, FileManager.default.fileExists(atPath: out) {
            throw ValidationError("\(out) exists already: choose another file, or add --force")
        }
    }

    mutating func run() throws {
        let ws = try storeOptions.open()
        let key = try ws.customerKey(id)
        if let out {
            try ws.exportCustomer(key, toFile: out, replace: force, redact: privacy.redact)
            Out.line("exported \(id) to \(out)")
        } else {
            let buffer = Out.stdoutBuffer()
            try ws.exportCustomer(
                key, destination: "stdout", redact: privacy.redact,
                write: { try buffer.add(Printable.escapedJSON($0)) }, flush: buffer.flush)
        }
    }
}

struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase a customer: their data is deleted and the store file compacted.",
        discussion: "On a terminal it asks for the id to be typed again; in scripts it needs --yes.")
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Erase without asking (for scripts).") var yes = false
    @Argument(help: "Customer id.") var id: String

    mutating func run() throws {
        let ws = try storeOptions.open()
        let key = try ws.customerKey(id)
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                throw RuntimeError("erasing \(id) cannot be undone: add --yes to confirm (nothing was erased)")
            }
            let prompt = "Erasing \(Printable.safe(id)) cannot be undone. Type the id to confirm: "
            FileHandle.standardError.write(Data(prompt.utf8))
            guard let typed = readLine(), typed.trimmingCharacters(in: .whitespaces) == id else {
                throw RuntimeError("the id did not match: nothing was erased")
            }
        }
        try ws.forget(customer: key)
        Out.line("erased \(id)")
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the audit log, newest first.",
        discussion: """
            --customer takes the customer's id, also after an erasure: the erasure's entry keeps a \
            keyed hash of the id (never the id itself), so the id the analyst knew finds it.
            """)
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var list: ListOptions
    @OptionGroup var privacy: RedactOption
    @Option(help: "Only entries about this customer (their id, also once erased).") var customer: String?

    mutating func run() throws {
        let ws = try storeOptions.openForReading()
        let page = try ws.auditPage(customer: customer, limit: list.limit, offset: list.offset)
        let entries = privacy.redact ? page.entries.map(\.redacted) : page.entries
        let listing = list.listing(entries, total: page.total)
        if output.json {
            try Out.json(listing)
            return
        }
        let table = TextTable(headers: ["TIME", "ANALYST", "ACTION", "CUSTOMER", "DETAILS"])
        for e in entries {
            table.add([
                e.time.minute, e.analyst, e.action, e.customer ?? "",
                e.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            ])
        }
        table.print()
        Out.line(listing.footer("entries"))
    }
}

/// Aligned plain-text columns for people; widths count display cells.
final class TextTable {
    let headers: [String]
    var rows: [[String]] = []
    init(headers: [String]) { self.headers = headers }
    func add(_ row: [String]) { rows.append(row.map { Printable.safe($0).replacingOccurrences(of: "\n", with: " ") }) }

    func print() {
        let all = [headers] + rows
        var widths = headers.map { _ in 0 }
        for r in all { for (i, c) in r.enumerated() { widths[i] = max(widths[i], Printable.width(c)) } }
        for r in all {
            let cells = r.enumerated().map { i, c in
                i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - Printable.width(c))
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }
}

/// "'a', 'b', 'c'" for error messages that list the valid values.
func quoted(_ values: [String]) -> String { values.map { "'\($0)'" }.joined(separator: ", ") }
