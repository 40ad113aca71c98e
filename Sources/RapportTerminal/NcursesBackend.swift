import CNcursesw
import Foundation
import RapportUI

/// What the terminal can do, found out when the backend starts.
public struct TerminalCapabilities: Sendable, Equatable {
    public var utf8: Bool
    public var colors: Bool
    public var size: Size
}

/// The only code that talks to the terminal. Draws cell-buffer differences with ncursesw,
/// decodes keys, reports resizes, and restores the terminal on every way out: normal exit,
/// Ctrl-C, SIGTERM/SIGHUP, a crash signal, and around Ctrl-Z.
public final class NcursesBackend: TerminalBackend {
    public let capabilities: TerminalCapabilities
    public let glyphs: Glyphs
    public private(set) var size: Size
    private var pairs: [Int: Int16] = [:]
    private let useColor: Bool
    private var restored = false

    /// Whether $TERM's terminal can place the cursor, which the explorer needs; asked before
    /// curses starts, so a terminal that cannot (`TERM=dumb`, an unknown TERM) is not touched.
    public static func terminalCanAddressCursor() -> Bool { rp_terminal_can_address() != 0 }

    /// Starts curses. `mouse` enables wheel and click reports.
    public init(mouse: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) {
        setlocale(LC_ALL, "")
        let utf8 = rp_is_utf8() != 0
        // Escape alone should feel instant; 25 ms still joins the bytes of an arrow key.
        setenv("ESCDELAY", "25", 0)
        rp_install_atexit()
        initscr()
        rp_install_signal_handlers()
        raw()
        noecho()
        nonl()
        keypad(rp_stdscr(), true)
        intrflush(rp_stdscr(), false)
        set_escdelay(25)
        curs_set(0)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        var color = false
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            color = true
        }
        useColor = color
        if mouse {
            mousemask(rp_mouse_mask(), nil)
            mouseinterval(0)
        }
        size = Size(width: Int(rp_cols()), height: Int(rp_lines()))
        glyphs = utf8 ? .unicode : .ascii
        capabilities = TerminalCapabilities(utf8: utf8, colors: color, size: size)
        erase()
        refresh()
    }

    deinit { restore() }

    public func restore() {
        guard !restored else { return }
        restored = true
        curs_set(1)
        endwin()
    }

    static func colorCode(_ c: Color) -> Int16 {
        switch c {
        case .default: -1
        case .black: Int16(COLOR_BLACK)
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .blue: Int16(COLOR_BLUE)
        case .magenta: Int16(COLOR_MAGENTA)
        case .cyan: Int16(COLOR_CYAN)
        case .white: Int16(COLOR_WHITE)
        }
    }

    private func pair(_ s: Style) -> Int16 {
        guard useColor, s.fg != .default || s.bg != .default else { return 0 }
        let key = Int(Self.colorCode(s.fg) + 1) * 16 + Int(Self.colorCode(s.bg) + 1)
        if let p = pairs[key] { return p }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < rp_color_pairs() else { return 0 }
        init_pair(next, Self.colorCode(s.fg), Self.colorCode(s.bg))
        pairs[key] = next
        return next
    }

    private func attributes(_ s: Style) -> attr_t {
        var a = rp_a_normal()
        if s.bold { a |= rp_a_bold() }
        if s.underline { a |= rp_a_underline() }
        if s.reverse { a |= rp_a_reverse() }
        if s.dim { a |= rp_a_dim() }
        // Without colour, coloured emphasis falls back to bold so it still stands out.
        if !useColor && s.fg != .default && !s.reverse { a |= rp_a_bold() }
        return a
    }

    public func draw(_ buffer: CellBuffer, previous: CellBuffer?, cursor: Point?) {
        let full = previous == nil || previous!.size != buffer.size
        if full { erase() }
        var wide: [wchar_t] = []
        for change in buffer.changes(from: full ? nil : previous) {
            var x = change.x
            var i = change.cells.startIndex
            while i < change.cells.endIndex {
                // One styled run at a time.
                let style = change.cells[i].style
                wide.removeAll(keepingCapacity: true)
                var cells = 0
                while i < change.cells.endIndex, change.cells[i].style == style {
                    let c = change.cells[i]
                    if !c.isContinuation {
                        for u in c.text.unicodeScalars { wide.append(wchar_t(bitPattern: u.value)) }
                    }
                    cells += 1
                    i += 1
                }
                // The bottom-right cell would scroll some terminals: skip it.
                if change.y == buffer.size.height - 1 && x + cells >= buffer.size.width {
                    while !wide.isEmpty && cells > 0 && x + cells >= buffer.size.width {
                        wide.removeLast()
                        cells -= 1
                    }
                }
                rp_set_style(attributes(style), pair(style))
                rp_move(Int32(change.y), Int32(x))
                wide.withUnsafeBufferPointer { p in _ = rp_addnwstr(p.baseAddress, Int32(p.count)) }
                x += cells
            }
        }
        rp_set_style(rp_a_normal(), 0)
        if let cursor {
            curs_set(1)
            rp_move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
    }

    public func readEvent(timeoutMs: Int) -> InputEvent? {
        rp_timeout(Int32(timeoutMs))
        var ch: wint_t = 0
        let rc = rp_get_wch(&ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_RESIZE:
                size = Size(width: Int(rp_cols()), height: Int(rp_lines()))
                return .resize(size)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_BTAB: return .key(.backTab)
            case KEY_ENTER: return .key(.enter)
            case KEY_MOUSE:
                var ev = MEVENT()
                guard getmouse(&ev) == OK else { return nil }
                let p = Point(x: Int(ev.x), y: Int(ev.y))
                if rp_mouse_is_wheel_up(ev.bstate) != 0 { return .mouse(.wheelUp(p)) }
                if rp_mouse_is_wheel_down(ev.bstate) != 0 { return .mouse(.wheelDown(p)) }
                if rp_mouse_is_click(ev.bstate) != 0 { return .mouse(.click(p)) }
                return nil
            default:
                for n in 1...12 where Int32(ch) == rp_key_f(Int32(n)) { return .key(.function(n)) }
                return nil
            }
        }
        switch ch {
        case 0x0D, 0x0A: return .key(.enter)
        case 0x1B: return .key(.escape)
        case 0x09: return .key(.tab)
        case 0x7F, 0x08: return .key(.backspace)
        case 0x1A:
            suspend()
            return .resize(size) // Ctrl-Z: stop like any shell job, redraw on return
        case 0x01...0x1F: return .key(.ctrl(Character(Unicode.Scalar(UInt8(ch) + 0x60))))
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .key(.char(Character(u)))
        }
    }

    /// Hands the terminal back to the shell while stopped, and takes it again on `fg`.
    public func suspend() {
        endwin()
        kill(getpid(), SIGSTOP)
        // Resumed: curses restores program mode on the next refresh.
        refresh()
        size = Size(width: Int(rp_cols()), height: Int(rp_lines()))
        clearok(rp_stdscr(), true)
    }
}
