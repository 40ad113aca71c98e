/// The eight ANSI colours plus the terminal's default.
public enum Color: String, Sendable, Equatable, Hashable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn. Colours are dropped on monochrome terminals and with NO_COLOR;
/// bold, underline and reverse still carry meaning there.
public struct Style: Sendable, Equatable, Hashable {
    public var fg: Color = .default
    public var bg: Color = .default
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false

    public init(
        fg: Color = .default, bg: Color = .default, bold: Bool = false, underline: Bool = false,
        reverse: Bool = false, dim: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let reverse = Style(reverse: true)
    public static let dim = Style(dim: true)
}

/// Named roles the app styles by, so a theme (and the config file) can change them in one place.
public struct Theme: Sendable, Equatable {
    public var accent: Color = .cyan
    public var warning: Color = .yellow
    public var danger: Color = .red
    public var good: Color = .green
    public init() {}

    public var title: Style { Style(fg: accent, bold: true) }
    public var header: Style { Style(bold: true, underline: true) }
    public var selected: Style { Style(reverse: true) }
    public var muted: Style { Style(dim: true) }
    public var focusedBorder: Style { Style(fg: accent, bold: true) }
    public var status: Style { Style(reverse: true) }
    public var error: Style { Style(fg: danger, bold: true) }
    public var ok: Style { Style(fg: good) }
    public var warn: Style { Style(fg: warning) }
}
