import Foundation
import RapportVocabulary

// The analyst's actions, written once for both stores: each one write transaction with its
// audit entry, so the change and its record land together or not at all.

/// Tables keyed by customer that an erasure empties of the customer's rows, children first.
let customerKeyedTables = [
    "events", "stated_preferences", "notes", "customer_metrics", "segment_members", "customer_affinities",
    "customer_activity", "held_events", "memberships", "account_changes"
]

extension StoreBackend {
    static func externalId(_ db: any SQLDatabase, _ key: Int64) throws -> String? {
        try db.string("SELECT external_id FROM customers WHERE id = ?", [.int64(key)])
    }

    static func requireExternalId(_ db: any SQLDatabase, _ key: Int64) throws -> String {
        guard let ext = try externalId(db, key) else { throw StoreError.unknownCustomer("#\(key)") }
        return ext
    }

    /// The events a display id names: `#key`, or a file's event id (at most two, to tell an
    /// ambiguous id from a unique one).
    static func eventKeys(_ db: any SQLDatabase, _ displayId: String) throws -> [(customer: Int64, id: Int64)] {
        if displayId.hasPrefix("#"), let k = Int64(displayId.dropFirst()) {
            return try db.all("SELECT customer_id, id FROM events WHERE id = ?", [.int64(k)]) {
                (try $0.int64(0) ?? 0, try $0.int64(1) ?? 0)
            }
        }
        return try db.all("SELECT customer_id, id FROM events WHERE external_id = ? LIMIT 2", [.string(displayId)]) {
            (try $0.int64(0) ?? 0, try $0.int64(1) ?? 0)
        }
    }

    /// Marks a purchase as a gift (or not). A gift no longer shapes the buyer's profile.
    @discardableResult
    public func setGift(
        event displayId: String, isGift: Bool, note: String?, expecting token: String? = nil, by actor: Actor
    ) throws -> GiftChange {
        try writeSQL(.analyst) { db in
            try Self.flagGift(db, event: displayId, isGift: isGift, note: note, expecting: token, by: actor)
        }
    }

    /// The flag with its audit and action-log entries, in the caller's transaction.
    static func flagGift(
        _ db: any SQLDatabase, event displayId: String, isGift: Bool, note: String?, expecting token: String?,
        by actor: Actor
    ) throws -> GiftChange {
        let keys = try Self.eventKeys(db, displayId)
        guard let key = keys.first else { throw StoreError.unknownEvent(displayId) }
        if keys.count > 1 {
            throw StoreError.invalidArgument(
                "event id '\(displayId)' names events of several customers; use the event's #key")
        }
        // Locked on PostgreSQL: two analysts flagging the same purchase at once take turns.
        let lock = db.dialect == .postgres ? " FOR UPDATE OF e" : ""
        guard
            let (type, ref, wasGift, oldNote) = try db.first(
                """
                SELECT e.type, c.external_id, e.is_gift, e.gift_note FROM events e
                JOIN customers c ON c.id = e.customer_id
                WHERE e.customer_id = ? AND e.id = ?\(lock)
                """, [.int64(key.customer), .int64(key.id)],
                { (try $0.int(0), try $0.string(1) ?? "", try $0.bool(2) ?? false, try $0.string(3)) })
        else { throw StoreError.unknownEvent(displayId) }
        guard type == EventKinds.purchase else { throw StoreError.notAPurchase(displayId) }
        try PreviewToken.check(db, customer: key.customer, expected: token)
        try db.execute(
            "UPDATE events SET is_gift = ?, gift_note = ? WHERE customer_id = ? AND id = ?",
            [.bool(isGift), .string(isGift ? note : nil), .int64(key.customer), .int64(key.id)])
        // The state before, too: a profile as it stood before this correction needs it (Domain/StoodOn.swift).
        var details = ["event": displayId, "was_gift": wasGift ? "1" : "0"]
        if let note, isGift { details["note"] = note }
        try AuditLog.append(
            db, actor, isGift ? .giftFlag : .giftUnflag, customer: key.customer, customerRef: ref,
            details: details)
        try ActionLog.record(
            db, actor, isGift ? .giftFlag : .giftUnflag, customer: key.customer, customerRef: ref,
            payload: GiftPayload(
                event: displayId, key: key.id, before: (wasGift, oldNote), after: (isGift, isGift ? note : nil)
            ).fields)
        return GiftChange(eventKey: key.id, customerKey: key.customer, isGift: isGift)
    }

