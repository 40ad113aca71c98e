import Foundation

extension E2E {
    /// Every row of a list command's `--json` (`{"items": [...], "total": ...}`), however many.
    func allItems(_ args: [String]) throws -> [[String: Any]]? {
        (try json(args + ["--limit", "1000000"]) as? [String: Any])?["items"] as? [[String: Any]]
    }
}
