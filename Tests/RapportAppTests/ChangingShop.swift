import Foundation
@testable import RapportService
import RapportVocabulary
@testable import RapportApp

/// The fixture shop as a store that changes: its customers, profiles and histories can be
/// edited (by a write the client makes, or "in another session"), and every change moves the
/// write stamp, as a store's does, so the explorer notices at its next tick. No file.
final class ChangingShop: @unchecked Sendable {
    struct State {
        var customers = Fixtures.shop.customers
        var profiles = Dictionary(uniqueKeysWithValues: Fixtures.shop.profiles.map { (Int64($0.key)!, $0.value) })
        var histories = Dictionary(uniqueKeysWithValues: Fixtures.shop.histories.map { (Int64($0.key)!, $0.value) })
        var segments = Fixtures.shop.segments
        /// Business metrics by segment name, "everyone" for everyone's.
        var metrics = Fixtures.shop.metrics
        /// Notes on accounts, by account id.
        var accountNotes: [String: [AccountNoteView]] = [:]
        /// Members linked to accounts, by account id.
        var accountMembers: [String: [AccountMemberView]] = [:]
    }

    private let lock = NSLock()
    private var state = State()
    private var stamp = 0
    /// The writes the client was asked to make, in order.
    let calls = FixtureCalls()

    /// Changes the shop (and its write stamp).
    func change(_ body: (inout State) -> Void) {
        lock.withLock {
            body(&state)
            stamp += 1
        }
    }

    var now: State { lock.withLock { state } }

    /// Removes a customer with everything of theirs, as an erasure does.
    func erase(_ key: Int64) {
        change { s in
            s.customers.removeAll { $0.key == key }
            s.profiles[key] = nil
            s.histories[key] = nil
        }
    }

    /// The client over the shop as it is at each call: the list, profiles, histories and
    /// segments of `ExplorerClient.fixture`, the business metrics of `Fixtures.withMetrics`, the
    /// write stamp, and `forget` (an erasure).
    var client: ExplorerClient {
        @Sendable func fixture() -> ExplorerClient {
            let s = now
            return .fixture(customers: s.customers, profiles: s.profiles, histories: s.histories, segments: s.segments)
        }
        var c = ExplorerClient.unimplemented
        c.customerCount = { try fixture().customerCount($0, $1) }
        c.customerPage = { try fixture().customerPage($0, $1, $2, $3) }
        c.findCustomer = { try fixture().findCustomer($0) }
        c.customerExists = { try fixture().customerExists($0) }
        c.profile = { try fixture().profile($0) }
        c.history = { try fixture().history($0) }
        c.countHistory = { try fixture().countHistory($0, $1) }
        c.segmentSummaries = { try fixture().segmentSummaries() }
        c.writeStamp = { [self] in lock.withLock { "changing-\(stamp)" } }
        c.metrics = { [self] segment in
            guard let m = now.metrics[segment ?? "everyone"] else {
                throw NotInFixture(operation: "metrics of \(segment ?? "")")
            }
            return m
        }
        c.cachedMetrics = { [self] in now.metrics["everyone"] }
        c.metricsList = Fixtures.withMetrics.metricsList
        c.forget = { [self] key in
            calls.add("forget \(key)")
            erase(key)
        }
        return c
    }
}

/// The analyst's action log of a fixture client, as undo and redo walk it: each write pushes
/// how to take it back and how to make it again; a new write drops what was undone.
final class FixtureActions: @unchecked Sendable {
    private struct Entry {
        var description: String
        var undo: @Sendable () -> Void
        var redo: @Sendable () -> Void
    }

    private let lock = NSLock()
    private var done: [Entry] = []
    private var undone: [Entry] = []

    func record(_ description: String, undo: @escaping @Sendable () -> Void, redo: @escaping @Sendable () -> Void) {
        lock.withLock {
            done.append(Entry(description: description, undo: undo, redo: redo))
            undone = []
        }
    }

    func undo() -> UndoOutcome? {
        guard let e = lock.withLock({ done.popLast() }) else { return nil }
        e.undo()
        lock.withLock { undone.append(e) }
        return Self.outcome("undo", e.description)
    }

    func redo() -> UndoOutcome? {
        guard let e = lock.withLock({ undone.popLast() }) else { return nil }
        e.redo()
        lock.withLock { done.append(e) }
        return Self.outcome("redo", e.description)
    }

    /// An outcome as the service words it (`ActionView` is made from stored entries only: read
    /// from its JSON).
    static func outcome(_ did: String, _ description: String) -> UndoOutcome {
        let entry: [String: Any] = [
            "entry": 1, "time": "2026-09-21T14:13:20Z", "analyst": "tester", "action": "fixture",
            "state": did == "undo" ? "undone" : "done", "description": description
        ]
        let json = try! JSONSerialization.data(withJSONObject: ["did": did, "entry": entry])
        return try! JSONDecoder().decode(UndoOutcome.self, from: json)
    }
}