    /// The events of a customer a range selects, as a condition and its arguments.
    static func historyFilter(_ dialect: SQLDialect, customer: Int64, range: HistoryWindow) throws
        -> (String, [SQLValue])
    {
        var sql = "customer_id = ?"
        var args: [SQLValue] = [.int64(customer)]
        if let since = range.since {
            sql += " AND time >= ?"
            args.append(.int64(since))
        }
        if let types = range.types {
            let codes = try types.map { name -> Int64 in
                guard let code = EventKinds.code(of: name) else {
                    throw StoreError.invalidArgument(
                        "unknown event type '\(name)' (expected one of \(EventKinds.names.joined(separator: ", ")))")
                }
                return Int64(code)
            }
            sql += " AND " + dialect.anyOf("type")
            args.append(.int64List(codes))
        }
        return (sql, args)
    }

    /// Clears a customer's events in a range and of some types: they leave `events` for the
    /// holding area, where undo finds them until `holdSeconds` pass (0: purge at once, with
    /// `purgeHeldEvents`). Returns how many went.
    @discardableResult
    public func clearHistory(
        customer key: Int64, range: HistoryWindow, holdSeconds: Int64 = 86_400, expecting token: String? = nil,
        by actor: Actor
    ) throws -> Int {
        let (removed, entry) = try writeSQL(.analyst) { db -> (Int, Int64) in
            let ext = try Self.requireExternalId(db, key)
            try PreviewToken.check(db, customer: key, expected: token)
            let (filter, args) = try Self.historyFilter(db.dialect, customer: key, range: range)
            let newest = try db.int64("SELECT MAX(time) FROM events WHERE \(filter)", args)
            let asOfBefore = try AsOfDate.stored(db)
            var payload = ["removed": "0"]
            if let since = range.since { payload["since"] = String(since) }
            if let types = range.types { payload["types"] = types.joined(separator: ",") }
            let entry = try ActionLog.record(
                db, actor, .historyClear, customer: key, customerRef: ext, payload: payload,
                heldUntil: actor.now + max(0, holdSeconds))
            let removed = try HeldEvents.hold(db, action: entry, filter: filter, args: args)
            try AsOfDate.lower(db, removed: newest, now: actor.now)
            payload["removed"] = String(removed)
            if let asOfBefore, try AsOfDate.stored(db) != asOfBefore { payload["as_of_before"] = String(asOfBefore) }
            try db.execute(
                "UPDATE action_log SET payload = ? WHERE id = ?", [.string(try ActionLog.json(payload)), .int64(entry)])
            var details = ["removed": String(removed)]
            if let since = range.since { details["since"] = String(since) }
            if let types = range.types { details["types"] = types.joined(separator: ",") }
            try AuditLog.append(db, actor, .historyClear, customer: key, customerRef: ext, details: details)
            return (removed, entry)
        }
        if holdSeconds <= 0 { try purgeHeldEvents(now: actor.now, only: entry, by: actor) }
        return removed
    }

    /// How many events `clearHistory` would remove (for confirmation dialogs).
    public func countHistory(customer key: Int64, range: HistoryWindow) throws -> Int {
        try readSQL { db in
            let (filter, args) = try Self.historyFilter(db.dialect, customer: key, range: range)
            return try db.count("SELECT COUNT(*) FROM events WHERE \(filter)", args)
        }
    }

    /// Adds an agent note to a customer.
    @discardableResult
    public func addNote(customer key: Int64, text: String, by actor: Actor) throws -> Int64 {
        let trimmed = try Self.noteBody(text)
        return try writeSQL(.analyst) { db in
            let ext = try Self.requireExternalId(db, key)
            let id =
                try db.int64(
                    "INSERT INTO notes(customer_id, time, analyst, text) VALUES (?, ?, ?, ?) RETURNING id",
                    [.int64(key), .int64(actor.now), .string(actor.analyst), .string(trimmed)]) ?? 0
            // The note's text is personal data: the audit records that a note was added, not what it says.
            try AuditLog.append(db, actor, .noteAdd, customer: key, customerRef: ext, details: ["note": String(id)])
            try ActionLog.record(
                db, actor, .noteAdd, customer: key, customerRef: ext,
                payload: ["note": String(id), "text": trimmed, "time": String(actor.now), "author": actor.analyst])
            return id
        }
    }

