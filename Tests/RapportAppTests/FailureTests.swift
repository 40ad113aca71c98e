import Foundation
import RapportService
import RapportStore
import Testing
@testable import RapportApp
@testable import RapportUI

/// A failed command arrives as a typed `ExplorerFailure`: what it was doing and why, with the
/// words the status line shows.
@Suite("Explorer failures")
struct FailureTests {
    /// The failures that arrive until `seconds` have passed, applied as they come.
    static func failures(_ h: Harness, seconds: Double = 3) -> [ExplorerFailure] {
        var out: [ExplorerFailure] = []
        _ = LaneTests.waitFor(h, seconds: seconds) {
            if case .failed(let f) = $0 { out.append(f) }
            return !out.isEmpty
        }
        return out
    }

    @Test func gotoAnUnknownIdIsAMissNotAThrownError() throws {
        let h = Harness(client: Fixtures.client)
        LaneTests.key(h, .char(":"))
        for c in "goto ZZ9" { LaneTests.key(h, .char(c)) }
        LaneTests.key(h, .enter)
        let failures = Self.failures(h)
        #expect(failures == [.unknownCustomer("ZZ9")])
        #expect(failures.first?.operation == .goto)
        if case .error? = failures.first?.cause { Issue.record("a lookup that found no one is not a thrown error") }
        #expect(h.model.flash == Flash(text: "unknown customer 'ZZ9'", isError: true))
    }

    /// A thrown error keeps its own words: the store's unknown-customer error reads like the
    /// `:goto` miss on screen, but the two are told apart by their cause.
    @Test func aThrownErrorKeepsItsWordsAndSaysWhatFailed() throws {
        let h = Harness(client: Fixtures.client)
        let thrown = ExplorerFailure(.loadProfile, StoreError.unknownCustomer("ZZ9"))
        #expect(thrown.cause == .error("unknown customer 'ZZ9'"))
        #expect(thrown.description == ExplorerFailure.unknownCustomer("ZZ9").description)
        #expect(thrown != .unknownCustomer("ZZ9"))
        h.send(.failed(ExplorerFailure(.erase, .error("cannot open store x: disk full"))))
        #expect(h.model.flash == Flash(text: "cannot open store x: disk full", isError: true))
        #expect(h.screen.contains("cannot open store x: disk full"), "\(h.screen)")
    }
}
