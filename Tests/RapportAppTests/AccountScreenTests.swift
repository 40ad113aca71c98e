import Foundation
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// `A`: the accounts list (filter, sort), an account's profile (breadcrumb, tree that folds,
/// members, value three ways, coverage, recommendations), and Enter on a member opens the person.
@Suite("Account screens", .serialized)
struct AccountScreenTests {
    /// A firm as an import of its accounts and memberships leaves it, as fixtures: Acme with
    /// Finance (monthly reports; 山田 太郎 its buyer) and Operations (Anna Côté its buyer) below it.
    static var firm: ExplorerClient {
        var client = Fixtures.client
        func item(_ id: String, _ name: String, parent: (String, String)?) -> AccountListItem {
            AccountListItem(
                id: id, name: name, kind: parent == nil ? "company" : "department", parent: parent?.0,
                parentName: parent?.1, members: parent == nil ? 0 : 1, revenue: 0, revenue12m: 0, engagement: 0,
                trend: "flat", coverage: nil, pAlive: nil)
        }
        let items = [
            item("ACME", "Acme", parent: nil), item("FIN", "Finance", parent: ("ACME", "Acme")),
            item("OPS", "Operations", parent: ("ACME", "Acme"))
        ]
        let taro = AccountMemberView(
            id: "C2", name: "山田 太郎", role: "buyer", primary: true, title: nil, since: nil, until: nil, current: true,
            consent: true)
        let finance = Fixtures.accountView(
            "FIN", "Finance", path: [("ACME", "Acme")], members: [taro], coverage: 0.5,
            missingRoles: ["decision_maker"],
            cadence: [AccountCadenceView(id: "FIN", name: "Finance", statedCadence: "monthly")])
        client.accountPage = { filter, _, offset, limit in
            let kept = items.filter {
                filter.isEmpty || $0.name.localizedCaseInsensitiveContains(filter)
                    || $0.id.localizedCaseInsensitiveContains(filter)
            }
            return (Array(kept.dropFirst(offset).prefix(limit)), kept.count)
        }
        client.account = { id in
            guard id == "FIN" else { throw NotInFixture(operation: "account \(id)") }
            return finance
        }
        client.accountTree = { _ in
            [
                AccountTreeLine(id: "ACME", name: "Acme", kind: "company", depth: 0, parent: nil, childCount: 2),
                AccountTreeLine(
                    id: "FIN", name: "Finance", kind: "department", depth: 1, parent: "ACME", childCount: 0),
                AccountTreeLine(
                    id: "OPS", name: "Operations", kind: "department", depth: 1, parent: "ACME", childCount: 0)
            ]
        }
        client.personAccounts = { id in
            guard id == "C2" else { throw NotInFixture(operation: "accounts of \(id)") }
            return [PersonAccount(account: items[1], role: "buyer", primary: true, current: true)]
        }
        return client
    }

    @Test func theListFiltersSortsAndOpensAnAccount() throws {
        let h = Harness(client: Self.firm)
        h.press(.char("A"))
        #expect(h.model.screen == .accounts)
        #expect(h.lines[0].contains("Accounts") && h.lines[0].contains("sort: revenue, all time"))
        #expect(h.lines[1].contains("NAME") && h.lines[1].contains("REVENUE 12M") && h.lines[1].contains("COVER"))
        #expect(h.lines[2].contains("Acme") && h.screen.contains("Finance") && h.screen.contains("Operations"))
        #expect(h.lines[22].contains("1/3 accounts"))
        h.press(.char("s"))
        #expect(h.lines[0].contains("sort: engagement"))
        h.press(.char("/"))
        h.type("fin")
        #expect(h.model.accounts.total == 1 && h.lines[2].contains("Finance") && !h.screen.contains("Operations"))
        h.press(.enter, .enter)
        #expect(h.model.screen == .account)
        // The breadcrumb of its ancestors, the firm's tree, the value three ways.
        #expect(h.lines[1].contains("Acme › Finance"))
        #expect(h.screen.contains("Tree") && h.screen.contains("Members") && h.screen.contains("Value"))
        #expect(h.screen.contains("- Acme") && h.screen.contains("own:") && h.screen.contains("total:"))
        #expect(h.screen.contains("committee") && h.screen.contains("missing decision_maker"), "\(h.screen)")
        #expect(h.screen.contains("Finance: says monthly"))
        // Enter on a member opens the person.
        h.press(.tab, .enter)
        #expect(h.model.screen == .profile && h.model.profile?.report?.customer.id == "C2")
        // The person's profile lists their accounts and roles, and jumps to each.
        h.press(.char("A"))
        #expect(h.model.screen == .accounts && h.lines[0].contains("Accounts of 山田 太郎"))
        #expect(h.lines[1].contains("ROLE") && h.lines[2].contains("Finance") && h.lines[2].contains("buyer*"))
        #expect(h.model.accounts.total == 1)
        h.press(.enter)
        #expect(h.model.screen == .account && h.model.account?.id == "FIN")
        h.press(.escape)
        #expect(h.model.screen == .accounts)
    }

