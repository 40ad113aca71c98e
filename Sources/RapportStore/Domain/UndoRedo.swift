import Foundation
import RapportVocabulary

// Undo and redo walk one analyst's action log: undo takes back their newest correction in force,
// redo makes again the one they undid last. Each checks that the state it changes is still the
// state the correction left (for undo) or found (for redo): a later change by someone else
// refuses it, with nothing applied. Each is audited, in the same transaction.

/// What a gift entry keeps: the event, and its flag and note on both sides.
struct GiftPayload {
    var event: String
    var key: Int64
    var before: (Bool, String?)
    var after: (Bool, String?)

    var fields: [String: String] {
        var f = ["event": event, "key": String(key), "was_gift": before.0 ? "1" : "0", "is_gift": after.0 ? "1" : "0"]
        if let n = before.1 { f["was_note"] = n }
        if let n = after.1 { f["note"] = n }
        return f
    }

    init(event: String, key: Int64, before: (Bool, String?), after: (Bool, String?)) {
        self.event = event
        self.key = key
        self.before = before
        self.after = after
    }

    init?(_ f: [String: String]) {
        guard let event = f["event"], let key = f["key"].flatMap(Int64.init) else { return nil }
        self.init(
            event: event, key: key, before: (f["was_gift"] == "1", f["was_note"]),
            after: (f["is_gift"] == "1", f["note"]))
    }
}

/// Which way an entry is walked.
public enum ActionDirection: String, Sendable {
    case undo, redo
}

extension StoreBackend {
    /// Undoes the analyst's newest correction in force; nil when there is none. A purged clear
    /// cannot be undone: when it is the newest, the refusal says so.
    @discardableResult
    public func undoLast(holdSeconds: Int64 = 86_400, by actor: Actor) throws -> ActionEntry? {
        try walk(.undo, holdSeconds: holdSeconds, by: actor)
    }

    /// Makes again the correction the analyst undid last; nil when there is none.
    @discardableResult
    public func redoLast(holdSeconds: Int64 = 86_400, by actor: Actor) throws -> ActionEntry? {
        try walk(.redo, holdSeconds: holdSeconds, by: actor)
    }

