import Foundation

// A clear-history moves the events it clears into `held_events`, out of every reader's way,
// so that undo can put them back; when the clear's retention window passes they are purged as
// durably as an erasure (the driver's `scrubErasedData`).

enum HeldEvents {
    static let eventColumns =
        """
        customer_id, id, external_id, product_id, type, time, quantity, amount, channel, is_gift, gift_note, \
        content_hash, account_id
        """

    /// The events column that counts a repeated content (PostgreSQL's identity); SQLite has none.
    static func occurrence(_ dialect: SQLDialect) -> (column: String, value: String) {
        dialect == .postgres ? (", content_occurrence", ", content_occurrence") : ("", ", 0")
    }

    /// Moves the events `filter` selects into the holding area under `action`; returns how many.
    static func hold(_ db: any SQLDatabase, action: Int64, filter: String, args: [SQLValue]) throws -> Int {
        let occ = occurrence(db.dialect)
        try db.execute(
            """
            INSERT INTO held_events(action_id, \(eventColumns), content_occurrence)
            SELECT ?, \(eventColumns)\(occ.value) FROM events WHERE \(filter)
            """, [.int64(action)] + args)
        return try db.execute("DELETE FROM events WHERE \(filter)", args)
    }

    /// Puts an action's held events back. Refused, with nothing changed, when any of them was
    /// imported again meanwhile (its event id, or its content, is in the store now). An event
    /// whose key another event took meanwhile comes back under a new key.
    static func restore(_ db: any SQLDatabase, action: Int64) throws -> (count: Int, newest: Int64?) {
        let again = try db.count(
            """
            SELECT COUNT(*) FROM held_events h WHERE h.action_id = ? AND EXISTS (
                SELECT 1 FROM events e WHERE e.customer_id = h.customer_id
                AND (e.external_id = h.external_id OR e.content_hash = h.content_hash))
            """, [.int64(action)])
        if again > 0 {
            throw StoreError.invalidArgument(
                "\(again) of the cleared events were imported again since: undo refused, nothing changed")
        }
        let occ = occurrence(db.dialect)
        let newest = try db.int64("SELECT MAX(time) FROM held_events WHERE action_id = ?", [.int64(action)])
        // Read before either insert: the first puts back the events whose key is still free.
        let taken = try db.all(
            "SELECT h.id FROM held_events h WHERE h.action_id = ? AND EXISTS (SELECT 1 FROM events e WHERE e.id = h.id)",
            [.int64(action)]
        ) { try $0.int64(0) ?? 0 }
        var count = try db.execute(
            """
            INSERT INTO events(\(eventColumns)\(occ.column))
            SELECT \(eventColumns)\(occ.column) FROM held_events WHERE action_id = ? AND NOT \(db.dialect.anyOf("id"))
            """, [.int64(action), .int64List(taken)])
        if !taken.isEmpty {
            let newKeys = eventColumns.replacingOccurrences(of: "customer_id, id, ", with: "customer_id, ")
            count += try db.execute(
                """
                INSERT INTO events(\(newKeys)\(occ.column))
                SELECT \(newKeys)\(occ.column) FROM held_events WHERE action_id = ? AND \(db.dialect.anyOf("id"))
                """, [.int64(action), .int64List(taken)])
        }
        try db.execute("DELETE FROM held_events WHERE action_id = ?", [.int64(action)])
        return (count, newest)
    }
}

extension StoreBackend {
    /// Purges the held events of every clear whose retention window ended by `now` (all of a
    /// clear's, with `only`, whatever its window): the clears can no longer be undone. Each
    /// purge is audited. The deleted rows are then made unreadable in the store's files as an
    /// erasure's are. Returns how many events were purged.
    @discardableResult
    public func purgeHeldEvents(now: Int64, only: Int64? = nil, by actor: Actor) throws -> Int {
        let purged = try writeSQL(.analyst) { db -> Int in
            let due = try db.all(
                """
                SELECT id, customer_id, customer_ref FROM action_log
                WHERE held_until IS NOT NULL AND (held_until <= ? OR id = ?) AND state IN (?, ?)
                """,
                [
                    .int64(now), .int64(only), .string(ActionState.done.rawValue),
                    .string(ActionState.undone.rawValue)
                ]
            ) { (try $0.int64(0) ?? 0, try $0.int64(1), try $0.string(2)) }
            var total = 0
            for (id, customer, ref) in due {
                let n = try db.execute("DELETE FROM held_events WHERE action_id = ?", [.int64(id)])
                try ActionLog.setState(db, id, .purged)
                if let customer { try markForScrubbing(db, customer: customer, now: now) }
                try AuditLog.append(
                    db, actor, .historyPurge, customer: customer, customerRef: ref,
                    details: ["entry": String(id), "events": String(n)])
                total += n
            }
            return total
        }
        if purged > 0 { try scrubErasedData() }
        return purged
    }

    /// Marks the customer's deleted rows for the scrub an erasure gets (SQLite: `VACUUM` and a
    /// truncated WAL, resumed at the next writable open if interrupted). PostgreSQL's files are
    /// the server's: its `VACUUM` (docs/postgres.md) completes a purge as it completes an erasure.
    func markForScrubbing(_ db: any SQLDatabase, customer: Int64, now: Int64) throws {
        guard db.dialect == .sqlite else { return }
        try db.execute(
            "INSERT INTO pending_erasures(customer_id, started_at) VALUES (?, ?) ON CONFLICT (customer_id) DO NOTHING",
            [.int64(customer), .int64(now)])
    }

    /// When the earliest held clear is due to be purged, if any is held.
    public func nextPurge() throws -> Int64? {
        try readSQL { db in
            try db.int64(
                "SELECT MIN(held_until) FROM action_log WHERE held_until IS NOT NULL AND state = ?",
                [.string(ActionState.done.rawValue)])
        }
    }
}
