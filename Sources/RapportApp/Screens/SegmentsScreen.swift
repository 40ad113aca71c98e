import Foundation
import RapportService
import RapportUI

/// The segments: RFM segments, lifecycle stages and rule segments with their members.
public struct SegmentsState: Sendable {
    public var items: [SegmentSummary] = []
    public var selected = 0
    public var offset = 0
}

/// The segments screen as a component: its own actions and answers, and a pure view.
enum SegmentsScreen {
    enum Action {
        case move(Int)
        /// The store's answer: the segments with their counts.
        case loaded([SegmentSummary])
    }

    static func update(_ s: inout SegmentsState, _ action: Action) -> [Command<AppMessage>] {
        switch action {
        case .move(let d):
            s.selected = stepped(s.selected, by: d, count: max(1, s.items.count))
        case .loaded(let items):
            // By value: the most customers first within each kind (RFM, stage, rule), not by name.
            let kinds = items.map(\.kind.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            s.items = items.enumerated().sorted { a, b in
                let ka = kinds.firstIndex(of: a.element.kind.rawValue)!,
                    kb = kinds.firstIndex(of: b.element.kind.rawValue)!
                if ka != kb { return ka < kb }
                if a.element.members != b.element.members { return a.element.members > b.element.members }
                return a.offset < b.offset
            }.map(\.element)
            s.selected = min(s.selected, max(0, items.count - 1))
        }
        return []
    }

    /// The segment under the selection, if any.
    static func selected(_ s: SegmentsState) -> SegmentSummary? {
        s.items.indices.contains(s.selected) ? s.items[s.selected] : nil
    }

    static let hints = ["members", "new_segment", "edit_segment", "delete_segment", "metrics", "help", "back"]

    static func status(_ s: SegmentsState) -> String { "\(s.items.count) segments" }

    /// The selected rule segment's whole rule, wrapped, under the table.
    static func ruleLines(_ s: SegmentsState, width: Int) -> [String] {
        guard let rule = selected(s)?.rule else { return [] }
        return TextWrap.lines("rule: " + rule, width: width)
    }

    static let columns = [
        Column("KIND", width: 5), Column("SEGMENT", width: 19), Column("MEMBERS", width: 8, alignRight: true),
        Column("SHARE", width: 22), Column("RULE", width: 10, flex: true)
    ]

    static func view(_ s: SegmentsState, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        let g = env.glyphs
        env.title(&b, "Segments", "RFM \(g.bullet) lifecycle \(g.bullet) rules")
        let items = s.items
        // The selected rule segment's whole rule, under the table (the column cuts it).
        let rule = Array(ruleLines(s, width: max(1, r.width - 2)).prefix(max(0, r.height / 3)))
        let table = Rect(x: r.x, y: r.y, width: r.width, height: r.height - (rule.isEmpty ? 0 : rule.count + 1))
        for (i, line) in rule.enumerated() {
            b.write(line, x: r.x + 1, y: table.maxY + 1 + i, style: env.theme.muted, maxWidth: r.width - 2)
        }
        let offset = Table.scroll(offset: s.offset, selected: s.selected, height: table.height - 1, count: items.count)
        Table.draw(
            &b, table, columns: columns, count: items.count, offset: offset, selected: s.selected, glyphs: g,
            theme: env.theme
        ) { i in
            let s = items[i]
            return [
                s.kind.rawValue, s.name, String(s.members),
                Bar.render(s.share, width: 15, glyphs: g) + String(format: " %5.1f%%", s.share * 100),
                s.rule ?? ""
            ]
        }
    }
}
