import Foundation

// A full refresh's account figures and kept buyers written back, once for both stores: the
// stored rows are read in key order and compared with the new ones, and only the rows that
// differ are written (most refreshes change few accounts). When most rows changed, the tables
// are rewritten whole instead, SQLite's figure indexes dropped and built again, as the
// customers' metrics are (`writeChangedMetrics`).

/// What a full write of the account figures wrote: rows inserted (a changed row is one, written
/// again) and rows deleted for good. A table rewritten whole counts every row it holds.
public struct AccountRowsWritten: Sendable, Equatable {
    public var figures: Int
    public var buyers: Int

    public init(figures: Int, buyers: Int) {
        self.figures = figures
        self.buyers = buyers
    }

    public static let none = AccountRowsWritten(figures: 0, buyers: 0)
}

extension StoreBackend {
    /// Makes the stored figures and buyers of every account those of the refresh, in one
    /// transaction, writing only the rows that differ, and notes that the buyers are kept.
    /// Stored rows the refresh did not list (accounts it did not know) are deleted.
    @discardableResult
    public func writeAccountFigures(_ rows: [AccountFiguresRow], buyers: [AccountBuyerRow], now: Int64) throws
        -> AccountRowsWritten
    {
        try writeAccountFigures(rows, buyers: buyers, now: now, rewriteAllFrom: AccountRowsDiff.rewriteAllFrom)
    }

    /// The same, rewriting a table whole when at least `rewriteAllFrom` of its rows changed
    /// and they are more than a third of it.
    func writeAccountFigures(
        _ rows: [AccountFiguresRow], buyers: [AccountBuyerRow], now: Int64, rewriteAllFrom: Int
    ) throws -> AccountRowsWritten {
        try writeSQL(.analyst) { db in
            let figures = try Self.writeChangedFigures(db, rows, now: now, rewriteAllFrom: rewriteAllFrom)
            let buyers = try Self.writeChangedBuyers(db, buyers, rewriteAllFrom: rewriteAllFrom)
            if try ModelState.get(db, AccountBuyersSchema.stateName) == nil {
                try ModelState.put(db, AccountBuyersSchema.stateName, Data("1".utf8), now: now)
            }
            return AccountRowsWritten(figures: figures, buyers: buyers)
        }
    }

    /// Compares the stored figures with `rows` (all columns but `updated_at`) and writes those
    /// that differ; returns the rows written or deleted.
    static func writeChangedFigures(
        _ db: any SQLDatabase, _ rows: [AccountFiguresRow], now: Int64, rewriteAllFrom: Int
    ) throws -> Int {
        let sorted = rows.sorted { $0.account < $1.account }
        var changed: [AccountFiguresRow] = []
        // Stored rows to delete: of accounts not listed, and those replaced by a changed row.
        var stale: [Int64] = []
        var replaced = 0
        var next = 0
        // A merge of the stored rows and the new ones, both in key order: no table in memory.
        try db.forEachRow("SELECT \(figureColumns) FROM account_figures f ORDER BY f.account_id", []) { r in
            guard let old = try readFigures(r, at: 0) else { return }
            while next < sorted.count && sorted[next].account < old.account {
                changed.append(sorted[next])
                next += 1
            }
            guard next < sorted.count, sorted[next].account == old.account else {
                stale.append(old.account)
                return
            }
            if !AccountRowsDiff.same(old, sorted[next]) {
                changed.append(sorted[next])
                stale.append(old.account)
                replaced += 1
            }
            next += 1
        }
        changed += sorted[next...]
        let insert = BulkInsert(table: "account_figures", columns: AccountRowsDiff.figureColumns)
        if AccountRowsDiff.rewritesAll(changed: changed.count, of: sorted.count, from: rewriteAllFrom) {
            try db.execute("DELETE FROM account_figures")
            var all = insert
            all.rebuildsIndexes = true
            try db.insertRows(all, sorted.lazy.map { AccountRowsDiff.values($0, now: now) })
            return sorted.count + stale.count - replaced
        }
        var deleted = 0
        for start in stride(from: 0, to: stale.count, by: 10_000) {
            deleted += try db.execute(
                "DELETE FROM account_figures WHERE \(db.dialect.anyOf("account_id"))",
                [.int64List(Array(stale[start..<min(stale.count, start + 10_000)]))])
        }
        try db.insertRows(insert, changed.lazy.map { AccountRowsDiff.values($0, now: now) })
        return changed.count + deleted - replaced
    }

