import Foundation
import RapportService
import RapportStore
import RapportUI
import Testing

@testable import RapportApp

/// `@` on an account's profile: the account as it stood on a date (its tree, members and
/// figures through the service's `accountScreen(_:stoodOn:)`, as `rapport account ID --as-of D`),
/// the marker in the title, corrections refused, and `@` again or back returns to now. Over the
/// harness's store with a firm imported: Acme with Team below it, Margot Team's buyer since 2024;
/// Anna linked to Team with `account link` today (2026-09-21), after the day asked (2026-03-14).
@Suite("An account on a past day", .serialized)
struct AccountPastDateTests {
    static func harness() throws -> Harness {
        let h = try Harness()
        var paths: [String] = []
        for (name, text) in [
            ("accounts.csv", "account_id,name,parent_id,kind\nACME,Acme,,company\nTEAM,Team,ACME,department\n"),
            (
                "memberships.csv",
                "customer_id,account_id,role,primary,title,since,until\nC1,TEAM,buyer,true,,2024-01-01,\n"
            )
        ] {
            let p = h.dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        _ = try h.workspace.importFiles(paths, options: ImportOptions(analyst: "tester"))
        try h.workspace.linkMember(customer: "C4", account: "TEAM", role: "user", primary: false)
        return h
    }

    /// Opens Team's profile from the accounts list.
    static func openTeam(_ h: Harness) {
        h.press(.char("A"), .char("/"))
        h.type("team")
        h.press(.enter, .enter)
    }

    static func pickDay(_ h: Harness, _ day: String) {
        h.press(.char("@"))
        h.type(day)
        h.press(.enter)
    }

    @Test func atShowsTheAccountWithoutTheMemberLinkedAfterTheDay() throws {
        let h = try Self.harness()
        Self.openTeam(h)
        #expect(h.model.screen == .account && h.lines[1].contains("Acme › Team"))
        #expect(h.screen.contains("Margot Lindqvist buyer*") && h.screen.contains("Anna Côté user"), "\(h.screen)")
        #expect(!h.lines[0].contains("as of"))

        Self.pickDay(h, "2026-03-14")
        let day = try #require(PointInTime.parse("2026-03-14"))
        #expect(h.model.pastDate == day && h.model.account?.shown == day)
        #expect(h.lines[0].contains("@ as of 2026-03-14"), "\(h.lines[0])")
        // The marker in the loud style of the other screens.
        let start = try #require(h.lines[0].range(of: "@ as of")).lowerBound
        let x = h.lines[0].distance(from: h.lines[0].startIndex, to: start)
        let styles = h.backend.frame.styleLines([Explorer.pastDateStyle(h.model.theme): "P"])
        #expect(Array(styles[0])[x] == "P")
        // Anna was linked after the day: not a member of then. Margot was; the tree is the firm's.
        #expect(h.screen.contains("Margot Lindqvist buyer*") && !h.screen.contains("Anna Côté"), "\(h.screen)")
        #expect(h.screen.contains("- Acme") && h.screen.contains("Team"))
        #expect(h.screen.contains("as it stood on 2026-03-14"))
        #expect(h.model.account?.view?.members.map(\.id) == ["C1"])

        // `@` again: today's account, Anna with it.
        h.press(.char("@"))
        #expect(h.model.pastDate == nil && h.model.account?.shown == nil)
        #expect(!h.lines[0].contains("as of") && h.screen.contains("Anna Côté user"))
    }

    @Test func backReturnsToNowOnTheAccount() throws {
        let h = try Self.harness()
        Self.openTeam(h)
        Self.pickDay(h, "2026-03-14")
        #expect(h.lines[0].contains("@ as of 2026-03-14") && !h.screen.contains("Anna Côté"))
        h.press(.escape)
        #expect(h.model.screen == .account && h.model.pastDate == nil)
        #expect(!h.lines[0].contains("as of") && h.screen.contains("Anna Côté user"))
    }

    @Test func aCorrectionIsRefusedOnAPastDay() throws {
        let h = try Self.harness()
        Self.openTeam(h)
        Self.pickDay(h, "2026-03-14")
        // `u` would take back Anna's link (the last correction): refused while the day is shown.
        h.press(.char("u"))
        #expect(h.model.flash?.isError == true)
        let flash = h.model.flash?.text ?? ""
        #expect(flash.contains("showing as of 2026-03-14"), "\(flash)")
        h.press(.char("@"))
        #expect(h.screen.contains("Anna Côté user"), "the link was not undone")
        // Today the same key undoes it.
        h.press(.char("u"))
        #expect(h.model.flash?.isError != true && !h.screen.contains("Anna Côté"), "\(h.screen)")
    }

    @Test func anAnswerOfAnotherDayIsNotShown() throws {
        let h = try Self.harness()
        Self.openTeam(h)
        let today = try #require(h.model.account?.view)
        let tree = try #require(h.model.account?.tree)
        Self.pickDay(h, "2026-03-14")
        // Today's answer, late (asked before `@`): the day's view stays.
        h.send(.accountLoaded(today, tree: tree, stoodOn: nil))
        #expect(h.lines[0].contains("@ as of 2026-03-14") && !h.screen.contains("Anna Côté"))
        #expect(h.model.account?.view?.members.map(\.id) == ["C1"])
    }

    @Test func aMemberOpensAsOfTheDay() throws {
        let h = try Self.harness()
        Self.openTeam(h)
        Self.pickDay(h, "2026-03-14")
        h.press(.tab, .enter)
        #expect(h.model.screen == .profile && h.lines[0].contains("@ as of 2026-03-14"))
        #expect(h.model.profile?.report?.customer.id == "C1")
    }
}
