import Foundation

// Reading accounts, memberships and what the refresh needs for account figures, written once
// for both stores.

extension StoreBackend {
    /// Every account, in key order.
    public func accounts() throws -> [AccountRecord] {
        try readSQL { db in
            try db.all("SELECT \(AccountRecord.columns) FROM accounts a ORDER BY a.id", [], AccountRecord.read)
        }
    }

    /// The account a file's id names.
    public func account(externalId: String) throws -> AccountRecord? {
        try readSQL { db in
            try db.first(
                "SELECT \(AccountRecord.columns) FROM accounts a WHERE a.external_id = ?", [.string(externalId)],
                AccountRecord.read)
        }
    }

    /// The memberships of some accounts (nil: all), ended ones too, by account then person.
    public func memberships(accounts keys: [Int64]? = nil) throws -> [MembershipRecord] {
        try readSQL { db in
            let filter = keys == nil ? "" : "WHERE " + db.dialect.anyOf("m.account_id")
            return try db.all(
                """
                SELECT \(MembershipRecord.columns) FROM memberships m JOIN customers c ON c.id = m.customer_id
                \(filter) ORDER BY m.account_id, c.external_id, m.role
                """, keys.map { [.int64List($0)] } ?? [], MembershipRecord.read)
        }
    }

    /// Every membership, ended ones too, as the account figures read them (`memberships()`'
    /// rows without the person's id, name and consent, nor the title): no sort by the people's
    /// ids, in key order instead. A full refresh reads them twice, the second time only to
    /// see that none changed while it ran.
    public func membershipFacts() throws -> [MembershipFact] {
        try readSQL { db in
            try db.all(
                """
                SELECT m.customer_id, m.account_id, m.role, m.is_primary, m.since, m.until
                FROM memberships m JOIN customers c ON c.id = m.customer_id
                ORDER BY m.customer_id, m.account_id, m.role
                """, [], MembershipFact.read)
        }
    }

    /// The memberships of some people, ended ones too (the attribution of their purchases).
    public func memberships(customers keys: [Int64]) throws -> [MembershipRecord] {
        try readSQL { db in
            try db.all(
                """
                SELECT \(MembershipRecord.columns) FROM memberships m JOIN customers c ON c.id = m.customer_id
                WHERE \(db.dialect.anyOf("m.customer_id")) ORDER BY m.customer_id, m.account_id, m.role
                """, [.int64List(keys)], MembershipRecord.read)
        }
    }

    /// An account's notes, newest first: (time, analyst, text).
    public func accountNotes(account key: Int64) throws -> [(time: Int64, analyst: String, text: String)] {
        try readSQL { db in
            try db.all(
                "SELECT time, analyst, text FROM account_notes WHERE account_id = ? ORDER BY time DESC, id DESC",
                [.int64(key)]
            ) { (try $0.int64(0) ?? 0, try $0.string(1) ?? "", try $0.string(2) ?? "") }
        }
    }

    /// A person's memberships, ended ones too.
    public func memberships(customer key: Int64) throws -> [MembershipRecord] {
        try readSQL { db in
            try db.all(
                """
                SELECT \(MembershipRecord.columns) FROM memberships m JOIN customers c ON c.id = m.customer_id
                WHERE m.customer_id = ? ORDER BY m.account_id, m.role
                """, [.int64(key)], MembershipRecord.read)
        }
    }

    /// Purchase lines that may count for an account: those naming one, and every purchase of a
    /// person with a primary membership (the attribution rule decides which counts where).
    /// With `accounts`, only the lines that name one of them or whose buyer is a primary member
    /// of one (an account's firm), by buyer and time; without, every such line by event key.
    public func accountPurchases(accounts: [Int64]? = nil) throws -> [AccountPurchaseRow] {
        try readSQL { db in
            let named = accounts == nil ? "e.account_id IS NOT NULL" : db.dialect.anyOf("e.account_id")
            let members = accounts == nil ? "" : " AND " + db.dialect.anyOf("account_id")
            let keys: [SQLValue] = accounts.map { [.int64List($0)] } ?? []
            // Every line: in the table's order (on SQLite one scan; by buyer and time it walked
            // the (customer, time) index and looked up every row).
            let order = accounts == nil ? "e.id" : "e.customer_id, e.time, e.id"
            return try db.all(
                """
                SELECT e.id, e.customer_id, e.product_id, e.time, e.amount, e.account_id FROM events e
                WHERE e.type = 0 AND (\(named)
                    OR e.customer_id IN (SELECT customer_id FROM memberships WHERE is_primary = ?\(members)))
                ORDER BY \(order)
                """, keys + [.bool(true)] + keys
            ) {
                AccountPurchaseRow(
                    event: try $0.int64(0) ?? 0, customer: try $0.int64(1) ?? 0, product: try $0.int64(2),
                    time: try $0.int64(3) ?? 0, amount: try $0.double(4) ?? 0, account: try $0.int64(5))
            }
        }
    }

