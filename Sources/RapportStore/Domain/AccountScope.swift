import Foundation

// What a correction's recompute of account figures reads and writes, written once for both
// stores: only the firms the change touched, never every account (docs/accounts.md).

extension StoreBackend {
    /// Every account of the firms (the trees of their roots) holding any of `keys`, in key
    /// order. An account's figures depend only on its own subtree, so a change to some accounts
    /// can move the figures of their firms and of nothing else.
    public func accountFirms(of keys: [Int64]) throws -> [AccountRecord] {
        guard !keys.isEmpty else { return [] }
        return try readSQL { db in
            try db.all(
                """
                WITH RECURSIVE up(id, parent_id) AS (
                    SELECT id, parent_id FROM accounts WHERE \(db.dialect.anyOf("id"))
                    UNION SELECT p.id, p.parent_id FROM accounts p JOIN up ON p.id = up.parent_id),
                down(id) AS (
                    SELECT id FROM up WHERE parent_id IS NULL
                    UNION SELECT c.id FROM accounts c JOIN down ON c.parent_id = down.id)
                SELECT \(AccountRecord.columns) FROM accounts a WHERE a.id IN (SELECT id FROM down) ORDER BY a.id
                """, [.int64List(keys)], AccountRecord.read)
        }
    }

    /// The accounts a person's purchases and memberships can count for: the accounts of their
    /// memberships (ended ones too), and those their events and held (cleared) events name.
    public func accountsTouching(customer key: Int64) throws -> Set<Int64> {
        try readSQL { db in
            Set(
                try db.all(
                    """
                    SELECT account_id FROM memberships WHERE customer_id = ?
                    UNION SELECT account_id FROM events WHERE customer_id = ? AND account_id IS NOT NULL
                    UNION SELECT account_id FROM held_events WHERE customer_id = ? AND account_id IS NOT NULL
                    """, [.int64(key), .int64(key), .int64(key)]
                ) { try $0.int64(0) ?? 0 })
        }
    }

    /// Those of some people who gave personalization consent (an account's recommendations
    /// count only their purchases).
    public func consentingCustomers(among keys: [Int64]) throws -> Set<Int64> {
        guard !keys.isEmpty else { return [] }
        return try readSQL { db in
            Set(
                try db.all(
                    "SELECT c.id FROM customers c WHERE \(db.dialect.anyOf("c.id")) AND c.consent_personalization = ?",
                    [.int64List(keys), .bool(true)]
                ) { try $0.int64(0) ?? 0 })
        }
    }

    /// `memberActivity` for some people only: whether each had any event in (recentStart, asOf],
    /// and in (previousStart, recentStart].
    public func memberActivity(customers keys: [Int64], previousStart: Int64, recentStart: Int64, asOf: Int64) throws
        -> [Int64: (recent: Bool, previous: Bool)]
    {
        guard !keys.isEmpty else { return [:] }
        return try readSQL { db in
            var out: [Int64: (recent: Bool, previous: Bool)] = [:]
            try db.forEachRow(
                """
                SELECT e.customer_id, MAX(CASE WHEN e.time > ? THEN 1 ELSE 0 END),
                       MAX(CASE WHEN e.time <= ? THEN 1 ELSE 0 END)
                FROM events e WHERE \(db.dialect.anyOf("e.customer_id"))
                AND e.time > ? AND e.time <= ? GROUP BY e.customer_id
                """, [.int64(recentStart), .int64(recentStart), .int64List(keys), .int64(previousStart), .int64(asOf)]
            ) { r in
                out[try r.int64(0) ?? 0] = ((try r.int64(1) ?? 0) > 0, (try r.int64(2) ?? 0) > 0)
            }
            return out
        }
    }

    /// Replaces the stored figures of these accounts only (a correction's recompute); the
    /// other accounts' rows stay as they are.
    public func replaceAccountFigures(_ rows: [AccountFiguresRow], now: Int64) throws {
        guard !rows.isEmpty else { return }
        try writeSQL(.analyst) { db in
            try db.execute(
                "DELETE FROM account_figures WHERE \(db.dialect.anyOf("account_id"))", [.int64List(rows.map(\.account))]
            )
            try Self.insertFigures(db, rows, now: now)
        }
    }

    /// Inserts figure rows, many a statement: one round trip per 500 accounts on PostgreSQL,
    /// not per account (10 parameters a row stays under SQLite's limit of 32,766).
    static func insertFigures(_ db: any SQLDatabase, _ rows: [AccountFiguresRow], now: Int64) throws {
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = rows[start..<min(rows.count, start + 500)]
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count)
            try db.execute(
                """
                INSERT INTO account_figures(account_id, members, revenue, revenue_12m, engagement, trend,
                    coverage, p_alive, detail, updated_at) VALUES \(values.joined(separator: ", "))
                """,
                chunk.flatMap { r -> [SQLValue] in
                    [
                        .int64(r.account), .int(r.members), .double(r.revenue), .double(r.revenue12m),
                        .int(r.engagement), .string(r.trend), .double(r.coverage), .double(r.pAlive),
                        .string(r.detail), .int64(now)
                    ]
                })
        }
    }
}

extension ActionEntry {
    /// The accounts an account correction named on either side (a link's or unlink's
    /// memberships, a move's account and parents, an attribution's accounts): with the
    /// person's own, the accounts whose figures undoing or redoing it can move.
    public var accountsNamed: Set<Int64> {
        var out = Set(["account_key", "from_key", "to_key"].compactMap { payload[$0].flatMap { Int64($0) } })
        struct Named: Decodable { var account: Int64 }
        for side in ["before", "after"] {
            guard let text = payload[side], let rows = try? JSONDecoder().decode([Named].self, from: Data(text.utf8))
            else { continue }
            out.formUnion(rows.map(\.account))
        }
        return out
    }
}
