import Foundation
import RapportStore

extension Workspace {
    /// Gives an existing rule segment a new rule: validated, saved (audited as `segment.save`)
    /// and its members recomputed. Returns the new member count. The name stays; a built-in
    /// segment or a name with no rule segment is refused.
    public func updateSegment(name: String, rule text: String) throws -> Int {
        guard try store.segment(named: name) != nil else {
            throw StoreError.invalidArgument("no rule segment named '\(name)'")
        }
        let rule = try parseRule(text)
        let members = try members(of: rule)
        try store.saveSegment(name: name, rule: text, memberCount: members.count, by: actor)
        try store.replaceSegmentMembers(segment: name, customers: members)
        return members.count
    }
}