    /// For every member: whether they had any event in (recentStart, asOf], and in
    /// (previousStart, recentStart].
    public func memberActivity(previousStart: Int64, recentStart: Int64, asOf: Int64) throws
        -> [Int64: (recent: Bool, previous: Bool)]
    {
        try readSQL { db in
            var out: [Int64: (recent: Bool, previous: Bool)] = [:]
            try db.forEachRow(
                """
                SELECT e.customer_id, MAX(CASE WHEN e.time > ? THEN 1 ELSE 0 END),
                       MAX(CASE WHEN e.time <= ? THEN 1 ELSE 0 END)
                FROM events e WHERE e.customer_id IN (SELECT customer_id FROM memberships)
                AND e.time > ? AND e.time <= ? GROUP BY e.customer_id
                """, [.int64(recentStart), .int64(recentStart), .int64(previousStart), .int64(asOf)]
            ) { r in
                out[try r.int64(0) ?? 0] = ((try r.int64(1) ?? 0) > 0, (try r.int64(2) ?? 0) > 0)
            }
            return out
        }
    }

    /// The purchases that name their account: event key → the account's id (`rapport copy`).
    public func eventAccounts() throws -> [Int64: String] {
        try readSQL { db in
            var out: [Int64: String] = [:]
            try db.forEachRow(
                "SELECT e.id, a.external_id FROM events e JOIN accounts a ON a.id = e.account_id", []
            ) { r in out[try r.int64(0) ?? 0] = try r.string(1) ?? "" }
            return out
        }
    }

    /// Buyers of account purchases who gave personalization consent.
    public func consentingAccountBuyers() throws -> Set<Int64> {
        try readSQL { db in
            Set(
                try db.all(
                    """
                    SELECT c.id FROM customers c WHERE c.consent_personalization = ? AND (
                        c.id IN (SELECT customer_id FROM memberships)
                        OR c.id IN (SELECT customer_id FROM events WHERE account_id IS NOT NULL))
                    """, [.bool(true)]
                ) { try $0.int64(0) ?? 0 })
        }
    }

    /// Replaces every account's stored figures with the refresh's.
    public func writeAccountFigures(_ rows: [AccountFiguresRow], now: Int64) throws {
        try writeSQL(.analyst) { db in
            try db.execute("DELETE FROM account_figures")
            try Self.insertFigures(db, rows, now: now)
        }
    }

    /// One account's stored figures.
    public func accountFigures(account key: Int64) throws -> AccountFiguresRow? {
        try readSQL { db in
            try db.first("SELECT \(Self.figureColumns) FROM account_figures f WHERE f.account_id = ?", [.int64(key)]) {
                try Self.readFigures($0, at: 0)
            } ?? nil
        }
    }

    static var figureColumns: String {
        "f.account_id, f.members, f.revenue, f.revenue_12m, f.engagement, f.trend, f.coverage, f.p_alive, f.detail"
    }

    static func readFigures(_ r: any SQLRow, at i: Int) throws -> AccountFiguresRow? {
        guard let key = try r.int64(i) else { return nil }
        return AccountFiguresRow(
            account: key, members: try r.int(i + 1) ?? 0, revenue: try r.double(i + 2) ?? 0,
            revenue12m: try r.double(i + 3) ?? 0, engagement: try r.int(i + 4), trend: try r.string(i + 5),
            coverage: try r.double(i + 6), pAlive: try r.double(i + 7), detail: try r.string(i + 8) ?? "{}")
    }

