import Foundation
import GRDB

/// Who is acting and when: every write is attributed and timestamped in the audit log.
public struct Actor: Sendable {
    public var analyst: String
    public var now: Int64
    /// `now` comes from the caller's clock, so tests and the service decide what time it is.
    public init(analyst: String, now: Int64) {
        self.analyst = analyst
        self.now = now
    }
}

/// What `clearHistory` removes.
public struct HistoryRange: Sendable, Codable, Equatable {
    /// Only events at or after this time (nil: all time).
    public var since: Int64?
    /// Only these event type names (nil: every type).
    public var types: [String]?
    public init(since: Int64? = nil, types: [String]? = nil) {
        self.since = since
        self.types = types
    }
}

public struct GiftChange: Sendable, Equatable {
    public var eventKey: Int64
    public var customerKey: Int64
    public var isGift: Bool
}

extension ProfileStore {
    /// Appends one audit entry. Only called inside a write transaction, so the entry and the
    /// change it describes land together or not at all.
    static func audit(
        _ db: Database, _ actor: Actor, _ action: String, customer: Int64?,
        customerRef: String?, details: [String: String] = [:]
    ) throws {
        let json = try JSONEncoder.sorted.encode(details)
        try db.execute(
            sql: """
                INSERT INTO audit_log(time, analyst, action, customer_id, customer_ref, details)
                VALUES (?,?,?,?,?,?)
                """,
            arguments: [actor.now, actor.analyst, action, customer, customerRef, String(decoding: json, as: UTF8.self)])
    }

    /// Finds an event by the id people see: its file event id, or `#key` for events without one.
    static func eventKey(_ db: Database, _ displayId: String) throws -> Int64? {
        if displayId.hasPrefix("#"), let k = Int64(displayId.dropFirst()) {
            return try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE id = ?", arguments: [k])
        }
        return try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE external_id = ?", arguments: [displayId])
    }

