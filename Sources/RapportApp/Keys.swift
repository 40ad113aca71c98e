import RapportUI

/// Everything a key can ask the explorer to do. The raw values are the names the config
/// file's `[keys]` section and docs/keys.md use; `Explorer.perform` switches over every case.
public enum AppAction: String, CaseIterable, Sendable {
    case quit, back, help, command, down, up
    case pageDown = "page_down", pageUp = "page_up", top, bottom, segments, interrupt
    case open, filter, sort, reverseSort = "reverse_sort", clearFilter = "clear_filter"
    case nextPanel = "next_panel", prevPanel = "prev_panel", history, evidence, note, export, erase
    case gift, undo, redo, clearHistory = "clear_history", typeFilter = "type_filter", dateFilter = "date_filter"
    case members, newSegment = "new_segment", editSegment = "edit_segment", deleteSegment = "delete_segment"
    case metrics, definitions
    /// `@`: the customer on screen as they stood on a date; again (or `back`) returns to now.
    case pastDate = "past_date"
    case editNote = "edit_note", deleteNote = "delete_note"
    case accounts, toggleNode = "toggle_node"
}

/// What a key does while a mode has the focus, besides the view actions a mode shares (`down`,
/// `up`, `page_down`, `page_up`, `help`, `next_panel`, `prev_panel`: rebinding one of those
/// rebinds it in the modes too). The raw values are the ids the config file's `[keys]` uses.
public enum ModeAction: String, CaseIterable, Sendable {
    case close, accept, cancel, confirm, complete
    case prevRange = "prev_range", nextRange = "next_range"
}

/// The modes that take the keys before the screen does, each with its own table: the help
/// overlay, a detail popup, a yes/no question, a dialog with text fields, the clear-history
/// dialog, the list filter, the command line, and the editing keys of every text field.
public enum KeyMode: String, CaseIterable, Sendable {
    case help, detail, confirm, dialog, clearHistory = "clear_history", filter, command, text
}

/// A key's meaning in a mode: a shared view action, a mode's own action, or a text edit.
enum ModeKey {
    case app(AppAction)
    case mode(ModeAction)
    case edit(TextEdit)
}

extension Keymap {
    /// The typed binding of a key in a mode.
    func binding(for key: Key, mode: KeyMode) -> ModeKey? {
        guard let id = action(for: key, mode: mode.rawValue)?.id else { return nil }
        if let a = ModeAction(rawValue: id) { return .mode(a) }
        if let a = AppAction(rawValue: id) { return .app(a) }
        return TextEdit(rawValue: id).map(ModeKey.edit)
    }

    /// In a mode with a text field: a character is text; any other key is the mode's binding,
    /// else an editing key of the `text` table.
    func textBinding(for key: Key, mode: KeyMode) -> ModeKey? {
        if case .char = key { return nil }
        return binding(for: key, mode: mode) ?? binding(for: key, mode: .text)
    }

    /// Whether a key answers yes to a question (any other key answers no).
    func confirms(_ key: Key) -> Bool {
        if case .mode(.confirm)? = binding(for: key, mode: .confirm) { return true }
        return false
    }

    /// The name of the first key bound to an action in a mode, for hints and footers.
    func keyName(_ id: String, mode: KeyMode) -> String {
        keys(for: id, mode: mode.rawValue).first?.description ?? "(unbound)"
    }
    func keyName(_ a: ModeAction, mode: KeyMode) -> String { keyName(a.rawValue, mode: mode) }
    func keyName(_ a: AppAction, mode: KeyMode) -> String { keyName(a.rawValue, mode: mode) }

    /// The name of the first key bound to an action on a screen (its own table, then the global one).
    func keyName(_ a: AppAction, in view: String) -> String {
        keys(for: a.rawValue, in: view).first?.description ?? "(unbound)"
    }
}

/// Every action of the explorer, grouped for help. Help, docs/keys.md and the config file's
/// `[keys]` section all use these tables.
public enum AppKeys {
    static func a(_ action: AppAction, _ help: String, _ group: String) -> Action {
        Action(action.rawValue, help, group: group)
    }

