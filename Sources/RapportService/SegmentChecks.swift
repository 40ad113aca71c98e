import Foundation
import RapportStore

extension Workspace {
    /// Whether a saved rule segment has this name.
    public func isRuleSegment(_ name: String) throws -> Bool { try store.segment(named: name) != nil }
}
