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
    func edit(_ f: inout TextField, _ key: Key, _ binding: ModeKey?) -> Bool {
        if case .edit(let e)? = binding {
            f.apply(e)
            return true
        }
        if case .char(let c) = key { return f.insert(c) }
        return false
    }

    func handleFilter(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        guard var f = m.list.filter else { return [] }
        let binding = m.keymap.textBinding(for: key, mode: .filter)
        switch binding {
        case .mode(.accept)?:
            m.list.filter = nil
            return []
        case .app(let move)? where move == .down || move == .up:
            m.list.filter = nil
            return perform(&m, move)
        case .mode(.cancel)?:
            m.list.filter = nil
            m.list.query.text = ""
            return reloadList(&m)
        default:
            guard edit(&f, key, binding) else { return [] }
            m.list.filter = f
            guard f.text != m.list.query.text else { return [] }
            m.list.query.text = f.text
            return reloadList(&m)
        }
    }

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

    func handleDialog(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        guard let dialog = m.dialog else { return [] }
        // Dialogs with text fields: characters are text, other keys the dialog's bindings or edits.
        let text = m.keymap.textBinding(for: key, mode: .dialog)
        let confirmed = m.keymap.confirms(key)
        switch dialog {
        case .evidence(_, let lines):
            // A detail too long for the screen scrolls with the detail's down/up keys; other keys close it.
            let overflow = Self.wrapped(lines, screenWidth: m.size.width).count - Self.detailRows(m)
            let binding = m.keymap.binding(for: key, mode: .detail)
            if overflow > 0, case .app(.down)? = binding {
                m.detailScroll = min(overflow, m.detailScroll + 1)
            } else if overflow > 0, case .app(.up)? = binding {
                m.detailScroll = max(0, m.detailScroll - 1)
            } else {
                m.dialog = nil
                m.detailScroll = 0
            }
            return []
        case .note(var f):
            if case .mode(.cancel)? = text {
                m.dialog = nil
                return []
            }
            if case .mode(.accept)? = text {
                m.dialog = nil
                // On the list, the note is the selected row's customer's.
                let customer = m.screen == .list ? m.list.rows[m.list.selected]?.key : m.profile?.key
                guard let customer, !f.text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
                return [effects.addNote(customer, f.text)]
            }
            _ = edit(&f, key, text)
            m.dialog = .note(f)
        case .giftNote(let id, var f):
            if case .mode(.cancel)? = text {
                m.dialog = nil
                return []
            }
            if case .mode(.accept)? = text {
                m.dialog = nil
                guard let h = m.history else { return [] }
                let note = f.text.trimmingCharacters(in: .whitespaces)
                let edit = GiftEdit(eventId: id, isGift: true, note: note.isEmpty ? nil : note, previousNote: nil)
                return [
                    effects.setGift(
                        edit, origin: .change, customer: h.key, shown: m.profile?.report,
                        token: m.previewToken(PreviewPane.gift(id)))
                ]
            }
            _ = edit(&f, key, text)
            m.dialog = .giftNote(eventId: id, field: f)
        case .clearHistory(var range, var types, let count, let confirming):
            guard let h = m.history else {
                m.dialog = nil
                return []
            }
            if confirming {
                m.dialog = nil
                if confirmed {
                    return [
                        effects.clear(
                            h.key, range: clearRange(m, range, types),
                            token: m.previewToken(PreviewPane.clear(range, types)))
                    ]
                }
                m.flash = Flash(text: "nothing cleared", isError: false)
                return []
            }
            switch m.keymap.binding(for: key, mode: .clearHistory) {
            case .mode(.cancel)?:
                m.dialog = nil
                return []
            case .mode(.prevRange)?: range = (range + AppModel.clearRanges.count - 1) % AppModel.clearRanges.count
            case .mode(.nextRange)?: range = (range + 1) % AppModel.clearRanges.count
            case .app(.up)?: types = (types + AppModel.clearTypes.count - 1) % AppModel.clearTypes.count
            case .app(.down)?, .app(.nextPanel)?: types = (types + 1) % AppModel.clearTypes.count
            case .mode(.accept)?:
                guard let count, count > 0 else {
                    m.dialog = nil
                    m.flash = Flash(text: "nothing to clear in that range", isError: false)
                    return []
                }
                m.dialog = .clearHistory(range: range, types: types, count: count, confirming: true)
                return []
            default: return []
            }
            m.dialog = .clearHistory(range: range, types: types, count: nil, confirming: false)
            m.preview = PreviewPane(subject: PreviewPane.clear(range, types))
            return [
                effects.countClear(h.key, range: clearRange(m, range, types), settings: (range, types)),
                effects.previewClear(h.key, range: clearRange(m, range, types), settings: (range, types))
            ]
        case .erase(let id, var f):
            if case .mode(.cancel)? = text {
                m.dialog = nil
                return []
            }
            if case .mode(.accept)? = text {
                m.dialog = nil
                guard f.text == id, let p = m.profile else {
                    m.flash = Flash(text: "not erased: the id did not match", isError: true)
                    return []
                }
                return [effects.erase(p.key, id: id)]
            }
            _ = edit(&f, key, text)
            m.dialog = .erase(id: id, field: f)
        case .overwrite(let customer, let id, let path):
            m.dialog = nil
            guard confirmed else {
                m.flash = Flash(text: "not exported: \(path) kept", isError: false)
                return []
            }
            return [effects.export(customer, id: id, redact: m.redact)]
        case .editSegment, .deleteSegment: return handleSegmentDialog(&m, key)
        case .pastDate(var f):
            if case .mode(.cancel)? = text {
                m.dialog = nil
                return []
            }
            if case .mode(.accept)? = text {
                guard let p = PointInTime.parse(f.text) else {
                    m.flash = Flash(text: "'\(f.text)' is not a date (YYYY-MM-DD)", isError: true)
                    return []
                }
                m.dialog = nil
                return showPastDate(&m, p)
            }
            _ = edit(&f, key, text)
            m.dialog = .pastDate(f)
        case .editNote, .deleteNote: return handleNoteDialog(&m, key)
        case .giftUnflag: return handleUnflag(&m, key)
        case .newSegment(var name, var rule, var onRule, let status, let count):
            switch text {
            case .mode(.cancel)?:
                m.dialog = nil
                return []
            case .app(.nextPanel)?, .app(.prevPanel)?: onRule.toggle()
            case .mode(.accept)?:
                if !onRule {
                    onRule = true
                    break
                }
                let n = name.text.trimmingCharacters(in: .whitespaces)
                guard !n.isEmpty else {
                    m.dialog = .newSegment(
                        name: name, rule: rule, onRule: false, status: .problem("the segment needs a name"),
                        count: count)
                    return []
                }
                // A name taken (a built-in segment or stage, or a rule) keeps the dialog and what was typed.
                if m.segments.items.contains(where: { $0.name.caseInsensitiveCompare(n) == .orderedSame }) {
                    m.dialog = .newSegment(
                        name: name, rule: rule, onRule: false,
                        status: .problem("a segment named '\(n)' exists already: choose another name"), count: count)
                    return []
                }
                // Saving evaluates the rule over every customer: it runs beside browsing, with progress shown.
                m.dialog = nil
                m.progress = "saving segment \(n)…"
                return [effects.createSegment(name: n, rule: rule.text)]
            default:
                if onRule {
                    guard edit(&rule, key, text) else { return [] }
                    m.dialog = .newSegment(name: name, rule: rule, onRule: onRule, status: .checking, count: nil)
                    m.ruleChecks += 1
                    return rule.text.isEmpty ? [] : effects.checkRule(rule.text, generation: m.ruleChecks)
                }
                _ = edit(&name, key, text)
            }
            m.dialog = .newSegment(name: name, rule: rule, onRule: onRule, status: status, count: count)
        }
        return []
    }
}
