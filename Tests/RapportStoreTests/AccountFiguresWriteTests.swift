import Foundation
import Testing

@testable import RapportStore

/// A full refresh's account figures and buyers written back, on both stores: rows equal to the
/// stored ones are not written again (their `updated_at` stays), changed ones are, rows no longer
/// listed go, and when most rows changed the tables are rewritten whole to the same end.
@Suite("Account figures written when changed")
struct AccountFiguresWriteTests {
    /// Account → the stored row's `updated_at`.
    static func stamps(_ t: TempStore) throws -> [Int64: Int64] {
        Dictionary(
            uniqueKeysWithValues: try t.store.readSQL { db in
                try db.all("SELECT account_id, updated_at FROM account_figures") {
                    (try $0.int64(0) ?? 0, try $0.int64(1) ?? 0)
                }
            })
    }

    static func stored(_ t: TempStore, _ keys: [Int64]) throws -> [AccountFiguresRow?] {
        try keys.map { try t.store.accountFigures(account: $0) }
    }

    static func buyers(_ t: TempStore, _ keys: [Int64]) throws -> Set<AccountBuyerRow> {
        Set(
            try #require(try t.store.accountBuyers(accounts: keys)).map {
                AccountBuyerRow(account: $0.account, product: $0.product, customer: $0.customer)
            })
    }

    static func figures(_ k: Int64, _ revenue: Double) -> AccountFiguresRow {
        AccountFiguresRow(
            account: k, members: 2, revenue: revenue, revenue12m: revenue / 3, engagement: 40, trend: "up",
            coverage: 2.0 / 3, pAlive: k % 2 == 0 ? nil : 0.1 + 0.2, detail: "{\"k\":\(k),\"s\":\"a\\\\b\"}")
    }

    @Test(arguments: Backend.available)
    func onlyTheRowsThatChangedAreWritten(_ backend: Backend) throws {
        let t = try AccountScopeTests().loaded(backend)
        let keys = try t.store.accounts().map(\.key) // ACME, ACME-UK, ACME-UK-FIN, ACME-UK-OPS, GLOBEX
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        let rows = keys.map { Self.figures($0, Double($0) * 10.01) }
        let buyers = [
            AccountBuyerRow(account: keys[2], product: 11, customer: c1),
            AccountBuyerRow(account: keys[2], product: 12, customer: c1),
            AccountBuyerRow(account: keys[3], product: 11, customer: c2),
            AccountBuyerRow(account: keys[4], product: 13, customer: c2)
        ]
        #expect(try t.store.writeAccountFigures(rows, buyers: buyers, now: 100) == .init(figures: 5, buyers: 4))
        // The same figures again (listed in another order): nothing is written.
        #expect(try t.store.writeAccountFigures(rows.reversed(), buyers: buyers.reversed(), now: 200) == .none)
        #expect(try Self.stamps(t) == Dictionary(uniqueKeysWithValues: keys.map { ($0, 100) }))

        // One account's figures change, one account is no longer listed, one buyer goes, one comes.
        var next = Array(rows.prefix(4))
        next[2].detail = "{\"k\":0}"
        next[1].pAlive = 0.5
        let nextBuyers = [buyers[0], buyers[2], buyers[3], AccountBuyerRow(account: keys[1], product: 12, customer: c2)]
        #expect(
            try t.store.writeAccountFigures(next, buyers: nextBuyers, now: 300) == .init(figures: 3, buyers: 2))
        #expect(try Self.stamps(t) == [keys[0]: 100, keys[1]: 300, keys[2]: 300, keys[3]: 100])
        #expect(try Self.stored(t, keys) == next.map { Optional($0) } + [nil])
        #expect(try Self.buyers(t, keys) == Set(nextBuyers))
        #expect(try t.store.writeAccountFigures(next, buyers: nextBuyers, now: 400) == .none)
    }

    /// Past the threshold the tables are emptied and written whole; the result is the same.
    @Test(arguments: Backend.available)
    func mostRowsChangedRewritesTheTablesWhole(_ backend: Backend) throws {
        let t = try AccountScopeTests().loaded(backend)
        let keys = try t.store.accounts().map(\.key)
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let rows = keys.map { Self.figures($0, 1) }
        let buyers = keys.map { AccountBuyerRow(account: $0, product: 7, customer: c1) }
        _ = try t.store.writeAccountFigures(rows, buyers: buyers, now: 100, rewriteAllFrom: 1)
        var next = rows
        next[0].revenue = 2
        next[1].revenue = 2
        let nextBuyers = Array(buyers.dropFirst(2)) + [AccountBuyerRow(account: keys[0], product: 8, customer: c1)]
        // 2 of 5 figure rows changed (more than a third): all five are written.
        #expect(
            try t.store.writeAccountFigures(next, buyers: nextBuyers, now: 200, rewriteAllFrom: 1)
                == .init(figures: 5, buyers: 6))
        #expect(try Self.stamps(t) == Dictionary(uniqueKeysWithValues: keys.map { ($0, 200) }))
        #expect(try Self.stored(t, keys) == next.map { Optional($0) })
        #expect(try Self.buyers(t, keys) == Set(nextBuyers))
        #expect(try t.store.writeAccountFigures(next, buyers: nextBuyers, now: 300, rewriteAllFrom: 1) == .none)
        // Below the threshold the same change is written row by row.
        #expect(
            try t.store.writeAccountFigures(rows, buyers: buyers, now: 400, rewriteAllFrom: 100)
                == .init(figures: 2, buyers: 3))
        #expect(try Self.stamps(t)[keys[2]] == 200)
        #expect(try Self.stored(t, keys) == rows.map { Optional($0) })
        #expect(try Self.buyers(t, keys) == Set(buyers))
    }
}
