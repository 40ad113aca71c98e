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
        SHA256.hmac(key: secret, message: Array(externalId.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The store's audit key: 32 random bytes, made on first use inside a write.
    static func auditSecret(_ db: Database, create: Bool) throws -> [UInt8]? {
        if let hex = try String.fetchOne(db, sql: "SELECT value FROM model_state WHERE name = 'audit_key'") {
            return stride(from: 0, to: hex.count - 1, by: 2).compactMap { i in
                let start = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
            }
        }
        guard create else { return nil }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try db.execute(
            sql: "INSERT INTO model_state(name, value, updated_at) VALUES ('audit_key', ?, strftime('%s','now'))",
            arguments: [bytes.map { String(format: "%02x", $0) }.joined()])
        return bytes
    }
}

/// SHA-256 (FIPS 180-4) and HMAC (RFC 2104): Foundation on Linux has neither, and one keyed
/// hash of a short id does not justify a dependency.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2
    ]

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        ]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] =
                    UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - $0 * 8)) } }
    }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > 64 ? hash(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = hash(k.map { $0 ^ 0x36 } + message)
        return hash(k.map { $0 ^ 0x5c } + inner)
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
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
