import Foundation
import RapportService
import RapportUI
import RapportVocabulary

/// Keys while a dialog, the help, the command line or the filter has the focus.
extension Explorer {
    func handleHelp(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        defer {
            // Scrolling stops at the last page.
            let width = min(78, m.size.width - 2)
            let rows = helpRows(m, width: width - 4).count
            if let s = m.help { m.help = min(s, max(0, rows - max(1, min(rows + 2, m.size.height - 2) - 2))) }
        }
        switch m.keymap.binding(for: key, mode: .help) {
        case .mode(.close)?, .app(.help)?: m.help = nil
        case .app(.down)?: m.help = (m.help ?? 0) + 1
        case .app(.up)?: m.help = max(0, (m.help ?? 0) - 1)
        case .app(.pageDown)?: m.help = (m.help ?? 0) + 10
        case .app(.pageUp)?: m.help = max(0, (m.help ?? 0) - 10)
        default: break
        }
        return []
    }

    /// Types a key into a text field: a character as text, an editing key as its edit.
    func edit(_ f: inout TextField, _ key: Key, _ binding: ModeKey?) -> Bool { edited(&f, key, binding) }

    static let commands = ["sort", "segment", "stage", "goto", "export", "refresh", "help", "quit"]

    /// The candidates for the word being typed, as they fit in `width` cells: the word only
    /// (not the command again), then "+N more" when some did not fit.
    static func candidateLine(_ candidates: [String], typed: String, width: Int) -> String {
        let words = candidates.map { c in
            typed.contains(" ") ? c.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? c : c
        }
        guard !words.isEmpty, width > 0 else { return "" }
        var shown: [String] = []
        for (i, w) in words.enumerated() {
            let rest = words.count - i - 1
            let more = rest > 0 ? "  +\(rest) more" : ""
            let next = (shown + [w]).joined(separator: "  ")
            if TextWidth.of(next + more) > width {
                let left = words.count - shown.count
                return shown.joined(separator: "  ") + (shown.isEmpty ? "+\(left) more" : "  +\(left) more")
            }
            shown.append(w)
        }
        return shown.joined(separator: "  ")
    }

    /// Completions for the command line's current word.
    func completions(_ text: String, _ m: AppModel) -> [String] {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 { return Self.commands.filter { $0.hasPrefix(parts.first ?? "") } }
        let arg = parts.dropFirst().joined(separator: " ")
        let options: [String]
        switch parts[0] {
        case "sort": options = ListSort.allCases.map(\.rawValue)
        case "segment": options = RFMNames.all.sorted() + m.segments.items.filter { $0.kind == .rule }.map(\.name)
        case "stage": options = StageNames.all.sorted()
        default: options = []
        }
        return options.filter { $0.hasPrefix(arg) }.map { "\(parts[0]) \($0)" }
    }

    func handleCommandLine(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        guard var f = m.commandLine else { return [] }
        let binding = m.keymap.textBinding(for: key, mode: .command)
        switch binding {
        case .mode(.cancel)?:
            m.commandLine = nil
            m.commandListed = false
            return []
        case .mode(.complete)?:
            m.commandListed = true
            let c = completions(f.text, m)
            if let first = c.first {
                // Complete to the longest common prefix of the candidates.
                var common = first
                for x in c.dropFirst() { while !x.hasPrefix(common) { common.removeLast() } }
                f = TextField(c.count == 1 ? common + (common.contains(" ") ? "" : " ") : common)
            }
            m.commandLine = f
            return []
        case .mode(.accept)?:
            m.commandLine = nil
            m.commandListed = false
            return runCommand(&m, f.text.trimmingCharacters(in: .whitespaces))
        default:
            _ = edit(&f, key, binding)
            m.commandLine = f
            return []
        }
    }

    func runCommand(_ m: inout AppModel, _ text: String) -> [Cmd] {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return [] }
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "q", "quit":
            m.finished = true
            return []
        case "help", "h", "?":
            m.help = 0
            return []
        case "sort":
            guard let s = ListSort(rawValue: arg) else {
                m.flash = Flash(
                    text: "sort by one of: \(ListSort.allCases.map(\.rawValue).joined(separator: ", "))", isError: true)
                return []
            }
            m.list.query.sort = s
            m.screen = .list
            return reloadList(&m)
        case "segment", "stage":
            let isRFM = RFMNames.all.contains(arg), isStage = StageNames.all.contains(arg)
            let isRule = m.segments.items.contains { $0.kind == .rule && $0.name == arg }
            guard isRFM || isStage || isRule else {
                m.flash = Flash(text: "no segment named '\(arg)'", isError: true)
                return []
            }
            // One kind, as asked: "lost" and "at risk" are both an RFM segment and a stage, and
            // `:segment` means the RFM segment (or a rule), `:stage` the stage.
            let kind: SegmentKind
            if name == "stage" {
                guard isStage else {
                    m.flash = Flash(
                        text: "no stage named '\(arg)' (stages: \(StageNames.ordered.joined(separator: ", ")))",
                        isError: true)
                    return []
                }
                kind = .stage
            } else {
                kind = isRFM ? .rfm : isRule ? .rule : .stage
            }
            m.list.query.segment = kind == .rfm ? arg : nil
            m.list.query.stage = kind == .stage ? arg : nil
            m.list.query.ruleSegment = kind == .rule ? arg : nil
            m.screen = .list
            return reloadList(&m)
        case "goto":
            // A read: it does not wait behind a refresh.
            return [
                Cmd(lane: .read) { [effects] send in
                    do {
                        guard let key = try effects.client.findCustomer(arg) else {
                            send(.failed(.unknownCustomer(arg)))
                            return
                        }
                        send(.gotoCustomer(key))
                    } catch { send(.failed(ExplorerFailure(.goto, error))) }
                }
            ]
        case "export":
            guard m.profile != nil else {
                m.flash = Flash(text: "open a customer first", isError: true)
                return []
            }
            return perform(&m, .export)
        case "refresh":
            guard writable(&m) else { return [] }
            return [
                Cmd(lane: .write) { [effects] send in
                    do {
                        try effects.client.refresh { stage, f in
                            send(.progress("refresh: \(stage) \(Int(f * 100))%"))
                        }
                        send(.progress(nil))
                        send(.refreshed)
                    } catch {
                        send(.progress(nil))
                        send(.failed(ExplorerFailure(.refresh, error)))
                    }
                }
            ]
        default:
            m.flash = Flash(
                text: "unknown command '\(name)' (\(m.keymap.keyName(.complete, mode: .command)) completes)",
                isError: true)
            return []
        }
    }

    /// A key while a dialog is open: the dialog's own, then what it came to.
    func handleDialog(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        let outcome = Dialogs.update(&m.dialogs, key, dialogContext(m), effects)
        if let flash = outcome.flash { m.flash = flash }
        if let progress = outcome.progress { m.progress = progress }
        if let day = outcome.pastDate { return outcome.commands + showPastDate(&m, day) }
        return outcome.commands
    }

    /// What the dialogs read of the screens under them.
    func dialogContext(_ m: AppModel) -> Dialogs.Context {
        let model = m
        return Dialogs.Context(
            env: m.env, noteCustomer: m.screen == .list ? m.list.rows[m.list.selected]?.key : m.profile?.key,
            historyCustomer: m.history?.key, profileCustomer: m.profile?.key, shown: m.profile?.report,
            clearWindow: { model.clearWindow($0, $1) }, segmentNames: m.segments.items.map(\.name))
    }
}
