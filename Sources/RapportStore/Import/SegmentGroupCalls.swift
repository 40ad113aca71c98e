import Foundation

/// Segment's `group` calls in JSON Lines (`{"type":"group","userId":…,"groupId":…,"traits":{…}}`)
/// read as a memberships file whose rows also carry the group's traits: the group becomes an
/// account (created when new), the user its member (docs/data-format.md).
enum SegmentGroupCalls {
    /// The memberships columns a group call fills.
    static let columns = [
        "customer_id", "account_id", "role", "primary", "title", "since", "account_name", "industry", "tier", "domain",
        "group_call"
    ]
    /// Columns of a memberships file that only group calls have.
    static let accountColumns = ["account_name", "industry", "tier", "domain", "group_call"]

    typealias Object = (line: Int, raw: String, object: [String: String?])

    /// Replaces each call by its memberships row; anything but a group call is a bad row.
    static func convert(
        _ objects: inout [Object], order: inout [String], reject: (RowError, String) -> Void
    ) {
        var out: [Object] = []
        for o in objects {
            func field(_ k: String) -> String? { (o.object[k] ?? nil).flatMap { $0.isEmpty ? nil : $0 } }
            let type = field("type")?.lowercased()
            guard type == nil || type == "group" else {
                reject(
                    RowError(
                        line: o.line, field: "type",
                        reason: "a '\(type!)' call in a file of group calls (only group calls are read here)"), o.raw)
                continue
            }
            guard let user = field("userid") else {
                reject(RowError(line: o.line, field: "userId", reason: "is empty"), o.raw)
                continue
            }
            guard let group = field("groupid") else {
                reject(RowError(line: o.line, field: "groupId", reason: "is empty"), o.raw)
                continue
            }
            let row: [String: String?] = [
                "customer_id": user, "account_id": group, "role": field("traits.role"),
                "primary": field("traits.primary"), "title": field("traits.title"), "since": field("timestamp"),
                "account_name": field("traits.name"), "industry": field("traits.industry"),
                "tier": field("traits.plan") ?? field("traits.tier"),
                "domain": field("traits.domain") ?? field("traits.website"), "group_call": "1"
            ]
            out.append((o.line, o.raw, row))
        }
        objects = out
        order = columns
    }
}
