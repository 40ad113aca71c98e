import Foundation
import RapportEngine
import RapportStore
import Testing

@testable import RapportService

/// A full refresh gathers the account figures in its own pass over the events (`AccountFold`),
/// on both stores: the figures and buyers it stores are those of the separate read it replaces,
/// and its answers on the account shop are the known ones.
@Suite("Account figures folded into the refresh")
struct AccountFoldTests {
    /// Every kept buyer as "account product customer" (external ids), sorted.
    static func buyers(_ ws: Workspace) throws -> [String] {
        let accounts = try ws.store.accounts()
        let ids = Dictionary(uniqueKeysWithValues: accounts.map { ($0.key, $0.externalId) })
        let rows = try #require(try ws.store.accountBuyers(accounts: accounts.map(\.key)))
        let products = Dictionary(
            try ws.store.products(keys: rows.map(\.product)).map { ($0.id ?? 0, $0.externalId) },
            uniquingKeysWith: { a, _ in a })
        return try rows.map { r in
            let customer = try ws.store.customer(r.customer)?.externalId ?? "?"
            return "\(ids[r.account] ?? "?") \(products[r.product] ?? "?") \(customer)"
        }.sorted()
    }

    /// The fold of one store, fed by the store's own scan as the refresh feeds it.
    static func fold(_ ws: Workspace) throws -> AccountFold {
        let asOf = try #require(try ws.store.latestEventTime())
        let fold = try #require(try AccountFold.start(ws.store, asOf: asOf))
        var part = fold.part()
        var current: Int64 = -1
        try ws.store.scanEvents(customers: nil) { e in
            if e.customer != current && current >= 0 { part.finish(customer: current) }
            current = e.customer
            part.add(e)
        }
        if current >= 0 { part.finish(customer: current) }
        fold.collect(part)
        return fold
    }

    @Test(arguments: Backend.available)
    func theRefreshStoresWhatTheSeparateReadStores(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        try ws.refresh()
        let folded = try AccountFiguresCurrentTests.stored(ws)
        let foldedBuyers = try Self.buyers(ws)
        try ws.refreshAccountFigures()
        #expect(try AccountFiguresCurrentTests.stored(ws) == folded)
        #expect(try Self.buyers(ws) == foldedBuyers)
        // C3's July purchase comes after their primary membership ended: it counts for no account,
        // and E6 names Globex.
        #expect(
            foldedBuyers == [
                "ACME P4 C4", "ACME-UK-FIN P1 C1", "ACME-UK-FIN P2 C1", "ACME-UK-LEG P4 C5", "ACME-UK-OPS P1 C3",
                "ACME-UK-OPS P3 C2", "GLOBEX P4 C3"
            ])
    }

    @Test(arguments: Backend.available)
    func theFoldGivesTheKnownFigures(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let nodes = try ws.store.accounts()
        let ids = Dictionary(uniqueKeysWithValues: nodes.map { ($0.externalId, $0.key) })
        let (rows, buyers) = try Self.fold(ws).figureRows(
            nodes: nodes.map { AccountNode(key: $0.key, parent: $0.parent) }, requiredRoles: ws.requiredRoles,
            model: try ws.cache.model(ws.store))
        #expect(rows.map(\.account) == nodes.map(\.key))
        let figures = Dictionary(
            uniqueKeysWithValues: try rows.map {
                ($0.account, try JSONDecoder().decode(AccountFigures.self, from: Data($0.detail.utf8)))
            })
        func scope(_ id: String, _ path: KeyPath<AccountFigures, AccountScopeFigures>) -> [Double] {
            guard let f = ids[id].flatMap({ figures[$0] }) else { return [] }
            let s = f[keyPath: path]
            return [Double(s.orders), s.revenue, Double(s.customers)]
        }
        #expect(scope("ACME-UK-FIN", \.individual) == [2, 150, 1])
        #expect(scope("ACME-UK-OPS", \.individual) == [2, 50, 2])
        #expect(scope("ACME-UK", \.children) == [5, 210, 4])
        #expect(scope("ACME", \.individual) == [1, 200, 1])
        #expect(scope("ACME", \.total) == [6, 410, 5])
        #expect(scope("GLOBEX", \.total) == [1, 70, 1])
        #expect(buyers.count == 7)
    }

    /// A membership changed while the pass ran: what the pass gathered is set aside and the
    /// figures are read again, so they are a full read's, not the pass's.
    @Test(arguments: Backend.available)
    func aLinkDuringThePassSendsItToTheFullRead(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let fold = try Self.fold(ws)
        try ws.linkMember(customer: "C5", account: "GLOBEX", role: "buyer", primary: false)
        try ws.unlinkMember(customer: "C5", account: "ACME-UK-LEG", delete: true)
        let model = try ws.cache.model(ws.store)
        try ws.refreshAccountFigures(fold, model: model)
        let kept = try AccountFiguresCurrentTests.stored(ws)
        try ws.refreshAccountFigures(model: model)
        #expect(try AccountFiguresCurrentTests.stored(ws) == kept)
        let legal = try ws.account("ACME-UK-LEG")
        #expect(legal.figures.individual.orders == 0)
    }

    /// The detail written by hand is the text `JSONEncoder` writes for the same figures.
    @Test(arguments: Backend.available)
    func theStoredDetailIsJSONEncodersText(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try ws.store.accountPage(filter: nil, sort: .name, limit: 1000, offset: 0)
        #expect(rows.count == 6)
        for row in rows {
            let detail = try #require(row.figures?.detail)
            let decoded = try JSONDecoder().decode(AccountFigures.self, from: Data(detail.utf8))
            #expect(String(decoding: try encoder.encode(decoded), as: UTF8.self) == detail)
        }
    }
}