    @Test func theTreeFoldsAndOpensAnotherAccount() throws {
        // The firm, each account with the notes the shop holds; a note written elsewhere moves
        // the write stamp.
        let shop = ChangingShop()
        var client = Self.firm
        let finance = try Self.firm.account("FIN")
        client.account = { id in
            var view =
                switch id {
                case "FIN": finance
                case "ACME": Fixtures.accountView("ACME", "Acme", children: ["FIN", "OPS"])
                case "OPS": Fixtures.accountView("OPS", "Operations", path: [("ACME", "Acme")])
                default: throw NotInFixture(operation: "account \(id)")
                }
            view.notes = shop.now.accountNotes[id] ?? []
            return view
        }
        client.writeStamp = shop.client.writeStamp
        let h = Harness(client: client)
        h.press(.char("A"))
        h.press(.enter)
        #expect(h.model.account?.id == "ACME")
        #expect(h.screen.contains("  Finance") && h.screen.contains("  Operations"))
        h.press(.char("t"))
        #expect(h.screen.contains("+ Acme") && !h.screen.contains("  Finance"))
        h.press(.char("t"), .char("j"), .enter)
        #expect(h.model.account?.id == "FIN")
        #expect(h.lines[1].contains("Acme › Finance"))
        // A change made elsewhere (another session, a script) shows at the next tick.
        h.send(.tick)
        shop.change { s in
            s.accountNotes["FIN"] = [AccountNoteView(time: "2026-09-21", analyst: "ana", text: "Budget approved")]
        }
        h.send(.tick)
        #expect(h.screen.contains("Budget approved"))
    }

    @Test func undoAndRedoOnTheAccountTakeBackALinkAndShowIt() throws {
        // Finance's members in a changing shop: Anna Côté (C4) linked as its decision maker, a
        // link in the action log; the coverage and missing roles follow the members.
        let shop = ChangingShop()
        let actions = FixtureActions()
        let finance = try Self.firm.account("FIN")
        let link = AccountMemberView(
            id: "C4", name: "Anna Côté", role: "decision_maker", primary: false, title: nil, since: nil, until: nil,
            current: true, consent: true)
        let linked: @Sendable () -> Void = { shop.change { $0.accountMembers["FIN"] = finance.members + [link] } }
        let unlinked: @Sendable () -> Void = { shop.change { $0.accountMembers["FIN"] = finance.members } }
        linked()
        actions.record("linked C4 to FIN as decision_maker", undo: unlinked, redo: linked)
        var client = Self.firm
        client.account = { id in
            guard id == "FIN" else { throw NotInFixture(operation: "account \(id)") }
            var view = finance
            view.members = shop.now.accountMembers["FIN"] ?? finance.members
            let roles = Set(view.members.map(\.role))
            view.missingRoles = view.requiredRoles.filter { !roles.contains($0) }
            view.coverage =
                Double(view.requiredRoles.count - view.missingRoles.count) / Double(view.requiredRoles.count)
            return view
        }
        client.undo = { actions.undo() }
        client.redo = { actions.redo() }
        client.writeStamp = shop.client.writeStamp
        let h = Harness(client: client)
        h.press(.char("A"), .char("/"))
        h.type("fin")
        h.press(.enter, .enter)
        func decisionMakers() -> [String] {
            (h.model.account?.view?.members ?? []).filter { $0.role == "decision_maker" }.map(\.id)
        }
        #expect(h.model.account?.id == "FIN" && decisionMakers() == ["C4"])
        #expect(!h.screen.contains("missing decision_maker"))
        h.press(.char("u"))
        #expect(h.model.flash?.text == "undone: linked C4 to FIN as decision_maker")
        #expect(decisionMakers().isEmpty && h.screen.contains("missing decision_maker"))
        h.press(.ctrl("r"))
        #expect(h.model.flash?.text.hasPrefix("redone:") == true, "\(h.model.flash?.text ?? "")")
        #expect(decisionMakers() == ["C4"] && !h.screen.contains("missing decision_maker"))
    }

    /// Over fixtures: a client without the accounts closures says so on the status line; one
    /// with canned accounts lists and opens them with no store.
    @Test func fixturesWithAndWithoutAccounts() throws {
        let without = Harness(client: Fixtures.client)
        without.press(.char("A"))
        #expect(without.model.screen == .accounts && without.lines[22].contains("accounts are not available here"))

        var client = Fixtures.client
        let acme = AccountListItem(
            id: "ACME", name: "Acme", kind: "company", parent: nil, parentName: nil, members: 2, revenue: 300,
            revenue12m: 120, engagement: 40, trend: "up", coverage: 2.0 / 3.0, pAlive: 0.9)
        client.accountPage = { _, _, offset, limit in (Array([acme].dropFirst(offset).prefix(limit)), 1) }
        let h = Harness(client: client)
        h.press(.char("A"))
        #expect(h.lines[2].contains("Acme") && h.lines[2].contains("120") && h.lines[2].contains("67%"))
        #expect(h.lines[2].contains("up"))
    }
}
