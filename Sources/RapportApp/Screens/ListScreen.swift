import Foundation
import RapportService
import RapportUI
import RapportVocabulary

/// The customer list: a window of rows around the selection, loaded on demand.
public struct ListState: Sendable {
    public var query = ListQuery()
    public var total = 0
    public var rows: [Int: CustomerListItem] = [:]
    public var selected = 0
    public var offset = 0
    public var filter: TextField?
    /// Bumped on every query change, so late answers to old queries are dropped.
    public var generation = 0
    public var pending: Set<Int> = []
    public var loaded = false
    /// A segment's members as they stood on a past day (Enter on a past day's segments), while
    /// the query is the one they were listed for: all of them are loaded at once.
    public var pastSegment: PastSegment?
    /// More customers match than the count went up to (a broad text filter): `total` is this
    /// capped count until the exact one arrives, counted off the key path (`ListCapped.swift`).
    public var atLeast: Int?
    /// End pressed while the count is capped: `rows` holds the list's last rows from 0, read
    /// backwards from its end; their positions are known once the exact count arrives.
    public var tail = false

    /// The past day the whole list follows (`@` on the list), paged as today's (`ListStoodOn`).
    public var asOfDay: PointInTime?

    /// The past day the rows are of, if they are of one.
    var stoodOn: PointInTime? { pastSegment.flatMap { $0.query == query ? $0.moment : nil } ?? asOfDay }
}

/// The members of a segment as they stood on a past day, listed for `query`.
public struct PastSegment: Sendable {
    public var ref: SegmentRef
    public var moment: PointInTime
    public var query: ListQuery
}

/// The customer list as a component: its own actions, the filter's keys and the store's
/// answers, and a pure view.
enum ListScreen {
    typealias Cmd = Command<AppMessage>

    enum Action {
        case move(Int)
        /// A click on the screen's row `y`.
        case click(y: Int)
        case nextSort
        case reverseSort
        /// Every filter off: text, segment, stage, rule segment, keys.
        case clearFilter
        /// The query changed (or the store did): the count and the first window again.
        case reload(keepSelection: Bool)
        /// The terminal's size changed: the window follows.
        case resized
        /// A key while the filter line has the focus.
        case filterKey(Key)
        /// The store's answer for the query of `generation`.
        case loaded(generation: Int, total: Int?, start: Int, rows: [CustomerListItem])
        /// End: the last row, read from the list's end when the count is capped.
        case end
        /// Home from the last rows of a capped count: the list's start again.
        case start
        /// The list's last rows, read backwards from its end (End while the count is capped).
        case tailLoaded(generation: Int, rows: [CustomerListItem])
        /// The exact count of a list whose count was capped.
        case counted(generation: Int, total: Int)
    }

    static func update(_ s: inout ListState, _ action: Action, _ env: ScreenEnv, _ effects: Effects) -> [Cmd] {
        switch action {
        case .move(let d):
            guard s.total > 0 else { return [] }
            s.selected = stepped(s.selected, by: d, count: s.total)
            clamp(&s, env)
            return ensureRows(&s, env, effects)
        case .click(let y):
            if y >= 2 && y < env.size.height - 2 { s.selected = min(max(0, s.total - 1), s.offset + y - 2) }
            return []
        case .nextSort:
            let all = ListSort.allCases
            s.query.sort = all[(all.firstIndex(of: s.query.sort)! + 1) % all.count]
            return update(&s, .reload(keepSelection: false), env, effects)
        case .reverseSort:
            s.query.reversed.toggle()
            return update(&s, .reload(keepSelection: false), env, effects)
        case .clearFilter:
            s.query.text = ""
            s.query.segment = nil
            s.query.stage = nil
            s.query.ruleSegment = nil
            s.query.keys = nil
            s.query.keysLabel = nil
            return update(&s, .reload(keepSelection: false), env, effects)
        case .reload(let keepSelection):
            s.generation += 1
            s.pending = []
            if !keepSelection {
                s.selected = 0
                s.offset = 0
            }
            leaveTail(&s)
            // Another query (a sort, a filter, another segment) lists today's customers again.
            if s.pastSegment?.query != s.query { s.pastSegment = nil }
            if let past = s.pastSegment {
                return [effects.loadPastMembers(past.ref, past.moment, generation: s.generation)]
            }
            return [
                effects.loadList(
                    s.query, generation: s.generation, around: s.selected, needTotal: true, knownTotal: s.total,
                    stoodOn: s.asOfDay)
            ]
        case .end, .start, .tailLoaded, .counted: return capped(&s, action, env, effects)
        case .resized:
            clamp(&s, env)
            return ensureRows(&s, env, effects)
        case .filterKey(let key):
            return FilterLine.key(
                &s, key, env, move: { update(&$0, .move($1), env, effects) },
                reload: { update(&$0, .reload(keepSelection: false), env, effects) })
        case .loaded(let generation, let total, let start, let rows):
            // The last rows shown while the count is capped are not replaced by a page.
            guard generation == s.generation, !s.tail else { return [] }
            var cmds: [Cmd] = []
            if let total {
                s.total = total
                s.rows = [:]
                cmds = countIfCapped(&s, effects)
            }
            // Under --redact an email or phone written into a name is masked as well.
            for (i, r) in rows.enumerated() { s.rows[start + i] = env.redact ? r.redacted : r }
            s.pending.remove(start)
            s.loaded = true
            clamp(&s, env)
            return cmds
        }
    }