    /// Compares the stored buyers with `rows` and adds the missing ones and deletes those no
    /// longer listed; returns the rows added or deleted.
    static func writeChangedBuyers(_ db: any SQLDatabase, _ rows: [AccountBuyerRow], rewriteAllFrom: Int) throws
        -> Int
    {
        let sorted = AccountRowsDiff.distinctInKeyOrder(rows)
        var added: [AccountBuyerRow] = []
        var gone: [AccountBuyerRow] = []
        var next = 0
        try db.forEachRow(
            "SELECT account_id, product_id, customer_id FROM account_buyers ORDER BY account_id, product_id, customer_id",
            []
        ) { r in
            let old = AccountBuyerRow(
                account: try r.int64(0) ?? 0, product: try r.int64(1) ?? 0, customer: try r.int64(2) ?? 0)
            while next < sorted.count && AccountRowsDiff.before(sorted[next], old) {
                added.append(sorted[next])
                next += 1
            }
            guard next < sorted.count, !AccountRowsDiff.before(old, sorted[next]) else {
                gone.append(old)
                return
            }
            next += 1
        }
        added += sorted[next...]
        let insert = BulkInsert(table: "account_buyers", columns: ["account_id", "product_id", "customer_id"])
        let values = { (b: AccountBuyerRow) -> [SQLValue] in
            [.int64(b.account), .int64(b.product), .int64(b.customer)]
        }
        if AccountRowsDiff.rewritesAll(changed: added.count + gone.count, of: sorted.count, from: rewriteAllFrom) {
            try db.execute("DELETE FROM account_buyers")
            try db.insertRows(insert, sorted.lazy.map(values))
            return sorted.count + gone.count
        }
        var written = 0
        // 1,000 rows a statement: 3,000 parameters, under both databases' limits.
        for start in stride(from: 0, to: gone.count, by: 1000) {
            let chunk = gone[start..<min(gone.count, start + 1000)]
            written += try db.execute(
                "DELETE FROM account_buyers WHERE (account_id, product_id, customer_id) IN (VALUES "
                    + Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ") + ")",
                chunk.flatMap(values))
        }
        try db.insertRows(insert, added.lazy.map(values))
        return written + added.count
    }
}

/// How the stored account rows are compared with a refresh's.
enum AccountRowsDiff {
    /// Below this many changed rows a table is never rewritten whole: deleting and inserting
    /// them costs less than rebuilding its indexes.
    static let rewriteAllFrom = 1000

    static let figureColumns = [
        "account_id", "members", "revenue", "revenue_12m", "engagement", "trend", "coverage", "p_alive", "detail",
        "updated_at"
    ]

    static func values(_ r: AccountFiguresRow, now: Int64) -> [SQLValue] {
        [
            .int64(r.account), .int(r.members), .double(r.revenue), .double(r.revenue12m), .int(r.engagement),
            .string(r.trend), .double(r.coverage), .double(r.pAlive), .string(r.detail), .int64(now)
        ]
    }

    static func rewritesAll(changed: Int, of count: Int, from minimum: Int) -> Bool {
        changed >= minimum && changed * 3 > count
    }

    /// Whether a stored row holds the new row's figures. SQLite stores a NaN as NULL, so the
    /// two are the same here (else such a figure would be written again on every refresh).
    static func same(_ stored: AccountFiguresRow, _ new: AccountFiguresRow) -> Bool {
        func same(_ a: Double?, _ b: Double?) -> Bool {
            let a = a.flatMap { $0.isNaN ? nil : $0 }
            let b = b.flatMap { $0.isNaN ? nil : $0 }
            return a == b
        }
        return stored.account == new.account && stored.members == new.members && stored.revenue == new.revenue
            && stored.revenue12m == new.revenue12m && stored.engagement == new.engagement
            && stored.trend == new.trend && same(stored.coverage, new.coverage) && same(stored.pAlive, new.pAlive)
            && stored.detail == new.detail
    }

    /// The table's order: by account, product, then person.
    static func before(_ a: AccountBuyerRow, _ b: AccountBuyerRow) -> Bool {
        (a.account, a.product, a.customer) < (b.account, b.product, b.customer)
    }

    static func distinctInKeyOrder(_ rows: [AccountBuyerRow]) -> [AccountBuyerRow] {
        var out: [AccountBuyerRow] = []
        out.reserveCapacity(rows.count)
        for r in rows.sorted(by: before) where out.last.map({ before($0, r) }) ?? true { out.append(r) }
        return out
    }
}
