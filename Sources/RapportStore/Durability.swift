import Foundation
import GRDB

// Erasure that is durable before it says so, and read-only opens that write nothing.

extension ProfileStore {
    /// Finishes every erasure whose marker is still in the store: the freed pages are rewritten
    /// (VACUUM), the write-ahead log is moved into the main file and truncated, and only then is
    /// the marker removed. Called by `forget` before it returns and at every writable open, so
    /// an erasure interrupted after its commit is completed before anything reads the file.
    ///
    /// One process does it: the one holding the store's erasure lock (`STORE-erasing`, an
    /// advisory `flock`). Another process finding it held carries on instead of compacting the
    /// same file behind it (its writes wait for the compaction's write lock as for any write):
    /// the erasure is under way, not interrupted. A lock left by a process that died is released
    /// with it, so an interrupted erasure is still completed by the next open.
    public func completePendingErasures() throws {
        try requireWritable()
        let pending = try pool.read { db in try Self.pendingErasures(db) }
        guard !pending.isEmpty else { return }
        let lock: ErasureLock?
        // The lock taken in this store's own erasure transaction first: `flock` would refuse
        // this process a second lock on the same file.
        switch heldErasureLock.take().map(ErasureLock.Attempt.acquired) ?? ErasureLock.acquire(storePath: path) {
        case .acquired(let held): lock = held
        // Another process is completing them: carry on.
        case .heldByAnother: return
        // No lock file can be made beside the store: complete them without coordinating.
        case .unavailable: lock = nil
        }
        defer { lock?.release() }
        // Read again under the lock: the process that held it may have just finished.
        let stillPending = try pool.read { db in try Self.pendingErasures(db) }
        guard !stillPending.isEmpty else { return }
        // SQLite refuses a checkpoint while another connection is being opened or closed
        // without calling the busy handler, so the compaction is tried again for a while.
        try Self.retryingTransientBusy { try compact() }
        try pool.write { db in
            let marks = Array(repeating: "?", count: stillPending.count).joined(separator: ",")
            try db.execute(
                sql: "DELETE FROM pending_erasures WHERE customer_id IN (\(marks))",
                arguments: StatementArguments(stillPending))
        }
        // The marker's removal is the only change since the compaction; it holds no personal data,
        // but the log is emptied again so the files are as small as a clean erasure leaves them.
        _ = try Self.retryingTransientBusy { try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
    }

    /// Customer keys whose erasure committed but whose scrubbing may not have finished.
    static func pendingErasures(_ db: Database) throws -> [Int64] {
        guard try db.tableExists("pending_erasures") else { return [] }
        return try Int64.fetchAll(db, sql: "SELECT customer_id FROM pending_erasures ORDER BY customer_id")
    }

    /// True when the store at `path` holds the marker of an erasure that did not finish and no
    /// process is completing it (nobody holds the erasure lock). Read
    /// through a read-only connection opened as the store's own read-only opens are.
    static func hasPendingErasure(path: String) throws -> Bool {
        var config = Configuration()
        config.readonly = true
        do {
            return try retryingTransientBusy {
                let queue = try DatabaseQueue(path: readOnlyPath(path), configuration: config)
                defer { try? queue.close() }
                return try queue.read { db in try !pendingErasures(db).isEmpty } && !ErasureLock.isHeld(storePath: path)
            }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: openReason(error, path: path))
        }
    }

    /// The name SQLite opens for a read-only store. Where nobody but the superuser could write the
    /// store (its file or folder has no write permission for this user by its mode bits, or the
    /// file system is read-only) and its write-ahead log holds nothing, the file is opened
    /// `immutable`: SQLite then needs no `-shm`/`-wal` files and takes no locks, so a store in a
    /// folder the user cannot write opens, and nothing beside it is created. Mode bits are read
    /// rather than `access(2)`, which always says yes to root: a folder marked read-only is
    /// treated as read-only by everyone.
    static func readOnlyPath(_ path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        let folder = dir.isEmpty ? "." : dir
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        guard walBytes == 0 else { return path }
        guard !writableByMode(folder) || !writableByMode(path) || onReadOnlyFileSystem(path) else { return path }
        return immutableURI(path)
    }

