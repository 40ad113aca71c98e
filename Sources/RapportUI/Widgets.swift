/// What every widget draws with: the glyph set (Unicode or ASCII) and the theme's styles.
/// Passed to `render` instead of threading `glyphs:` and `theme:` through every call.
public struct RenderContext: Sendable {
    public var glyphs: Glyphs
    public var theme: Theme

    public init(glyphs: Glyphs, theme: Theme) {
        self.glyphs = glyphs
        self.theme = theme
    }
}

/// A widget is a configured value that draws into an area of a `CellBuffer`; none of them
/// knows about terminals.
public protocol Widget {
    /// Draws into `area`; returns the area left for content (inside a border, for example).
    @discardableResult
    func render(_ area: Rect, into buffer: inout CellBuffer, _ context: RenderContext) -> Rect
}

/// A border with a title, highlighted when focused.
public struct Block: Widget {
    public var title: String
    public var focused: Bool

    public init(title: String = "", focused: Bool = false) {
        self.title = title
        self.focused = focused
    }

    @discardableResult
    public func render(_ r: Rect, into b: inout CellBuffer, _ context: RenderContext) -> Rect {
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let glyphs = context.glyphs
        let style = focused ? context.theme.focusedBorder : context.theme.muted
        let h = String(repeating: glyphs.horizontal, count: r.width - 2)
        b.write(glyphs.topLeft + h + glyphs.topRight, x: r.x, y: r.y, style: style)
        b.write(glyphs.bottomLeft + h + glyphs.bottomRight, x: r.x, y: r.maxY - 1, style: style)
        for y in (r.y + 1)..<(r.maxY - 1) {
            b.write(glyphs.vertical, x: r.x, y: y, style: style)
            b.write(glyphs.vertical, x: r.maxX - 1, y: y, style: style)
        }
        if !title.isEmpty && r.width > 4 {
            b.write(
                " \(title) ", x: r.x + 1, y: r.y, width: min(r.width - 2, TextWidth.of(title) + 2),
                style: focused ? context.theme.title : Style(bold: true), glyphs: glyphs)
        }
        return r.inset(1)
    }
}

/// A column of a table.
public struct Column: Sendable {
    public var title: String
    public var width: Int
    public var flex: Bool
    public var alignRight: Bool
    public init(_ title: String, width: Int, flex: Bool = false, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.flex = flex
        self.alignRight = alignRight
    }
}

/// A virtualised table: it asks for the rows it shows and nothing else.
public enum Table {
    /// Widths for the columns in `width` cells (one space between columns); flexible
    /// columns share what is left, columns that do not fit are dropped from the right.
    public static func layout(_ columns: [Column], width: Int) -> [Int] {
        var widths = columns.map(\.width)
        var total = widths.reduce(0, +) + max(0, columns.count - 1)
        while total > width, let last = widths.lastIndex(where: { $0 > 0 }), last > 0 {
            total -= widths[last] + 1
            widths[last] = 0
        }
        let flex = columns.indices.filter { columns[$0].flex && widths[$0] > 0 }
        if total < width, !flex.isEmpty {
            let extra = width - total
            for (n, i) in flex.enumerated() { widths[i] += extra / flex.count + (n < extra % flex.count ? 1 : 0) }
        }
        return widths
    }

    /// Keeps `selected` visible: the new first visible row.
    public static func scroll(offset: Int, selected: Int, height: Int, count: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var o = offset
        if selected < o { o = selected }
        if selected >= o + height { o = selected - height + 1 }
        return max(0, min(o, max(0, count - height)))
    }

