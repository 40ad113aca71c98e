import Foundation
import RapportService
import RapportUI

extension Explorer {
    public func view(_ m: AppModel, into b: inout CellBuffer) -> Point? {
        let t = m.theme
        if isTooSmall(m) {
            let x = m.glyphs.isASCII ? "x" : "×"
            let quit = m.keymap.global.keys(for: AppAction.quit.rawValue).first?.description ?? "q"
            let lines = [
                "Rapport needs at least 80\(x)24.", "This terminal is \(m.size.width)\(x)\(m.size.height).",
                "Enlarge it, or press \(quit) to quit."
            ]
            for (i, l) in lines.enumerated() {
                let y = m.size.height / 2 - 1 + i
                b.write(l, x: max(0, (m.size.width - TextWidth.of(l)) / 2), y: y, style: i == 0 ? t.title : .plain)
            }
            return nil
        }
        let body = Rect(x: 0, y: 1, width: m.size.width, height: m.size.height - 3)
        let env = m.env
        switch m.screen {
        case .list: ListScreen.view(m.list, env, into: &b, body)
        case .profile: ProfileScreen.view(m.profile, env, into: &b, body)
        case .history: HistoryScreen.view(m.history, env, into: &b, body)
        case .segments: SegmentsScreen.view(m.segments, env, into: &b, body)
        case .metrics: MetricsScreen.view(m.metricsView, env, into: &b, body)
        case .accounts: AccountsScreen.view(m.accounts, env, into: &b, body)
        case .account: AccountScreen.view(m.account, env, into: &b, body)
        }
        drawStatus(m, &b)
        var cursor: Point?
        if m.dialog != nil { cursor = Dialogs.view(m.dialogs, dialogContext(m), into: &b) }
        if let h = m.help { drawHelp(m, h, &b) }
        let bottom = m.size.height - 1
        if let f = m.commandLine {
            b.fill(Rect(x: 0, y: bottom, width: m.size.width, height: 1))
            b.write(":", x: 0, y: bottom, style: t.title)
            let cx = f.draw(&b, x: 1, y: bottom, width: m.size.width - 2)
            if !f.text.isEmpty || m.commandListed {
                let x = 3 + TextWidth.of(f.text)
                let hint = Self.candidateLine(completions(f.text, m), typed: f.text, width: m.size.width - x - 1)
                b.write(hint, x: x, y: bottom, style: t.muted, maxWidth: max(0, m.size.width - x))
            }
            cursor = Point(x: cx, y: bottom)
        } else if let f = m.accounts.filter, m.screen == .accounts {
            cursor = env.filterLine(f, into: &b)
        } else if let f = m.list.filter, m.screen == .list {
            cursor = env.filterLine(f, into: &b)
        }
        return cursor
    }

    func title(_ m: AppModel, _ b: inout CellBuffer, _ left: String, _ right: String) { m.env.title(&b, left, right) }

    /// "figures as of DATE", and when the models were fitted with the events that arrived since.
    static func asOfLine(_ rep: ProfileReport) -> String {
        guard let asOf = rep.asOf else { return "" }
        guard let fit = rep.model else { return "figures as of \(asOf)" }
        let since = fit.eventsSinceFit == 0 ? "" : ", +\(Units.count(fit.eventsSinceFit, "event"))"
        return "figures as of \(asOf) (model \(fit.fittedAt.day)\(since))"
    }

    func shortPath(_ m: AppModel, _ p: String) -> String {
        let home = m.home ?? ""
        return !home.isEmpty && p.hasPrefix(home + "/") ? "~" + p.dropFirst(home.count) : p
    }

    /// The first key of an action on the screen shown.
    func keyName(_ m: AppModel, _ a: AppAction) -> String { m.env.keyName(a) }

    func hints(_ m: AppModel) -> String {
        let ids: [String]
        switch m.screen {
        // `q` quits from the top list only; in a drill-down it goes back, and the hint says so.
        case .list: ids = ListScreen.hints(canGoBack: !m.backStack.isEmpty)
        case .profile: ids = ProfileScreen.hints
        case .history: ids = HistoryScreen.hints
        case .segments: ids = SegmentsScreen.hints
        case .metrics: ids = MetricsScreen.hints
        case .accounts: ids = AccountsScreen.hints
        case .account: ids = AccountScreen.hints
        }
        let short = [
            "open": "open", "filter": "filter", "sort": "sort", "segments": "segments", "command": "command",
            "help": "help", "quit": "quit", "next_panel": "panel", "history": "history", "evidence": "details",
            "note": "note", "export": "export", "erase": "erase", "back": "back", "gift": "gift", "undo": "undo",
            "clear_history": "clear", "type_filter": "type", "date_filter": "dates", "members": "members",
            "new_segment": "new", "edit_segment": "edit", "delete_segment": "delete", "metrics": "metrics",
            "definitions": "definitions", "toggle_node": "expand", "past_date": "as of"
        ]
        var items = ids.compactMap { id -> (id: String, text: String)? in
            let table = m.keymap.views[m.screen.rawValue]
            guard let key = table?.keys(for: id).first ?? m.keymap.global.keys(for: id).first else { return nil }
            let unavailable =
                m.readOnly
                && [
                    "note", "export", "erase", "gift", "undo", "clear_history", "new_segment", "edit_segment",
                    "delete_segment"
                ]
                .contains(id)
            return (id, "\(key) \(short[id] ?? id)\(unavailable ? "(ro)" : "")")
        }
        // Whole hints only: drop the least important (from the right, keeping help and the way
        // out) until the line fits, rather than cutting one in the middle.
        let keep: Set<String> = ["help", "quit", "back"]
        func text() -> String { items.map(\.text).joined(separator: "  ") }
        while TextWidth.of(text()) > m.size.width - 1,
            let drop = items.lastIndex(where: { !keep.contains($0.id) })
        {
            items.remove(at: drop)
        }
        return text()
    }

    func drawStatus(_ m: AppModel, _ b: inout CellBuffer) {
        let y = m.size.height - 2
        var left: String
        switch m.screen {
        case .list: left = ListScreen.status(m.list)
        case .history: left = HistoryScreen.status(m.history)
        case .profile: left = ProfileScreen.status(m.profile)
        case .segments: left = SegmentsScreen.status(m.segments)
        case .metrics: left = MetricsScreen.status(m.metricsView)
        case .accounts: left = AccountsScreen.status(m.accounts)
        case .account: left = AccountScreen.status(m.account)
        }
        if m.readOnly { left += " \(m.glyphs.bullet) read-only" }
        var style = Style(reverse: true)
        if let p = m.progress { left = p }
        if let f = m.flash {
            left = f.text
            style =
                f.isError
                ? Style(fg: m.theme.danger, bold: true, reverse: true) : Style(fg: m.theme.good, reverse: true)
        }
        // A message takes the whole line; otherwise the store's path sits on the right.
        let right = m.flash == nil && m.progress == nil ? shortPath(m, m.storePath) + " " : ""
        StatusBar(left: " " + left, right: right, style: style).render(
            Rect(x: 0, y: y, width: b.size.width, height: 1), into: &b, m.context)
        b.write(" " + hints(m), x: 0, y: m.size.height - 1, style: m.theme.muted, maxWidth: m.size.width)
    }
}
