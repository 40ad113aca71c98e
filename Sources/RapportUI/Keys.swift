/// A key press, decoded by the backend.
public enum Key: Sendable, Equatable, Hashable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, pageUp, pageDown, home, end
    case function(Int)

    /// The name used in help, docs and the config file.
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "C-\(c)"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .function(let n): "F\(n)"
        }
    }

    /// Parses a key name: a single character, `C-x`, `S-Tab`, `Enter`, `Esc`, `Up`, `PgDn`, `F5`…
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "enter", "return", "ret": self = .enter
        case "esc", "escape": self = .escape
        case "tab": self = .tab
        case "s-tab", "backtab", "shift-tab": self = .backTab
        case "backspace", "bs": self = .backspace
        case "delete", "del": self = .delete
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        case "home": self = .home
        case "end": self = .end
        case "space": self = .char(" ")
        default:
            if name.count == 1, let c = name.first {
                self = .char(c)
                return
            }
            if lower.hasPrefix("c-"), name.count == 3, let c = lower.last {
                self = .ctrl(c)
                return
            }
            if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) {
                self = .function(n)
                return
            }
            return nil
        }
    }
}

public enum MouseEvent: Sendable, Equatable {
    case wheelUp(Point), wheelDown(Point), click(Point)
}

/// What the backend reports.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)
}
