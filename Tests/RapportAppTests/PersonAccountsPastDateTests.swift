import Foundation
import RapportService
import RapportStore
import RapportUI
import Testing

@testable import RapportApp

/// `A` on a customer's profile shown as of a day (`@`): that person's accounts as they stood
/// then (the service's `personAccounts(customer:stoodOn:)`, as `rapport accounts --customer X
/// --as-of D`), with the title's marker. Over `AccountPastDateTests`' firm (Acme above Team,
/// Margot Team's buyer since 2024), with Margot made a user of Acme from 2026-06-01 (her
/// membership's `since`), after the day asked (2026-03-14).
@Suite("A person's accounts on a past day", .serialized)
struct PersonAccountsPastDateTests {
    static func harness() throws -> Harness {
        let h = try AccountPastDateTests.harness()
        let p = h.dir.appendingPathComponent("later-memberships.csv").path
        try Data("customer_id,account_id,role,primary,title,since,until\nC1,ACME,user,false,,2026-06-01,\n".utf8)
            .write(to: URL(fileURLWithPath: p))
        _ = try h.workspace.importFiles([p], options: ImportOptions(analyst: "tester"))
        return h
    }

    static func ids(_ h: Harness) -> [String] {
        (0..<h.model.accounts.total).compactMap { h.model.accounts.rows[$0]?.id }
    }

    @Test func aOnAProfileOfADayListsThePersonsAccountsOfThen() throws {
        let h = try Self.harness()
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        #expect(h.model.screen == .profile)
        h.press(.char("A"))
        #expect(h.model.screen == .accounts && Self.ids(h) == ["ACME", "TEAM"], "today: both")
        #expect(!h.lines[0].contains("as of"))
        h.press(.escape)
        #expect(h.model.screen == .profile)

        AccountPastDateTests.pickDay(h, "2026-03-14")
        let day = try #require(PointInTime.parse("2026-03-14"))
        #expect(h.model.pastDate == day)
        h.press(.char("A"))
        #expect(h.model.screen == .accounts && h.model.accounts.day.shown == day)
        #expect(h.lines[0].contains("Accounts of Margot") && h.lines[0].contains("@ as of 2026-03-14"), "\(h.lines[0])")
        let expected = try h.workspace.personAccounts(customer: "C1", stoodOn: day)
        #expect(expected.map(\.account.id) == ["TEAM"], "Acme's membership began after the day")
        #expect(Self.ids(h) == ["TEAM"] && h.model.accounts.rows[0] == expected.first?.account)
        #expect(!AccountsScreen.status(h.model.accounts).contains("sorted by name"))

        // Back: the profile, still of the day; `@` there returns to now, and `A` lists today's.
        h.press(.escape)
        #expect(h.model.screen == .profile && h.model.pastDate == day)
        h.press(.char("@"))
        #expect(h.model.pastDate == nil)
        h.press(.char("A"))
        #expect(h.model.accounts.day.shown == nil && Self.ids(h) == ["ACME", "TEAM"] && !h.lines[0].contains("as of"))
    }

    @Test func anAnswerOfAnotherDayIsNotShown() throws {
        let h = try Self.harness()
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        AccountPastDateTests.pickDay(h, "2026-03-14")
        h.press(.char("A"))
        let today = try h.workspace.personAccounts(customer: "C1")
        h.send(.personAccountsLoaded(generation: h.model.accounts.generation, today, stoodOn: nil))
        #expect(Self.ids(h) == ["TEAM"] && h.lines[0].contains("@ as of 2026-03-14"))
    }
}
