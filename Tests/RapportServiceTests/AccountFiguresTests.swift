import Foundation
import RapportStore
import Testing
@testable import RapportService

/// A firm of three levels with known right answers (docs/accounts.md), on both stores: Acme
/// Group › Acme UK › Finance, Operations and Legal, beside Globex.
enum AccountShop {
    static let files: [(String, String)] = [
        (
            "customers.csv",
            """
            customer_id,name,consent_personalization
            C1,Ann,1
            C2,Bo,1
            C3,Cy,1
            C4,Di,1
            C5,Ed,0

            """
        ),
        ("products.csv", "product_id,title\nP1,Paper\nP2,Pens\nP3,Pallets\nP4,Printer\n"),
        (
            "accounts.csv",
            """
            account_id,name,parent_id,kind,reporting_cadence,sla
            ACME,Acme Group,,company,quarterly,
            ACME-UK,Acme UK,ACME,subsidiary,,
            ACME-UK-FIN,Finance,ACME-UK,department,monthly,48h
            ACME-UK-OPS,Operations,ACME-UK,department,,
            ACME-UK-LEG,Legal,ACME-UK,department,,
            GLOBEX,Globex,,company,,

            """
        ),
        (
            "memberships.csv",
            """
            customer_id,account_id,role,primary,title,since,until
            C1,ACME-UK-FIN,buyer,true,Controller,2024-01-01,
            C2,ACME-UK-OPS,buyer,true,,2024-01-01,
            C2,ACME-UK-OPS,user,false,,2024-01-01,
            C3,ACME-UK-OPS,decision_maker,true,,2024-01-01,2024-06-01
            C3,GLOBEX,buyer,false,,2024-01-01,
            C4,ACME,decision_maker,true,,,
            C5,ACME-UK-LEG,user,true,,,

            """
        ),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount,account_id
            E1,C1,2024-02-01,purchase,P1,100,
            E2,C1,2024-03-01,purchase,P2,50,
            E3,C2,2024-02-10,purchase,P3,30,
            E4,C3,2024-03-01,purchase,P1,20,
            E5,C3,2024-07-01,purchase,P2,40,
            E6,C3,2024-07-02,purchase,P4,70,GLOBEX
            E7,C4,2024-04-01,purchase,P4,200,
            E8,C5,2024-04-02,purchase,P4,10,
            E9,C1,2024-05-01,view,P3,,

            """
        )
    ]

    static func workspace(_ backend: Backend) throws -> (Workspace, () -> Void) {
        let (ws, _, cleanup) = try located(backend)
        return (ws, cleanup)
    }

    /// The shop's workspace, with where its store is.
    static func located(_ backend: Backend) throws -> (Workspace, String, () -> Void) {
        let (location, cleanup) = try backend.makeStore()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID())")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let paths = try files.map { name, text in
                let p = dir.appendingPathComponent(name).path
                try text.write(toFile: p, atomically: true, encoding: .utf8)
                return p
            }
            var config = Config()
            config.autoTune = false
            let ws = Workspace(
                store: try backend.open(location), analyst: "ana", config: config, clock: { 1_730_000_000 })
            _ = try ws.importFiles(paths, request: ImportRequest())
            try? FileManager.default.removeItem(at: dir)
            return (ws, location, cleanup)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            cleanup()
            throw error
        }
    }
}

@Suite("Account figures", .serialized)
struct AccountFiguresTests {
    typealias Scope = AccountScopeView

    func counts(_ s: Scope) -> [Double] { [Double(s.orders), s.revenue, Double(s.customers)] }

    @Test(arguments: Backend.available)
    func totalIsIndividualPlusChildrenOnAThreeLevelTree(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let fin = try ws.account("ACME-UK-FIN")
        #expect(counts(fin.figures.individual) == [2, 150, 1] && counts(fin.figures.children) == [0, 0, 0])
        let uk = try ws.account("ACME-UK")
        #expect(counts(uk.figures.individual) == [0, 0, 0])
        // Finance 2 orders (150), Operations 2 (30 + 20, E5 came after C3's membership ended), Legal 1 (10).
        #expect(counts(uk.figures.children) == [5, 210, 4] && counts(uk.figures.total) == [5, 210, 4])
        let acme = try ws.account("ACME")
        #expect(counts(acme.figures.individual) == [1, 200, 1] && counts(acme.figures.children) == [5, 210, 4])
        #expect(counts(acme.figures.total) == [6, 410, 5])
        for a in [fin, uk, acme] {
            #expect(a.figures.total.orders == a.figures.individual.orders + a.figures.children.orders)
            #expect(a.figures.total.revenue == a.figures.individual.revenue + a.figures.children.revenue)
        }
        #expect(acme.path == [] && uk.path == ["ACME"] && fin.path == ["ACME", "ACME-UK"])
        #expect(uk.children == ["ACME-UK-FIN", "ACME-UK-OPS", "ACME-UK-LEG"] && fin.parent == "ACME-UK")
        #expect(acme.figures.total.aov == 68.33 && acme.computed)
        let list = try ws.accounts(sort: .revenue, limit: 2)
        #expect(list.items.map(\.id) == ["ACME", "ACME-UK"] && list.total == 6)
    }

    @Test(arguments: Backend.available)
    func aMemberOfTwoAccountsCountsInTheRightOneOnly(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        // C3 belongs to Operations (primary, until June) and Globex: E6 names Globex, E4 follows
        // the primary membership, E5 (after it ended) counts nowhere.
        #expect(counts(try ws.account("GLOBEX").figures.total) == [1, 70, 1])
        let ops = try ws.account("ACME-UK-OPS")
        #expect(counts(ops.figures.total) == [2, 50, 2])
        // The ended membership keeps its history, and no longer counts as current.
        let c3 = try #require(ops.members.first { $0.id == "C3" })
        #expect(c3.until == "2024-06-01" && !c3.current && c3.role == "decision_maker")
        // The B2B gift flag moves the purchase at once.
        try ws.attribute(event: "E4", account: "GLOBEX")
        #expect(counts(try ws.account("GLOBEX").figures.total) == [2, 90, 1])
        #expect(counts(try ws.account("ACME-UK-OPS").figures.total) == [1, 30, 1])
        try ws.attribute(event: "E4", account: nil)
        #expect(counts(try ws.account("ACME-UK-OPS").figures.total) == [2, 50, 2])
    }

    @Test(arguments: Backend.available)
    func aCycleIsRefusedAndChangesNothing(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let before = try ws.accounts(sort: .name).items
        #expect(throws: StoreError.self) { try ws.setAccountParent("ACME", parent: "ACME-UK-LEG") }
        #expect(try ws.accounts(sort: .name).items == before)
        #expect(try ws.account("ACME").parent == nil)
    }

    @Test(arguments: Backend.available)
    func movingASubtreeChangesItsOldAndNewAncestorsOnly(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let before = Dictionary(uniqueKeysWithValues: try ws.accounts(sort: .name).items.map { ($0.id, $0.revenue) })
        let change = try ws.setAccountParent("ACME-UK-OPS", parent: "GLOBEX")
        #expect(change.losing == ["ACME-UK", "ACME"] && change.gaining == ["GLOBEX"] && change.applied)
        let after = Dictionary(uniqueKeysWithValues: try ws.accounts(sort: .name).items.map { ($0.id, $0.revenue) })
        #expect(after["ACME"] == 360 && after["ACME-UK"] == 160 && after["GLOBEX"] == 120)
        for id in ["ACME-UK-FIN", "ACME-UK-OPS", "ACME-UK-LEG"] { #expect(after[id] == before[id]) }
        #expect(try ws.account("ACME-UK-OPS").path == ["GLOBEX"])
    }

    @Test(arguments: Backend.available)
    func coverageNamesTheMissingRoles(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        // Required by default: decision_maker, buyer, user. Operations' decision maker left in June.
        let ops = try ws.account("ACME-UK-OPS")
        #expect(ops.coverage == 2.0 / 3.0 && ops.missingRoles == ["decision_maker"])
        let fin = try ws.account("ACME-UK-FIN")
        #expect(fin.coverage == 1.0 / 3.0 && fin.missingRoles == ["decision_maker", "user"])
        try ws.linkMember(customer: "C4", account: "ACME-UK-OPS", role: "decision_maker", primary: false)
        #expect(try ws.account("ACME-UK-OPS").coverage == 1)
        try ws.unlinkMember(customer: "C4", account: "ACME-UK-OPS", until: 1_700_000_000)
        #expect(try ws.account("ACME-UK-OPS").missingRoles == ["decision_maker"])
    }

    @Test(arguments: Backend.available)
    func recommendationsComeFromTheFirmWithConsent(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        let legal = try ws.account("ACME-UK-LEG")
        #expect(legal.recommendations.map(\.productId) == ["P1", "P2", "P3"])
        #expect(
            legal.recommendations.first?.reason == "bought by Finance and Operations in this firm, not yet by Legal")
        // Legal's buyer gave no consent: the printer counts only for Acme Group's own purchase.
        let fin = try ws.account("ACME-UK-FIN")
        let printer = try #require(fin.recommendations.first { $0.productId == "P4" })
        #expect(printer.reason == "bought by Acme Group in this firm, not yet by Finance")
        #expect(fin.recommendations.allSatisfy { $0.productId != "P1" && $0.productId != "P2" })
        #expect(try ws.accountTree("ACME").map(\.depth) == [0, 1, 2, 2, 2])
        #expect(try ws.accountsOf(customer: "C3").map(\.account) == ["ACME-UK-OPS", "GLOBEX"])
    }

    /// `rapport copy` carries the accounts, memberships and each purchase's account: the copy's
    /// figures are the source's.
    @Test(arguments: Backend.available)
    func aCopyCarriesTheAccounts(_ backend: Backend) throws {
        let (source, path, dropSource) = try AccountShop.located(.sqlite)
        defer { dropSource() }
        try source.attribute(event: "E1", account: "ACME-UK-LEG")
        try source.store.closeStore()
        let (target, dropTarget) = try backend.makeStore()
        defer { dropTarget() }
        _ = try StoreCopy.run(
            from: StoreLocation(path: path, isDefault: false), to: StoreLocation(path: target, isDefault: false),
            analyst: "ana")
        let from = Workspace(store: try Backend.sqlite.open(path), analyst: "ana", clock: { 1_730_000_000 })
        let to = Workspace(store: try backend.open(target), analyst: "ana", clock: { 1_730_000_000 })
        for id in ["ACME", "ACME-UK", "ACME-UK-FIN", "ACME-UK-OPS", "ACME-UK-LEG", "GLOBEX"] {
            let a = try from.account(id), b = try to.account(id)
            #expect(a.figures == b.figures && a.members == b.members && a.path == b.path, "\(id)")
        }
        #expect(counts(try to.account("ACME-UK-LEG").figures.individual) == [2, 110, 2])
    }
}