    func walk(_ direction: ActionDirection, holdSeconds: Int64, by actor: Actor) throws -> ActionEntry? {
        try writeSQL(.analyst) { db -> ActionEntry? in
            let wanted: ActionState = direction == .undo ? .done : .undone
            let order = direction == .undo ? "DESC" : "ASC"
            guard
                let entry = try db.first(
                    """
                    SELECT \(ActionLog.columns) FROM action_log WHERE analyst = ? AND state = ?
                    ORDER BY id \(order) LIMIT 1
                    """, [.string(actor.analyst), .string(wanted.rawValue)], ActionLog.entry)
            else {
                // Nothing to undo: say why when the newest correction is a purged clear.
                let newest = try db.first(
                    "SELECT \(ActionLog.columns) FROM action_log WHERE analyst = ? ORDER BY id DESC LIMIT 1",
                    [.string(actor.analyst)], ActionLog.entry)
                if direction == .undo, let newest, newest.state == .purged {
                    throw StoreError.invalidArgument(
                        "nothing to undo: the last correction, history.clear of \(newest.customerRef ?? "?"), "
                            + "cannot be undone: its held events were purged")
                }
                return nil
            }
            // A change of parent and an account's note are about an account, not a customer: they have neither.
            guard
                entry.kind == .accountParent || entry.kind == .accountNote
                    || (entry.customerId != nil && entry.customerRef != nil)
            else {
                return nil
            }
            let customer = entry.customerId ?? 0
            let ref = entry.customerRef
            var heldUntil: Int64?
            var newest: Int64?
            // What the walk's audit entry says beside the entry it walked: for a gift, which event and
            // the state it left, so a profile as it stood on a past day sees it as it sees a flag
            // (Domain/StoodOn.swift); for an account correction, the account it touched.
            var auditDetails: [String: String] = [:]
            switch (entry.kind, direction) {
            case (.giftFlag, _), (.giftUnflag, _):
                guard let g = GiftPayload(entry.payload) else {
                    throw StoreError.invalidArgument("entry \(entry.id) is damaged")
                }
                let (from, to) = direction == .undo ? (g.after, g.before) : (g.before, g.after)
                // Locked on PostgreSQL, as `setGift` locks it: a flag made meanwhile waits its turn.
                let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
                let now = try db.first(
                    "SELECT is_gift, gift_note FROM events WHERE customer_id = ? AND id = ?\(lock)",
                    [.int64(customer), .int64(g.key)], { (try $0.bool(0) ?? false, try $0.string(1)) })
                guard let now, now.0 == from.0, now.1 == from.1 else {
                    throw Self.conflict(entry, direction, "\(g.event) was changed or removed since")
                }
                try db.execute(
                    "UPDATE events SET is_gift = ?, gift_note = ? WHERE customer_id = ? AND id = ?",
                    [.bool(to.0), .string(to.1), .int64(customer), .int64(g.key)])
                auditDetails = ["event": g.event, "was_gift": from.0 ? "1" : "0", "is_gift": to.0 ? "1" : "0"]
                if to.0, let note = to.1 { auditDetails["note"] = note }
            case (.historyClear, .undo):
                newest = try HeldEvents.restore(db, action: entry.id).newest
                if let newest, let stored = try AsOfDate.stored(db), newest > stored {
                    try AsOfDate.recompute(db, now: actor.now)
                }
            case (.historyClear, .redo):
                let range = HistoryWindow(
                    since: entry.payload["since"].flatMap(Int64.init),
                    types: entry.payload["types"].map { $0.split(separator: ",").map(String.init) })
                let (filter, args) = try Self.historyFilter(db.dialect, customer: customer, range: range)
                let present = try db.count("SELECT COUNT(*) FROM events WHERE \(filter)", args)
                guard String(present) == entry.payload["removed"] else {
                    throw Self.conflict(entry, direction, "the events in its window changed since")
                }
                newest = try db.int64("SELECT MAX(time) FROM events WHERE \(filter)", args)
                _ = try HeldEvents.hold(db, action: entry.id, filter: filter, args: args)
                try AsOfDate.lower(db, removed: newest, now: actor.now)
                heldUntil = actor.now + max(0, holdSeconds)
            case (.noteAdd, .undo), (.noteDelete, .redo):
                let id = Int64(entry.payload["note"] ?? "") ?? 0
                let text = try? Self.noteText(db, customer: customer, note: id)
                guard text == entry.payload["text"] else {
                    throw Self.conflict(entry, direction, "note \(id) was changed or removed since")
                }
                try db.execute("DELETE FROM notes WHERE customer_id = ? AND id = ?", [.int64(customer), .int64(id)])
            case (.noteAdd, .redo), (.noteDelete, .undo):
                let id = Int64(entry.payload["note"] ?? "") ?? 0
                guard (try? Self.noteText(db, customer: customer, note: id)) == nil else {
                    throw Self.conflict(entry, direction, "note \(id) exists")
                }
                try db.execute(
                    "INSERT INTO notes(customer_id, id, time, analyst, text) VALUES (?, ?, ?, ?, ?)",
                    [
                        .int64(customer), .int64(id), .int64(Int64(entry.payload["time"] ?? "") ?? actor.now),
                        .string(entry.payload["author"] ?? actor.analyst), .string(entry.payload["text"] ?? "")
                    ])
            case (.accountLink, _), (.accountUnlink, _):
                guard let m = MembershipPayload(entry.payload) else {
                    throw StoreError.invalidArgument("entry \(entry.id) is damaged")
                }
                let (from, to) = direction == .undo ? (m.after, m.before) : (m.before, m.after)
                if let why = try MembershipPayload.move(db, customer: customer, from: from, to: to, at: actor.now) {
                    throw Self.conflict(entry, direction, why)
                }
            case (.accountParent, _):
                if let why = try AccountUndo.parent(db, entry.payload, direction, at: actor.now) {
                    throw Self.conflict(entry, direction, why)
                }
            case (.eventAttribute, _):
                if let why = try AccountUndo.attribution(
                    db, customer: customer, entry.payload, direction, at: actor.now)
                {
                    throw Self.conflict(entry, direction, why)
                }
            case (.accountNote, _):
                if let why = try AccountUndo.note(db, entry.payload, direction) {
                    throw Self.conflict(entry, direction, why)
                }
            case (.noteEdit, _):
                let id = Int64(entry.payload["note"] ?? "") ?? 0
                let (from, to) =
                    direction == .undo
                    ? (entry.payload["after"], entry.payload["before"])
                    : (entry.payload["before"], entry.payload["after"])
                guard (try? Self.noteText(db, customer: customer, note: id)) == from, let to else {
                    throw Self.conflict(entry, direction, "note \(id) was changed or removed since")
                }
                try db.execute(
                    "UPDATE notes SET text = ? WHERE customer_id = ? AND id = ?",
                    [.string(to), .int64(customer), .int64(id)])
            }
            try ActionLog.setState(db, entry.id, direction == .undo ? .undone : .done, heldUntil: heldUntil)
            if let account = entry.payload["account"] { auditDetails["account"] = account }
            try AuditLog.append(
                db, actor, direction == .undo ? .actionUndo : .actionRedo, customer: entry.customerId, customerRef: ref,
                details: auditDetails.merging(["entry": String(entry.id), "action": entry.kind.rawValue]) { $1 })
            var walked = entry
            walked.state = direction == .undo ? .undone : .done
            walked.heldUntil = heldUntil
            return walked
        }
    }

    static func conflict(_ entry: ActionEntry, _ direction: ActionDirection, _ why: String) -> StoreError {
        .invalidArgument(
            "cannot \(direction.rawValue) \(entry.kind.rawValue) of \(entry.customerRef ?? entry.payload["account"] ?? "?"): \(why) "
                + "(by someone else, or another of your corrections); nothing changed")
    }
}
