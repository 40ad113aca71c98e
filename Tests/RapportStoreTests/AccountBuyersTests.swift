import Foundation
import Testing

@testable import RapportStore

/// The buyers the refresh keeps per account (`account_buyers`), on both stores: none before a
/// full write, written with the figures, read per firm with each person's consent, and a
/// correction's firms replaced while the other accounts' rows stay.
@Suite("Account buyers")
struct AccountBuyersTests {
    @Test(arguments: Backend.available)
    func buyersAreKeptWithTheFiguresAndReadPerFirm(_ backend: Backend) throws {
        let t = try AccountScopeTests().loaded(backend)
        let keys = try t.store.accounts().map(\.key) // ACME, ACME-UK, ACME-UK-FIN, ACME-UK-OPS, GLOBEX
        let c1 = try #require(try t.store.customerKey(externalId: "C1")) // consenting
        let c2 = try #require(try t.store.customerKey(externalId: "C2")) // not
        #expect(try t.store.accountBuyers(accounts: keys) == nil)

        func figures(_ k: Int64) -> AccountFiguresRow {
            AccountFiguresRow(
                account: k, members: 0, revenue: 1, revenue12m: 0, engagement: nil, trend: "flat", coverage: nil,
                pAlive: nil, detail: "{}")
        }
        let buyers = [
            AccountBuyerRow(account: keys[2], product: 11, customer: c1),
            AccountBuyerRow(account: keys[2], product: 12, customer: c1),
            AccountBuyerRow(account: keys[3], product: 11, customer: c2),
            AccountBuyerRow(account: keys[4], product: 13, customer: c2)
        ]
        try t.store.writeAccountFigures(keys.map(figures), buyers: buyers, now: t.actor.now)
        let acme = Set(try #require(try t.store.accountBuyers(accounts: Array(keys[0...3]))))
        #expect(
            acme == [
                AccountBuyerRow(account: keys[2], product: 11, customer: c1, consenting: true),
                AccountBuyerRow(account: keys[2], product: 12, customer: c1, consenting: true),
                AccountBuyerRow(account: keys[3], product: 11, customer: c2, consenting: false)
            ])
        #expect(try t.store.accountBuyers(accounts: []) == [])
        #expect(try t.store.accountFigures(account: keys[4])?.revenue == 1)

        // A correction in Acme rewrites Acme's buyers and the figures it names; Globex keeps its own.
        var moved = figures(keys[3])
        moved.revenue = 5
        try t.store.replaceAccountFigures(
            [moved],
            buyers: [AccountBuyerRow(account: keys[3], product: 12, customer: c1)], ofAccounts: Array(keys[0...3]),
            now: t.actor.now)
        #expect(
            Set(try #require(try t.store.accountBuyers(accounts: keys))) == [
                AccountBuyerRow(account: keys[3], product: 12, customer: c1, consenting: true),
                AccountBuyerRow(account: keys[4], product: 13, customer: c2, consenting: false)
            ])
        #expect(try keys.map { try t.store.accountFigures(account: $0)?.revenue } == [1, 1, 1, 5, 1])

        // A person's correction rewrites that person's rows in the firm only: C1's stay, and
        // C2's in Globex (outside the firm) too.
        try t.store.replaceAccountFigures(
            [], buyers: [AccountBuyerRow(account: keys[2], product: 11, customer: c2)], ofAccounts: [],
            now: t.actor.now)
        try t.store.replaceAccountFigures(
            [], buyers: [AccountBuyerRow(account: keys[3], product: 14, customer: c2)], ofAccounts: Array(keys[0...3]),
            customer: c2, now: t.actor.now)
        #expect(
            Set(try #require(try t.store.accountBuyers(accounts: keys))) == [
                AccountBuyerRow(account: keys[3], product: 12, customer: c1, consenting: true),
                AccountBuyerRow(account: keys[3], product: 14, customer: c2, consenting: false),
                AccountBuyerRow(account: keys[4], product: 13, customer: c2, consenting: false)
            ])
    }
}
