import Foundation
import Testing
@testable import RapportApp

/// The explorer says what the command line says about a rule naming something that does not exist.
@Suite("Rule warnings on screen")
struct RuleWarningTests {
    @Test func savingARuleWithAMisspelledCategorySaysSo() throws {
        let h = Harness(client: Fixtures.withRules(warnings: ["no category 'Toyz'; did you mean 'Toys'?"]))
        h.press(.char("S"), .char("n"))
        h.type("toy buyers")
        h.press(.tab)
        h.type("affinity(\"Toyz\") > 0")
        h.press(.enter)
        let text = h.model.flash?.text ?? ""
        #expect(text.hasPrefix("segment toy buyers saved: "), "\(text)")
        #expect(text.contains("no category 'Toyz'; did you mean 'Toys'?"), "\(text)")
    }
}

/// The value panel's labels and the sentence reconciling them, whole, one key away.
@Suite("Lifecycle details")
struct LifecycleDetailTests {
    @Test func enterOnTheValuePanelShowsTheWholeStory() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.enter) // Anna Côté's profile
        #expect(h.lines[12].hasSuffix("the…    │"))
        h.press(.tab) // the value panel
        h.press(.enter)
        #expect(h.screen.contains("Lifecycle"))
        #expect(h.screen.contains("stage: lost"))
        #expect(h.screen.contains("RFM: 322 need attention (ranked against all customers)"))
        #expect(h.screen.contains("6 orders about every 24 days, the last 191 days ago;"))
    }
}
