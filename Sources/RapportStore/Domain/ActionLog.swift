import Foundation

/// The kinds of correction the action log keeps, by the names `rapport log --json` writes.
public enum ActionKind: String, Sendable, CaseIterable, Codable {
    case giftFlag = "gift.flag"
    case giftUnflag = "gift.unflag"
    case historyClear = "history.clear"
    case noteAdd = "note.add"
    case noteEdit = "note.edit"
    case noteDelete = "note.delete"
    case accountLink = "account.link"
    case accountUnlink = "account.unlink"
    case accountParent = "account.parent"
    case eventAttribute = "event.attribute"
    case accountNote = "account.note"
}

/// Where an entry of the action log stands.
public enum ActionState: String, Sendable, Codable {
    /// In force: the analyst's `undo` can take it back.
    case done
    /// Taken back: `redo` can make it again, until the analyst makes a new correction.
    case undone
    /// Undone, then passed by a new correction: no longer redoable.
    case dropped
    /// A clear whose held events were purged: it cannot be undone.
    case purged
    /// About an erased customer: its details are gone and it cannot be undone.
    case erased
}

/// One correction of the action log, with what undoing and redoing it needs (`payload`).
public struct ActionEntry: Sendable, Equatable {
    public var id: Int64
    public var time: Int64
    public var analyst: String
    public var kind: ActionKind
    public var customerId: Int64?
    public var customerRef: String?
    public var state: ActionState
    /// A clear's held events are purged at this time.
    public var heldUntil: Int64?
    public var payload: [String: String]
}

/// Appending to and reading the action log, the same on both stores; every write runs in the
/// transaction of the correction it records.
enum ActionLog {
    static let columns = "id, time, analyst, kind, customer_id, customer_ref, state, held_until, payload"

    static func entry(_ r: any SQLRow) throws -> ActionEntry {
        let payload = try r.string(8).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        return ActionEntry(
            id: try r.int64(0) ?? 0, time: try r.int64(1) ?? 0, analyst: try r.string(2) ?? "",
            kind: ActionKind(rawValue: try r.string(3) ?? "") ?? .noteAdd, customerId: try r.int64(4),
            customerRef: try r.string(5), state: ActionState(rawValue: try r.string(6) ?? "") ?? .erased,
            heldUntil: try r.int64(7), payload: payload ?? [:])
    }

    static func json(_ payload: [String: String]) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(payload), as: UTF8.self)
    }

    /// Records a new correction. The analyst's undone entries can no longer be redone: a new
    /// correction starts a new branch, as in an editor.
    @discardableResult
    static func record(
        _ db: any SQLDatabase, _ actor: Actor, _ kind: ActionKind, customer: Int64?, customerRef: String?,
        payload: [String: String], heldUntil: Int64? = nil
    ) throws -> Int64 {
        try db.execute(
            "UPDATE action_log SET state = ? WHERE analyst = ? AND state = ?",
            [.string(ActionState.dropped.rawValue), .string(actor.analyst), .string(ActionState.undone.rawValue)])
        return try db.int64(
            """
            INSERT INTO action_log(time, analyst, kind, customer_id, customer_ref, state, held_until, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                .int64(actor.now), .string(actor.analyst), .string(kind.rawValue), .int64(customer),
                .string(customerRef), .string(ActionState.done.rawValue), .int64(heldUntil), .string(try json(payload))
            ]) ?? 0
    }

    static func setState(_ db: any SQLDatabase, _ id: Int64, _ state: ActionState, heldUntil: Int64? = nil) throws {
        try db.execute(
            "UPDATE action_log SET state = ?, held_until = ? WHERE id = ?",
            [.string(state.rawValue), .int64(heldUntil), .int64(id)])
    }

    /// An erased customer's entries keep that a correction happened, not what it said.
    static func erase(_ db: any SQLDatabase, customer key: Int64, ref: String) throws {
        try db.execute(
            "UPDATE action_log SET customer_ref = ?, payload = '{}', state = ?, held_until = NULL WHERE customer_id = ?",
            [.string(ref), .string(ActionState.erased.rawValue), .int64(key)])
    }
}

extension StoreBackend {
    /// The action log, newest first: one analyst's entries, or everyone's (`analyst` nil).
    public func actionEntries(analyst: String?, limit: Int, offset: Int) throws -> [ActionEntry] {
        try readSQL { db in
            let filter = analyst == nil ? "" : "WHERE analyst = ?"
            return try db.all(
                "SELECT \(ActionLog.columns) FROM action_log \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                (analyst.map { [SQLValue.string($0)] } ?? []) + [.int(limit), .int(offset)], ActionLog.entry)
        }
    }

    public func actionCount(analyst: String?) throws -> Int {
        try readSQL { db in
            guard let analyst else { return try db.count("SELECT COUNT(*) FROM action_log") }
            return try db.count("SELECT COUNT(*) FROM action_log WHERE analyst = ?", [.string(analyst)])
        }
    }
}
