import ArgumentParser
import Foundation
import RapportService

struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo your last correction (gift, clear-history, note), also from an earlier session.",
        discussion: "Refused, with nothing changed, when someone changed the same data since (docs/corrections.md).")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let ws = try storeOptions.open()
        try CorrectionOutput.show(try ws.undo(), nothing: "nothing to undo", json: output.json)
    }
}

struct Redo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make again the correction you undid last.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let ws = try storeOptions.open()
        try CorrectionOutput.show(try ws.redo(), nothing: "nothing to redo", json: output.json)
    }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your action log, newest first, each entry with its command.",
        discussion: "Undo and redo walk it; --everyone lists every analyst's.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var list: ListOptions
    @OptionGroup var privacy: RedactOption
    @Flag(help: "Every analyst's entries, not only yours.") var everyone = false

    mutating func run() throws {
        let ws = try storeOptions.openForReading()
        let page = try ws.actionLog(everyone: everyone, limit: list.limit, offset: list.offset)
        let items = privacy.redact ? page.items.map(\.redacted) : page.items
        let listing = list.listing(items, total: page.total)
        if output.json {
            try Out.json(listing)
            return
        }
        let table = TextTable(headers: ["ENTRY", "TIME", "ANALYST", "STATE", "ACTION", "COMMAND"])
        for e in items {
            table.add([String(e.entry), e.time.minute, e.analyst, e.state, e.description, e.command ?? ""])
        }
        table.print()
        Out.line(listing.footer("entries"))
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Purge the events of clears whose retention window has passed.",
        discussion: "--now purges every held clear: none of them can be undone afterwards.")
    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .customLong("now"), help: "Purge every held clear, whatever its window.") var now = false

    mutating func run() throws {
        let ws = try storeOptions.open()
        let n = try ws.purgeExpiredHolds(purgeNow: now)
        Out.line("purged \(n) held event\(n == 1 ? "" : "s")")
    }
}

enum CorrectionOutput {
    static func show(_ outcome: UndoOutcome?, nothing: String, json: Bool) throws {
        if json {
            try Out.json(UndoJSON(done: outcome != nil, outcome: outcome))
        } else {
            Out.line(outcome?.summary ?? nothing)
        }
    }

    /// `{"done": false, "outcome": null}` when there was nothing to walk.
    struct UndoJSON: Encodable {
        var done: Bool
        var outcome: UndoOutcome?
    }

    /// A preview for people: what would change, and the token that commits exactly it.
    static func preview(_ p: CorrectionPreview, head: String) {
        Out.line(head)
        for line in p.diff.lines { Out.line("  " + line) }
        Out.line("commit exactly this with --expect \(p.token)")
    }
}