    public static func draw(
        _ b: inout CellBuffer, _ r: Rect, columns: [Column], count: Int, offset: Int,
        selected: Int?, glyphs: Glyphs, theme: Theme, focused: Bool = true,
        row: (Int) -> [String]?
    ) {
        guard r.height > 0 else { return }
        let widths = layout(columns, width: r.width)
        var x = r.x
        for (i, c) in columns.enumerated() where widths[i] > 0 {
            b.write(
                c.title, x: x, y: r.y, width: widths[i], style: theme.header, alignRight: c.alignRight, glyphs: glyphs)
            x += widths[i] + 1
        }
        let visible = r.height - 1
        for line in 0..<visible {
            let index = offset + line
            guard index < count else { break }
            let y = r.y + 1 + line
            let isSelected = index == selected
            let style = isSelected ? (focused ? theme.selected : Style(underline: true)) : Style.plain
            if isSelected { b.fill(Rect(x: r.x, y: y, width: r.width, height: 1), Cell(" ", style: style)) }
            guard let values = row(index) else {
                b.write("…", x: r.x, y: y, style: theme.muted)
                continue
            }
            var cx = r.x
            for (i, c) in columns.enumerated() where widths[i] > 0 {
                b.write(
                    i < values.count ? values[i] : "", x: cx, y: y, width: widths[i], style: style,
                    alignRight: c.alignRight, glyphs: glyphs)
                if i < columns.count - 1 && cx + widths[i] < r.maxX {
                    b.write(" ", x: cx + widths[i], y: y, style: style)
                }
                cx += widths[i] + 1
            }
        }
    }
}

public enum Bar {
    /// A horizontal bar of `value` in 0...1 over `width` cells, with eighth blocks (or '#').
    public static func render(_ value: Double, width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let v = max(0, min(1, value.isFinite ? value : 0))
        let eighths = Int((v * Double(width * 8)).rounded())
        var s = String(repeating: glyphs.barFull, count: eighths / 8)
        let rest = eighths % 8
        if rest > 0 {
            if glyphs.barEighths.isEmpty {
                if rest >= 4 { s += glyphs.barFull }
            } else {
                s += glyphs.barEighths[rest - 1]
            }
        }
        let used = TextWidth.of(s)
        return s + String(repeating: glyphs.barEmpty, count: max(0, width - used))
    }
}

public enum Sparkline {
    /// One glyph per value, scaled to the largest; at most `width` values (the latest).
    public static func render(_ values: [Double], width: Int, glyphs: Glyphs) -> String {
        let vs = Array(values.suffix(width))
        let top = vs.max() ?? 0
        guard top > 0 else { return String(repeating: glyphs.spark[0], count: vs.count) }
        return vs.map { v in glyphs.spark[max(0, min(7, Int((max(0, v) / top * 7).rounded())))] }.joined()
    }
}

/// A one-line text input with a cursor (measured in characters).
/// What an editing key does to a text field. The raw values are the action ids of a keymap's
/// `text` table.
public enum TextEdit: String, CaseIterable, Sendable {
    case left = "cursor_left", right = "cursor_right", home = "line_start", end = "line_end"
    case backspace = "delete_back", delete = "delete_forward", deleteToStart = "delete_to_start"
    case deleteToEnd = "delete_to_end", deleteWord = "delete_word"
}

public struct TextField: Sendable, Equatable {
    public var text: String
    public var cursor: Int
    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    /// The editing keys a field takes when no keymap says otherwise (the explorer binds them in
    /// its keymap's `text` table, from these defaults).
    public static let defaultEdits: [(TextEdit, [Key])] = [
        (.left, [.left, .ctrl("b")]), (.right, [.right, .ctrl("f")]), (.home, [.home, .ctrl("a")]),
        (.end, [.end, .ctrl("e")]), (.backspace, [.backspace, .ctrl("h")]), (.delete, [.delete, .ctrl("d")]),
        (.deleteToStart, [.ctrl("u")]), (.deleteToEnd, [.ctrl("k")]), (.deleteWord, [.ctrl("w")])
    ]

    /// Applies an editing key with the default bindings; returns false if the key is not an editing key.
    public mutating func handle(_ key: Key) -> Bool {
        if case .char(let c) = key { return insert(c) }
        guard let edit = Self.defaultEdits.first(where: { $0.1.contains(key) })?.0 else { return false }
        apply(edit)
        return true
    }

