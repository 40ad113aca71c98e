import Foundation
import RapportStore

extension Workspace {
    /// Calls `report` with words for a person when a write of this workspace has waited about
    /// a second for another process's write: who that is and how far they are, when they said.
    public func onBusy(_ report: @escaping @Sendable (String) -> Void) {
        // Weak: the store keeps this closure, and a store that is never released is never closed,
        // so its write-ahead log would not be checkpointed into the file when the command ends.
        store.onBusy { [weak store] in report(Self.busyText(store?.currentActivity())) }
    }

    static func busyText(_ activity: StoreActivity?) -> String {
        let who = activity.map { "(\($0.description))" } ?? "with another analyst's write"
        return "the store is busy \(who); waiting up to \(Int(ProfileStore.busyLimit)) s"
    }

    /// Runs a long write with its activity announced beside the store, and removed afterwards.
    func announcing<T>(_ action: String, _ body: (_ progress: @escaping @Sendable (Double) -> Void) throws -> T)
        rethrows -> T
    {
        let store = self.store
        let analyst = self.analyst
        let last = LastAnnounced()
        store.announce(StoreActivity(analyst: analyst, action: action))
        defer { store.announce(nil) }
        return try body { fraction in
            guard last.due() else { return }
            store.announce(StoreActivity(analyst: analyst, action: action, fraction: fraction))
        }
    }
}

/// At most two announcements a second.
private final class LastAnnounced: @unchecked Sendable {
    private let lock = NSLock()
    private var at = Date.distantPast

    func due() -> Bool {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(at) >= 0.5 else { return false }
            at = now
            return true
        }
    }
}