    public static let quit = a(.quit, "quit (on the list) or go back", "global")
    public static let back = a(.back, "go back to the previous screen / close", "global")
    public static let help = a(.help, "show this help", "global")
    public static let command = a(
        .command, "command line: sort, segment, stage, goto, export, refresh, help, quit", "global")
    public static let down = a(.down, "move down", "move")
    public static let up = a(.up, "move up", "move")
    public static let pageDown = a(.pageDown, "page down", "move")
    public static let pageUp = a(.pageUp, "page up", "move")
    public static let top = a(.top, "first row", "move")
    public static let bottom = a(.bottom, "last row", "move")
    public static let segments = a(.segments, "segments screen", "global")
    public static let metrics = a(
        .metrics, "business metrics: of everyone from the list, of the selected segment from segments", "global")
    public static let interrupt = a(.interrupt, "quit at once", "global")
    public static let accounts = a(
        .accounts, "B2B accounts (on a person's profile: their accounts and roles), then an account's profile",
        "global")

    public static let open = a(.open, "open the selected customer", "list")
    public static let filter = a(.filter, "filter by name, email or id as you type", "list")
    public static let sort = a(.sort, "next sort column", "list")
    public static let reverseSort = a(
        .reverseSort, "reverse the sort (never-bought customers stay last by recency)", "list")
    public static let clearFilter = a(.clearFilter, "clear filter and segment", "list")
    public static let rowHistory = a(.history, "history of the selected customer's events", "list")
    public static let rowNote = a(.note, "add a note to the selected customer", "list")
    public static let rowExport = a(
        .export, "export the selected customer as JSON (asks before replacing a file)", "list")

    public static let nextPanel = a(.nextPanel, "next panel", "profile")
    public static let prevPanel = a(.prevPanel, "previous panel", "profile")
    public static let history = a(.history, "history of events", "profile")
    public static let evidence = a(
        .evidence, "details of the selected row: a preference's evidence, the whole reason or note", "profile")
    public static let eventDetails = a(.evidence, "details of the selected event, its gift note included", "history")
    public static let note = a(.note, "add a note", "profile")
    public static let export = a(.export, "export the customer as JSON (asks before replacing a file)", "profile")
    public static let erase = a(.erase, "erase the customer (asks for the id)", "profile")

    public static let gift = a(.gift, "flag or unflag the purchase as a gift (asks for a note)", "history")
    public static let undo = a(
        .undo, "undo your last correction (gift, clear, note), also one of an earlier session", "history")
    public static let redo = a(.redo, "redo the correction you undid last", "history")
    public static let profileUndo = a(
        .undo, "undo your last correction (gift, clear, note), also one of an earlier session", "profile")
    public static let profileRedo = a(.redo, "redo the correction you undid last", "profile")
    public static let accountUndo = a(
        .undo, "undo your last correction (an account link, move or attribution too)", "account")
    public static let accountRedo = a(.redo, "redo the correction you undid last", "account")
    public static let editNote = a(.editNote, "edit the note selected in the care panel", "profile")
    public static let deleteNote = a(.deleteNote, "delete the note selected in the care panel (asks first)", "profile")
    public static let clear = a(.clearHistory, "clear history (range, types, confirm)", "history")
    public static let typeFilter = a(.typeFilter, "cycle event type filter", "history")
    public static let dateFilter = a(.dateFilter, "cycle date filter (all, 30, 90, 365 days)", "history")

