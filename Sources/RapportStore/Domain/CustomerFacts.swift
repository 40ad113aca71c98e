import Foundation
import RapportVocabulary

// Reading one customer's facts, segments and model state: the same statements on both stores.

extension StoreBackend {
    public func customer(_ key: Int64) throws -> CustomerRecord? {
        try readSQL { db in
            try db.first("SELECT \(StoredRows.customerColumns) FROM customers WHERE id = ?", [.int64(key)]) {
                try StoredRows.customer($0)
            }
        }
    }

    /// A customer's stated likes and dislikes, in the order they were stored.
    public func statedPreferences(customer key: Int64) throws -> [StatedPreferenceRecord] {
        try readSQL { db in
            try db.all(
                "SELECT \(StoredRows.statedColumns) FROM stated_preferences WHERE customer_id = ? ORDER BY id",
                [.int64(key)], StoredRows.stated)
        }
    }

    /// Every distinct value customers stated a like or dislike of (rule checks compare with them).
    public func statedPreferenceValues() throws -> Set<String> {
        try readSQL { db in Set(try db.all("SELECT DISTINCT value FROM stated_preferences") { try $0.string(0) ?? "" })
        }
    }

    /// A customer's notes, newest first.
    public func notes(customer key: Int64) throws -> [NoteRecord] {
        try readSQL { db in
            try db.all(
                "SELECT \(StoredRows.noteColumns) FROM notes WHERE customer_id = ? ORDER BY time DESC, id DESC",
                [.int64(key)], StoredRows.note)
        }
    }

    /// Every note, in key order (copying a store).
    public func allNotes() throws -> [NoteRecord] {
        try readSQL { db in try db.all("SELECT \(StoredRows.noteColumns) FROM notes ORDER BY id", [], StoredRows.note) }
    }

