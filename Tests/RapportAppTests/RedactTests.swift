import Foundation
import RapportService
import RapportStore
import RapportUI
import RapportVocabulary
import Testing

@testable import RapportApp

@Suite("--redact in the explorer", .serialized)
struct RedactTests {
    @Test func aFilterByEmailFindsTheRowButIsNotEchoed() throws {
        let h = Harness(client: Fixtures.client, redact: true)
        h.press(.char("/"))
        h.type("margot@example.com")
        h.press(.enter)
        #expect(h.lines.contains { $0.hasPrefix("Margot Lindqvist") }, "\(h.screen)")
        #expect(!h.screen.contains("margot@example.com"), "\(h.screen)")
        #expect(h.lines[0].contains("filter: m***@example.com"), "\(h.lines[0])")
    }

    @Test func aFilterThatFindsNobodyIsNotEchoedEither() throws {
        let h = Harness(client: Fixtures.client, redact: true)
        h.press(.char("/"))
        h.type("nobody@example.com")
        h.press(.enter)
        #expect(h.screen.contains("No customer matches 'n***@example.com'"), "\(h.screen)")
        #expect(!h.screen.contains("nobody@example.com"))
    }

    @Test func aPhoneNumberInANoteIsMaskedOnTheProfile() throws {
        for redact in [false, true] {
            let h = Harness(
                client: Fixtures.client(notes: ["C1": ["call +44 7700 900123"]]), size: Size(width: 120, height: 40),
                redact: redact)
            h.press(.char("/"))
            h.type("margot")
            h.press(.enter, .enter)
            #expect(h.screen.contains("note ") && h.screen.contains("call "), "\(h.screen)")
            #expect(h.screen.contains("7700 900123") == !redact, "redact \(redact): \(h.screen)")
        }
    }

    /// Issue 20: an email or phone written into a name or a city is masked too, in the list
    /// and on the profile. Before, only the email and phone fields were.
    @Test func anEmailOrPhoneInsideANameOrCityIsMasked() throws {
        for redact in [false, true] {
            // A customer imported with an email in the name and a phone in the city.
            let row = CustomerListItem(key: 99, externalId: "C9", name: "Zed zed@leak.example")
            let client = Fixtures.withCustomer(row) { $0.customer.city = "Call +44 7700 900999" }
            let h = Harness(client: client, size: Size(width: 120, height: 40), redact: redact)
            h.press(.char("/"))
            h.type("Zed")
            h.press(.enter)
            #expect(h.screen.contains("zed@leak.example") == !redact, "list, redact \(redact): \(h.screen)")
            h.press(.enter)
            #expect(h.screen.contains("[C9]"), "\(h.screen)")
            #expect(h.screen.contains("zed@leak.example") == !redact, "profile, redact \(redact): \(h.screen)")
            #expect(h.screen.contains("7700 900999") == !redact, "profile, redact \(redact): \(h.screen)")
        }
    }

    @Test func withoutRedactTheFilterIsEchoed() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.char("/"))
        h.type("margot@example.com")
        h.press(.enter)
        #expect(h.lines[0].contains("filter: margot@example.com"))
    }

    @Test func freeTextLosesEmailsAndPhonesButNotDates() {
        #expect(
            Redaction.text("call +351 912 345 678 or mail a.b@example.com")
                == "call **************78 or mail a***@example.com")
        #expect(Redaction.text("seen 2026-09-01, order 12") == "seen 2026-09-01, order 12")
    }
}
