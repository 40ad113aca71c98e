import Foundation

// What the action log keeps of an account correction, and how undo and redo put it back, the
// same on both stores. Each side is checked against the current state first: a change made
// since refuses the walk, with nothing applied (UndoRedo.swift).

/// One membership row of a person, as an entry keeps it on each side.
struct MembershipState: Codable, Equatable {
    var account: Int64
    var role: String
    var primary: Bool
    var title: String?
    var since: Int64?
    var until: Int64?

    var slot: String { "\(account)/\(role)" }

    static func all(_ db: any SQLDatabase, customer: Int64) throws -> [MembershipState] {
        try db.all(
            """
            SELECT account_id, role, is_primary, title, since, until FROM memberships
            WHERE customer_id = ? ORDER BY account_id, role
            """, [.int64(customer)]
        ) {
            MembershipState(
                account: try $0.int64(0) ?? 0, role: try $0.string(1) ?? "", primary: try $0.bool(2) ?? false,
                title: try $0.string(3), since: try $0.int64(4), until: try $0.int64(5))
        }
    }
}

/// A link or unlink keeps the person's memberships it changed, before and after (a row absent
/// on one side did not exist there). A primary link also changes the person's other primaries.
struct MembershipPayload {
    var before: [MembershipState]
    var after: [MembershipState]

    /// Only the rows that differ between the two snapshots.
    init(before all: [MembershipState], after now: [MembershipState]) {
        let was = Dictionary(all.map { ($0.slot, $0) }) { a, _ in a }
        let isNow = Dictionary(now.map { ($0.slot, $0) }) { a, _ in a }
        before = all.filter { isNow[$0.slot] != $0 }
        after = now.filter { was[$0.slot] != $0 }
    }

    init?(_ f: [String: String]) {
        let decoder = JSONDecoder()
        guard let b = f["before"], let a = f["after"],
            let before = try? decoder.decode([MembershipState].self, from: Data(b.utf8)),
            let after = try? decoder.decode([MembershipState].self, from: Data(a.utf8))
        else { return nil }
        self.before = before
        self.after = after
    }

    func fields() throws -> [String: String] {
        let encoder = JSONEncoder.sorted
        return [
            "before": String(decoding: try encoder.encode(before), as: UTF8.self),
            "after": String(decoding: try encoder.encode(after), as: UTF8.self)
        ]
    }

    /// Puts the person's memberships from `from` to `to`, or says why not (nil: done).
    /// The change is recorded at `time` (`account_changes`).
    static func move(
        _ db: any SQLDatabase, customer: Int64, from: [MembershipState], to: [MembershipState], at time: Int64
    ) throws -> String? {
        let slots = Set(from.map(\.slot) + to.map(\.slot))
        let all = try MembershipState.all(db, customer: customer)
        let current = all.filter { slots.contains($0.slot) }
        guard Set(current.map(\.slot)) == Set(from.map(\.slot)), from.allSatisfy(current.contains) else {
            return "its memberships were changed since"
        }
        let wanted = Dictionary(to.map { ($0.slot, $0) }) { a, _ in a }
        for m in from where wanted[m.slot] == nil {
            try db.execute(
                "DELETE FROM memberships WHERE customer_id = ? AND account_id = ? AND role = ?",
                [.int64(customer), .int64(m.account), .string(m.role)])
        }
        for m in to {
            guard try AccountUndo.exists(db, account: m.account) else { return "an account it names was removed" }
            try db.execute(
                """
                INSERT INTO memberships(customer_id, account_id, role, is_primary, title, since, until)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (customer_id, account_id, role) DO UPDATE SET is_primary = excluded.is_primary,
                    title = excluded.title, since = excluded.since, until = excluded.until
                """,
                [
                    .int64(customer), .int64(m.account), .string(m.role), .bool(m.primary), .string(m.title),
                    .int64(m.since), .int64(m.until)
                ])
        }
        try AccountChanges.memberships(
            db, customer: customer, time: time, before: all, after: try MembershipState.all(db, customer: customer))
        return nil
    }
}

