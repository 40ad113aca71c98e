import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// Every correction leaves the account figures current at once, on both stores: after each
/// one (and its undo and redo) the stored figures of every account equal what a full recompute
/// stores, while the correction itself recomputes only the firms it touched.
@Suite("Account figures stay current after corrections")
struct AccountFiguresCurrentTests {
    /// Every account's stored figures, by id.
    static func stored(_ ws: Workspace) throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try ws.store.accountPage(filter: nil, sort: .name, limit: 1000, offset: 0).map {
                ($0.account.externalId, $0.figures.map { "\($0.members) \($0.revenue) \($0.detail)" } ?? "none")
            })
    }

    /// The stored figures equal a full recompute's; returns them.
    @discardableResult
    static func expectCurrent(_ ws: Workspace, after what: String) throws -> [String: String] {
        let kept = try stored(ws)
        try ws.refreshAccountFigures()
        let full = try stored(ws)
        for (id, figures) in full where kept[id] != figures {
            Issue.record("after \(what): \(id) kept \(kept[id] ?? "nothing"), a full recompute gives \(figures)")
        }
        #expect(kept.count == full.count, "after \(what)")
        return full
    }

    @Test(arguments: Backend.available)
    func attributionsLinksAndMovesWithTheirUndo(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let start = try Self.expectCurrent(ws, after: "the import")
        try ws.attribute(event: "E4", account: "GLOBEX")
        let attributed = try Self.expectCurrent(ws, after: "attribute")
        #expect(attributed["GLOBEX"] != start["GLOBEX"] && attributed["ACME"] != start["ACME"])
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo attribute") == start)
        _ = try ws.redo()
        #expect(try Self.expectCurrent(ws, after: "redo attribute") == attributed)
        try ws.attribute(event: "E4", account: nil)
        #expect(try Self.expectCurrent(ws, after: "attribute --clear") == start)

        try ws.linkMember(customer: "C4", account: "ACME-UK-OPS", role: "buyer", primary: true)
        let linked = try Self.expectCurrent(ws, after: "link --primary")
        // C4's order moves from Acme Group's own to Operations', and Acme UK's total grows.
        #expect(linked["ACME-UK-OPS"] != start["ACME-UK-OPS"] && linked["ACME-UK"] != start["ACME-UK"])
        try ws.unlinkMember(customer: "C4", account: "ACME-UK-OPS", delete: true)
        try Self.expectCurrent(ws, after: "unlink --delete")
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo unlink") == linked)
        try ws.unlinkMember(customer: "C1", account: "ACME-UK-FIN", until: 1_707_955_200) // 2024-02-15
        try Self.expectCurrent(ws, after: "unlink --until")

        let beforeMove = try Self.stored(ws)
        _ = try ws.setAccountParent("ACME-UK-OPS", parent: "GLOBEX")
        let moved = try Self.expectCurrent(ws, after: "set-parent")
        #expect(moved["GLOBEX"] != beforeMove["GLOBEX"] && moved["ACME-UK"] != beforeMove["ACME-UK"])
        #expect(moved["ACME-UK-OPS"] == beforeMove["ACME-UK-OPS"])
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo set-parent") == beforeMove)
        _ = try ws.setAccountParent("ACME-UK-OPS", parent: nil)
        try Self.expectCurrent(ws, after: "set-parent --clear")
    }

    @Test(arguments: Backend.available)
    func giftsClearsAndErasures(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let start = try Self.expectCurrent(ws, after: "the import")
        // A gift is still a purchase for its account: the figures do not move.
        _ = try ws.setGift(event: "E1", isGift: true, note: nil)
        #expect(try Self.expectCurrent(ws, after: "gift flag") == start)
        _ = try ws.setGift(event: "E1", isGift: false, note: nil)
        #expect(try Self.expectCurrent(ws, after: "gift unflag") == start)

        // C1's purchases for Finance go; the store's newest event stays (the firm alone is recomputed).
        _ = try ws.clearHistory(customer: try ws.customerKey("C1"), range: HistoryWindow())
        let cleared = try Self.expectCurrent(ws, after: "clear-history")
        #expect(cleared["ACME-UK-FIN"] != start["ACME-UK-FIN"] && cleared["GLOBEX"] == start["GLOBEX"])
        _ = try ws.undo()
        #expect(try Self.expectCurrent(ws, after: "undo clear-history") == start)
        _ = try ws.redo()
        #expect(try Self.expectCurrent(ws, after: "redo clear-history") == cleared)

        // C3's clear takes the store's newest events: every window moves.
        _ = try ws.clearHistory(customer: try ws.customerKey("C3"), range: HistoryWindow())
        try Self.expectCurrent(ws, after: "a clear that lowers the as-of date")
        _ = try ws.undo()
        try Self.expectCurrent(ws, after: "its undo")

        try ws.forget(customer: try ws.customerKey("C2"))
        let erased = try Self.expectCurrent(ws, after: "forget")
        #expect(erased["ACME-UK-OPS"] != cleared["ACME-UK-OPS"])
    }
}
