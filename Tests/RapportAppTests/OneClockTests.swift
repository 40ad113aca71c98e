import Foundation
import RapportService
import Testing
@testable import RapportApp

/// "The last 30 days" means one thing on every screen: the 30 calendar days ending with the
/// store's as-of day, and the clear dialog says which day that starts.
@Suite("One clock")
struct OneClockTests {
    @Test func theClearDialogShowsItsCutOffCountedFromTheAsOfDay() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter, .char("H"), .char("C"))
        let asOf = Fixtures.asOf
        let firstDay = (asOf / 86_400 - 29) * 86_400 // 30 days including the as-of day
        let expected = Dates.isoDate(firstDay)
        #expect(h.screen.contains("Events from \(expected) on"), "\(h.screen)")
        // The history's own 30-day filter starts on the same day.
        #expect(h.model.clearWindow(1, 0).since == firstDay)
    }
}
