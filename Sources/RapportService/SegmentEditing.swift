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
        return try saveRuleSegment(name: name, rule: text, replace: true).members
    }
}
