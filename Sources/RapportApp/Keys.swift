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
        .command, "command line: sort, segment, stage, goto, export, refresh, help, quit (Tab lists)", "global")
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
    public static let undo = a(.undo, "undo the last gift change, once (its note comes back too)", "history")
    public static let redo = a(.redo, "redo the gift change just undone", "history")
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
                    (segments, [.char("S")]), (metrics, [.char("M")]), (interrupt, [.ctrl("c")])
                ]),
            views: [
                .init(
                    name: "list",
                    [
                        (open, [.enter, .char("l"), .right]), (filter, [.char("/")]),
                        (sort, [.char("s")]), (reverseSort, [.char("r")]), (clearFilter, [.char("x")]),
                        (rowHistory, [.char("H")]), (rowNote, [.char("N")]), (rowExport, [.char("E")])
                    ]),
                .init(
                    name: "profile",
                    [
                        (nextPanel, [.tab]), (prevPanel, [.backTab]), (history, [.char("H")]),
                        (evidence, [.enter, .char("l"), .right]), (note, [.char("N")]), (export, [.char("E")]),
                        (erase, [.char("X")])
                    ]),
                .init(
                    name: "history",
                    [
                        (eventDetails, [.enter, .char("l"), .right]), (gift, [.char("f")]), (undo, [.char("u")]),
                        (redo, [.ctrl("r")]), (clear, [.char("C")]), (typeFilter, [.char("t")]),
                        (dateFilter, [.char("d")])
                    ]),
                .init(
                    name: "segments",
                    [
                        (members, [.enter, .char("l"), .right]), (newSegment, [.char("n")]),
                        (editSegment, [.char("e")]),
                        (deleteSegment, [.char("X")])
                    ]),
                .init(
                    name: "metrics",
                    [(members, [.enter, .char("l"), .right]), (nextPanel, [.tab]), (definitions, [.char("d")])])
            ])
    }

    public static let viewOrder = ["list", "profile", "history", "segments", "metrics"]
}
