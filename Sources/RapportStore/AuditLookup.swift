import Crypto
import Foundation
import GRDB

/// Reading the audit log for people: pages with a count, note texts by id, and an erased
/// customer's entries found again by the id the analyst knew.
///
/// An erasure's audit row never holds the external id. It holds `id_hash`: HMAC-SHA-256 of the
/// id under a random key kept in this store (`model_state.audit_key`, made at the first
/// erasure). Whoever knows the id can find the erasure; the row alone does not give the id
/// back. It is a pseudonym, not anonymity: anyone with the store file and a guess can test it.
extension ProfileStore {
    public func auditEntries(customer key: Int64?, limit: Int, offset: Int) throws -> [AuditEntry] {
        try pool.read { db in
            var request = AuditEntry.order(sql: "id DESC")
            if let key { request = request.filter(sql: "customer_id = ?", arguments: [key]) }
            return try request.limit(limit, offset: offset).fetchAll(db)
        }
    }

    public func appendAudit(_ entries: [AuditEntry]) throws {
        try requireWritable()
        try pool.write { db in
            for e in entries {
                try db.execute(
                    sql: """
                        INSERT INTO audit_log(time, analyst, action, customer_id, customer_ref, details)
                        VALUES (?,?,?,?,?,?)
                        """, arguments: [e.time, e.analyst, e.action, e.customerId, e.customerRef, e.details])
            }
        }
    }

    public func allNotes() throws -> [NoteRecord] {
        try pool.read { db in try NoteRecord.order(sql: "id").fetchAll(db) }
    }

    public func auditCount(customer key: Int64?) throws -> Int {
        try pool.read { db in
            if let key {
                return try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM audit_log WHERE customer_id = ?", arguments: [key])
                    ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0
        }
    }

    /// The texts of notes by their ids (ids of deleted notes are absent).
    public func noteTexts(_ ids: [Int64]) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            var out: [Int64: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, text FROM notes WHERE id IN (\(marks))", arguments: StatementArguments(ids))
            {
                out[row[0]] = row[1]
            }
            return out
        }
    }

    /// The key an erased customer had, found by their external id through the erasure's `id_hash`.
    public func erasedCustomerKey(externalId: String) throws -> Int64? {
        try pool.read { db in
            guard let secret = try Self.auditSecret(db, create: false) else { return nil }
            let hash = Self.idHash(externalId, secret: secret)
            return try Int64.fetchOne(
                db,
                sql: """
                    SELECT customer_id FROM audit_log
                    WHERE action = 'customer.forget' AND json_extract(details, '$.id_hash') = ?
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [hash])
        }
    }

    /// `id_hash` of an erasure: HMAC-SHA-256 of the external id under the store's audit key (hex).
    static func erasureIdHash(_ db: Database, externalId: String) throws -> String {
        guard let secret = try auditSecret(db, create: true) else { throw StoreError.invalidArgument("no audit key") }
        return idHash(externalId, secret: secret)
    }

    static func idHash(_ externalId: String, secret: [UInt8]) -> String {
        AuditKey.hex(hmac(key: secret, message: Array(externalId.utf8)))
    }

    /// HMAC-SHA-256, from swift-crypto.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// The store's audit key: 32 random bytes, made on first use inside a write.
    static func auditSecret(_ db: Database, create: Bool) throws -> [UInt8]? {
        if let hex = try String.fetchOne(db, sql: "SELECT value FROM model_state WHERE name = 'audit_key'") {
            return AuditKey.bytes(hex: hex)
        }
        guard create else { return nil }
        let bytes = AuditKey.random()
        try db.execute(
            sql: "INSERT INTO model_state(name, value, updated_at) VALUES ('audit_key', ?, strftime('%s','now'))",
            arguments: [AuditKey.hex(bytes)])
        return bytes
    }
}

/// The audit key as both stores keep it: 32 random bytes, written as lower-case hex.
enum AuditKey {
    static func random() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count - 1, by: 2).compactMap { i in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
        }
    }
}

extension ProfileStore {
    /// Every distinct value customers stated a like or dislike of (rule checks compare with them).
    public func statedPreferenceValues() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT value FROM stated_preferences")) }
    }
}

extension ProfileStore {
    /// How many events a customer has.
    public func eventCount(customer key: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE customer_id = ?", arguments: [key]) ?? 0
        }
    }
}
