import Foundation
import Testing
@testable import RapportApp

/// The explorer says what the command line says about a rule naming something that does not exist.
@Suite("Rule warnings on screen")
struct RuleWarningTests {
    @Test func savingARuleWithAMisspelledCategorySaysSo() throws {
        let h = try Harness()
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