    public static let members = a(
        .members, "list the customers of the selected segment (or metrics cell: segment, cohort, migration)",
        "segments")
    public static let newSegment = a(.newSegment, "new rule segment", "segments")
    public static let editSegment = a(.editSegment, "edit the selected rule segment's rule", "segments")
    public static let deleteSegment = a(.deleteSegment, "delete the selected rule segment (asks first)", "segments")
    public static let definitions = a(.definitions, "what each figure means (docs/metrics.md)", "metrics")
    public static let pastDate = a(
        .pastDate, "see it as it stood on a date (asks for it); again, or back, returns to now", "profile")
    public static let pastSegments = a(
        .pastDate, "segment counts as they stood on a date (a full pass); again, or back, returns to now",
        "segments")
    public static let pastMetrics = a(
        .pastDate, "the figures as they stood on a date (a full pass); again, or back, returns to now", "metrics")
    public static let pastHistory = a(
        .pastDate, "the history as it stood on a date (asks for it); again, or back, returns to now", "history")
    public static let pastList = a(
        .pastDate, "the customers seen by a date, with their figures of then; again, or back, returns to now",
        "list")
    public static let pastAccount = a(
        .pastDate,
        "the account, its tree, members and figures as they stood on a date; again, or back, returns to now",
        "account")
    public static let pastAccounts = a(
        .pastDate, "the accounts by name with their figures as they stood on a date; again, or back, returns to now",
        "accounts")
    public static let openAccount = a(.open, "open the selected account", "accounts")
    public static let filterAccounts = a(.filter, "filter accounts by name or id as you type", "accounts")
    public static let sortAccounts = a(.sort, "next sort: revenue, engagement, coverage, P(alive), name", "accounts")
    public static let openInTree = a(
        .open, "open the selected account of the tree, or the selected member's profile", "account")
    public static let accountPanel = a(.nextPanel, "switch between the tree and the members", "account")
    public static let toggleNode = a(.toggleNode, "expand or collapse the selected account of the tree", "account")
    public static let accountMetrics = a(
        .metrics, "business metrics of this account's people (and of the accounts below it)", "account")

    public static func keymap() -> Keymap {
        Keymap(
            global: .init(
                name: "global",
                [
                    (quit, [.char("q")]), (back, [.escape, .char("h"), .left, .backspace]), (help, [.char("?")]),
                    (command, [.char(":")]),
                    (down, [.char("j"), .down]), (up, [.char("k"), .up]),
                    (pageDown, [.pageDown, .ctrl("f"), .char(" ")]), (pageUp, [.pageUp, .ctrl("b")]),
                    (top, [.home, .char("g")]), (bottom, [.end, .char("G")]),
                    (segments, [.char("S")]), (metrics, [.char("M")]), (interrupt, [.ctrl("c")]),
                    (accounts, [.char("A")])
                ]),
            views: [
                .init(
                    name: "list",
                    [
                        (open, [.enter, .char("l"), .right]), (filter, [.char("/")]),
                        (sort, [.char("s")]), (reverseSort, [.char("r")]), (clearFilter, [.char("x")]),
                        (rowHistory, [.char("H")]), (rowNote, [.char("N")]), (rowExport, [.char("E")]),
                        (pastList, [.char("@")])
                    ]),
                .init(
                    name: "profile",
                    [
                        (nextPanel, [.tab]), (prevPanel, [.backTab]), (history, [.char("H")]),
                        (evidence, [.enter, .char("l"), .right]), (note, [.char("N")]), (export, [.char("E")]),
                        (erase, [.char("X")]), (pastDate, [.char("@")]), (profileUndo, [.char("u")]),
                        (profileRedo, [.ctrl("r")]),
                        (editNote, [.char("e")]), (deleteNote, [.char("D")])
                    ]),
                .init(
                    name: "history",
                    [
                        (eventDetails, [.enter, .char("l"), .right]), (gift, [.char("f")]), (undo, [.char("u")]),
                        (redo, [.ctrl("r")]), (clear, [.char("C")]), (typeFilter, [.char("t")]),
                        (dateFilter, [.char("d")]), (pastHistory, [.char("@")])
                    ]),
                .init(
                    name: "segments",
                    [
                        (members, [.enter, .char("l"), .right]), (newSegment, [.char("n")]),
                        (editSegment, [.char("e")]),
                        (deleteSegment, [.char("X")]), (pastSegments, [.char("@")])
                    ]),
                .init(
                    name: "metrics",
                    [
                        (members, [.enter, .char("l"), .right]), (nextPanel, [.tab]), (definitions, [.char("d")]),
                        (pastMetrics, [.char("@")])
                    ]),
                .init(
                    name: "accounts",
                    [
                        (openAccount, [.enter, .char("l"), .right]), (filterAccounts, [.char("/")]),
                        (sortAccounts, [.char("s")]), (pastAccounts, [.char("@")])
                    ]),
                .init(
                    name: "account",
                    [
                        (openInTree, [.enter, .char("l"), .right]), (accountPanel, [.tab]),
                        (toggleNode, [.char("t")]), (accountUndo, [.char("u")]), (accountRedo, [.ctrl("r")]),
                        (accountMetrics, [.char("M")]), (pastAccount, [.char("@")])
                    ])
            ],
            modes: modeTables())
    }

