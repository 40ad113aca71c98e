import Foundation
import RapportService
import RapportUI

// `@`: the customer on screen as they stood on a past day (docs/as-of.md). The profile, the
// history, the segments, the metrics, the accounts list and an account's profile are loaded as
// of that day until `@` again, or back, returns to now.

/// A screen's past day (`@`): the day asked for and the day of what is on screen, which differ
/// while another day's answer is on its way (what was shown stays until it comes).
public struct PastDateRequest: Sendable, Equatable {
    /// The day loaded as of (nil: now).
    public var asked: PointInTime?
    /// The day of what is on screen (nil: today's), for the title's marker.
    public var shown: PointInTime?

    public init(asked: PointInTime? = nil) { self.asked = asked }

    /// Whether an answer of `day` is of the day asked for: one of another day is dropped.
    public func accepts(_ day: PointInTime?) -> Bool { day == asked }

    /// For the status line while another day is on its way; nil once the day asked for is shown.
    public var loading: String? {
        shown == asked ? nil : "loading \(asked.map { "as of \($0.label)" } ?? "today's")…"
    }
}

extension Explorer {
    /// The screens a past day applies to (the list and the accounts list have their own `@`).
    static let pastDateScreens: Set<Screen> = [.profile, .history, .segments, .metrics, .account]

    /// Asks for a date, or returns to now when a past day is shown.
    func pastDate(_ m: inout AppModel) -> [Cmd] {
        if m.screen == .list { return pastDateOnList(&m) }
        if m.screen == .accounts { return pastDateOnAccounts(&m) }
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
        if m.screen == .accounts {
            m.accounts.day.asked = p
            return AccountsScreen.update(&m.accounts, .reload(keepSelection: false), m.env, effects)
        }
        guard let key = m.profile?.key else { return [] }
        var cmds = [effects.loadProfile(key, pastDate: p)]
        if m.history?.key == key { cmds.append(effects.loadHistory(key, pastDate: p)) }
        return cmds
    }

    /// Whether the accounts list is shown as of a past day (a person's accounts follow their
    /// profile's day: back returns to it, still of that day).
    static func accountsOnPastDay(_ m: AppModel) -> Bool {
        m.screen == .accounts && m.accounts.person == nil && m.pastDate != nil
    }

    /// `@` on the accounts list: asks for a date, or returns to now. A person's accounts follow
    /// the day of the profile they came from (`@` there): not here.
    func pastDateOnAccounts(_ m: inout AppModel) -> [Cmd] {
        guard m.accounts.person == nil else { return [] }
        if m.pastDate != nil { return showPastDate(&m, nil) }
        m.dialog = .pastDate(TextField())
        return []
    }

    static func pastDateStyle(_ t: Theme) -> Style { Style(fg: .white, bg: t.danger, bold: true, reverse: false) }
}
