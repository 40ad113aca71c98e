import Foundation
import RapportEngine
import RapportStore
import Testing

@testable import RapportService

/// An account's recommendations come from the buyers the refresh keeps per account; on both
/// stores they equal those made from every purchase of the firm, before and after the
/// corrections that move attribution (a link, an attribution, a change of parent, an undo).
@Suite("Account buyers kept", .serialized)
struct AccountBuyersKeptTests {
    /// Every account's recommendations both ways.
    func bothWays(_ ws: Workspace) throws -> [(kept: [AccountRecommendation]?, live: [AccountRecommendation])] {
        let all = try ws.store.accounts()
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        return try all.map { a in
            var root = a
            while let p = root.parent.flatMap({ byKey[$0] }) { root = p }
            let firm = Workspace.subtree(of: root.key, in: all)
            let subtree = Workspace.subtree(of: a.key, in: all)
            let names = Workspace.distinctNames(firm, byKey)
            return (
                try ws.keptRecommendations(a.key, subtree: subtree, firm: firm, names: names),
                try ws.liveRecommendations(a.key, subtree: subtree, firm: firm, names: names)
            )
        }
    }

    func expectSame(_ ws: Workspace, _ when: String) throws {
        for (kept, live) in try bothWays(ws) {
            #expect(kept == live, "\(when)")
        }
    }

    @Test(arguments: Backend.available)
    func keptBuyersGiveTheRecommendationsOfEveryPurchase(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        // The shop's known answer, from the kept buyers.
        #expect(try ws.account("ACME-UK-LEG").recommendations.map(\.productId) == ["P1", "P2", "P3"])
        #expect(try bothWays(ws).contains { !$0.live.isEmpty })
        try expectSame(ws, "after the import")
        try ws.linkMember(customer: "C5", account: "ACME-UK-FIN", role: "buyer", primary: true)
        try expectSame(ws, "after a link")
        try ws.attribute(event: "E7", account: "ACME-UK-OPS")
        try expectSame(ws, "after an attribution")
        _ = try ws.setAccountParent("ACME-UK-LEG", parent: "GLOBEX")
        try expectSame(ws, "after a move")
        _ = try ws.undo()
        try expectSame(ws, "after an undo")
        try ws.refresh()
        try expectSame(ws, "after a full refresh")
    }
}