    /// True when the query narrows the list (Esc clears it before it leaves).
    static func isFiltered(_ q: ListQuery) -> Bool {
        !q.text.isEmpty || q.segment != nil || q.stage != nil || q.ruleSegment != nil || q.keys != nil
    }

    static func clamp(_ s: inout ListState, _ env: ScreenEnv) {
        s.selected = max(0, min(s.selected, s.total - 1))
        s.offset = Table.scroll(offset: s.offset, selected: s.selected, height: env.tableRows, count: s.total)
    }

    /// Asks for the window of rows around the selection if any visible row is missing.
    static func ensureRows(_ s: inout ListState, _ env: ScreenEnv, _ effects: Effects) -> [Cmd] {
        // A past day's members are loaded whole, and so are the last rows of a capped count.
        guard s.pastSegment == nil, !s.tail else { return [] }
        let visible = s.offset..<min(s.total, s.offset + env.tableRows)
        guard visible.contains(where: { s.rows[$0] == nil }) else { return [] }
        let start = max(0, s.selected - Effects.window / 2)
        guard !s.pending.contains(start) else { return [] }
        s.pending.insert(start)
        // Keep memory flat: drop rows far from the selection.
        if s.rows.count > 4 * Effects.window {
            let selected = s.selected
            s.rows = s.rows.filter { abs($0.key - selected) < 2 * Effects.window }
        }
        return [
            effects.loadList(
                s.query, generation: s.generation, around: s.selected, needTotal: false, knownTotal: s.total,
                exact: s.atLeast == nil, stoodOn: s.asOfDay)
        ]
    }

    static func hints(canGoBack: Bool) -> [String] {
        ["open", "filter", "sort", "segments", "command", "help", canGoBack ? "back" : "quit"]
    }

    static func status(_ s: ListState) -> String {
        let notes = stoodOnNotes(s)
        if let capped = cappedStatus(s) { return capped + notes }
        let shown = s.total == 0 ? "0" : "\(s.selected + 1)"
        return "\(shown)/\(s.total) customers" + notes
    }

    // Fits 80 columns with every column; the name column takes what a wider terminal adds.
    static let columns = [
        Column("NAME", width: 14, flex: true), Column("ID", width: 7), Column("RFM SEGMENT", width: 16),
        Column("STAGE", width: 7), Column("LAST", width: 6, alignRight: true),
        Column("ORDERS", width: 6, alignRight: true), Column("SPEND", width: 7, alignRight: true),
        Column("CLV", width: 7, alignRight: true)
    ]

    static func view(_ s: ListState, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        let q = s.query
        var right = "sort: \(q.sort.rawValue)\(q.reversed ? " (reversed)" : "")"
        // Which kind of segment: "lost" is an RFM segment and a stage with different members.
        if let segment = q.segment {
            right = "RFM segment: \(segment)  " + right
        } else if let stage = q.stage {
            right = "stage: \(stage)  " + right
        } else if let rule = q.ruleSegment {
            right = "rule segment: \(rule)  " + right
        }
        if let label = q.keysLabel { right = label + "  " + right }
        // Under --redact a filter by email or phone finds the row but is not echoed.
        let echo = env.redact ? Redaction.text(q.text) : q.text
        if !q.text.isEmpty { right = "filter: \(echo)  " + right }
        env.title(&b, "Customers", right, asOf: s.stoodOn)
        if s.loaded && s.total == 0 {
            b.write(
                q.text.isEmpty ? "No customers. Import some: rapport import FILE…" : "No customer matches '\(echo)'.",
                x: 2, y: r.y + 2, style: env.theme.muted)
        }
        Table.draw(
            &b, r, columns: columns, count: s.total, offset: s.offset, selected: s.selected, glyphs: env.glyphs,
            theme: env.theme
        ) { i in
            guard let row = s.rows[i] else { return nil }
            return [
                row.name ?? "(no name)", row.externalId, row.segment ?? "", row.stage ?? "",
                row.recencyDays.map { "\($0)d" } ?? "", row.orders.map(String.init) ?? "",
                row.spend.map { String(format: "%.0f", $0) } ?? "", row.clv.map { String(format: "%.0f", $0) } ?? ""
            ]
        }
    }
}
