import Foundation
import RapportPostgres

// The analyst's actions on PostgreSQL: each one transaction with its audit entry, as on SQLite.

extension PostgresStore {
    static func externalId(_ c: PGConnection, _ key: Int64) throws -> String? {
        try c.scalarString("SELECT external_id FROM customers WHERE id = $1", [.int64(key)])
    }

    public func setGift(event displayId: String, isGift: Bool, note: String?, by actor: Actor) throws -> GiftChange {
        try write { c in
            let keys = try Self.eventKeys(c, displayId)
            guard let key = keys.first else { throw StoreError.unknownEvent(displayId) }
            if keys.count > 1 {
                throw StoreError.invalidArgument(
                    "event id '\(displayId)' names events of several customers; use the event's #key")
            }
            // FOR UPDATE: two analysts flagging the same purchase at once take turns.
            guard
                let row = try c.rows(
                    """
                    SELECT e.type, c.external_id FROM events e JOIN customers c ON c.id = e.customer_id
                    WHERE e.customer_id = $1 AND e.id = $2 FOR UPDATE OF e
                    """, [.int64(key.customer), .int64(key.id)]
                ).first
            else { throw StoreError.unknownEvent(displayId) }
            guard try row.int(0) == 0 else { throw StoreError.notAPurchase(displayId) }
            _ = try c.execute(
                "UPDATE events SET is_gift = $1, gift_note = $2 WHERE customer_id = $3 AND id = $4",
                [.bool(isGift), .string(isGift ? note : nil), .int64(key.customer), .int64(key.id)])
            var details = ["event": displayId]
            if let note, isGift { details["note"] = note }
            try Self.audit(
                c, actor, isGift ? "gift.flag" : "gift.unflag", customer: key.customer, customerRef: try row.string(1),
                details: details)
            return GiftChange(eventKey: key.id, customerKey: key.customer, isGift: isGift)
        }
    }

    static func historyFilter(customer: Int64, range: HistoryRange) throws -> (String, [PGValue]) {
        var sql = "customer_id = $1"
        var binds: [PGValue] = [.int64(customer)]
        if let since = range.since {
            binds.append(.int64(since))
            sql += " AND time >= $\(binds.count)"
        }
        if let types = range.types {
            let codes = try types.map { name -> Int64 in
                guard let code = EventKinds.code(of: name) else {
                    throw StoreError.invalidArgument(
                        "unknown event type '\(name)' (expected one of \(EventKinds.names.joined(separator: ", ")))")
                }
                return Int64(code)
            }
            binds.append(.int64Array(codes))
            sql += " AND type = ANY($\(binds.count)::int8[])"
        }
        return (sql, binds)
    }

    public func clearHistory(customer key: Int64, range: HistoryRange, by actor: Actor) throws -> Int {
        try write { c in
            guard let ext = try Self.externalId(c, key) else { throw StoreError.unknownCustomer("#\(key)") }
            let (sql, binds) = try Self.historyFilter(customer: key, range: range)
            let newest = try c.scalarInt64("SELECT MAX(time) FROM events WHERE \(sql)", binds)
            let removed = try c.execute("DELETE FROM events WHERE \(sql)", binds)
            try Self.lowerLatestEventTime(c, removed: newest, now: actor.now)
            var details = ["removed": String(removed)]
            if let since = range.since { details["since"] = String(since) }
            if let types = range.types { details["types"] = types.joined(separator: ",") }
            try Self.audit(c, actor, "history.clear", customer: key, customerRef: ext, details: details)
            return removed
        }
    }

    public func countHistory(customer key: Int64, range: HistoryRange) throws -> Int {
        let (sql, binds) = try Self.historyFilter(customer: key, range: range)
        return try read { c in Int(try c.scalarInt64("SELECT COUNT(*) FROM events WHERE \(sql)", binds) ?? 0) }
    }

