import Foundation

/// The shape rules of the account tree, for an import and a change of parent alike: one parent
/// each, no cycle, at most `AccountColumns.maxDepth` levels.
enum AccountTree {
    /// `start` and its ancestors up to the root; `cycle` when the walk came back to an account
    /// it had passed (the path then ends with that account again).
    static func ancestry<K: Hashable>(of start: K, parent: (K) -> K?) -> (path: [K], cycle: Bool) {
        var path = [start]
        var seen: Set<K> = [start]
        var next = parent(start)
        while let p = next {
            path.append(p)
            if !seen.insert(p).inserted { return (path, true) }
            next = parent(p)
        }
        return (path, false)
    }

    /// Why `start` may not sit where `parent` puts it, or nil when it may.
    static func problem(_ start: String, parent: (String) -> String?) -> String? {
        let (path, cycle) = ancestry(of: start, parent: parent)
        if cycle {
            // Shown from the account that closes the loop: "A → B → C → A".
            let loopStart = path.firstIndex(of: path.last!)!
            return "makes a cycle: " + path[loopStart...].joined(separator: " → ")
        }
        if path.count > AccountColumns.maxDepth {
            return "is \(path.count) levels deep (at most \(AccountColumns.maxDepth)): "
                + path.reversed().joined(separator: " → ")
        }
        return nil
    }

    /// Every stored account as (key, external id, parent key).
    static func stored(_ db: any SQLDatabase) throws -> [(key: Int64, ext: String, parent: Int64?)] {
        try db.all("SELECT id, external_id, parent_id FROM accounts ORDER BY id") {
            (try $0.int64(0) ?? 0, try $0.string(1) ?? "", try $0.int64(2))
        }
    }

    /// Why `account` may not move under `parent` (nil: a root) in the stored tree, or nil when it
    /// may: a cycle, or it or one of its descendants too deep.
    static func refusal(_ db: any SQLDatabase, account: String, parent: String?) throws -> String? {
        let stored = try stored(db)
        let ext = Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0.ext) })
        var parentOf: [String: String] = [:]
        for s in stored { if let p = s.parent, let pe = ext[p] { parentOf[s.ext] = pe } }
        parentOf[account] = parent
        if let why = problem(account, parent: { parentOf[$0] }) {
            return "'\(account)' under '\(parent ?? "")' \(why)"
        }
        for s in stored where s.ext != account {
            let path = ancestry(of: s.ext) { parentOf[$0] }.path
            if path.contains(account), let why = problem(s.ext, parent: { parentOf[$0] }) {
                return "'\(s.ext)' \(why)"
            }
        }
        return nil
    }
}
