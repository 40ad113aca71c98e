import Foundation
import RapportService
import RapportUI

// `@`: the customer on screen as they stood on a past day (docs/as-of.md). The profile, the
// history, the segments, the metrics and an account's profile are loaded as of that day until
// `@` again, or back, returns to now.

extension Explorer {
    /// The screens a past day applies to (the list is today's, and so is the accounts list).
    static let pastDateScreens: Set<Screen> = [.profile, .history, .segments, .metrics, .account]

    /// Asks for a date, or returns to now when a past day is shown.
    func pastDate(_ m: inout AppModel) -> [Cmd] {
        if m.screen == .list { return pastDateOnList(&m) }
        let somethingShown =
            switch m.screen {
            case .segments, .metrics: true
            case .account: m.account != nil
            default: m.profile != nil
            }
        guard Self.pastDateScreens.contains(m.screen), somethingShown else { return [] }
        if m.pastDate != nil { return showPastDate(&m, nil) }
        m.dialog = .pastDate(TextField())
        return []
    }

    /// Shows the profile (and history, when open) as of `p`, or as of now when nil.
    func showPastDate(_ m: inout AppModel, _ p: PointInTime?) -> [Cmd] {
        m.pastDate = p
        // The list follows once it has been put on a day (`@` on the list).
        if m.list.asOfDay != nil || m.screen == .list {
            m.list.asOfDay = p
            let cmds = reloadList(&m)
            if m.screen == .list { return cmds }
        }
        if m.screen == .segments { return [effects.loadSegments(pastDate: p)] }
        if m.screen == .metrics {
            var scope = m.metrics?.scope ?? .everyone
            scope.stoodOn = p
            return startMetrics(&m, scope)
        }
        if m.screen == .account { return reloadAccount(&m) }
        guard let key = m.profile?.key else { return [] }
        var cmds = [effects.loadProfile(key, pastDate: p)]
        if m.history?.key == key { cmds.append(effects.loadHistory(key, pastDate: p)) }
        return cmds
    }

    static func pastDateStyle(_ t: Theme) -> Style { Style(fg: .white, bg: t.danger, bold: true, reverse: false) }
}
