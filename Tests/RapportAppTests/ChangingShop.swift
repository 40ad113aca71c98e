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

extension ChangingShop {
    /// The client with corrections to one customer's history: gift flags and clears, each
    /// previewed (no change to the profile), made, and in `actions` for undo and redo. A clear's
    /// events are held 24 hours, as the store's default.
    func correcting(_ key: Int64, id: String, actions: FixtureActions) -> ExplorerClient {
        let base = client
        var c = base
        @Sendable func history() -> [HistoryEvent] { now.histories[key] ?? [] }
        @Sendable func set(_ events: [HistoryEvent]) { change { $0.histories[key] = events } }
        @Sendable func unchanged() throws -> ProfileDiff {
            let p = try base.profile(key)
            return ProfileDiff(before: p, after: p)
        }
        @Sendable func gift(_ event: String, _ isGift: Bool, _ note: String?) throws -> GiftResult {
            let before = history()
            var edited = before
            guard let i = edited.firstIndex(where: { $0.eventId == event }) else {
                throw NotInFixture(operation: event)
            }
            edited[i].gift = isGift
            edited[i].giftNote = isGift ? note : nil
            let after = edited
            set(after)
            actions.record(
                "\(isGift ? "flagged" : "unflagged") \(event) of \(id) as a gift", undo: { set(before) },
                redo: { set(after) })
            return GiftResult(
                outcome: GiftOutcome(eventId: event, isGift: isGift, effects: []), diff: try unchanged(),
                profile: try base.profile(key))
        }
        @Sendable func clear(_ window: HistoryWindow) -> Int {
            let before = history()
            let kept = before.filter { !window.holds($0) }
            set(kept)
            actions.record(
                "cleared \(before.count - kept.count) events of \(id)", undo: { set(before) }, redo: { set(kept) })
            return before.count - kept.count
        }
        c.previewGift = { _, _, _ in
            CorrectionPreview(customer: id, token: "fixture", events: nil, heldFor: nil, diff: try unchanged())
        }
        c.setGift = { event, isGift, note, _ in try gift(event, isGift, note) }
        c.setGiftExpecting = { event, isGift, note, _, _ in try gift(event, isGift, note) }
        c.previewClear = { _, window in
            CorrectionPreview(
                customer: id, token: "fixture", events: history().filter { window.holds($0) }.count,
                heldFor: "24 hours", diff: try unchanged())
        }
        c.clearHistory = { _, window in clear(window) }
        c.clearHistoryExpecting = { _, window, _ in clear(window) }
        c.undo = { actions.undo() }
        c.redo = { actions.redo() }
        return c
    }
}