    /// Erases a customer: every row keyed by them is deleted and their audit entries lose every
    /// personal detail, in one transaction that no other write interleaves with (an import must
    /// not add events for them meanwhile). The erasure is audited under a pseudonymous reference:
    /// a keyed hash of the id, never the id (`erasedCustomerKey`). Then the driver makes the
    /// deleted rows unreadable in its files (`scrubErasedData`).
    public func forget(customer key: Int64, by actor: Actor) throws {
        try writeSQL(.exclusive) { db in
            let externalId = try Self.requireExternalId(db, key)
            let ref = "erased#\(key)"
            let newest = try db.int64("SELECT MAX(time) FROM events WHERE customer_id = ?", [.int64(key)])
            for table in customerKeyedTables {
                try db.execute("DELETE FROM \(table) WHERE customer_id = ?", [.int64(key)])
            }
            try db.execute("DELETE FROM customers WHERE id = ?", [.int64(key)])
            try CustomerTally.removeOne(db)
            try eraseDriverTraces(db, customer: key, now: actor.now)
            try AsOfDate.lower(db, removed: newest, now: actor.now)
            try db.execute(
                "UPDATE audit_log SET customer_ref = ?, details = '{}' WHERE customer_id = ?",
                [.string(ref), .int64(key)])
            try ActionLog.erase(db, customer: key, ref: ref)
            guard let secret = try AuditLog.secret(db, create: true) else { return }
            try AuditLog.append(
                db, actor, .customerForget, customer: key, customerRef: ref,
                details: ["id_hash": ProfileStore.idHash(externalId, secret: secret)])
        }
        // Committed: whatever happens now, the customer is erased, and the message must say so.
        do {
            try scrubErasedData()
        } catch {
            throw StoreError.erasedNotCompacted(reason: StoreError.friendly(error) ?? "\(error)")
        }
    }

    /// Saves (or replaces) a rule segment. The rule text is validated by the caller (engine).
    public func saveSegment(name: String, rule: String, memberCount: Int?, by actor: Actor) throws {
        try writeSQL(.analyst) { db in
            try db.execute(
                """
                INSERT INTO segments(name, rule, created_at, analyst, member_count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, member_count = excluded.member_count
                """, [.string(name), .string(rule), .int64(actor.now), .string(actor.analyst), .int(memberCount)])
            try AuditLog.append(
                db, actor, .segmentSave, customer: nil, customerRef: nil, details: ["name": name, "rule": rule])
        }
    }

    public func deleteSegment(name: String, by actor: Actor) throws {
        try writeSQL(.analyst) { db in
            guard try db.execute("DELETE FROM segments WHERE name = ?", [.string(name)]) > 0 else {
                throw StoreError.invalidArgument("no segment named '\(name)'")
            }
            try AuditLog.append(db, actor, .segmentDelete, customer: nil, customerRef: nil, details: ["name": name])
        }
    }

    /// Audits an export to `destination`, before any of the customer's data is read; with a
    /// `failure`, records instead that the export did not complete and why. Refuses a read-only store.
    public func recordExport(customer key: Int64, destination: String, failure: String? = nil, by actor: Actor) throws {
        try writeSQL(.analyst) { db in
            var details = ["to": destination]
            if let failure { details["reason"] = failure }
            try AuditLog.append(
                db, actor, failure == nil ? .customerExport : .customerExportFailed, customer: key,
                customerRef: try Self.externalId(db, key), details: details)
        }
    }

    /// One model-state entry set by an analyst's decision, with its audit entry, in one transaction.
    public func setModelState(
        _ name: String, _ value: Data, action: AuditAction, details: [String: String], by actor: Actor
    ) throws {
        try writeSQL(.analyst) { db in
            try ModelState.put(db, name, value, now: actor.now)
            try AuditLog.append(db, actor, action, customer: nil, customerRef: nil, details: details)
        }
    }
}