    /// Marks a purchase as a gift (or not). A gift no longer shapes the buyer's profile.
    @discardableResult
    public func setGift(event displayId: String, isGift: Bool, note: String?, by actor: Actor) throws -> GiftChange {
        try requireWritable()
        return try pool.write { db in
            guard let key = try Self.eventKey(db, displayId),
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT e.customer_id, e.type, c.external_id FROM events e JOIN customers c ON c.id = e.customer_id
                        WHERE e.id = ?
                        """, arguments: [key])
            else {
                throw StoreError.unknownEvent(displayId)
            }
            let customer: Int64 = row[0]
            guard (row[1] as Int) == 0 else { throw StoreError.notAPurchase(displayId) }
            try db.execute(
                sql: "UPDATE events SET is_gift = ?, gift_note = ? WHERE id = ?",
                arguments: [isGift, isGift ? note : nil, key])
            var details = ["event": displayId]
            if let note, isGift { details["note"] = note }
            try Self.audit(
                db, actor, isGift ? "gift.flag" : "gift.unflag", customer: customer,
                customerRef: row[2], details: details)
            return GiftChange(eventKey: key, customerKey: customer, isGift: isGift)
        }
    }

    /// Deletes a customer's events in a range and of some types. Returns how many went.
    @discardableResult
    public func clearHistory(customer key: Int64, range: HistoryRange, by actor: Actor) throws -> Int {
        try requireWritable()
        return try pool.write { db in
            guard
                let ext = try String.fetchOne(
                    db, sql: "SELECT external_id FROM customers WHERE id = ?", arguments: [key])
            else {
                throw StoreError.unknownCustomer("#\(key)")
            }
            let (sql, args) = try Self.historyFilter(customer: key, range: range)
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM events WHERE \(sql)", arguments: args)
            try db.execute(sql: "DELETE FROM events WHERE \(sql)", arguments: args)
            let removed = db.changesCount
            try Self.lowerLatestEventTime(db, removed: newest, now: actor.now)
            var details = ["removed": String(removed)]
            if let since = range.since { details["since"] = String(since) }
            if let types = range.types { details["types"] = types.joined(separator: ",") }
            try Self.audit(db, actor, "history.clear", customer: key, customerRef: ext, details: details)
            return removed
        }
    }

    /// How many events `clearHistory` would remove (for confirmation dialogs).
    public func countHistory(customer key: Int64, range: HistoryRange) throws -> Int {
        try pool.read { db in
            let (sql, args) = try Self.historyFilter(customer: key, range: range)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE \(sql)", arguments: args) ?? 0
        }
    }

    static func historyFilter(customer: Int64, range: HistoryRange) throws -> (String, StatementArguments) {
        var sql = "customer_id = ?"
        var args: StatementArguments = [customer]
        if let since = range.since {
            sql += " AND time >= ?"
            args += [since]
        }
        if let types = range.types {
            let codes = try types.map { name -> Int in
                guard let c = EventKinds.code(of: name) else {
                    throw StoreError.invalidArgument(
                        "unknown event type '\(name)' (expected one of \(EventKinds.names.joined(separator: ", ")))")
                }
                return c
            }
            if codes.isEmpty {
                sql += " AND 0"
            } else {
                sql += " AND type IN (\(codes.map(String.init).joined(separator: ",")))"
            }
        }
        return (sql, args)
    }

    /// Adds an agent note to a customer.
    @discardableResult
    public func addNote(customer key: Int64, text: String, by actor: Actor) throws -> Int64 {
        try requireWritable()
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalidArgument("a note needs some text") }
        return try pool.write { db in
            guard
                let ext = try String.fetchOne(
                    db, sql: "SELECT external_id FROM customers WHERE id = ?", arguments: [key])
            else {
                throw StoreError.unknownCustomer("#\(key)")
            }
            try db.execute(
                sql: "INSERT INTO notes(customer_id, time, analyst, text) VALUES (?,?,?,?)",
                arguments: [key, actor.now, actor.analyst, trimmed])
            let id = db.lastInsertedRowID
            // The note's text is personal data: the audit records that a note was added, not what it says.
            try Self.audit(db, actor, "note.add", customer: key, customerRef: ext, details: ["note": String(id)])
            return id
        }
    }

    /// Erases a customer: their row, events, notes, preferences and metrics are deleted, their
    /// audit entries lose every personal detail, and the file is compacted so nothing of them
    /// remains on disk before this returns. The erasure itself is audited under a pseudonymous
    /// reference, and a marker committed with it makes the next open finish an interrupted one.
    public func forget(customer key: Int64, by actor: Actor) throws {
        try requireWritable()
        try pool.write { db in
            guard
                let externalId = try String.fetchOne(
                    db, sql: "SELECT external_id FROM customers WHERE id = ?", arguments: [key])
            else {
                throw StoreError.unknownCustomer("#\(key)")
            }
            let ref = "erased#\(key)"
            let newest = try Int64.fetchOne(
                db, sql: "SELECT MAX(time) FROM events WHERE customer_id = ?",
                arguments: [key])
            try db.execute(sql: "DELETE FROM customers WHERE id = ?", arguments: [key])
            try Self.lowerLatestEventTime(db, removed: newest, now: actor.now)
            try db.execute(
                sql: "UPDATE audit_log SET customer_ref = ?, details = '{}' WHERE customer_id = ?",
                arguments: [ref, key])
            // A keyed hash of the id, never the id: `audit --customer ID` finds the erasure (AuditLookup.swift).
            try Self.audit(
                db, actor, "customer.forget", customer: key, customerRef: ref,
                details: ["id_hash": try Self.erasureIdHash(db, externalId: externalId)])
            // The trigram index keeps deleted entries until its segments merge: merge now.
            try db.execute(sql: "INSERT INTO customers_search(customers_search) VALUES ('optimize')")
            // Committed with the deletion: if the scrubbing below is interrupted, the next open
            // finishes it before anything reads the file.
            try db.execute(
                sql: "INSERT OR REPLACE INTO pending_erasures(customer_id, started_at) VALUES (?, ?)",
                arguments: [key, actor.now])
        }
        try completePendingErasures()
    }

    /// Saves (or replaces) a rule segment. The rule text is validated by the caller (engine).
    public func saveSegment(name: String, rule: String, memberCount: Int?, by actor: Actor) throws {
        try requireWritable()
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO segments(name, rule, created_at, analyst, member_count) VALUES (?,?,?,?,?)
                    ON CONFLICT(name) DO UPDATE SET rule = excluded.rule, member_count = excluded.member_count
                    """, arguments: [name, rule, actor.now, actor.analyst, memberCount])
            try Self.audit(
                db, actor, "segment.save", customer: nil, customerRef: nil, details: ["name": name, "rule": rule])
        }
    }

    public func deleteSegment(name: String, by actor: Actor) throws {
        try requireWritable()
        try pool.write { db in
            try db.execute(sql: "DELETE FROM segments WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw StoreError.invalidArgument("no segment named '\(name)'") }
            try Self.audit(db, actor, "segment.delete", customer: nil, customerRef: nil, details: ["name": name])
        }
    }

    /// Records an export of a customer's data (the file itself is written by the caller).
    public func recordExport(customer key: Int64, destination: String, failure: String?, by actor: Actor) throws {
        try requireWritable()
        try pool.write { db in
            let ext = try String.fetchOne(db, sql: "SELECT external_id FROM customers WHERE id = ?", arguments: [key])
            try Self.audit(
                db, actor, failure == nil ? "customer.export" : "customer.export.failed", customer: key,
                customerRef: ext,
                details: ["to": destination].merging(failure.map { ["reason": $0] } ?? [:]) { a, _ in a })
        }
    }
}
