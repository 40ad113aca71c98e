import Foundation
import RapportStore

extension ActionView {
    /// An account correction in words, and the command that makes it again.
    static func accountWords(_ kind: ActionKind, _ p: [String: String], who: String) -> (String, String) {
        let account = p["account"] ?? "?"
        switch kind {
        case .accountLink:
            let role = p["role"] ?? "?"
            let primary = p["primary"] == "1"
            return (
                "linked \(who) to \(account) as \(role)\(primary ? " (primary)" : "")",
                "rapport account link --role \(quote(role))\(primary ? " --primary" : "")"
                    + (p["title"].map { " --title \(quote($0))" } ?? "") + " \(quote(who)) \(quote(account))"
            )
        case .accountUnlink:
            let role = p["role"].map { " --role \(quote($0))" } ?? ""
            let deleted = p["ended"] == "deleted"
            let until = p["ended"].flatMap(Int64.init).map { " --until \(Dates.isoDateTime($0))" } ?? ""
            return (
                "\(deleted ? "deleted" : "ended") the membership of \(who) in \(account)"
                    + (p["role"].map { " (\($0))" } ?? ""),
                "rapport account unlink\(role)\(deleted ? " --delete" : until) \(quote(who)) \(quote(account))"
            )
        case .accountNote:
            return (
                "added note \(p["note"] ?? "?") to \(account)",
                "rapport account note \(quote(account)) \(quote(p["text"] ?? ""))"
            )
        case .accountParent:
            let from = p["from"].flatMap { $0.isEmpty ? nil : $0 }
            let to = p["to"].flatMap { $0.isEmpty ? nil : $0 }
            return (
                "moved \(account) from \(from ?? "(root)") to \(to ?? "(root)")",
                "rapport account set-parent "
                    + (to.map { "\(quote(account)) \(quote($0))" } ?? "--clear \(quote(account))")
            )
        default:
            let event = p["event"] ?? "?"
            let to = p["to"].flatMap { $0.isEmpty ? nil : $0 }
            return (
                to.map { "attributed \(event) of \(who) to \($0)" }
                    ?? "returned \(event) of \(who) to the attribution rule",
                "rapport attribute " + (to.map { "--account \(quote($0))" } ?? "--clear") + " \(quote(event))"
            )
        }
    }
}