    /// The condition and arguments of the list's text filter: name or id containing `text`;
    /// with `existedAt`, only the accounts that were clients by then (`since` empty or not after it).
    static func accountFilter(_ text: String?, existedAt: Int64? = nil) -> (String, [SQLValue]) {
        var conditions: [String] = []
        var args: [SQLValue] = []
        if let text, !text.isEmpty {
            let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            let pattern = SQLValue.string("%\(escaped)%")
            conditions.append("(lower(a.name) LIKE ? ESCAPE '\\' OR lower(a.external_id) LIKE ? ESCAPE '\\')")
            args += [pattern, pattern]
        }
        if let existedAt {
            conditions.append("(a.since IS NULL OR a.since <= ?)")
            args.append(.int64(existedAt))
        }
        return conditions.isEmpty ? ("", []) : ("WHERE " + conditions.joined(separator: " AND "), args)
    }

    /// A page of the accounts list with each account's parent and stored figures. A sort by a
    /// figure walks that figure's index from the figures (not every account, then a sort); the
    /// accounts without figures yet (none after a refresh or an import) follow, by key.
    /// With `existedAt`, only the accounts that were clients by then (the list of a past day).
    public func accountPage(filter: String?, sort: AccountSort, limit: Int, offset: Int, existedAt: Int64? = nil)
        throws -> [AccountListRow]
    {
        try readSQL { db in
            let (whereFilter, args) = Self.accountFilter(filter, existedAt: existedAt)
            let condition = whereFilter.replacingOccurrences(of: "WHERE ", with: "")
            func page(_ from: String, _ extra: String, _ order: String, _ limit: Int, _ offset: Int) throws
                -> [AccountListRow]
            {
                let conditions = [condition, extra].filter { !$0.isEmpty }.joined(separator: " AND ")
                return try db.all(
                    """
                    SELECT \(AccountRecord.columns), p.external_id, p.name, \(Self.figureColumns)
                    FROM \(from) LEFT JOIN accounts p ON p.id = a.parent_id
                    \(conditions.isEmpty ? "" : "WHERE " + conditions) ORDER BY \(order) LIMIT ? OFFSET ?
                    """, args + [.int(limit), .int(offset)]
                ) {
                    AccountListRow(
                        account: try AccountRecord.read($0), parentExternalId: try $0.string(11),
                        parentName: try $0.string(12), figures: try Self.readFigures($0, at: 13))
                }
            }
            guard sort != .name else {
                return try page(
                    "accounts a LEFT JOIN account_figures f ON f.account_id = a.id", "", sort.orderBy, limit, offset)
            }
            let figured = try page(
                "account_figures f JOIN accounts a ON a.id = f.account_id", "", sort.figuresOrder, limit, offset)
            guard figured.count < limit else { return figured }
            // Past the figured accounts: how many the filter keeps, then the others from there.
            let count = try db.count(
                "SELECT COUNT(*) FROM account_figures f JOIN accounts a ON a.id = f.account_id"
                    + (condition.isEmpty ? "" : " WHERE " + condition), args)
            let rest = try page(
                "accounts a LEFT JOIN account_figures f ON f.account_id = a.id", "f.account_id IS NULL", "a.id",
                limit - figured.count, max(0, offset - count))
            return figured + rest
        }
    }

    /// The list's rows of some accounts, in key order (a person's accounts).
    public func accountRows(keys: [Int64]) throws -> [AccountListRow] {
        try readSQL { db in
            try db.all(
                """
                SELECT \(AccountRecord.columns), p.external_id, p.name, \(Self.figureColumns)
                FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id
                LEFT JOIN account_figures f ON f.account_id = a.id
                WHERE \(db.dialect.anyOf("a.id")) ORDER BY a.id
                """, [.int64List(keys)]
            ) {
                AccountListRow(
                    account: try AccountRecord.read($0), parentExternalId: try $0.string(11),
                    parentName: try $0.string(12), figures: try Self.readFigures($0, at: 13))
            }
        }
    }

    /// How many accounts the list's filter keeps (with `existedAt`: of those that were clients by then).
    public func accountCount(filter: String?, existedAt: Int64? = nil) throws -> Int {
        try readSQL { db in
            let (condition, args) = Self.accountFilter(filter, existedAt: existedAt)
            return try db.count("SELECT COUNT(*) FROM accounts a \(condition)", args)
        }
    }
}
