import Foundation
import RapportService
import Testing
@testable import RapportApp
@testable import RapportUI

/// Reads run beside writes: a long write (a refresh, an erase) does not hold up the
/// clear-history count, the evidence popup or `:goto`.
@Suite("Lanes")
struct LaneTests {
    @Test func aCommandIsAReadUnlessItSaysItWrites() {
        #expect(Command<Int> { _ in }.lane == .read)
        #expect(Command<Int>(lane: .write) { _ in }.lane == .write)
    }

    /// Applies the messages that arrive until one matches (at most `seconds`), without waiting
    /// for the write lane as `settle` does.
    static func waitFor(_ h: Harness, seconds: Double = 10, _ match: (AppMessage) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let messages = h.runtime.drainInbox()
            for m in messages { h.runtime.send(m) }
            if messages.contains(where: match) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    static func key(_ h: Harness, _ keys: Key...) { for k in keys { h.runtime.send(.input(.key(k))) } }

    @Test func readsAreNotQueuedBehindALongWrite() throws {
        // The evidence and the count answer at once: what is measured is whether they wait.
        var client = Fixtures.client
        client.evidence = { _, _, _ in [] }
        let h = Harness(client: client)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        #expect(h.model.profile?.report != nil)
        // A write that lasts until the test ends (as a refresh of a large store would).
        let gate = DispatchSemaphore(value: 0)
        h.runtime.start([Command(lane: .write) { _ in gate.wait() }])
        defer {
            gate.signal()
            h.settle()
        }
        // The evidence behind the first preference.
        Self.key(h, .enter)
        #expect(
            Self.waitFor(h) {
                if case .evidenceReady = $0 { return true }
                return false
            }, "the evidence popup waited for the write")
        Self.key(h, .escape)
        // The count of what a clear would remove.
        Self.key(h, .char("H"))
        // The history must be on screen before `C`, or `C` means something else: waited for, not
        // assumed after a fixed half second (a loaded machine took longer).
        #expect(
            Self.waitFor(h) {
                if case .historyLoaded = $0 { return true }
                return false
            }, "the history waited for the write")
        Self.key(h, .char("C"))
        #expect(
            Self.waitFor(h) {
                if case .clearCounted = $0 { return true }
                return false
            }, "the clear-history count waited for the write")
        Self.key(h, .escape)
        // `:goto`.
        Self.key(h, .char(":"))
        for c in "goto C2" { Self.key(h, .char(c)) }
        Self.key(h, .enter)
        #expect(
            Self.waitFor(h) {
                if case .gotoCustomer = $0 { return true }
                return false
            }, ":goto waited for the write")
    }
}
