import Foundation
import RapportVocabulary

// "As it stood on D": a customer's events and notes as they were on a past moment, with the
// gift corrections that were in force then. Not to be confused with the store's analysis date
// (`AsOfDate`, the newest event), which every figure counts back from.
//
// The audit log is the record of corrections: a gift.flag or gift.unflag entry's time is when
// the correction was made. Cleared history is not reconstructed (its events are gone), and an
// erased customer stays erased.

/// One gift flag or unflag of one event, as the audit log recorded it.
public struct GiftCorrection: Sendable, Equatable {
    public var customer: Int64
    public var event: Int64
    public var time: Int64
    public var isGift: Bool
    public var note: String?
    /// The state the correction found, where the audit entry says (entries made since `was_gift` was kept).
    public var wasGift: Bool? = nil
}

/// An event's gift state on a past moment, from today's state and its corrections.
public enum GiftStateOn {
    /// `corrections` are one event's, oldest first. The latest made by `moment` is in force;
    /// with none made by then, the event was as the first correction found it (`wasGift`), or,
    /// for an entry older than that record, the opposite of the first correction (a correction
    /// is then taken to change the state); with no note.
    public static func state(
        today: (isGift: Bool, note: String?), corrections: [GiftCorrection], moment: Int64
    ) -> (isGift: Bool, note: String?) {
        guard let first = corrections.first else { return today }
        if let made = corrections.last(where: { $0.time <= moment }) { return (made.isGift, made.note) }
        return (first.wasGift ?? !first.isGift, nil)
    }

    /// Applies the corrections in force on `moment` to events of one or more customers.
    public static func apply(_ corrections: [Int64: [GiftCorrection]], moment: Int64, to rows: inout [EventRow]) {
        guard !corrections.isEmpty else { return }
        for i in rows.indices {
            guard let list = corrections[rows[i].id] else { continue }
            let s = state(today: (rows[i].isGift, rows[i].giftNote), corrections: list, moment: moment)
            rows[i].isGift = s.isGift
            rows[i].giftNote = s.isGift ? s.note : nil
        }
    }
}

extension StoreBackend {
    /// Gift corrections of events that are still stored, by event key, each list oldest first;
    /// one customer's, or every customer's (`nil`).
    public func giftCorrections(customer key: Int64?) throws -> [Int64: [GiftCorrection]] {
        try readSQL { db in
            let filter = key == nil ? "" : " AND a.customer_id = ?"
            let entries = try db.all(
                """
                SELECT a.customer_id, a.time, a.action, a.details FROM audit_log a
                WHERE a.action IN (?, ?, ?, ?)\(filter) ORDER BY a.id
                """,
                Self.giftStateActions.map { SQLValue.string($0.rawValue) } + (key.map { [SQLValue.int64($0)] } ?? [])
            ) { row -> (customer: Int64, time: Int64, flag: Bool?, details: [String: String]) in
                let json = Data((try row.string(3) ?? "{}").utf8)
                let details = (try? JSONDecoder().decode([String: String].self, from: json)) ?? [:]
                // A flag or unflag sets the state its name says; an undo or redo of one says it in `is_gift`.
                let flag: Bool? =
                    switch try row.string(2) {
                    case AuditAction.giftFlag.rawValue: true
                    case AuditAction.giftUnflag.rawValue: false
                    default: details["is_gift"].map { $0 == "1" }
                    }
                return (try row.int64(0) ?? 0, try row.int64(1) ?? 0, flag, details)
            }
            var out: [Int64: [GiftCorrection]] = [:]
            var resolved: [String: Int64?] = [:]
            for e in entries {
                guard let shown = e.details["event"], let flag = e.flag else { continue }
                let cacheKey = "\(e.customer) \(shown)"
                if resolved[cacheKey] == nil {
                    resolved[cacheKey] = try Self.eventKey(db, customer: e.customer, displayId: shown)
                }
                guard let event = resolved[cacheKey] ?? nil else { continue }
                out[event, default: []].append(
                    GiftCorrection(
                        customer: e.customer, event: event, time: e.time, isGift: flag, note: e.details["note"],
                        wasGift: e.details["was_gift"].map { $0 == "1" }))
            }
            return out
        }
    }

    /// The audit actions that change an event's gift state: flags, unflags, and undos and redos
    /// (only those of a gift carry `event` and `is_gift`).
    static var giftStateActions: [AuditAction] { [.giftFlag, .giftUnflag, .actionUndo, .actionRedo] }

    /// The key of the event a display id (`#key` or the file's id) names among a customer's events.
    static func eventKey(_ db: any SQLDatabase, customer: Int64, displayId: String) throws -> Int64? {
        if displayId.hasPrefix("#"), let k = Int64(displayId.dropFirst()) {
            return try db.int64("SELECT id FROM events WHERE customer_id = ? AND id = ?", [.int64(customer), .int64(k)])
        }
        return try db.int64(
            "SELECT id FROM events WHERE customer_id = ? AND external_id = ?", [.int64(customer), .string(displayId)])
    }

    /// A customer's events up to `moment`, in time order, with the gift corrections `basis` names;
    /// without their products' names when not `named` (`eventsWithoutNames`).
    public func events(
        customer key: Int64, stoodOn moment: Int64, corrections basis: CorrectionsBasis, named: Bool = true
    ) throws -> [EventRow] {
        var rows = try (named ? events(customer: key) : eventsWithoutNames(customer: key)).filter { $0.time <= moment }
        if basis == .then { GiftStateOn.apply(try giftCorrections(customer: key), moment: moment, to: &rows) }
        return rows
    }

    /// A customer's notes written by `moment`, newest first.
    public func notes(customer key: Int64, stoodOn moment: Int64) throws -> [NoteRecord] {
        try notes(customer: key).filter { $0.time <= moment }
    }
}