enum AccountUndo {
    static func exists(_ db: any SQLDatabase, account key: Int64) throws -> Bool {
        try db.count("SELECT COUNT(*) FROM accounts WHERE id = ?", [.int64(key)]) > 0
    }

    /// Keys of an entry's payload ("" is none).
    static func key(_ f: [String: String], _ name: String) -> Int64? { f[name].flatMap { Int64($0) } }

    /// Moves an account back (undo) or again (redo) under the parent the entry names; why not,
    /// or nil when done. The tree's rules hold as for `set-parent`: no cycle, no tree too deep.
    static func parent(_ db: any SQLDatabase, _ f: [String: String], _ direction: ActionDirection, at time: Int64)
        throws -> String?
    {
        guard let account = key(f, "account_key"), let ext = f["account"] else { return "it is damaged" }
        let (from, to) =
            direction == .undo ? (key(f, "to_key"), key(f, "from_key")) : (key(f, "from_key"), key(f, "to_key"))
        let toExt = direction == .undo ? f["from"] : f["to"]
        let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
        guard
            let current = try db.first(
                "SELECT parent_id FROM accounts WHERE id = ?\(lock)", [.int64(account)], { try $0.int64(0) }),
            current == from
        else { return "the parent of \(ext) was changed since" }
        if let to, try !exists(db, account: to) { return "account \(toExt ?? "?") was removed" }
        if let why = try AccountTree.refusal(db, account: ext, parent: toExt.flatMap { $0.isEmpty ? nil : $0 }) {
            return why
        }
        try db.execute("UPDATE accounts SET parent_id = ? WHERE id = ?", [.int64(to), .int64(account)])
        try AccountChanges.parent(db, account: account, time: time, before: from)
        return nil
    }

    /// Takes an account's note away (undo) or writes it again with its number, time and author
    /// (redo); why not, or nil when done.
    static func note(_ db: any SQLDatabase, _ f: [String: String], _ direction: ActionDirection) throws -> String? {
        guard let id = key(f, "note"), let account = key(f, "account_key"), let text = f["text"] else {
            return "it is damaged"
        }
        let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
        let now = try db.string("SELECT text FROM account_notes WHERE id = ?\(lock)", [.int64(id)])
        if direction == .undo {
            guard now == text else { return "note \(id) was changed or removed since" }
            try db.execute("DELETE FROM account_notes WHERE id = ?", [.int64(id)])
            return nil
        }
        guard now == nil else { return "note \(id) exists" }
        guard try exists(db, account: account) else { return "account \(f["account"] ?? "?") was removed" }
        try db.execute(
            "INSERT INTO account_notes(id, account_id, time, analyst, text) VALUES (?, ?, ?, ?, ?)",
            [.int64(id), .int64(account), .int64(key(f, "time") ?? 0), .string(f["author"] ?? ""), .string(text)])
        return nil
    }

    /// Puts a purchase's account back (undo) or again (redo); why not, or nil when done.
    static func attribution(
        _ db: any SQLDatabase, customer: Int64, _ f: [String: String], _ direction: ActionDirection, at time: Int64
    ) throws -> String? {
        guard let event = key(f, "key") else { return "it is damaged" }
        let (from, to) =
            direction == .undo ? (key(f, "to_key"), key(f, "from_key")) : (key(f, "from_key"), key(f, "to_key"))
        let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
        let current = try db.first(
            "SELECT account_id FROM events WHERE customer_id = ? AND id = ?\(lock)", [.int64(customer), .int64(event)],
            { try $0.int64(0) })
        guard let current, current == from else {
            return "the account of \(f["event"] ?? "?") was changed or the event removed since"
        }
        if let to, try !exists(db, account: to) { return "the account it names was removed" }
        try db.execute(
            "UPDATE events SET account_id = ? WHERE customer_id = ? AND id = ?",
            [.int64(to), .int64(customer), .int64(event)])
        try AccountChanges.attribution(db, customer: customer, event: event, time: time, before: from)
        return nil
    }
}
