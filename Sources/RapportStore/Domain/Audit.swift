import Foundation

/// Every action the audit log records, by the name the log keeps.
public enum AuditAction: String, Sendable, CaseIterable {
    case giftFlag = "gift.flag"
    case giftUnflag = "gift.unflag"
    case historyClear = "history.clear"
    case noteAdd = "note.add"
    case customerForget = "customer.forget"
    case customerExport = "customer.export"
    case customerExportFailed = "customer.export.failed"
    case segmentSave = "segment.save"
    case segmentDelete = "segment.delete"
    case tuneRecommender = "tune_recommender"
    case storeCopy = "store.copy"
    case noteEdit = "note.edit"
    case noteDelete = "note.delete"
    case historyPurge = "history.purge"
    case actionUndo = "action.undo"
    case actionRedo = "action.redo"
    case accountLink = "account.link"
    case accountUnlink = "account.unlink"
    case accountParent = "account.parent"
    case eventAttribute = "event.attribute"
    case accountNote = "account.note"
    case `import` = "import"
}

/// Appending to and reading the audit log, the same on both stores.
enum AuditLog {
    /// Appends one entry inside the caller's write transaction, so the entry and the change it
    /// describes land together or not at all.
    static func append(
        _ db: any SQLDatabase, _ actor: Actor, _ action: AuditAction, customer: Int64?, customerRef: String?,
        details: [String: String] = [:]
    ) throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(details), as: UTF8.self)
        try append(db, actor, action, customer: customer, customerRef: customerRef, json: json)
    }

    /// Appends one entry whose details are JSON already.
    static func append(
        _ db: any SQLDatabase, _ actor: Actor, _ action: AuditAction, customer: Int64?, customerRef: String?,
        json: String
    ) throws {
        try db.execute(
            """
            INSERT INTO audit_log(time, analyst, action, customer_id, customer_ref, details)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .int64(actor.now), .string(actor.analyst), .string(action.rawValue), .int64(customer),
                .string(customerRef), .string(json)
            ])
    }

    /// The store's audit key: 32 random bytes kept as hex in `model_state`, made at the first
    /// erasure (another session may make it at the same moment: whichever is stored wins).
    static func secret(_ db: any SQLDatabase, create: Bool) throws -> [UInt8]? {
        func stored() throws -> [UInt8]? {
            try db.first("SELECT value FROM model_state WHERE name = 'audit_key'") { try $0.bytes(0) }?
                .map { AuditKey.bytes(hex: String(decoding: $0, as: UTF8.self)) }
        }
        if let key = try stored() { return key }
        guard create else { return nil }
        let made = AuditKey.random()
        try db.execute(
            """
            INSERT INTO model_state(name, value, updated_at) VALUES ('audit_key', ?, ?)
            ON CONFLICT (name) DO NOTHING
            """, [.bytes(Array(AuditKey.hex(made).utf8)), .int64(storeNowSeconds())])
        return try stored() ?? made
    }
}

extension StoreBackend {
    public func auditEntries(customer key: Int64?, limit: Int, offset: Int) throws -> [AuditEntry] {
        try readSQL { db in
            let filter = key == nil ? "" : "WHERE customer_id = ?"
            return try db.all(
                "SELECT \(StoredRows.auditColumns) FROM audit_log \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                (key.map { [SQLValue.int64($0)] } ?? []) + [.int(limit), .int(offset)], StoredRows.audit)
        }
    }

    public func auditCount(customer key: Int64?) throws -> Int {
        try readSQL { db in
            guard let key else { return try db.count("SELECT COUNT(*) FROM audit_log") }
            return try db.count("SELECT COUNT(*) FROM audit_log WHERE customer_id = ?", [.int64(key)])
        }
    }

    /// Appends entries as they are (a copy of another store's log), oldest first.
    public func appendAudit(_ entries: [AuditEntry]) throws {
        try writeSQL(.analyst) { db in
            for e in entries {
                try db.execute(
                    """
                    INSERT INTO audit_log(time, analyst, action, customer_id, customer_ref, details)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .int64(e.time), .string(e.analyst), .string(e.action), .int64(e.customerId),
                        .string(e.customerRef), .string(e.details)
                    ])
            }
        }
    }

    /// The key an erased customer had, found by their external id through the erasure's `id_hash`.
    public func erasedCustomerKey(externalId: String) throws -> Int64? {
        try readSQL { db in
            guard let secret = try AuditLog.secret(db, create: false) else { return nil }
            return try db.int64(
                """
                SELECT customer_id FROM audit_log
                WHERE action = ? AND \(db.dialect.jsonField("details", "id_hash")) = ?
                ORDER BY id DESC LIMIT 1
                """,
                [.string(AuditAction.customerForget.rawValue), .string(ProfileStore.idHash(externalId, secret: secret))]
            )
        }
    }
}
