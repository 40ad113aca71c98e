import Foundation
import RapportStore

/// One entry of the analyst's action log as `rapport log` shows it.
public struct ActionView: Codable, Sendable, Equatable {
    public var entry: Int64
    public var time: Timestamp
    public var analyst: String
    public var action: String
    public var customer: String?
    /// done, undone, dropped (undone, then passed by a new correction), purged or erased.
    public var state: String
    /// What the action was, in words.
    public var description: String
    /// The command that makes the same correction (nil for an erased customer's entry).
    public var command: String?
    /// Until when a clear's events are held (it can be undone until then).
    public var heldUntil: Timestamp?

    enum CodingKeys: String, CodingKey {
        case entry, time, analyst, action, customer, state, description, command, heldUntil = "held_until"
    }

    init(_ e: ActionEntry) {
        entry = e.id
        time = Timestamp(e.time)
        analyst = e.analyst
        action = e.kind.rawValue
        customer = e.customerRef
        state = e.state.rawValue
        heldUntil = e.state == .done ? e.heldUntil.map(Timestamp.init) : nil
        let p = e.payload
        let who = e.customerRef ?? "?"
        guard e.state != .erased else {
            description = "\(e.kind.rawValue) of an erased customer"
            command = nil
            return
        }
        switch e.kind {
        case .giftFlag:
            description = "flagged \(p["event"] ?? "?") of \(who) as a gift"
            command =
                "rapport gift \(Self.quote(p["event"] ?? "?"))" + (p["note"].map { " --note \(Self.quote($0))" } ?? "")
        case .giftUnflag:
            description = "unflagged \(p["event"] ?? "?") of \(who) as a gift"
            command = "rapport gift \(Self.quote(p["event"] ?? "?")) --undo"
        case .historyClear:
            let since = p["since"].flatMap(Int64.init)
            let scope = since.map { "since \(Dates.isoDateTime($0))" } ?? "all time"
            description =
                "cleared \(p["removed"] ?? "?") events of \(who) (\(scope)\(p["types"].map { ", \($0)" } ?? ""))"
            command =
                "rapport clear-history \(Self.quote(who))"
                + (since.map { " --since \(Dates.isoDateTime($0))" } ?? " --all")
                + (p["types"].map { " --types \(Self.quote($0))" } ?? "")
        case .noteAdd:
            description = "added note \(p["note"] ?? "?") to \(who)"
            command = "rapport note \(Self.quote(who)) \(Self.quote(p["text"] ?? ""))"
        case .noteEdit:
            description = "edited note \(p["note"] ?? "?") of \(who)"
            command = "rapport note \(Self.quote(who)) --edit \(p["note"] ?? "?") \(Self.quote(p["after"] ?? ""))"
        case .noteDelete:
            description = "deleted note \(p["note"] ?? "?") of \(who)"
            command = "rapport note \(Self.quote(who)) --delete \(p["note"] ?? "?")"
        case .accountLink, .accountUnlink, .accountParent, .eventAttribute, .accountNote:
            let words = Self.accountWords(e.kind, p, who: who)
            description = words.0
            command = words.1
        }
    }

    /// Emails and phone numbers masked in what the entry quotes (a note's text, a gift note).
    public var redacted: ActionView {
        var v = self
        v.description = Redaction.text(description)
        v.command = command.map(Redaction.text)
        return v
    }

