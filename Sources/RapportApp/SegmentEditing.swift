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

    func handleSegmentDialog(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        switch m.dialog {
        case .deleteSegment(let name, _)?:
            m.dialog = nil
            if m.keymap.confirms(key) { return [effects.deleteSegment(name: name)] }
            m.flash = Flash(text: "segment \(name) kept", isError: false)
            return []
        case .editSegment(let name, var rule, let status, let count)?:
            let text = m.keymap.textBinding(for: key, mode: .dialog)
            switch text {
            case .mode(.cancel)?:
                m.dialog = nil
                return []
            case .mode(.accept)?:
                if case .invalid = status { return [] }
                m.dialog = nil
                return [effects.updateSegment(name: name, rule: rule.text)]
            default:
                guard edit(&rule, key, text) else { return [] }
                m.dialog = .editSegment(name: name, rule: rule, status: .checking, count: nil)
                m.ruleChecks += 1
                return rule.text.isEmpty ? [] : effects.checkRule(rule.text, generation: m.ruleChecks)
            }
            _ = count
        default: return []
        }
    }

    func drawSegmentDialog(_ m: AppModel, _ b: inout CellBuffer) -> Point? {
        let t = m.theme
        switch m.dialog {
        case .deleteSegment(let name, let members)?:
            Popup(
                title: "Delete rule segment",
                lines: [
                    ("Delete '\(name)' (\(Units.count(members, "member")))? Its rule is gone for good.", t.error),
                    ("\(m.keymap.keyName(.confirm, mode: .confirm)): delete, any other key: keep it", t.muted)
                ], width: 70
            ).render(b.bounds, into: &b, m.context)
            return nil
        case .editSegment(let name, let rule, let status, let count)?:
            let inner = Popup(
                title: "Edit rule segment \(name)",
                lines: [
                    ("Rule:", .plain), ("", .plain), (status.text, status.style(t)),
                    (count.map { "\(Units.count($0, "customer")) match" } ?? "", Style(bold: true)),
                    (dialogFooter(m, "saves"), t.muted)
                ], width: 76
            ).render(b.bounds, into: &b, m.context)
            return Point(x: rule.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        default: return nil
        }
    }

    /// The selected rule segment's whole rule, wrapped, under the table.
    static func ruleLines(_ m: AppModel, width: Int) -> [String] {
        guard m.segments.items.indices.contains(m.segments.selected),
            let rule = m.segments.items[m.segments.selected].rule
        else { return [] }
        return TextWrap.lines("rule: " + rule, width: width)
    }
}