    /// Types a character at the cursor; false for a character that is not safe to show.
    public mutating func insert(_ c: Character) -> Bool {
        guard !c.unicodeScalars.contains(where: { Sanitizer.isUnsafe($0.value) }) else { return false }
        var chars = Array(text)
        chars.insert(c, at: cursor)
        cursor += 1
        text = String(chars)
        return true
    }

    /// Applies one edit.
    public mutating func apply(_ edit: TextEdit) {
        var chars = Array(text)
        switch edit {
        case .backspace:
            if cursor > 0 {
                chars.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete:
            if cursor < chars.count { chars.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = chars.count
        case .deleteToStart:
            chars.removeFirst(cursor)
            cursor = 0
        case .deleteToEnd: chars.removeLast(chars.count - cursor)
        case .deleteWord:
            var i = cursor
            while i > 0 && chars[i - 1] == " " { i -= 1 }
            while i > 0 && chars[i - 1] != " " { i -= 1 }
            chars.removeSubrange(i..<cursor)
            cursor = i
        }
        text = String(chars)
    }

    /// Draws the field; returns the screen column of the cursor.
    @discardableResult
    public func draw(_ b: inout CellBuffer, x: Int, y: Int, width: Int, style: Style = .plain) -> Int {
        let before = String(text.prefix(cursor))
        let bw = TextWidth.of(before)
        // Scroll so the cursor stays visible.
        var shown = text
        var cursorX = bw
        if bw >= width {
            var drop = 0, w = bw
            for c in text {
                if w < width { break }
                w -= TextWidth.of(c)
                drop += 1
            }
            shown = String(text.dropFirst(drop))
            cursorX = w
        }
        b.write(Sanitizer.fit(shown, width), x: x, y: y, style: style, maxWidth: width)
        let cx = x + min(cursorX, width - 1)
        b.style(Rect(x: cx, y: y, width: 1, height: 1), Style(reverse: true))
        return cx
    }
}

/// A one-row bar: text on the left, and on the right (given up to half the width) a second text.
public struct StatusBar: Widget {
    public var left: String
    public var right: String
    public var style: Style

    public init(left: String, right: String = "", style: Style) {
        self.left = left
        self.right = right
        self.style = style
    }

    @discardableResult
    public func render(_ r: Rect, into b: inout CellBuffer, _ context: RenderContext) -> Rect {
        guard r.width > 0, r.height > 0 else { return r }
        let row = Rect(x: r.x, y: r.y, width: r.width, height: 1)
        b.fill(row, Cell(" ", style: style))
        let rw = min(TextWidth.of(Sanitizer.clean(right, ascii: b.ascii)), r.width / 2)
        b.write(left, x: r.x, y: r.y, width: max(0, r.width - rw - 1), style: style, glyphs: context.glyphs)
        if rw > 0 {
            b.write(
                right, x: r.maxX - rw, y: r.y, width: rw, style: style, alignRight: true, glyphs: context.glyphs)
        }
        return row
    }
}

/// A bordered box centred in the area, with body lines; `render` returns its inside, where
/// a caller may place text fields.
public struct Popup: Widget {
    public var title: String
    public var lines: [(String, Style)]
    public var width: Int

    public init(title: String, lines: [(String, Style)], width: Int) {
        self.title = title
        self.lines = lines
        self.width = width
    }

    @discardableResult
    public func render(_ area: Rect, into b: inout CellBuffer, _ context: RenderContext) -> Rect {
        let size = Size(width: min(width, area.width - 2), height: min(lines.count + 2, area.height - 2))
        let r = area.centered(size)
        b.fill(r)
        let inner = Block(title: title, focused: true).render(r, into: &b, context)
        for (i, line) in lines.enumerated() where i < inner.height {
            b.write(
                line.0, x: inner.x + 1, y: inner.y + i, width: max(0, inner.width - 2), style: line.1,
                glyphs: context.glyphs)
        }
        return inner
    }
}
