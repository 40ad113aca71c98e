import Foundation
import RapportService
import RapportStore
import RapportUI
import Testing

@testable import RapportApp

/// `@` on the accounts list: the accounts as they stood on a date, by name, each row with its
/// figures of then (the service's `accounts(stoodOn:)`, as `rapport accounts --as-of D`), the
/// marker in the title, the sort it could not give said on the status line, and `@` again or
/// back returns to now. Over `AccountPastDateTests`' firm: Acme with Team below it, Margot
/// Team's buyer since 2024, Anna linked to Team today (2026-09-21), after the day (2026-03-14).
@Suite("The accounts list on a past day", .serialized)
struct AccountsPastDateTests {
    static func team(_ h: Harness) -> AccountListItem? {
        h.model.accounts.rows.values.first { $0.id == "TEAM" }
    }

    @Test func atListsTheAccountsWithTheirMembersOfThen() throws {
        let h = try AccountPastDateTests.harness()
        h.press(.char("A"))
        #expect(h.model.screen == .accounts && Self.team(h)?.members == 2, "today: Margot and Anna")
        #expect(!h.lines[0].contains("as of") && h.lines[0].contains("sort: revenue"))

        AccountPastDateTests.pickDay(h, "2026-03-14")
        let day = try #require(PointInTime.parse("2026-03-14"))
        #expect(h.model.pastDate == day && h.model.accounts.day.shown == day)
        #expect(h.lines[0].contains("@ as of 2026-03-14") && h.lines[0].contains("sort: name"), "\(h.lines[0])")
        // Anna was linked after the day: Team had Margot alone then.
        #expect(Self.team(h)?.members == 1)
        let expected = try h.workspace.accounts(stoodOn: day).items
        #expect((0..<2).compactMap { h.model.accounts.rows[$0] } == expected)
        #expect(expected.map(\.id) == ["ACME", "TEAM"], "by name")
        // The status line says why (cut to the width; whole in the status text).
        #expect(h.screen.contains("(sorted by name"), "\(h.screen)")
        #expect(
            AccountsScreen.status(h.model.accounts).hasSuffix(
                "(sorted by name: revenue as of 2026-03-14 is known only firm by firm)"))

        // `@` again: today's list.
        h.press(.char("@"))
        #expect(h.model.pastDate == nil && h.model.accounts.day.shown == nil && Self.team(h)?.members == 2)
        #expect(!h.lines[0].contains("as of") && !h.screen.contains("sorted by name"))
    }

    @Test func backReturnsToNowAndEnterOpensTheAccountOfTheDay() throws {
        let h = try AccountPastDateTests.harness()
        h.press(.char("A"))
        AccountPastDateTests.pickDay(h, "2026-03-14")
        h.press(.escape)
        #expect(h.model.screen == .accounts && h.model.pastDate == nil && Self.team(h)?.members == 2)

        AccountPastDateTests.pickDay(h, "2026-03-14")
        h.press(.char("/"))
        h.type("team")
        h.press(.enter, .enter)
        let day = try #require(PointInTime.parse("2026-03-14"))
        #expect(h.model.screen == .account && h.model.account?.day.shown == day)
        #expect(h.model.account?.view?.members.map(\.id) == ["C1"])
        // Back returns the account to now, then the list, which follows to now.
        h.press(.escape)
        #expect(h.model.screen == .account && h.model.pastDate == nil)
        h.press(.escape)
        #expect(h.model.screen == .accounts && h.model.accounts.day.shown == nil && Self.team(h)?.members == 2)
    }

    @Test func anAnswerOfAnotherDayIsNotShown() throws {
        let h = try AccountPastDateTests.harness()
        h.press(.char("A"))
        let today = (0..<2).compactMap { h.model.accounts.rows[$0] }
        AccountPastDateTests.pickDay(h, "2026-03-14")
        // Today's answer, late (asked before `@`): the day's rows stay.
        h.send(
            .accountsLoaded(
                generation: h.model.accounts.generation, total: 2, start: 0, items: today, stoodOn: nil))
        #expect(Self.team(h)?.members == 1 && h.lines[0].contains("@ as of 2026-03-14"))
    }
}
