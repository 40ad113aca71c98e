import Foundation
import Testing

@testable import RapportStore

/// Accounts in the store, on both stores: the two files import (a tree, memberships), events
/// name accounts, a cycle refuses the whole file, and the corrections are audited.
@Suite("Account store")
struct AccountStoreTests {
    static let accounts = """
        account_id,name,parent_id,kind,reporting_cadence,sla
        ACME,Acme Group,,company,quarterly,
        ACME-UK,Acme UK,ACME,subsidiary,,
        ACME-UK-FIN,Finance,ACME-UK,department,monthly,48h
        ACME-UK-OPS,Operations,ACME-UK,department,,
        GLOBEX,Globex,,company,,

        """
    static let memberships = """
        customer_id,account_id,role,primary,title,since,until
        C1,ACME-UK-FIN,buyer,true,Controller,2024-01-01,
        C2,ACME-UK-OPS,buyer,true,,2024-01-01,
        C2,GLOBEX,user,false,,2024-01-01,2024-06-01

        """

    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        let o = ImportOptions(analyst: "tester", now: t.actor.now)
        _ = try t.store.importFile(try t.file("customers.csv", "customer_id,name\nC1,Ann\nC2,Bo\n"), options: o)
        _ = try t.store.importFile(try t.file("accounts.csv", Self.accounts), options: o)
        _ = try t.store.importFile(try t.file("memberships.csv", Self.memberships), options: o)
        return t
    }

    @Test(arguments: Backend.available)
    func filesImportAsATreeWithMembers(_ backend: Backend) throws {
        let t = try loaded(backend)
        let all = try t.store.accounts()
        #expect(all.map(\.externalId) == ["ACME", "ACME-UK", "ACME-UK-FIN", "ACME-UK-OPS", "GLOBEX"])
        let uk = try #require(try t.store.account(externalId: "ACME-UK"))
        let fin = try #require(try t.store.account(externalId: "ACME-UK-FIN"))
        #expect(fin.parent == uk.key && fin.kind == "department" && fin.reportingCadence == "monthly")
        let members = try t.store.memberships()
        #expect(members.map(\.customerExternalId) == ["C1", "C2", "C2"])
        #expect(members.first?.title == "Controller" && members.first?.primary == true)
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        #expect(try t.store.memberships(customer: c2).map(\.role) == ["buyer", "user"])
        #expect(try t.store.memberships(accounts: [fin.key]).count == 1)
        // The figures' lean read: the same memberships, by key, with their dates and roles.
        let facts = try t.store.membershipFacts()
        #expect(facts.count == members.count)
        let asFacts = members.map {
            MembershipFact(
                customer: $0.customer, account: $0.account, role: $0.role, primary: $0.primary, since: $0.since,
                until: $0.until)
        }
        #expect(Set(facts.map { "\($0)" }) == Set(asFacts.map { "\($0)" }))
        #expect(facts.map(\.customer) == facts.map(\.customer).sorted())
        // Re-importing the accounts file updates, adds nothing.
        let again = try t.store.importFile(
            try t.file("accounts2.csv", Self.accounts), options: ImportOptions(analyst: "tester", now: t.actor.now))
        #expect(again.kind == .accounts && again.inserted == 0 && again.updated == 5)
    }

    @Test(arguments: Backend.available)
    func aCycleInAFileIsRefusedWholeNamingThePath(_ backend: Backend) throws {
        let t = try loaded(backend)
        let before = try t.store.accounts()
        let path = try t.file(
            "cycle.csv", "account_id,name,parent_id\nNEW,New,\nACME,Acme Group,ACME-UK-FIN\n")
        do {
            _ = try t.store.importFile(path, options: ImportOptions(analyst: "tester", now: t.actor.now))
            Issue.record("a cycle was imported")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.line) == [3] && f.errors.map(\.field) == ["parent_id"])
            #expect(f.errors.first?.reason.contains("ACME → ACME-UK-FIN → ACME-UK → ACME") == true)
        }
        #expect(try t.store.accounts() == before)
        // A chain of 15 levels is the deepest; a 16th is refused, and so is moving a stored subtree deeper.
        let chain = (1...15).map { "L\($0),Level \($0),\($0 == 1 ? "" : "L\($0 - 1)")" }
        _ = try t.store.importFile(
            try t.file("chain.csv", "account_id,name,parent_id\n" + chain.joined(separator: "\n") + "\n"),
            options: ImportOptions(analyst: "tester", now: t.actor.now))
        #expect(throws: ImportFailure.self) {
            try t.store.importFile(
                try t.file("deeper.csv", "account_id,parent_id\nL16,L15\n"),
                options: ImportOptions(analyst: "tester", now: t.actor.now))
        }
        do {
            _ = try t.store.importFile(
                try t.file("move.csv", "account_id,parent_id\nL1,GLOBEX\n"),
                options: ImportOptions(analyst: "tester", now: t.actor.now))
            Issue.record("a subtree moved past the depth limit")
        } catch let f as ImportFailure {
            #expect(f.errors.first?.reason.contains("moving 'L1' puts 'L15'") == true, "\(f.errors)")
        }
        let unknown = try t.file("unknown.csv", "account_id,parent_id\nX,NOPE\n")
        #expect(throws: ImportFailure.self) {
            try t.store.importFile(unknown, options: ImportOptions(analyst: "tester", now: t.actor.now))
        }
        let badMember = try t.file("m.csv", "customer_id,account_id,role\nC9,ACME,buyer\nC1,NOPE,buyer\n")
        do {
            _ = try t.store.importFile(badMember, options: ImportOptions(analyst: "tester", now: t.actor.now))
            Issue.record("unknown ids imported")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.field) == ["customer_id", "account_id"] && f.errors.map(\.line) == [2, 3])
        }
    }

    @Test(arguments: Backend.available)
    func eventsNameTheirAccountAndPurchasesAreRead(_ backend: Backend) throws {
        let t = try loaded(backend)
        let o = ImportOptions(analyst: "tester", now: t.actor.now)
        let events = """
            event_id,customer_id,timestamp,type,product_id,amount,account_id
            E1,C1,2024-02-01,purchase,P1,100,
            E2,C2,2024-03-01,purchase,P2,20,GLOBEX
            E3,C2,2024-03-02,view,P2,,

            """
        _ = try t.store.importFile(try t.file("events.csv", events), options: o)
        let globex = try #require(try t.store.account(externalId: "GLOBEX"))
        let rows = try t.store.accountPurchases()
        #expect(rows.map(\.amount) == [100, 20] && rows.map(\.account) == [nil, globex.key])
        let e2 = try #require(try t.store.event(displayId: "E2"))
        #expect(try t.store.eventAccounts() == [e2.id: "GLOBEX"])
        // Of one firm: the lines naming it, and those of its primary members.
        #expect(try t.store.accountPurchases(accounts: [globex.key]).map(\.amount) == [20])
        let fin = try #require(try t.store.account(externalId: "ACME-UK-FIN"))
        #expect(try t.store.accountPurchases(accounts: [fin.key]).map(\.amount) == [100])
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        #expect(try t.store.memberships(customers: [c1]).map(\.role) == ["buyer"])
        // An unknown account is the row's error; a view cannot be made for an account.
        let bad = try t.file(
            "bad.csv", "customer_id,timestamp,type,account_id\nC1,2024-04-01,purchase,NOPE\nC1,2024-04-02,view,ACME\n")
        do {
            _ = try t.store.importFile(bad, options: o)
            Issue.record("a bad account imported")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.field).allSatisfy { $0 == "account_id" })
        }
        let activity = try t.store.memberActivity(previousStart: 0, recentStart: 1_709_000_000, asOf: 1_710_000_000)
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        #expect(activity[c2]?.recent == true)
        #expect(try t.store.consentingAccountBuyers().isEmpty)
        // The B2B gift flag: the purchase now counts for Globex, audited.
        try t.store.attributeEvent("E1", account: "GLOBEX", by: t.actor)
        #expect(try t.store.accountPurchases().first?.account == globex.key)
        #expect(throws: StoreError.notAPurchase("E3")) {
            try t.store.attributeEvent("E3", account: "ACME", by: t.actor)
        }
        #expect(try t.store.auditEntries().first?.action == "event.attribute")
    }

    @Test(arguments: Backend.available)
    func correctionsAreAuditedAndACycleChangesNothing(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        try t.store.linkMember(customer: c1, account: "GLOBEX", role: "Decision_Maker", primary: true, by: t.actor)
        var mine = try t.store.memberships(customer: c1)
        // The new primary ends the other one's primacy: the attribution rule has one answer.
        #expect(mine.map(\.role) == ["buyer", "decision_maker"] && mine.map(\.primary) == [false, true])
        #expect(try t.store.unlinkMember(customer: c1, account: "GLOBEX", until: 1_720_000_000, by: t.actor) == 1)
        mine = try t.store.memberships(customer: c1)
        #expect(mine.last?.until == 1_720_000_000)
        #expect(throws: StoreError.self) {
            try t.store.unlinkMember(customer: c1, account: "GLOBEX", by: t.actor)
        }

        let auditBefore = try t.store.auditEntries().count
        let before = try t.store.accounts()
        #expect(throws: StoreError.self) {
            try t.store.setAccountParent(account: "ACME", parent: "ACME-UK-FIN", by: t.actor)
        }
        #expect(try t.store.accounts() == before && t.store.auditEntries().count == auditBefore)

        let dry = try t.store.setAccountParent(account: "ACME-UK-OPS", parent: "GLOBEX", dryRun: true, by: t.actor)
        #expect(dry.losing == ["ACME-UK", "ACME"] && dry.gaining == ["GLOBEX"] && !dry.applied)
        #expect(try t.store.accounts() == before)
        try t.store.setAccountParent(account: "ACME-UK-OPS", parent: "GLOBEX", by: t.actor)
        let ops = try #require(try t.store.account(externalId: "ACME-UK-OPS"))
        #expect(ops.parent == (try t.store.account(externalId: "GLOBEX"))?.key)
        #expect(
            try t.store.auditEntries().map(\.action).prefix(3) == ["account.parent", "account.unlink", "account.link"])
        // A note on an account: kept with its analyst; the audit says a note was added, not what it says.
        let acme = try #require(try t.store.account(externalId: "ACME"))
        try t.store.addAccountNote(account: "ACME", text: "  Renewal due in March  ", by: t.actor)
        #expect(try t.store.accountNotes(account: acme.key).map(\.text) == ["Renewal due in March"])
        let entry = try #require(try t.store.auditEntries().first)
        #expect(entry.action == "account.note" && !entry.details.contains("Renewal"))
        #expect(throws: StoreError.self) { try t.store.addAccountNote(account: "ACME", text: " ", by: t.actor) }
    }

    @Test(arguments: Backend.available)
    func figuresAreStoredAndPagedSortedAndFiltered(_ backend: Backend) throws {
        let t = try loaded(backend)
        let keys = try t.store.accounts().map(\.key)
        try t.store.writeAccountFigures(
            keys.enumerated().map { i, k in
                AccountFiguresRow(
                    account: k, members: i, revenue: Double(i * 10), revenue12m: 0, engagement: 50 - i,
                    trend: "flat", coverage: i == 0 ? nil : 0.5, pAlive: nil, detail: "{}")
            }, now: t.actor.now)
        #expect(try t.store.accountFigures(account: keys[2])?.revenue == 20)
        #expect(try t.store.accountRows(keys: [keys[3], keys[1]]).map(\.figures?.revenue) == [10, 30])
        let byRevenue = try t.store.accountPage(filter: nil, sort: .revenue, limit: 2, offset: 0)
        #expect(byRevenue.map(\.account.externalId) == ["GLOBEX", "ACME-UK-OPS"])
        let byName = try t.store.accountPage(filter: "acme uk", sort: .name, limit: 10, offset: 0)
        #expect(byName.map(\.account.externalId) == ["ACME-UK"] && byName.first?.parentExternalId == "ACME")
        #expect(try t.store.accountCount(filter: "acme") == 4 && t.store.accountCount(filter: "100%") == 0)
        let byCoverage = try t.store.accountPage(filter: nil, sort: .coverage, limit: 10, offset: 0)
        #expect(byCoverage.last?.account.externalId == "ACME")
        #expect(try t.store.accountPage(filter: nil, sort: .pAlive, limit: 10, offset: 0).count == 5)
        #expect(
            try t.store.accountPage(filter: nil, sort: .engagement, limit: 1, offset: 0).first?.figures?.engagement
                == 50)
    }

    /// Segment's group calls import as accounts (made when new, traits kept) and memberships; the
    /// user's last group is their primary one; a call of another type is a bad row, named.
    @Test(arguments: Backend.available)
    func segmentGroupCallsImportAsAccountsAndMemberships(_ backend: Backend) throws {
        let t = try loaded(backend)
        let calls = """
            {"type":"group","userId":"C1","groupId":"INITECH","traits":{"name":"Initech","industry":"Software","plan":"pro"},"timestamp":"2024-02-01"}
            {"type":"group","userId":"C2","groupId":"GLOBEX","traits":{"role":"buyer","title":"Buyer"}}
            {"type":"group","userId":"C1","groupId":"INITECH","traits":{"name":"Initech Inc"},"timestamp":"2024-03-01"}

            """
        let s = try t.store.importFile(
            try t.file("groups.jsonl", calls), options: ImportOptions(analyst: "tester", now: t.actor.now))
        #expect(s.kind == .memberships && s.inserted == 2)
        let initech = try #require(try t.store.account(externalId: "INITECH"))
        #expect(initech.name == "Initech Inc" && initech.industry == "Software" && initech.tier == "pro")
        #expect(try t.store.account(externalId: "GLOBEX")?.name == "Globex")
        let c1 = try #require(try t.store.customerKey(externalId: "C1"))
        let mine = try t.store.memberships(customer: c1).first { $0.account == initech.key }
        #expect(mine?.role == "member" && mine?.primary == true && mine?.since == 1_706_745_600)
        let track = try t.file("track.jsonl", #"{"type":"track","userId":"C1","groupId":"X","event":"Bought"}"# + "\n")
        do {
            _ = try t.store.importFile(track, options: ImportOptions(analyst: "tester", now: t.actor.now))
            Issue.record("a track call imported as a group")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.field) == ["type"])
        }
    }

    /// More accounts than one statement writes (500 a statement): every row is stored.
    @Test(arguments: Backend.available)
    func figuresOfManyAccountsAreWrittenWhole(_ backend: Backend) throws {
        let t = try loaded(backend)
        let rows = (1...1_100).map { "X\($0),Account \($0),ACME-UK-FIN,department" }
        _ = try t.store.importFile(
            try t.file("many.csv", "account_id,name,parent_id,kind\n" + rows.joined(separator: "\n") + "\n"),
            options: ImportOptions(analyst: "tester", now: t.actor.now))
        let keys = try t.store.accounts().map(\.key)
        #expect(keys.count == 1_105)
        try t.store.writeAccountFigures(
            keys.map {
                AccountFiguresRow(
                    account: $0, members: 0, revenue: Double($0), revenue12m: 0, engagement: nil, trend: nil,
                    coverage: nil, pAlive: nil, detail: "{}")
            }, now: t.actor.now)
        #expect(try t.store.accountPage(filter: "account 1099", sort: .revenue, limit: 5, offset: 0).count == 1)
        #expect(try t.store.accountRows(keys: keys).compactMap(\.figures).count == 1_105)
    }

    /// A failed copy's emptying reaches the account tables too, members before the accounts they name.
    @Test(arguments: Backend.available)
    func emptyingAFailedCopyEmptiesTheAccountTables(_ backend: Backend) throws {
        let t = try loaded(backend)
        try t.store.discardUnfinishedCopy()
        #expect(try t.store.accounts().isEmpty && t.store.memberships().isEmpty)
    }

    @Test(arguments: Backend.available)
    func erasureDeletesAPersonsMemberships(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c2 = try #require(try t.store.customerKey(externalId: "C2"))
        try t.store.forget(customer: c2, by: t.actor)
        #expect(try t.store.memberships().map(\.customerExternalId) == ["C1"])
    }
}
