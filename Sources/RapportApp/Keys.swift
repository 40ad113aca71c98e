import RapportUI

/// Every action of the explorer, grouped for help. Help, docs/keys.md and the config file's
/// `[keys]` section all use these tables.
public enum AppKeys {
    static func a(_ id: String, _ help: String, _ group: String) -> Action { Action(id, help, group: group) }

    public static let quit = a("quit", "quit (on the list) or go back", "global")
    public static let back = a("back", "go back / close", "global")
    public static let help = a("help", "show this help", "global")
    public static let command = a("command", "command line: sort, segment, goto, export, quit", "global")
    public static let down = a("down", "move down", "move")
    public static let up = a("up", "move up", "move")
    public static let pageDown = a("page_down", "page down", "move")
    public static let pageUp = a("page_up", "page up", "move")
    public static let top = a("top", "first row", "move")
    public static let bottom = a("bottom", "last row", "move")
    public static let segments = a("segments", "segments screen", "global")
    public static let interrupt = a("interrupt", "quit at once", "global")

    public static let open = a("open", "open the selected customer", "list")
    public static let filter = a("filter", "filter by name, email or id as you type", "list")
    public static let sort = a("sort", "next sort column", "list")
    public static let clearFilter = a("clear_filter", "clear filter and segment", "list")

    public static let nextPanel = a("next_panel", "next panel", "profile")
    public static let prevPanel = a("prev_panel", "previous panel", "profile")
    public static let history = a("history", "history of events", "profile")
    public static let evidence = a("evidence", "evidence behind the selected preference", "profile")
    public static let note = a("note", "add a note", "profile")
    public static let export = a("export", "export the customer as JSON", "profile")
    public static let erase = a("erase", "erase the customer (asks for the id)", "profile")

    public static let gift = a("gift", "flag or unflag the purchase as a gift", "history")
    public static let undo = a("undo", "undo the last gift change", "history")
    public static let clear = a("clear_history", "clear history (range, types, confirm)", "history")
    public static let typeFilter = a("type_filter", "cycle event type filter", "history")
    public static let dateFilter = a("date_filter", "cycle date filter (all, 30, 90, 365 days)", "history")

    public static let members = a("members", "list the segment's members", "segments")
    public static let newSegment = a("new_segment", "new rule segment", "segments")

    public static func keymap() -> Keymap {
        Keymap(
            global: .init(name: "global", [
                (quit, [.char("q")]), (back, [.escape]), (help, [.char("?")]), (command, [.char(":")]),
                (down, [.char("j"), .down]), (up, [.char("k"), .up]),
                (pageDown, [.pageDown, .ctrl("f"), .char(" ")]), (pageUp, [.pageUp, .ctrl("b")]),
                (top, [.home, .char("g")]), (bottom, [.end, .char("G")]),
                (segments, [.char("S")]), (interrupt, [.ctrl("c")]),
            ]),
            views: [
                .init(name: "list", [(open, [.enter, .char("l"), .right]), (filter, [.char("/")]),
                                     (sort, [.char("s")]), (clearFilter, [.char("x")])]),
                .init(name: "profile", [(nextPanel, [.tab]), (prevPanel, [.backTab]), (history, [.char("H")]),
                                        (evidence, [.enter]), (note, [.char("N")]), (export, [.char("E")]),
                                        (erase, [.char("X")])]),
                .init(name: "history", [(gift, [.char("g")]), (undo, [.char("u")]), (clear, [.char("C")]),
                                        (typeFilter, [.char("t")]), (dateFilter, [.char("d")]),
                                        (top, [.home]), (nextPanel, [.tab])]),
                .init(name: "segments", [(members, [.enter]), (newSegment, [.char("n")])]),
            ])
    }

    public static let viewOrder = ["list", "profile", "history", "segments"]
}
