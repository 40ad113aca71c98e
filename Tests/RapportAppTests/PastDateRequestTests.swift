import Foundation
import RapportService
import Testing

@testable import RapportApp

/// The day a screen asked for beside the day it shows (`@` on the accounts list and on an
/// account): the status says which day is on its way, and an answer of another day is dropped.
@Suite("Past date request")
struct PastDateRequestTests {
    @Test func theStatusSaysTheDayOnItsWayAndAnswersOfAnotherDayAreDropped() throws {
        let day = try #require(PointInTime.parse("2026-03-14"))
        var request = PastDateRequest()
        #expect(request.loading == nil && request.accepts(nil) && !request.accepts(day))
        request.asked = day
        #expect(request.loading == "loading as of 2026-03-14…" && request.accepts(day) && !request.accepts(nil))
        request.shown = day
        #expect(request.loading == nil)
        request.asked = nil
        #expect(request.loading == "loading today's…")

        var list = AccountsState()
        list.day.asked = day
        #expect(AccountsScreen.status(list) == "0/0 accounts, loading as of 2026-03-14…")
    }
}
