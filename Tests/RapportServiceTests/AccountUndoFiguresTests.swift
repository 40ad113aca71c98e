import Foundation
import RapportStore
import Testing
@testable import RapportService

/// Undoing and redoing account corrections through the service, on both stores: the account
/// figures follow at once, as after the correction itself, and `rapport log` shows the commands.
@Suite("Account corrections: figures follow undo and redo")
struct AccountUndoFiguresTests {
    func revenues(_ ws: Workspace) throws -> [String: Double] {
        Dictionary(uniqueKeysWithValues: try ws.accounts(sort: .name).items.map { ($0.id, $0.revenue) })
    }

    @Test(arguments: Backend.available)
    func undoingAMoveRestoresTheOldTotals(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let before = try revenues(ws)
        try ws.setAccountParent("ACME-UK-OPS", parent: "GLOBEX")
        let moved = try revenues(ws)
        #expect(moved != before && moved["GLOBEX"] == 120)
        let log = try ws.actionLog(limit: 1, offset: 0).items.first
        #expect(log?.command == "rapport account set-parent ACME-UK-OPS GLOBEX")
        #expect(log?.description == "moved ACME-UK-OPS from ACME-UK to GLOBEX")
        #expect(try ws.undo()?.summary == "undone: moved ACME-UK-OPS from ACME-UK to GLOBEX")
        #expect(try revenues(ws) == before)
        #expect(try ws.account("ACME-UK-OPS").path == ["ACME", "ACME-UK"])
        _ = try ws.redo()
        #expect(try revenues(ws) == moved)
    }

    @Test(arguments: Backend.available)
    func undoingAnAttributionRestoresTheFigures(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let ops = try ws.account("ACME-UK-OPS").figures.total
        let globex = try ws.account("GLOBEX").figures.total
        try ws.attribute(event: "E4", account: "GLOBEX")
        #expect(try ws.account("GLOBEX").figures.total != globex)
        #expect(try ws.actionLog(limit: 1, offset: 0).items.first?.command == "rapport attribute --account GLOBEX E4")
        _ = try ws.undo()
        #expect(try ws.account("ACME-UK-OPS").figures.total == ops)
        #expect(try ws.account("GLOBEX").figures.total == globex)
    }

    @Test(arguments: Backend.available)
    func aLinkIsUndoneAndRedoneWithItsCoverage(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        try ws.linkMember(customer: "C4", account: "ACME-UK-OPS", role: "decision_maker", primary: false)
        #expect(try ws.account("ACME-UK-OPS").coverage == 1)
        #expect(
            try ws.actionLog(limit: 1, offset: 0).items.first?.command
                == "rapport account link --role decision_maker C4 ACME-UK-OPS")
        _ = try ws.undo()
        #expect(try ws.account("ACME-UK-OPS").missingRoles == ["decision_maker"])
        _ = try ws.redo()
        #expect(try ws.account("ACME-UK-OPS").coverage == 1)
        try ws.unlinkMember(customer: "C4", account: "ACME-UK-OPS", delete: true)
        #expect(
            try ws.actionLog(limit: 1, offset: 0).items.first?.command
                == "rapport account unlink --delete C4 ACME-UK-OPS")
        _ = try ws.undo()
        #expect(try ws.account("ACME-UK-OPS").coverage == 1)
    }
}
