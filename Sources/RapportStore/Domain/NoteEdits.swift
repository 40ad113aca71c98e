import Foundation

// Editing and deleting an agent note, each with its audit entry and its action-log entry in
// one transaction. The audit records which note, never what it says (personal data).

extension StoreBackend {
    /// A note's text as stored, customer's or account's alike: trimmed, and never empty.
    static func noteBody(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalidArgument("a note needs some text") }
        return trimmed
    }

    /// Replaces a note's text.
    public func editNote(customer key: Int64, note id: Int64, text: String, by actor: Actor) throws {
        let trimmed = try Self.noteBody(text)
        try writeSQL(.analyst) { db in
            let ext = try Self.requireExternalId(db, key)
            let old = try Self.noteText(db, customer: key, note: id)
            try db.execute(
                "UPDATE notes SET text = ? WHERE customer_id = ? AND id = ?",
                [.string(trimmed), .int64(key), .int64(id)])
            try AuditLog.append(db, actor, .noteEdit, customer: key, customerRef: ext, details: ["note": String(id)])
            try ActionLog.record(
                db, actor, .noteEdit, customer: key, customerRef: ext,
                payload: ["note": String(id), "before": old, "after": trimmed])
        }
    }

    /// Deletes a note.
    public func deleteNote(customer key: Int64, note id: Int64, by actor: Actor) throws {
        try writeSQL(.analyst) { db in
            let ext = try Self.requireExternalId(db, key)
            guard
                let (time, author, text) = try db.first(
                    "SELECT time, analyst, text FROM notes WHERE customer_id = ? AND id = ?", [.int64(key), .int64(id)],
                    { (try $0.int64(0) ?? 0, try $0.string(1) ?? "", try $0.string(2) ?? "") })
            else { throw StoreError.invalidArgument("\(ext) has no note \(id)") }
            try db.execute("DELETE FROM notes WHERE customer_id = ? AND id = ?", [.int64(key), .int64(id)])
            try AuditLog.append(db, actor, .noteDelete, customer: key, customerRef: ext, details: ["note": String(id)])
            try ActionLog.record(
                db, actor, .noteDelete, customer: key, customerRef: ext,
                payload: ["note": String(id), "text": text, "time": String(time), "author": author])
        }
    }

    /// The ids of a customer's notes, oldest first (what `note --edit` and `--delete` take).
    public func noteIds(customer key: Int64) throws -> [Int64] {
        try readSQL { db in
            try db.all("SELECT id FROM notes WHERE customer_id = ? ORDER BY time, id", [.int64(key)]) {
                try $0.int64(0) ?? 0
            }
        }
    }

    /// A note's text, locked on PostgreSQL (called in write transactions: an edit or an undo
    /// made meanwhile by someone else waits, then finds what it changed).
    static func noteText(_ db: any SQLDatabase, customer key: Int64, note id: Int64) throws -> String {
        let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
        guard
            let text = try db.string(
                "SELECT text FROM notes WHERE customer_id = ? AND id = ?\(lock)", [.int64(key), .int64(id)])
        else {
            throw StoreError.invalidArgument("\(try Self.externalId(db, key) ?? "#\(key)") has no note \(id)")
        }
        return text
    }
}