    static func writableByMode(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let mode = st.st_mode
        if st.st_uid == geteuid() { return mode & S_IWUSR != 0 }
        if st.st_gid == getegid() || inSupplementaryGroups(st.st_gid) { return mode & S_IWGRP != 0 }
        return mode & S_IWOTH != 0
    }

    private static func inSupplementaryGroups(_ gid: gid_t) -> Bool {
        let n = getgroups(0, nil)
        guard n > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(n))
        let got = getgroups(n, &groups)
        return got > 0 && groups.prefix(Int(got)).contains(gid)
    }

    private static func onReadOnlyFileSystem(_ path: String) -> Bool {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return false }
        return fs.f_flag & UInt(ST_RDONLY) != 0
    }

    /// `file:` URI of `path` with `immutable=1`; characters with a meaning in URIs are escaped.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:" + escaped + "?mode=ro&immutable=1"
    }
}

/// An import that committed but whose refresh has not finished: kept in `model_state` under
/// `refresh_pending:TOKEN` from the import's transaction until a refresh covers it.
public struct RefreshPending: Sendable, Equatable {
    /// The model_state name of the mark.
    public var name: String
    /// The imported file's name (no folder) and when it was imported (Unix seconds).
    public var file: String
    public var time: Int64

    /// The stored value of a mark: `time|file`.
    var value: Data { Data("\(time)|\(file)".utf8) }

    init(name: String, file: String, time: Int64) {
        self.name = name
        self.file = file
        self.time = time
    }

    /// A mark read back from its name and stored value (nil for a value of another shape).
    init?(name: String, value: [UInt8]) {
        let text = String(decoding: value, as: UTF8.self)
        guard let bar = text.firstIndex(of: "|"), let time = Int64(text[..<bar]) else { return nil }
        self.init(name: name, file: String(text[text.index(after: bar)...]), time: time)
    }

    /// A new mark's name.
    static func newName() -> String { ProfileStore.refreshPendingPrefix + UUID().uuidString }
}

extension ProfileStore {
    static let refreshPendingPrefix = "refresh_pending:"

}

/// The advisory lock of the process completing a store's erasures (`STORE-erasing`, mode 0600).
/// `flock` locks belong to the open file and end with the process, so a lock is never left
/// behind by a crash. The file is removed by its holder once the erasures are complete.
struct ErasureLock {
    let fd: Int32
    let path: String

    enum Attempt {
        case acquired(ErasureLock)
        case heldByAnother
        /// The lock file cannot be made beside the store (a folder this user cannot write).
        case unavailable
    }

    static func acquire(storePath: String) -> Attempt {
        let path = storePath + "-erasing"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .unavailable }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return .heldByAnother
        }
        return .acquired(ErasureLock(fd: fd, path: path))
    }

    /// True while another process holds the lock of the store at `storePath`.
    static func isHeld(storePath: String) -> Bool {
        let fd = open(storePath + "-erasing", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }

    func release() {
        unlink(path)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The erasure lock a store holds between its erasure's commit and the erasure's completion.
final class HeldErasureLock: @unchecked Sendable {
    private let lock = NSLock()
    private var held: ErasureLock?

    /// Takes the lock unless this store holds it already (a second `flock` by the same process
    /// on another descriptor would fail as if another process held it).
    func acquire(storePath: String) {
        lock.withLock {
            guard held == nil, case .acquired(let new) = ErasureLock.acquire(storePath: storePath) else { return }
            held = new
        }
    }

    func take() -> ErasureLock? {
        lock.withLock {
            defer { held = nil }
            return held
        }
    }
}
