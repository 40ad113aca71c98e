import Foundation

// Who bought what for which account (table `account_buyers`), written once for both stores:
// kept with the figures by the refresh and by a correction's recompute, read per firm when an
// account opens (its recommendations).

/// One person who bought one product for one account; `consenting` is read with the row (the
/// person's personalization consent now), so a change of consent counts at once.
public struct AccountBuyerRow: Sendable, Hashable {
    public var account: Int64
    public var product: Int64
    public var customer: Int64
    public var consenting: Bool

    public init(account: Int64, product: Int64, customer: Int64, consenting: Bool = false) {
        self.account = account
        self.product = product
        self.customer = customer
        self.consenting = consenting
    }
}

extension StoreBackend {
    /// Replaces the stored figures of `rows`' accounts and the buyers of `accounts` (a
    /// correction's firms; with `customer`, that person's buyer rows in them only), in one
    /// transaction; every other row stays.
    public func replaceAccountFigures(
        _ rows: [AccountFiguresRow], buyers: [AccountBuyerRow], ofAccounts accounts: [Int64], customer: Int64? = nil,
        now: Int64
    ) throws {
        try writeSQL(.analyst) { db in
            if !rows.isEmpty {
                try db.execute(
                    "DELETE FROM account_figures WHERE \(db.dialect.anyOf("account_id"))",
                    [.int64List(rows.map(\.account))])
                try Self.insertFigures(db, rows, now: now)
            }
            if !accounts.isEmpty {
                try db.execute(
                    "DELETE FROM account_buyers WHERE \(db.dialect.anyOf("account_id"))"
                        + (customer == nil ? "" : " AND customer_id = ?"),
                    [.int64List(accounts)] + (customer.map { [.int64($0)] } ?? []))
            }
            try Self.insertBuyers(db, buyers)
        }
    }

    /// The buyers of some accounts (a firm) with each person's consent, in one query; nil when
    /// no full refresh has kept them yet (a store from before `v15-acct-buyers`).
    public func accountBuyers(accounts: [Int64]) throws -> [AccountBuyerRow]? {
        try readSQL { db in
            guard try ModelState.get(db, AccountBuyersSchema.stateName) != nil else { return nil }
            guard !accounts.isEmpty else { return [] }
            return try db.all(
                """
                SELECT b.account_id, b.product_id, b.customer_id, c.consent_personalization
                FROM account_buyers b JOIN customers c ON c.id = b.customer_id
                WHERE \(db.dialect.anyOf("b.account_id"))
                """, [.int64List(accounts)]
            ) {
                AccountBuyerRow(
                    account: try $0.int64(0) ?? 0, product: try $0.int64(1) ?? 0, customer: try $0.int64(2) ?? 0,
                    consenting: try $0.bool(3) ?? false)
            }
        }
    }

    /// Inserts buyer rows, 1,000 a statement (3 parameters a row).
    static func insertBuyers(_ db: any SQLDatabase, _ rows: [AccountBuyerRow]) throws {
        for start in stride(from: 0, to: rows.count, by: 1000) {
            let chunk = rows[start..<min(rows.count, start + 1000)]
            try db.execute(
                "INSERT INTO account_buyers(account_id, product_id, customer_id) VALUES "
                    + Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", "),
                chunk.flatMap { r -> [SQLValue] in [.int64(r.account), .int64(r.product), .int64(r.customer)] })
        }
    }
}