    public static let viewOrder = ["list", "profile", "history", "segments", "metrics", "accounts", "account"]
    public static let modeOrder = KeyMode.allCases.map(\.rawValue)

    static func a(_ action: ModeAction, _ help: String, _ mode: KeyMode) -> Action {
        Action(action.rawValue, help, group: mode.rawValue)
    }
    static func a(_ action: AppAction, _ help: String, _ mode: KeyMode) -> Action {
        Action(action.rawValue, help, group: mode.rawValue)
    }

    /// The tables of the modes. Their defaults are the keys each mode has always taken.
    static func modeTables() -> [Keymap.Table] {
        let textHelp: [TextEdit: String] = [
            .left: "cursor left", .right: "cursor right", .home: "to the start", .end: "to the end",
            .backspace: "delete the character before the cursor", .delete: "delete the character under the cursor",
            .deleteToStart: "delete to the start", .deleteToEnd: "delete to the end",
            .deleteWord: "delete the word before the cursor"
        ]
        return [
            .init(
                name: KeyMode.help.rawValue,
                [
                    (a(.down, "scroll down", .help), [.char("j"), .down]),
                    (a(.up, "scroll up", .help), [.char("k"), .up]),
                    (a(.pageDown, "scroll a page down", .help), [.pageDown, .char(" ")]),
                    (a(.pageUp, "scroll a page up", .help), [.pageUp]),
                    (
                        a(.close, "close the help", .help),
                        [.escape, .char("q"), .enter, .char("h"), .left, .backspace]
                    ),
                    (a(.help, "close the help", .help), [.char("?")])
                ]),
            .init(
                name: KeyMode.detail.rawValue,
                [
                    (a(.down, "scroll a long detail down (any other key closes)", .detail), [.char("j"), .down]),
                    (a(.up, "scroll a long detail up (any other key closes)", .detail), [.char("k"), .up])
                ]),
            .init(
                name: KeyMode.confirm.rawValue,
                [(a(.confirm, "yes, to a question (any other key: no)", .confirm), [.char("y"), .char("Y")])]),
            .init(
                name: KeyMode.dialog.rawValue,
                [
                    (a(.accept, "save, flag or erase as the dialog says", .dialog), [.enter]),
                    (a(.cancel, "close the dialog, nothing done", .dialog), [.escape]),
                    (a(.nextPanel, "next field", .dialog), [.tab]),
                    (a(.prevPanel, "previous field", .dialog), [.backTab])
                ]),
            .init(
                name: KeyMode.clearHistory.rawValue,
                [
                    (a(.prevRange, "previous range", .clearHistory), [.left, .char("h")]),
                    (a(.nextRange, "next range", .clearHistory), [.right, .char("l")]),
                    (a(.up, "previous event types", .clearHistory), [.up, .char("k")]),
                    (a(.down, "next event types", .clearHistory), [.down, .char("j")]),
                    (a(.nextPanel, "next event types", .clearHistory), [.tab]),
                    (a(.accept, "go on to the question", .clearHistory), [.enter]),
                    (a(.cancel, "close, nothing cleared", .clearHistory), [.escape])
                ]),
            .init(
                name: KeyMode.filter.rawValue,
                [
                    (a(.accept, "keep the filter", .filter), [.enter]),
                    (a(.cancel, "clear the filter", .filter), [.escape]),
                    (a(.down, "keep the filter and move down", .filter), [.down]),
                    (a(.up, "keep the filter and move up", .filter), [.up])
                ]),
            .init(
                name: KeyMode.command.rawValue,
                [
                    (a(.accept, "run the command", .command), [.enter]),
                    (a(.cancel, "close the command line", .command), [.escape]),
                    (a(.complete, "complete the word and list the candidates", .command), [.tab])
                ]),
            .init(
                name: KeyMode.text.rawValue,
                TextField.defaultEdits.map { edit, keys in
                    (Action(edit.rawValue, textHelp[edit] ?? edit.rawValue, group: KeyMode.text.rawValue), keys)
                })
        ]
    }
}
