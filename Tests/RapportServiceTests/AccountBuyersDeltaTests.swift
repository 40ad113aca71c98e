import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// A correction rewrites only the kept buyers it can have changed (a person's, or none for a
/// move), on both stores: after each one, its undo and redo, they are what a full recompute keeps.
@Suite("Account buyers after corrections")
struct AccountBuyersDeltaTests {
    /// The kept buyers equal a full recompute's; returns them.
    @discardableResult
    static func expectCurrent(_ ws: Workspace, after what: String) throws -> [String] {
        let kept = try AccountFoldTests.buyers(ws)
        try ws.refreshAccountFigures()
        let full = try AccountFoldTests.buyers(ws)
        #expect(kept == full, "after \(what)")
        return full
    }

    @Test(arguments: Backend.available)
    func eachCorrectionKeepsTheBuyersCurrent(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let start = try Self.expectCurrent(ws, after: "the import")
        try ws.attribute(event: "E4", account: "GLOBEX")
        let attributed = try Self.expectCurrent(ws, after: "attribute")
        #expect(attributed != start && attributed.contains("GLOBEX P1 C3"))
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo attribute") == start)
        _ = try ws.redo()
        try Self.expectCurrent(ws, after: "redo attribute")
        try ws.linkMember(customer: "C4", account: "ACME-UK-OPS", role: "buyer", primary: true)
        let linked = try Self.expectCurrent(ws, after: "link --primary")
        try ws.unlinkMember(customer: "C4", account: "ACME-UK-OPS", delete: true)
        try Self.expectCurrent(ws, after: "unlink")
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo unlink") == linked)
        _ = try ws.setAccountParent("ACME-UK-OPS", parent: "GLOBEX")
        #expect(try Self.expectCurrent(ws, after: "set-parent") == linked)
        _ = try ws.undo()
        try Self.expectCurrent(ws, after: "undo set-parent")
        _ = try ws.clearHistory(customer: try ws.customerKey("C1"), range: HistoryWindow())
        let cleared = try Self.expectCurrent(ws, after: "clear-history")
        #expect(!cleared.contains { $0.hasSuffix(" C1") })
        _ = try ws.undo()
        try Self.expectCurrent(ws, after: "undo clear-history")
        try ws.forget(customer: try ws.customerKey("C2"))
        let erased = try Self.expectCurrent(ws, after: "forget")
        #expect(!erased.contains { $0.hasSuffix(" C2") })
    }
}
