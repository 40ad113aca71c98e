import Foundation
import RapportService
import RapportUI

/// Editing and deleting rule segments from the segments screen.
extension Explorer {
    func changeRuleSegment(_ m: inout AppModel, _ action: AppAction) -> [Cmd] {
        guard m.segments.items.indices.contains(m.segments.selected) else { return [] }
        let s = m.segments.items[m.segments.selected]
        guard s.kind == .rule else {
            m.flash = Flash(
                text: "\(s.name) is a built-in \(s.kind == .rfm ? "RFM segment" : "stage"): only rule segments change",
                isError: true)
            return []
        }
        guard writable(&m) else { return [] }
        if action == .deleteSegment {
            m.dialog = .deleteSegment(name: s.name, members: s.members)
            return []
        }
        let rule = s.rule ?? ""
        m.dialog = .editSegment(name: s.name, rule: TextField(rule), status: .checking, count: nil)
        m.ruleChecks += 1
        return rule.isEmpty ? [] : effects.checkRule(rule, generation: m.ruleChecks)
    }

}