    /// A word the shell takes as it is: bare when safe, else in single quotes.
    static func quote(_ s: String) -> String {
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:,#@/+=")
        if !s.isEmpty, s.unicodeScalars.allSatisfy(safe.contains) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// What an undo or a redo did.
public struct UndoOutcome: Codable, Sendable, Equatable {
    /// "undo" or "redo".
    public var did: String
    public var entry: ActionView

    /// "undone: flagged E0000063 of C00001 as a gift".
    public var summary: String { "\(did == "undo" ? "undone" : "redone"): \(entry.description)" }
}

extension Workspace {
    /// The analyst's action log (everyone's with `everyone`), newest first.
    public func actionLog(everyone: Bool = false, limit: Int, offset: Int) throws -> (items: [ActionView], total: Int) {
        let who = everyone ? nil : analyst
        return (
            try store.actionEntries(analyst: who, limit: limit, offset: offset).map(ActionView.init),
            try store.actionCount(analyst: who)
        )
    }

    /// Undoes this analyst's newest correction in force; nil when there is nothing to undo.
    public func undo() throws -> UndoOutcome? {
        try purgeExpiredHolds()
        let basis = try accountFiguresBasis()
        guard let e = try store.undoLast(holdSeconds: holdSeconds, by: actor) else { return nil }
        try afterWalking(e, basis: basis)
        return UndoOutcome(did: "undo", entry: ActionView(e))
    }

    /// Makes again the correction this analyst undid last; nil when there is none.
    public func redo() throws -> UndoOutcome? {
        let basis = try accountFiguresBasis()
        guard let e = try store.redoLast(holdSeconds: holdSeconds, by: actor) else { return nil }
        try afterWalking(e, basis: basis)
        return UndoOutcome(did: "redo", entry: ActionView(e))
    }

    /// Purges the held events of clears whose retention window has passed (`purgeNow`: every
    /// held clear). Returns how many events went. Runs at every writable open, before undo, and
    /// by `rapport purge`.
    @discardableResult
    public func purgeExpiredHolds(purgeNow: Bool = false) throws -> Int {
        guard !store.isReadOnly else { return 0 }
        let now = clock()
        guard let next = try store.nextPurge(), purgeNow || next <= now else { return 0 }
        return try store.purgeHeldEvents(now: purgeNow ? Int64.max : now, by: actor)
    }

    /// The figures of the customer an undo or redo touched, the as-of date, and the figures of
    /// the accounts it touched follow at once, as after the correction itself. `basis` is what
    /// the account figures counted from before the walk (`accountFiguresBasis`).
    func afterWalking(_ e: ActionEntry, basis: [Int64?]) throws {
        if [.accountLink, .accountUnlink, .accountParent, .eventAttribute].contains(e.kind) {
            // As after `account link` and the others: the accounts it named, on either side.
            try refreshAccountFigures(
                customer: e.customerId, before: e.accountsNamed,
                buyers: e.kind == .accountParent ? BuyersTouched.unchanged : nil)
            return
        }
        guard let key = e.customerId else { return }
        switch e.kind {
        case .giftFlag, .giftUnflag:
            cache.forgetProducts()
            try refreshCustomer(key)
        case .historyClear:
            try refreshCustomer(key)
            try followLoweredAsOf()
            if e.payload["as_of_before"] != nil { try followRaisedAsOf() }
            try refreshAccountFigures(customer: key, before: [], basis: basis)
        case .noteAdd, .noteEdit, .noteDelete: break
        case .accountLink, .accountUnlink, .accountParent, .eventAttribute, .accountNote: break
        }
    }

    /// Undoing a clear that had lowered the store's as-of date raises it again: the models'
    /// date and every customer's figures follow, as `followLoweredAsOf` does the other way.
    func followRaisedAsOf() throws {
        try followAsOf(where: >, "as-of date raised after an undo")
    }

    /// Edits one of a customer's notes (its id: `rapport log`, or `note` when it was added).
    public func editNote(customer key: Int64, note id: Int64, text: String) throws {
        try store.editNote(customer: key, note: id, text: text, by: actor)
    }

    public func deleteNote(customer key: Int64, note id: Int64) throws {
        try store.deleteNote(customer: key, note: id, by: actor)
    }
}

/// How long events are held, in words ("24 hours", "7 days").
public enum HoldWords {
    public static func duration(_ seconds: Int64) -> String {
        if seconds <= 0 { return "not at all" }
        if seconds % 86_400 == 0, seconds >= 2 * 86_400 { return "\(seconds / 86_400) days" }
        let hours = Double(seconds) / 3600
        let n = hours == hours.rounded() ? String(Int(hours)) : String(format: "%.1f", hours)
        return "\(n) hour\(n == "1" ? "" : "s")"
    }
}
