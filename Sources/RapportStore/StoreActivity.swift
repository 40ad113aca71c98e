import Foundation

/// What a long write (an import, a refresh, an erasure) is doing, kept in a small file beside
/// the store (`STORE-activity`, mode 0600) so that another process kept waiting for the write
/// lock can say who it is waiting for and how far they are. Outside the database on purpose:
/// an import holds its transaction open, so nothing it writes inside is visible until the end.
public struct StoreActivity: Codable, Sendable, Equatable {
    public var analyst: String
    /// "import", "refresh", "refresh after an import", "erasure".
    public var action: String
    /// Share done, 0–1, when known.
    public var fraction: Double?
    public var pid: Int32

    public init(analyst: String, action: String, fraction: Double? = nil, pid: Int32 = getpid()) {
        self.analyst = analyst
        self.action = action
        self.fraction = fraction
        self.pid = pid
    }

    /// "import by ana.s, 40% done"
    public var description: String {
        "\(action) by \(analyst)" + (fraction.map { ", \(Int(($0 * 100).rounded(.down)))% done" } ?? "")
    }
}

extension ProfileStore {
    var activityPath: String { path + "-activity" }

    /// Says what this process is doing (nil: nothing any more). Best effort: a store in a
    /// folder that cannot be written simply has no activity file.
    public func announce(_ activity: StoreActivity?) {
        guard !isReadOnly else { return }
        guard let activity else {
            // Ours, or left by a process that died: removed. Another live process's: kept.
            if (currentActivity()?.pid ?? getpid()) == getpid() { unlink(activityPath) }
            return
        }
        guard let data = try? JSONEncoder().encode(activity) else { return }
        let temporary = activityPath + ".\(getpid())"
        let fd = open(temporary, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == data.count { rename(temporary, activityPath) } else { unlink(temporary) }
    }

    /// What another process said it is doing, if that process is still alive.
    public func currentActivity() -> StoreActivity? {
        guard let data = FileManager.default.contents(atPath: activityPath),
            let activity = try? JSONDecoder().decode(StoreActivity.self, from: data)
        else { return nil }
        if kill(activity.pid, 0) != 0 && errno == ESRCH { return nil }
        return activity
    }
}