    public func addNote(customer key: Int64, text: String, by actor: Actor) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalidArgument("a note needs some text") }
        return try write { c in
            guard let ext = try Self.externalId(c, key) else { throw StoreError.unknownCustomer("#\(key)") }
            let id =
                try c.scalarInt64(
                    "INSERT INTO notes(customer_id, time, analyst, text) VALUES ($1, $2, $3, $4) RETURNING id",
                    [.int64(key), .int64(actor.now), .string(actor.analyst), .string(trimmed)]) ?? 0
            // The note's text is personal data: the audit records that a note was added, not what it says.
            try Self.audit(c, actor, "note.add", customer: key, customerRef: ext, details: ["note": String(id)])
            return id
        }
    }

    /// Erases a customer: every row keyed by them is deleted and their audit entries lose every
    /// personal detail, in one transaction. The rows' old versions stay in the table files and
    /// the WAL until VACUUM and WAL recycling, and in backups until they expire: docs/postgres.md
    /// says how an operator completes an erasure.
    public func forget(customer key: Int64, by actor: Actor) throws {
        // Exclusive: an import running now could otherwise add events for the customer after
        // they are deleted (the events table has no foreign key to stop it).
        try write(exclusive: true, announce: "customers") { c in
            guard let externalId = try Self.externalId(c, key) else { throw StoreError.unknownCustomer("#\(key)") }
            let ref = "erased#\(key)"
            let newest = try c.scalarInt64("SELECT MAX(time) FROM events WHERE customer_id = $1", [.int64(key)])
            for table in PostgresSchema.unreferencedCustomerTables {
                _ = try c.execute("DELETE FROM \(table) WHERE customer_id = $1", [.int64(key)])
            }
            _ = try c.execute("DELETE FROM customers WHERE id = $1", [.int64(key)])
            _ = try c.execute("DELETE FROM customer_keys WHERE customer_id = $1", [.int64(key)])
            try Self.lowerLatestEventTime(c, removed: newest, now: actor.now)
            _ = try c.execute(
                "UPDATE audit_log SET customer_ref = $1, details = '{}' WHERE customer_id = $2",
                [.string(ref), .int64(key)])
            let secret = try Self.auditSecret(c)
            try Self.audit(
                c, actor, "customer.forget", customer: key, customerRef: ref,
                details: ["id_hash": ProfileStore.idHash(externalId, secret: secret)])
        }
    }

    /// The store's audit key (32 random bytes, hex), made at the first erasure.
    static func auditSecret(_ c: PGConnection) throws -> [UInt8] {
        func stored() throws -> [UInt8]? {
            try c.rows("SELECT value FROM model_state WHERE name = 'audit_key'").first?.bytes(0).map {
                AuditKey.bytes(hex: String(decoding: $0, as: UTF8.self))
            }
        }
        if let key = try stored() { return key }
        let made = AuditKey.random()
        _ = try c.execute(
            """
            INSERT INTO model_state(name, value, updated_at) VALUES ('audit_key', $1, extract(epoch from now())::bigint)
            ON CONFLICT (name) DO NOTHING
            """, [.bytes(Array(AuditKey.hex(made).utf8))])
        // Another session may have made it first: use whichever is stored.
        return try stored() ?? made
    }

    public func saveSegment(name: String, rule: String, memberCount: Int?, by actor: Actor) throws {
        try write { c in
            _ = try c.execute(
                """
                INSERT INTO segments(name, rule, created_at, analyst, member_count) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, member_count = excluded.member_count
                """,
                [.string(name), .string(rule), .int64(actor.now), .string(actor.analyst), .int(memberCount)])
            try Self.audit(
                c, actor, "segment.save", customer: nil, customerRef: nil, details: ["name": name, "rule": rule])
        }
    }

    public func deleteSegment(name: String, by actor: Actor) throws {
        try write { c in
            guard try c.execute("DELETE FROM segments WHERE name = $1", [.string(name)]) > 0 else {
                throw StoreError.invalidArgument("no segment named '\(name)'")
            }
            try Self.audit(c, actor, "segment.delete", customer: nil, customerRef: nil, details: ["name": name])
        }
    }

    public func recordExport(customer key: Int64, destination: String, failure: String?, by actor: Actor) throws {
        try write { c in
            try Self.audit(
                c, actor, failure == nil ? "customer.export" : "customer.export.failed", customer: key,
                customerRef: try Self.externalId(c, key),
                details: ["to": destination].merging(failure.map { ["reason": $0] } ?? [:]) { a, _ in a })
        }
    }

    // MARK: Segment membership

    static func segmentId(_ c: PGConnection, _ name: String) throws -> Int64 {
        guard let id = try c.scalarInt64("SELECT id FROM segments WHERE name = $1", [.string(name)]) else {
            throw StoreError.invalidArgument("no segment named '\(name)'")
        }
        return id
    }

    /// Adds members who are still customers (one erased since the caller's read is left out).
    static func addMembers(_ c: PGConnection, segment id: Int64, _ customers: [Int64]) throws {
        for chunk in customers.chunked(50_000) {
            _ = try c.execute(
                """
                INSERT INTO segment_members(customer_id, segment_id)
                SELECT c.id, $1 FROM customers c WHERE c.id = ANY($2) ON CONFLICT DO NOTHING
                """, [.int64(id), .int64Array(Array(chunk))])
        }
    }

    static func recount(_ c: PGConnection, segment id: Int64) throws {
        _ = try c.execute(
            "UPDATE segments SET member_count = (SELECT COUNT(*) FROM segment_members WHERE segment_id = $1) WHERE id = $1",
            [.int64(id)])
    }

    public func replaceSegmentMembers(segment name: String, customers: [Int64]) throws {
        try write { c in
            let id = try Self.segmentId(c, name)
            _ = try c.execute("DELETE FROM segment_members WHERE segment_id = $1", [.int64(id)])
            try Self.addMembers(c, segment: id, customers)
            try Self.recount(c, segment: id)
        }
    }

    public func updateSegmentMembers(segment name: String, members: [Int64], nonMembers: [Int64]) throws {
        try write { c in
            let id = try Self.segmentId(c, name)
            try Self.addMembers(c, segment: id, members)
            for chunk in nonMembers.chunked(50_000) {
                _ = try c.execute(
                    "DELETE FROM segment_members WHERE segment_id = $1 AND customer_id = ANY($2)",
                    [.int64(id), .int64Array(Array(chunk))])
            }
            try Self.recount(c, segment: id)
        }
    }

    public func segments() throws -> [SegmentRecord] {
        try read { c in
            try c.rows("SELECT id, name, rule, created_at, analyst, member_count FROM segments ORDER BY name").map(
                Self.segment)
        }
    }

    public func segment(named name: String) throws -> SegmentRecord? {
        try read { c in
            try c.rows(
                "SELECT id, name, rule, created_at, analyst, member_count FROM segments WHERE name = $1",
                [.string(name)]
            ).first.map(Self.segment)
        }
    }

    static func segment(_ r: PGRow) throws -> SegmentRecord {
        SegmentRecord(
            id: try r.int64(0), name: try r.string(1) ?? "", rule: try r.string(2) ?? "",
            createdAt: try r.int64(3) ?? 0, analyst: try r.string(4) ?? "", memberCount: try r.int(5))
    }

    public func segmentMembers(segment name: String, limit: Int, offset: Int) throws -> [CustomerListRow] {
        try read { c in
            try c.rows(
                """
                SELECT c.id, c.external_id, c.name, c.email, m.rfm_segment, m.stage, m.recency_days,
                       m.orders, m.spend, m.clv_12m
                FROM segments s JOIN segment_members sm ON sm.segment_id = s.id
                JOIN customers c ON c.id = sm.customer_id LEFT JOIN customer_metrics m ON m.customer_id = c.id
                WHERE s.name = $1 ORDER BY lower(c.name) ASC NULLS FIRST, c.id LIMIT \(limit) OFFSET \(offset)
                """, [.string(name)]
            ).map(Self.listRow)
        }
    }
}
