import Foundation
import RapportService
import RapportUI
import RapportVocabulary

/// Modal dialogs. Each owns its inputs; the screen underneath stays as it was.
public enum Dialog: Sendable {
    case note(TextField)
    case giftNote(eventId: String, field: TextField)
    /// `f` on a gift: its preview, then yes or no.
    case giftUnflag(eventId: String, note: String?)
    case clearHistory(range: Int, types: Int, count: Int?, confirming: Bool)
    case erase(id: String, field: TextField)
    case newSegment(name: TextField, rule: TextField, onRule: Bool, status: RuleStatus, count: Int?)
    /// A rule segment's rule being edited (the name stays).
    case editSegment(name: String, rule: TextField, status: RuleStatus, count: Int?)
    case deleteSegment(name: String, members: Int)
    case evidence(title: String, lines: [String])
    /// A note's text being edited (`e` on a note of the care panel).
    case editNote(key: Int64, id: Int64, field: TextField)
    /// `D` on a note: delete it only on `y`.
    case deleteNote(key: Int64, id: Int64)
    /// `E` when the export's file exists already: replace it only on `y`.
    case overwrite(key: Int64, id: String, path: String)
    /// `@`: the date to see the customer as they stood on.
    case pastDate(TextField)
}

/// The dialog over a screen, the preview it shows and how far a long detail is scrolled.
public struct DialogsState: Sendable {
    public var dialog: Dialog?
    /// The preview the gift or clear dialog shows.
    public var preview: PreviewPane?
    /// The first line shown of a detail popup too long for the screen.
    public var detailScroll = 0
    /// Rule checks asked for while typing a rule segment: the newest one's count is shown.
    public var ruleChecks = 0

    public init() {}

    /// The token of the preview on screen, when it is of `subject`.
    func previewToken(_ subject: String) -> String? {
        guard let pane = preview, pane.subject == subject else { return nil }
        return pane.preview?.token
    }
}

/// The dialogs as a component: a key edits the dialog, closes it, or ends in commands; what
/// the dialog needs of the screens under it comes in its `Context`.
enum Dialogs {
    typealias Cmd = Command<AppMessage>

    /// What a dialog reads of the screens under it.
    struct Context {
        var env: ScreenEnv
        /// The customer a new note is for: the list's selected row, or the profile's.
        var noteCustomer: Int64?
        /// The customer of the history and of the profile shown, and the profile's report.
        var historyCustomer: Int64?
        var profileCustomer: Int64?
        var shown: ProfileReport?
        /// What the clear-history dialog's choices remove.
        var clearWindow: (Int, Int) -> HistoryWindow
        /// The segments' names: a new segment's name must be free.
        var segmentNames: [String] = []
    }

    /// What a key in a dialog came to besides the dialog's own change.
    struct Outcome {
        var commands: [Cmd] = []
        /// Words for the status line.
        var flash: Flash?
        /// Work under way, shown on the status line.
        var progress: String?
        /// `@`: the past day to show.
        var pastDate: PointInTime?

        static let none = Outcome()
        static func run(_ commands: [Cmd]) -> Outcome { Outcome(commands: commands) }
        static func say(_ text: String, isError: Bool = false) -> Outcome {
            Outcome(flash: Flash(text: text, isError: isError))
        }
    }

