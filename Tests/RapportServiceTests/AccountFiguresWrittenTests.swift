import Foundation
import RapportStore
import Testing

@testable import RapportService

/// A full refresh writes only the account figures and kept buyers that changed, on both stores:
/// over the same events it writes none, and a purchase that moved to another account rewrites
/// the figures of the accounts on both sides (and their ancestors) and the two buyer rows.
@Suite("Account figures written only when changed")
struct AccountFiguresWrittenTests {
    /// Every stored figure row's `updated_at`.
    static func stamps(_ ws: Workspace) throws -> [Int64] {
        try ws.store.readSQL { db in
            try db.all("SELECT updated_at FROM account_figures ORDER BY account_id") { try $0.int64(0) ?? 0 }
        }
    }

    @Test(arguments: Backend.available)
    func aRefreshOverTheSameEventsWritesNoAccountRow(_ backend: Backend) throws {
        let (ws, location, cleanup) = try AccountShop.located(backend)
        defer { cleanup() }
        try ws.refresh()
        let model = try ws.cache.model(ws.store)
        #expect(try ws.refreshAccountFigures(AccountFoldTests.fold(ws), model: model) == .none)
        #expect(try ws.refreshAccountFigures(model: model) == .none)

        // A whole refresh a day later, by another session: every figure row keeps its stamp.
        var config = Config()
        config.autoTune = false
        let later = Workspace(
            store: try backend.open(location), analyst: "bo", config: config, clock: { 1_730_086_400 })
        defer { try? later.store.closeStore() }
        let before = try AccountFiguresCurrentTests.stored(ws)
        try later.refresh()
        #expect(try Self.stamps(ws) == Array(repeating: 1_730_000_000, count: 6))
        #expect(try AccountFiguresCurrentTests.stored(ws) == before)
    }

    @Test(arguments: Backend.available)
    func aChangedFigureIsWritten(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        try ws.refresh()
        let before = try AccountFiguresCurrentTests.stored(ws)
        let buyersBefore = try AccountFoldTests.buyers(ws)
        // E4 (C3's March purchase, Operations' by C3's primary membership then) now names Globex,
        // written straight into the store: no correction recomputes anything.
        try ws.store.writeSQL(.analyst) { db in
            try db.execute(
                """
                UPDATE events SET account_id = (SELECT id FROM accounts WHERE external_id = 'GLOBEX')
                WHERE external_id = 'E4'
                """)
        }
        let model = try ws.cache.model(ws.store)
        #expect(
            try ws.refreshAccountFigures(AccountFoldTests.fold(ws), model: model) == .init(figures: 4, buyers: 2))
        let after = try AccountFiguresCurrentTests.stored(ws)
        #expect(after.keys.filter { after[$0] != before[$0] }.sorted() == ["ACME", "ACME-UK", "ACME-UK-OPS", "GLOBEX"])
        let buyers = try AccountFoldTests.buyers(ws)
        #expect(Set(buyers).subtracting(buyersBefore) == ["GLOBEX P1 C3"])
        #expect(Set(buyersBefore).subtracting(buyers) == ["ACME-UK-OPS P1 C3"])
        #expect(try ws.account("GLOBEX").figures.individual.orders == 2)
        #expect(try ws.account("ACME-UK-OPS").figures.individual.orders == 1)
        // What was written is what the separate read computes: nothing left to write.
        #expect(try ws.refreshAccountFigures(model: model) == .none)
    }
}