    /// The texts of notes by their ids (ids of deleted notes are absent).
    public func noteTexts(_ ids: [Int64]) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try readSQL { db in
            var out: [Int64: String] = [:]
            try db.forEachRow("SELECT id, text FROM notes WHERE \(db.dialect.anyOf("id"))", [.int64List(ids)]) {
                out[try $0.int64(0) ?? 0] = try $0.string(1)
            }
            return out
        }
    }

    public func metrics(customer key: Int64) throws -> MetricsRecord? {
        try readSQL { db in
            try db.first(
                "SELECT \(StoredRows.metricsColumns) FROM customer_metrics WHERE customer_id = ?", [.int64(key)],
                StoredRows.metrics)
        }
    }

    /// How many events a customer has.
    public func eventCount(customer key: Int64) throws -> Int {
        try readSQL { db in try db.count("SELECT COUNT(*) FROM events WHERE customer_id = ?", [.int64(key)]) }
    }

    /// Products by key, in key order.
    public func products(keys: [Int64]) throws -> [ProductRecord] {
        try readSQL { db in
            try db.all(
                "SELECT \(StoredRows.productColumns) FROM products WHERE \(db.dialect.anyOf("id")) ORDER BY id",
                [.int64List(keys)], StoredRows.product)
        }
    }

    public func allProducts() throws -> [ProductRecord] {
        try readSQL { db in
            try db.all("SELECT \(StoredRows.productColumns) FROM products ORDER BY id", [], StoredRows.product)
        }
    }

    // MARK: Segments

    public func segments() throws -> [SegmentRecord] {
        try readSQL { db in
            try db.all("SELECT \(StoredRows.segmentColumns) FROM segments ORDER BY name", [], StoredRows.segment)
        }
    }

    public func segment(named name: String) throws -> SegmentRecord? {
        try readSQL { db in
            try db.first(
                "SELECT \(StoredRows.segmentColumns) FROM segments WHERE name = ?", [.string(name)], StoredRows.segment)
        }
    }

    /// A page of a rule segment's members, by name as the list sorts them.
    public func segmentMembers(segment name: String, limit: Int = 1000, offset: Int = 0) throws -> [CustomerListItem] {
        try readSQL { db in
            try db.all(
                """
                SELECT \(StoredRows.listColumns)
                FROM segments s JOIN segment_members sm ON sm.segment_id = s.id
                JOIN customers c ON c.id = sm.customer_id LEFT JOIN customer_metrics m ON m.customer_id = c.id
                WHERE s.name = ? ORDER BY \(db.dialect.nameOrder), c.id LIMIT ? OFFSET ?
                """, [.string(name), .int(limit), .int(offset)], StoredRows.listRow)
        }
    }

    static func segmentId(_ db: any SQLDatabase, _ name: String) throws -> Int64 {
        guard let id = try db.int64("SELECT id FROM segments WHERE name = ?", [.string(name)]) else {
            throw StoreError.invalidArgument("no segment named '\(name)'")
        }
        return id
    }

    /// Adds members who are still customers: members were chosen from a read before this
    /// transaction, and a customer erased since is left out rather than failing the write.
    static func addMembers(_ db: any SQLDatabase, segment id: Int64, _ customers: [Int64]) throws {
        for chunk in customers.chunked(50_000) {
            try db.execute(
                """
                INSERT INTO segment_members(customer_id, segment_id)
                SELECT c.id, ? FROM customers c WHERE \(db.dialect.anyOf("c.id")) ON CONFLICT DO NOTHING
                """, [.int64(id), .int64List(Array(chunk))])
        }
    }

    static func recount(_ db: any SQLDatabase, segment id: Int64) throws {
        try db.execute(
            "UPDATE segments SET member_count = (SELECT COUNT(*) FROM segment_members WHERE segment_id = ?) WHERE id = ?",
            [.int64(id), .int64(id)])
    }

    public func replaceSegmentMembers(segment name: String, customers: [Int64]) throws {
        try writeSQL(.analyst) { db in
            let id = try Self.segmentId(db, name)
            try db.execute("DELETE FROM segment_members WHERE segment_id = ?", [.int64(id)])
            try Self.addMembers(db, segment: id, customers)
            try Self.recount(db, segment: id)
        }
    }

    public func updateSegmentMembers(segment name: String, members: [Int64], nonMembers: [Int64]) throws {
        try writeSQL(.analyst) { db in
            let id = try Self.segmentId(db, name)
            try Self.addMembers(db, segment: id, members)
            for chunk in nonMembers.chunked(50_000) {
                try db.execute(
                    "DELETE FROM segment_members WHERE segment_id = ? AND \(db.dialect.anyOf("customer_id"))",
                    [.int64(id), .int64List(Array(chunk))])
            }
            try Self.recount(db, segment: id)
        }
    }

    // MARK: Model state

    public func modelState(_ name: String) throws -> Data? {
        try readSQL { db in try ModelState.get(db, name) }
    }

    public func writeModelState(_ entries: [String: Data], now: Int64) throws {
        try writeSQL(.analyst) { db in
            for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
                try ModelState.put(db, name, value, now: now)
            }
        }
    }

    /// The time of the newest event: the store's as-of date. Kept up to date by imports and
    /// deletions, so no scan of the events table is needed.
    public func latestEventTime() throws -> Int64? {
        try readSQL { db in try AsOfDate.stored(db) ?? db.int64("SELECT MAX(time) FROM events") }
    }

    /// Sets the as-of date from the events that are stored now, so it can go down as well as up
    /// (after a deletion, or to repair a store that took a bad timestamp). Returns the new value.
    @discardableResult
    public func recomputeLatestEventTime(now: Int64) throws -> Int64? {
        try writeSQL(.analyst) { db in try AsOfDate.recompute(db, now: now) }
    }
}

/// Named values the store keeps for the models and itself (`model_state`).
enum ModelState {
    static func get(_ db: any SQLDatabase, _ name: String) throws -> Data? {
        try db.first("SELECT value FROM model_state WHERE name = ?", [.string(name)]) { try $0.bytes(0) }?
            .map { Data($0) }
    }

    static func put(_ db: any SQLDatabase, _ name: String, _ value: Data, now: Int64) throws {
        try db.execute(
            """
            INSERT INTO model_state(name, value, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, [.string(name), .bytes([UInt8](value)), .int64(now)])
    }
}

/// The store's as-of date: the time of its newest event, kept in `model_state` as decimal text.
enum AsOfDate {
    static let name = "latest_event_time"

    static func stored(_ db: any SQLDatabase) throws -> Int64? {
        try ModelState.get(db, name).flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
    }

    /// From the events stored now. No events: no as-of date.
    @discardableResult
    static func recompute(_ db: any SQLDatabase, now: Int64) throws -> Int64? {
        guard let latest = try db.int64("SELECT MAX(time) FROM events") else {
            try db.execute("DELETE FROM model_state WHERE name = ?", [.string(name)])
            return nil
        }
        try ModelState.put(db, name, Data(String(latest).utf8), now: now)
        return latest
    }

    /// After deleting events whose newest time was `removed`: recompute only if those events
    /// could have set the date, since the recompute reads the newest event of the whole store.
    static func lower(_ db: any SQLDatabase, removed: Int64?, now: Int64) throws {
        guard let removed else { return }
        if let stored = try stored(db), removed < stored { return }
        try recompute(db, now: now)
    }
}