    static func update(_ s: inout DialogsState, _ key: Key, _ ctx: Context, _ effects: Effects) -> Outcome {
        guard let dialog = s.dialog else { return .none }
        let keymap = ctx.env.keymap
        // Dialogs with text fields: characters are text, other keys the dialog's bindings or edits.
        let text = keymap.textBinding(for: key, mode: .dialog)
        let confirmed = keymap.confirms(key)
        switch dialog {
        case .evidence(_, let lines):
            // A detail too long for the screen scrolls with the detail's down/up keys; other keys close it.
            let overflow = Explorer.wrapped(lines, screenWidth: ctx.env.size.width).count - detailRows(ctx.env)
            let binding = keymap.binding(for: key, mode: .detail)
            if overflow > 0, case .app(.down)? = binding {
                s.detailScroll = min(overflow, s.detailScroll + 1)
            } else if overflow > 0, case .app(.up)? = binding {
                s.detailScroll = max(0, s.detailScroll - 1)
            } else {
                s.dialog = nil
                s.detailScroll = 0
            }
        case .note(var f):
            if case .mode(.cancel)? = text {
                s.dialog = nil
                return .none
            }
            if case .mode(.accept)? = text {
                s.dialog = nil
                guard let customer = ctx.noteCustomer, !f.text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    return .none
                }
                return .run([effects.addNote(customer, f.text)])
            }
            _ = edited(&f, key, text)
            s.dialog = .note(f)
        case .giftNote(let id, var f):
            if case .mode(.cancel)? = text {
                s.dialog = nil
                return .none
            }
            if case .mode(.accept)? = text {
                s.dialog = nil
                guard let customer = ctx.historyCustomer else { return .none }
                let note = f.text.trimmingCharacters(in: .whitespaces)
                let edit = GiftEdit(eventId: id, isGift: true, note: note.isEmpty ? nil : note, previousNote: nil)
                return .run([
                    effects.setGift(
                        edit, origin: .change, customer: customer, shown: ctx.shown,
                        token: s.previewToken(PreviewPane.gift(id)))
                ])
            }
            _ = edited(&f, key, text)
            s.dialog = .giftNote(eventId: id, field: f)
        case .giftUnflag(let id, let note):
            // Its preview, then yes (commit with the preview's token) or no.
            s.dialog = nil
            guard confirmed, let customer = ctx.historyCustomer else { return .say("\(id) is still a gift") }
            let edit = GiftEdit(eventId: id, isGift: false, note: nil, previousNote: note)
            return .run([
                effects.setGift(
                    edit, origin: .change, customer: customer, shown: ctx.shown,
                    token: s.previewToken(PreviewPane.unflag(id)))
            ])
        case .clearHistory(var range, var types, let count, let confirming):
            guard let customer = ctx.historyCustomer else {
                s.dialog = nil
                return .none
            }
            if confirming {
                s.dialog = nil
                guard confirmed else { return .say("nothing cleared") }
                return .run([
                    effects.clear(
                        customer, range: ctx.clearWindow(range, types),
                        token: s.previewToken(PreviewPane.clear(range, types)))
                ])
            }
            let ranges = AppModel.clearRanges.count, kinds = AppModel.clearTypes.count
            switch keymap.binding(for: key, mode: .clearHistory) {
            case .mode(.cancel)?:
                s.dialog = nil
                return .none
            case .mode(.prevRange)?: range = (range + ranges - 1) % ranges
            case .mode(.nextRange)?: range = (range + 1) % ranges
            case .app(.up)?: types = (types + kinds - 1) % kinds
            case .app(.down)?, .app(.nextPanel)?: types = (types + 1) % kinds
            case .mode(.accept)?:
                guard let count, count > 0 else {
                    s.dialog = nil
                    return .say("nothing to clear in that range")
                }
                s.dialog = .clearHistory(range: range, types: types, count: count, confirming: true)
                return .none
            default: return .none
            }
            return .run(openClear(&s, customer: customer, range: range, types: types, ctx, effects))
        case .erase(let id, var f):
            if case .mode(.cancel)? = text {
                s.dialog = nil
                return .none
            }
            if case .mode(.accept)? = text {
                s.dialog = nil
                guard f.text == id, let customer = ctx.profileCustomer else {
                    return .say("not erased: the id did not match", isError: true)
                }
                return .run([effects.erase(customer, id: id)])
            }
            _ = edited(&f, key, text)
            s.dialog = .erase(id: id, field: f)
        case .overwrite(let customer, let id, let path):
            s.dialog = nil
            guard confirmed else { return .say("not exported: \(path) kept") }
            return .run([effects.export(customer, id: id, redact: ctx.env.redact)])
        case .pastDate(var f):
            if case .mode(.cancel)? = text {
                s.dialog = nil
                return .none
            }
            if case .mode(.accept)? = text {
                guard let p = PointInTime.parse(f.text) else {
                    return .say("'\(f.text)' is not a date (YYYY-MM-DD)", isError: true)
                }
                s.dialog = nil
                return Outcome(pastDate: p)
            }
            _ = edited(&f, key, text)
            s.dialog = .pastDate(f)
        case .deleteNote(let customer, let id):
            s.dialog = nil
            guard confirmed else { return .say("note kept") }
            return .run([effects.deleteNote(customer, id)])
        case .editNote(let customer, let id, var field):
            switch text {
            case .mode(.cancel)?: s.dialog = nil
            case .mode(.accept)?:
                s.dialog = nil
                guard !field.text.trimmingCharacters(in: .whitespaces).isEmpty else { return .none }
                return .run([effects.editNote(customer, id, field.text)])
            default:
                _ = edited(&field, key, text)
                s.dialog = .editNote(key: customer, id: id, field: field)
            }
        case .deleteSegment(let name, _):
            s.dialog = nil
            guard confirmed else { return .say("segment \(name) kept") }
            return .run([effects.deleteSegment(name: name)])
        case .editSegment(let name, var rule, let status, _):
            switch text {
            case .mode(.cancel)?: s.dialog = nil
            case .mode(.accept)?:
                if case .invalid = status { return .none }
                s.dialog = nil
                return .run([effects.updateSegment(name: name, rule: rule.text)])
            default:
                guard edited(&rule, key, text) else { return .none }
                s.dialog = .editSegment(name: name, rule: rule, status: .checking, count: nil)
                return .run(checkRule(&s, rule.text, effects))
            }
        case .newSegment(var name, var rule, var onRule, let status, let count):
            switch text {
            case .mode(.cancel)?:
                s.dialog = nil
                return .none
            case .app(.nextPanel)?, .app(.prevPanel)?: onRule.toggle()
            case .mode(.accept)?:
                if !onRule {
                    onRule = true
                    break
                }
                let n = name.text.trimmingCharacters(in: .whitespaces)
                guard !n.isEmpty else {
                    s.dialog = .newSegment(
                        name: name, rule: rule, onRule: false, status: .problem("the segment needs a name"),
                        count: count)
                    return .none
                }
                // A name taken (a built-in segment or stage, or a rule) keeps the dialog and what was typed.
                if ctx.segmentNames.contains(where: { $0.caseInsensitiveCompare(n) == .orderedSame }) {
                    s.dialog = .newSegment(
                        name: name, rule: rule, onRule: false,
                        status: .problem("a segment named '\(n)' exists already: choose another name"), count: count)
                    return .none
                }
                // Saving evaluates the rule over every customer: it runs beside browsing, with progress shown.
                s.dialog = nil
                return Outcome(
                    commands: [effects.createSegment(name: n, rule: rule.text)], progress: "saving segment \(n)…")
            default:
                if onRule {
                    guard edited(&rule, key, text) else { return .none }
                    s.dialog = .newSegment(name: name, rule: rule, onRule: onRule, status: .checking, count: nil)
                    return .run(checkRule(&s, rule.text, effects))
                }
                _ = edited(&name, key, text)
            }
            s.dialog = .newSegment(name: name, rule: rule, onRule: onRule, status: status, count: count)
        }
        return .none
    }

    /// The clear-history dialog at these settings: its count and preview are asked for again.
    static func openClear(
        _ s: inout DialogsState, customer: Int64, range: Int, types: Int, _ ctx: Context, _ effects: Effects
    ) -> [Cmd] {
        s.dialog = .clearHistory(range: range, types: types, count: nil, confirming: false)
        s.preview = PreviewPane(subject: PreviewPane.clear(range, types))
        return [
            effects.countClear(customer, range: ctx.clearWindow(range, types), settings: (range, types)),
            effects.previewClear(customer, range: ctx.clearWindow(range, types), settings: (range, types))
        ]
    }

    /// A rule being typed is checked off the UI loop; the newest check's count is shown.
    static func checkRule(_ s: inout DialogsState, _ rule: String, _ effects: Effects) -> [Cmd] {
        s.ruleChecks += 1
        return rule.isEmpty ? [] : effects.checkRule(rule, generation: s.ruleChecks)
    }

    /// The rows a detail popup shows at this terminal size.
    static func detailRows(_ env: ScreenEnv) -> Int { max(1, env.size.height - 2 - 2 - 1) }

    /// "Enter saves, Esc cancels", with the keys the dialog table binds.
    static func dialogFooter(_ env: ScreenEnv, _ verb: String, mode: KeyMode = .dialog) -> String {
        "\(env.keymap.keyName(.accept, mode: mode)) \(verb), \(env.keymap.keyName(.cancel, mode: mode)) cancels"
    }

    /// "y: yes, any other key: no", with the key the confirm table binds.
    static func confirmFooter(_ env: ScreenEnv) -> String {
        "\(env.keymap.keyName(.confirm, mode: .confirm)): yes, any other key: no"
    }

    static func view(_ s: DialogsState, _ ctx: Context, into b: inout CellBuffer) -> Point? {
        guard let d = s.dialog else { return nil }
        let env = ctx.env, t = env.theme, g = env.glyphs
        switch d {
        case .note(let f):
            let inner = Popup(
                title: "Add a note", lines: [("", .plain), (dialogFooter(env, "saves"), t.muted)], width: 70
            ).render(b.bounds, into: &b, env.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y, width: inner.width - 2), y: inner.y)
        case .giftNote(let id, let f):
            let inner = Popup(
                title: "Flag \(id) as a gift",
                lines: [("Note (optional):", .plain), ("", .plain)]
                    + (s.preview?.lines(limit: 6) ?? []).map { ($0, t.muted) }
                    + [(dialogFooter(env, "flags it"), t.muted)], width: 70
            ).render(b.bounds, into: &b, env.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        case .clearHistory(let range, let types, let count, let confirming):
            let k = { (a: ModeAction) in env.keymap.keyName(a, mode: .clearHistory) }
            let n = count.map { "\($0) event\($0 == 1 ? "" : "s") will be removed" } ?? "counting…"
            var lines: [(String, Style)] = [
                (
                    "Range: \(g.arrowUp == "^" ? "<" : "◀") \(AppModel.clearRanges[range].0) \(g.arrowUp == "^" ? ">" : "▶")   (\(k(.prevRange))/\(k(.nextRange)))",
                    .plain
                ),
                (
                    "Types: \(AppModel.clearTypes[types].0)   "
                        + "(\(env.keymap.keyName(.up, mode: .clearHistory))/\(env.keymap.keyName(.down, mode: .clearHistory)))",
                    .plain
                ),
                (
                    ctx.clearWindow(range, types).since.map { "Events from \(Timestamp($0).day) on" } ?? "Every event",
                    t.muted
                ),
                (n, Style(fg: t.warning, bold: true))
            ]
            lines += (s.preview?.lines(limit: 5) ?? []).map { ($0, .plain) }
            if let held = s.preview?.preview?.heldFor {
                lines.append(("Kept \(held) so that u undoes it, then purged.", t.muted))
            }
            lines.append(
                confirming
                    ? ("Remove them for good? \(confirmFooter(env))", t.error)
                    : (dialogFooter(env, "continues", mode: .clearHistory), t.muted))
            Popup(title: "Clear history", lines: lines, width: 64).render(b.bounds, into: &b, env.context)
            return nil
        case .pastDate(let f):
            let inner = Popup(
                title: "As it stood on a date",
                lines: [
                    ("Date (YYYY-MM-DD, the end of that day):", .plain), ("", .plain),
                    ("\(dialogFooter(env, "shows it")); \(env.keyName(.pastDate)) again returns to now", t.muted)
                ], width: 64
            ).render(b.bounds, into: &b, env.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        case .overwrite(_, let id, let path):
            Popup(
                title: "Export \(id)",
                lines: [
                    ("\(path) exists already.", t.error), ("Replace it? \(confirmFooter(env))", .plain)
                ], width: 76
            ).render(b.bounds, into: &b, env.context)
            return nil
        case .erase(let id, let f):
            let inner = Popup(
                title: "Erase customer",
                lines: [
                    ("This deletes everything about \(id), for good.", t.error),
                    ("Type the customer id to confirm:", .plain),
                    ("", .plain), (dialogFooter(env, "erases"), t.muted)
                ], width: 64
            ).render(b.bounds, into: &b, env.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 2, width: inner.width - 2), y: inner.y + 2)
        case .newSegment(let name, let rule, let onRule, let status, let count):
            let countText = count.map { "\(Units.count($0, "customer")) match" } ?? ""
            let inner = Popup(
                title: "New rule segment",
                lines: [
                    ("Name:", .plain), ("", .plain), ("Rule (e.g. recency_days < 60 and consent.email):", .plain),
                    ("", .plain),
                    (status.text, status.style(t)),
                    (countText, Style(bold: true)),
                    (
                        "\(env.keymap.keyName(.nextPanel, mode: .dialog)) switches field, \(dialogFooter(env, "saves"))",
                        t.muted
                    )
                ], width: 76
            ).render(b.bounds, into: &b, env.context)
            let nx = name.draw(
                &b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2, style: onRule ? t.muted : .plain)
            let rx = rule.draw(
                &b, x: inner.x + 1, y: inner.y + 3, width: inner.width - 2, style: onRule ? .plain : t.muted)
            return onRule ? Point(x: rx, y: inner.y + 3) : Point(x: nx, y: inner.y + 1)
        case .editSegment, .deleteSegment: return segmentView(d, env, into: &b)
        case .editNote, .deleteNote: return noteView(d, env, into: &b)
        case .giftUnflag(let id, _): return unflagView(id, s.preview, env, into: &b)
        case .evidence(let title, let lines):
            let body = Explorer.wrapped(lines, screenWidth: env.size.width)
            let rows = detailRows(env)
            let start = min(s.detailScroll, max(0, body.count - rows))
            let shown = body.count > rows ? Array(body.dropFirst(start).prefix(rows)) : body
            let footer =
                body.count > rows
                ? "lines \(start + 1)-\(start + shown.count) of \(body.count); "
                    + "\(env.keymap.keyName(.down, mode: .detail))/\(env.keymap.keyName(.up, mode: .detail)) scroll, "
                    + "any other key closes"
                : "any key closes"
            Popup(title: title, lines: shown.map { ($0, .plain) } + [(footer, t.muted)], width: 76).render(
                b.bounds, into: &b, env.context)
            return nil
        }
    }

    static func noteView(_ d: Dialog, _ env: ScreenEnv, into b: inout CellBuffer) -> Point? {
        let t = env.theme
        switch d {
        case .deleteNote:
            Popup(
                title: "Delete note",
                lines: [
                    ("Delete the selected note? u undoes it.", t.warn),
                    ("\(env.keymap.keyName(.confirm, mode: .confirm)): delete, any other key: keep it", t.muted)
                ], width: 60
            ).render(b.bounds, into: &b, env.context)
            return nil
        case .editNote(_, _, let field):
            let inner = Popup(
                title: "Edit note", lines: [("", .plain), (dialogFooter(env, "saves"), t.muted)], width: 70
            ).render(b.bounds, into: &b, env.context)
            return Point(x: field.draw(&b, x: inner.x + 1, y: inner.y, width: inner.width - 2), y: inner.y)
        default: return nil
        }
    }

    static func segmentView(_ d: Dialog, _ env: ScreenEnv, into b: inout CellBuffer) -> Point? {
        let t = env.theme
        switch d {
        case .deleteSegment(let name, let members):
            Popup(
                title: "Delete rule segment",
                lines: [
                    ("Delete '\(name)' (\(Units.count(members, "member")))? Its rule is gone for good.", t.error),
                    ("\(env.keymap.keyName(.confirm, mode: .confirm)): delete, any other key: keep it", t.muted)
                ], width: 70
            ).render(b.bounds, into: &b, env.context)
            return nil
        case .editSegment(let name, let rule, let status, let count):
            let inner = Popup(
                title: "Edit rule segment \(name)",
                lines: [
                    ("Rule:", .plain), ("", .plain), (status.text, status.style(t)),
                    (count.map { "\(Units.count($0, "customer")) match" } ?? "", Style(bold: true)),
                    (dialogFooter(env, "saves"), t.muted)
                ], width: 76
            ).render(b.bounds, into: &b, env.context)
            return Point(x: rule.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        default: return nil
        }
    }

    static func unflagView(_ id: String, _ preview: PreviewPane?, _ env: ScreenEnv, into b: inout CellBuffer)
        -> Point?
    {
        Popup(
            title: "Unflag \(id) as a gift",
            lines: (preview?.lines(limit: 6) ?? []).map { ($0, .plain) }
                + [
                    (
                        "\(env.keymap.keyName(.confirm, mode: .confirm)): unflag it, any other key: keep it",
                        env.theme.muted
                    )
                ],
            width: 70
        ).render(b.bounds, into: &b, env.context)
        return nil
    }
}
