import Foundation
import RapportService
import RapportUI
import RapportVocabulary

// A text filter that matches more customers than the count goes up to while typing: the
// total shown is "10,000+" until the exact count arrives, counted off the key path. Pages are
// read forward from the start (a capped total is not a position to read from), and End reads
// the list's last rows backwards from its end; they get their positions with the exact count.

extension ListScreen {
    /// After a count: when it reached the cap, the exact count is asked for on its own lane.
    static func countIfCapped(_ s: inout ListState, _ effects: Effects) -> [Cmd] {
        guard (!s.query.text.isEmpty || s.asOfDay != nil) && s.total >= effects.countCap else {
            s.atLeast = nil
            return []
        }
        s.atLeast = s.total
        return [effects.countList(s.query, stoodOn: s.asOfDay, generation: s.generation)]
    }

    /// A new query or a reload forgets the last rows shown without positions.
    static func leaveTail(_ s: inout ListState) {
        s.atLeast = nil
        guard s.tail else { return }
        s.tail = false
        forgetRows(&s)
    }

    /// The rows read so far and the place in them, before rows of other positions are read.
    static func forgetRows(_ s: inout ListState) {
        s.rows = [:]
        s.selected = 0
        s.offset = 0
    }

    static func capped(_ s: inout ListState, _ action: Action, _ env: ScreenEnv, _ effects: Effects) -> [Cmd] {
        switch action {
        case .end:
            guard s.atLeast != nil else { return update(&s, .move(Int.max / 2), env, effects) }
            guard !s.tail else { return update(&s, .move(Int.max / 2), env, effects) }
            s.tail = true
            forgetRows(&s)
            s.pending = []
            s.total = 0
            return [effects.loadTail(s.query, stoodOn: s.asOfDay, generation: s.generation)]
        case .start:
            guard s.tail else { return update(&s, .move(-Int.max / 2), env, effects) }
            s.tail = false
            forgetRows(&s)
            s.total = s.atLeast ?? 0
            return ensureRows(&s, env, effects)
        case .tailLoaded(let generation, let rows):
            guard generation == s.generation, s.tail else { return [] }
            for (i, r) in rows.enumerated() { s.rows[i] = env.redact ? r.redacted : r }
            s.total = rows.count
            s.selected = max(0, rows.count - 1)
            s.loaded = true
            clamp(&s, env)
            return []
        case .counted(let generation, let total):
            guard generation == s.generation, s.atLeast != nil else { return [] }
            s.atLeast = nil
            if s.tail {
                // The last rows take their places at the end of the list.
                let base = total - s.total
                s.rows = Dictionary(uniqueKeysWithValues: s.rows.map { ($0.key + base, $0.value) })
                s.selected += base
                s.offset += base
                s.tail = false
            }
            s.total = total
            clamp(&s, env)
            return ensureRows(&s, env, effects)
        default: return []
        }
    }

    /// 10000 as "10,000".
    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }

    /// The status while the count is capped: "12/10,000+ customers", or among the last rows.
    static func cappedStatus(_ s: ListState) -> String? {
        guard let atLeast = s.atLeast else { return nil }
        let more = "\(grouped(atLeast))+"
        guard s.tail else { return "\(s.total == 0 ? 0 : s.selected + 1)/\(more) customers" }
        let fromEnd = s.total - s.selected
        return "\(fromEnd == 1 ? "last" : "\(fromEnd) from the end") of \(more) customers (counting)"
    }
}

extension Effects {
    /// The list's last `window` rows, read backwards from its end (End while the count is capped).
    func loadTail(_ q: ListQuery, stoodOn: PointInTime?, generation: Int) -> Cmd {
        Cmd(lane: .queue(.list)) { [client] send in
            do {
                send(.listTail(generation: generation, rows: try client.customerTail(q, stoodOn, Effects.window)))
            } catch { send(.failed(ExplorerFailure(.loadList, error))) }
        }
    }

    /// The exact count of a list whose count was capped, on its own lane: paging goes on meanwhile.
    func countList(_ q: ListQuery, stoodOn: PointInTime?, generation: Int) -> Cmd {
        Cmd(lane: .queue(.count)) { [newestList, client] send in
            guard newestList.isCurrent(generation) else { return }
            do {
                send(.listCounted(generation: generation, total: try client.listCount(q, stoodOn, nil)))
            } catch { send(.failed(ExplorerFailure(.loadList, error))) }
        }
    }
}

extension ExplorerClient {
    /// Today's list count, or the count as of a past day.
    func listCount(_ q: ListQuery, _ p: PointInTime?, _ cap: Int?) throws -> Int {
        try p.map { try customerCountStoodOn(q, $0, cap) } ?? customerCount(q, cap)
    }

    /// Today's list page, or the page as of a past day.
    func listPage(_ q: ListQuery, _ p: PointInTime?, _ offset: Int, _ limit: Int, _ total: Int?) throws
        -> [CustomerListItem]
    {
        try p.map { try customerPageStoodOn(q, $0, offset, limit, total) } ?? customerPage(q, offset, limit, total)
    }
}

extension ListScreen {
    /// What the status line adds for a list as of a past day: the sort it could not give, the
    /// filters it does not apply.
    static func stoodOnNotes(_ s: ListState) -> String {
        guard let p = s.asOfDay, s.pastSegment == nil else { return "" }
        return [ListStoodOn.sortNote(s.query.sort, p), ListStoodOn.filterNote(s.query)].compactMap { $0 }
            .map { "  (\($0))" }.joined()
    }
}
