import Foundation

// What opening an account reads, written once for both stores, in as few queries as the view
// allows (each one a round trip on PostgreSQL): the firm with every account's stored figures in
// one, and the members a page at a time with their count in one.

extension StoreBackend {
    /// Every account of the firm holding the account a file's id names (the tree of its root),
    /// each with its parent's id and name and its stored figures, in key order. Empty when no
    /// account has that id.
    public func accountFirm(externalId: String) throws -> [AccountListRow] {
        try readSQL { db in
            try db.all(
                """
                WITH RECURSIVE up(id, parent_id) AS (
                    SELECT id, parent_id FROM accounts WHERE external_id = ?
                    UNION SELECT p.id, p.parent_id FROM accounts p JOIN up ON p.id = up.parent_id),
                down(id) AS (
                    SELECT id FROM up WHERE parent_id IS NULL
                    UNION SELECT c.id FROM accounts c JOIN down ON c.parent_id = down.id)
                SELECT \(AccountRecord.columns), p.external_id, p.name, \(Self.figureColumns)
                FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id
                LEFT JOIN account_figures f ON f.account_id = a.id
                WHERE a.id IN (SELECT id FROM down) ORDER BY a.id
                """, [.string(externalId)]
            ) {
                AccountListRow(
                    account: try AccountRecord.read($0), parentExternalId: try $0.string(11),
                    parentName: try $0.string(12), figures: try Self.readFigures($0, at: 13))
            }
        }
    }

    /// A page of an account's memberships (ended ones too), by person id then role as
    /// `memberships(accounts:)` orders them, and how many there are in all: one query while the
    /// page has rows, a count after the last page.
    public func accountMembers(account key: Int64, offset: Int, limit: Int) throws
        -> (rows: [MembershipRecord], total: Int)
    {
        try readSQL { db in
            var total = 0
            let rows = try db.all(
                """
                SELECT \(MembershipRecord.columns), COUNT(*) OVER ()
                FROM memberships m JOIN customers c ON c.id = m.customer_id
                WHERE m.account_id = ? ORDER BY c.external_id, m.role LIMIT ? OFFSET ?
                """, [.int64(key), .int(max(0, limit)), .int(max(0, offset))]
            ) { r -> MembershipRecord in
                total = try r.int(10) ?? 0
                return try MembershipRecord.read(r)
            }
            if rows.isEmpty {
                total = try db.count("SELECT COUNT(*) FROM memberships WHERE account_id = ?", [.int64(key)])
            }
            return (rows, total)
        }
    }
}
