import Foundation

// The analyst's corrections to accounts, written once for both stores: each one write
// transaction with its audit entry.

extension StoreBackend {
    static func requireAccount(_ db: any SQLDatabase, _ externalId: String) throws -> AccountRecord {
        guard
            let a = try db.first(
                "SELECT \(AccountRecord.columns) FROM accounts a WHERE a.external_id = ?", [.string(externalId)],
                AccountRecord.read)
        else { throw StoreError.invalidArgument("no account '\(externalId)'") }
        return a
    }

    /// Makes a person a member of an account in a role (or updates that membership). A primary
    /// membership makes the person's other primary memberships valid at `since` non-primary,
    /// so the attribution rule has one answer.
    public func linkMember(
        customer key: Int64, account accountId: String, role: String, primary: Bool, title: String? = nil,
        since: Int64? = nil, by actor: Actor
    ) throws {
        let role = role.trimmingCharacters(in: .whitespaces).lowercased()
        guard !role.isEmpty else { throw StoreError.invalidArgument("a membership needs a role") }
        try writeSQL(.analyst) { db in
            let ext = try Self.requireExternalId(db, key)
            let account = try Self.requireAccount(db, accountId)
            let was = try MembershipState.all(db, customer: key)
            if primary {
                try db.execute(
                    "UPDATE memberships SET is_primary = ? WHERE customer_id = ? AND account_id <> ? AND is_primary = ?",
                    [.bool(false), .int64(key), .int64(account.key), .bool(true)])
            }
            try db.execute(
                """
                INSERT INTO memberships(customer_id, account_id, role, is_primary, title, since, until)
                VALUES (?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (customer_id, account_id, role) DO UPDATE SET is_primary = excluded.is_primary,
                    title = COALESCE(excluded.title, memberships.title),
                    since = COALESCE(excluded.since, memberships.since), until = NULL
                """,
                [.int64(key), .int64(account.key), .string(role), .bool(primary), .string(title), .int64(since)])
            try AuditLog.append(
                db, actor, .accountLink, customer: key, customerRef: ext,
                details: ["account": accountId, "role": role, "primary": primary ? "true" : "false"])
            let now = try MembershipState.all(db, customer: key)
            try AccountChanges.memberships(db, customer: key, time: actor.now, before: was, after: now)
            var payload = try MembershipPayload(before: was, after: now).fields()
            payload.merge(["account": accountId, "role": role, "primary": primary ? "1" : "0"]) { $1 }
            if let title { payload["title"] = title }
            try ActionLog.record(db, actor, .accountLink, customer: key, customerRef: ext, payload: payload)
        }
    }

    /// Ends a person's membership of an account (every role, or one) at `until`, keeping its
    /// history; with `delete`, removes it instead. Returns how many memberships changed.
    @discardableResult
    public func unlinkMember(
        customer key: Int64, account accountId: String, role: String? = nil, until: Int64? = nil,
        delete: Bool = false, by actor: Actor
    ) throws -> Int {
        try writeSQL(.analyst) { db in
            let ext = try Self.requireExternalId(db, key)
            let account = try Self.requireAccount(db, accountId)
            let was = try MembershipState.all(db, customer: key)
            var condition = "customer_id = ? AND account_id = ?"
            var args: [SQLValue] = [.int64(key), .int64(account.key)]
            if let role {
                condition += " AND role = ?"
                args.append(.string(role.lowercased()))
            }
            let changed =
                delete
                ? try db.execute("DELETE FROM memberships WHERE \(condition)", args)
                : try db.execute(
                    "UPDATE memberships SET until = ? WHERE \(condition) AND until IS NULL",
                    [.int64(until ?? actor.now)] + args)
            guard changed > 0 else {
                throw StoreError.invalidArgument("'\(ext)' has no current membership of '\(accountId)'")
            }
            var details = ["account": accountId, "ended": delete ? "deleted" : String(until ?? actor.now)]
            if let role { details["role"] = role }
            try AuditLog.append(db, actor, .accountUnlink, customer: key, customerRef: ext, details: details)
            let now = try MembershipState.all(db, customer: key)
            try AccountChanges.memberships(db, customer: key, time: actor.now, before: was, after: now)
            let payload = try MembershipPayload(before: was, after: now).fields()
            try ActionLog.record(
                db, actor, .accountUnlink, customer: key, customerRef: ext,
                payload: payload.merging(details) { $1 })
            return changed
        }
    }

