import Foundation

// An erased customer's id may come back in a later file (a feed exported before the erasure, an
// import running while the erasure commits). The store does not know who they were, only the
// keyed hash of their id that the erasure wrote in the audit log; an import compares the ids of
// the customers it created against those hashes, so it can say so.

/// A customer an import created whose id was erased before.
public struct ErasedAgain: Sendable, Equatable {
    public var externalId: String
    /// When the earlier erasure happened (Unix seconds).
    public var erasedAt: Int64
}

extension StoreBackend {
    /// The newest customer key (0 on an empty store): customers created later have greater keys.
    public func newestCustomerKey() throws -> Int64 {
        try readSQL { db in try db.int64("SELECT MAX(id) FROM customers") ?? 0 }
    }

    /// Customers with a key above `key` whose id an erasure recorded, in key order.
    public func erasedAgain(after key: Int64) throws -> [ErasedAgain] {
        try readSQL { db in
            guard let secret = try AuditLog.secret(db, create: false) else { return [] }
            var erased: [String: Int64] = [:]
            // The action as a literal, so both databases use the partial index `audit_by_action`.
            try db.forEachRow(
                "SELECT time, details FROM audit_log WHERE action = '\(AuditAction.customerForget.rawValue)' ORDER BY id",
                []
            ) { row in
                guard let details = try row.string(1), let data = details.data(using: .utf8),
                    let fields = try? JSONDecoder().decode([String: String].self, from: data),
                    let hash = fields["id_hash"]
                else { return }
                erased[hash] = try row.int64(0) ?? 0
            }
            guard !erased.isEmpty else { return [] }
            var found: [ErasedAgain] = []
            try db.forEachRow("SELECT external_id FROM customers WHERE id > ? ORDER BY id", [.int64(key)]) { row in
                let id = try row.string(0) ?? ""
                if let at = erased[ProfileStore.idHash(id, secret: secret)] {
                    found.append(ErasedAgain(externalId: id, erasedAt: at))
                }
            }
            return found
        }
    }
}