    /// Sets (or with nil clears) an account's parent. Refuses a cycle or a tree deeper than 15
    /// levels, naming the path. Says whose totals change: the old ancestors lose the subtree's
    /// figures, the new ones gain them. With `dryRun` nothing is written.
    @discardableResult
    public func setAccountParent(
        account accountId: String, parent parentId: String?, dryRun: Bool = false, by actor: Actor
    )
        throws -> ParentChange
    {
        try writeSQL(.analyst) { db in
            let account = try Self.requireAccount(db, accountId)
            let newParent = try parentId.map { try Self.requireAccount(db, $0) }
            let stored = try AccountTree.stored(db)
            let ext = Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0.ext) })
            var parentOf: [String: String] = [:]
            for s in stored { if let p = s.parent, let pe = ext[p] { parentOf[s.ext] = pe } }
            let before = AccountTree.ancestry(of: accountId) { parentOf[$0] }.path.dropFirst()
            if let why = try AccountTree.refusal(db, account: accountId, parent: newParent?.externalId) {
                throw StoreError.invalidArgument("refused: \(why)")
            }
            parentOf[accountId] = newParent?.externalId
            let after = AccountTree.ancestry(of: accountId) { parentOf[$0] }.path.dropFirst()
            let oldParent = account.parent.flatMap { ext[$0] }
            let change = ParentChange(
                account: accountId, oldParent: oldParent, newParent: newParent?.externalId,
                losing: before.filter { !after.contains($0) }, gaining: after.filter { !before.contains($0) },
                applied: !dryRun)
            guard !dryRun, oldParent != newParent?.externalId else { return change }
            try db.execute(
                "UPDATE accounts SET parent_id = ? WHERE id = ?", [.int64(newParent?.key), .int64(account.key)])
            try AccountChanges.parent(db, account: account.key, time: actor.now, before: account.parent)
            try AuditLog.append(
                db, actor, .accountParent, customer: nil, customerRef: nil,
                details: ["account": accountId, "from": oldParent ?? "", "to": newParent?.externalId ?? ""])
            var payload = [
                "account": accountId, "account_key": String(account.key), "from": oldParent ?? "",
                "to": newParent?.externalId ?? ""
            ]
            if let k = account.parent { payload["from_key"] = String(k) }
            if let k = newParent?.key { payload["to_key"] = String(k) }
            try ActionLog.record(db, actor, .accountParent, customer: nil, customerRef: nil, payload: payload)
            return change
        }
    }

    /// Marks a purchase as made for an account (the B2B twin of the gift flag), or with nil
    /// returns it to the attribution rule.
    public func attributeEvent(_ displayId: String, account accountId: String?, by actor: Actor) throws {
        try writeSQL(.analyst) { db in
            let keys = try Self.eventKeys(db, displayId)
            guard let key = keys.first else { throw StoreError.unknownEvent(displayId) }
            if keys.count > 1 {
                throw StoreError.invalidArgument(
                    "event id '\(displayId)' names events of several customers; use the event's #key")
            }
            guard
                let row = try db.first(
                    """
                    SELECT e.type, e.account_id, a.external_id FROM events e LEFT JOIN accounts a ON a.id = e.account_id
                    WHERE e.customer_id = ? AND e.id = ?
                    """, [.int64(key.customer), .int64(key.id)],
                    { (try $0.int(0), try $0.int64(1), try $0.string(2)) })
            else { throw StoreError.unknownEvent(displayId) }
            let (type, fromKey, from) = row
            guard type == EventKinds.purchase else { throw StoreError.notAPurchase(displayId) }
            let account = try accountId.map { try Self.requireAccount(db, $0) }
            try db.execute(
                "UPDATE events SET account_id = ? WHERE customer_id = ? AND id = ?",
                [.int64(account?.key), .int64(key.customer), .int64(key.id)])
            try AccountChanges.attribution(
                db, customer: key.customer, event: key.id, time: actor.now, before: fromKey)
            let ref = try Self.externalId(db, key.customer)
            // `from`: the account it named before ("" none), so the entry says what it undid.
            try AuditLog.append(
                db, actor, .eventAttribute, customer: key.customer, customerRef: ref,
                details: ["event": displayId, "account": accountId ?? "", "from": from ?? ""])
            var payload = [
                "event": displayId, "key": String(key.id), "from": from ?? "", "to": account?.externalId ?? ""
            ]
            if let fromKey { payload["from_key"] = String(fromKey) }
            if let k = account?.key { payload["to_key"] = String(k) }
            try ActionLog.record(
                db, actor, .eventAttribute, customer: key.customer, customerRef: ref, payload: payload)
        }
    }

    /// Adds an analyst's note to an account. The audit records that a note was added, not its text.
    @discardableResult
    public func addAccountNote(account accountId: String, text: String, by actor: Actor) throws -> Int64 {
        let trimmed = try Self.noteBody(text)
        return try writeSQL(.analyst) { db in
            let account = try Self.requireAccount(db, accountId)
            let id =
                try db.int64(
                    "INSERT INTO account_notes(account_id, time, analyst, text) VALUES (?, ?, ?, ?) RETURNING id",
                    [.int64(account.key), .int64(actor.now), .string(actor.analyst), .string(trimmed)]) ?? 0
            try AuditLog.append(
                db, actor, .accountNote, customer: nil, customerRef: nil,
                details: ["account": accountId, "note": String(id)])
            // The action log keeps the text, as for a customer's note, so undo and redo can.
            try ActionLog.record(
                db, actor, .accountNote, customer: nil, customerRef: nil,
                payload: [
                    "account": accountId, "account_key": String(account.key), "note": String(id), "text": trimmed,
                    "time": String(actor.now), "author": actor.analyst
                ])
            return id
        }
    }
}
