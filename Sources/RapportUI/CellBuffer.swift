/// One terminal cell: a grapheme and its style. A wide grapheme occupies its cell and the
/// next, which holds a continuation (empty text) so widths never drift.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var style: Style
    public var isContinuation: Bool { text.isEmpty }

    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }
    public static let blank = Cell()
}

/// A grid of cells that views render into. It never touches a terminal: backends draw it,
/// and tests read it back with `lines()`.
public struct CellBuffer: Sendable, Equatable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]
    /// ASCII-only rendering: non-ASCII text becomes '?' per cell.
    public var ascii: Bool

    public init(size: Size, ascii: Bool = false) {
        self.size = size
        self.ascii = ascii
        cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    public mutating func resize(_ s: Size) {
        size = s
        cells = Array(repeating: .blank, count: max(0, s.width * s.height))
    }

    public mutating func clear() {
        for i in cells.indices { cells[i] = .blank }
    }

    public mutating func fill(_ r: Rect, _ cell: Cell = .blank) {
        let c = clip(r)
        guard !c.isEmpty else { return }
        for y in c.y..<c.maxY { for x in c.x..<c.maxX { self[x, y] = cell } }
    }

    /// Applies a style to existing cells (e.g. a selection highlight), keeping their text.
    public mutating func style(_ r: Rect, _ style: Style) {
        let c = clip(r)
        guard !c.isEmpty else { return }
        for y in c.y..<c.maxY { for x in c.x..<c.maxX { cells[y * size.width + x].style = style } }
    }

    func clip(_ r: Rect) -> Rect {
        let x0 = max(0, r.x), y0 = max(0, r.y)
        let x1 = min(size.width, r.maxX), y1 = min(size.height, r.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Writes text at (x, y), sanitised, clipped to `maxWidth` cells and the buffer's edge.
    /// Returns the number of cells written. A wide character that does not fit becomes a space.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(size.width, x + (maxWidth ?? size.width))
        var col = x
        for ch in Sanitizer.clean(text, ascii: ascii) {
            let w = TextWidth.of(ch)
            if w == 0 {
                // Combining mark: attach to the previous cell.
                if col > x, col - 1 >= 0 { cells[y * size.width + col - 1].text.append(ch) }
                continue
            }
            if col + w > limit {
                if w == 2 && col < limit && col >= 0 {
                    self[col, y] = Cell(" ", style: style)
                    col += 1
                }
                break
            }
            if col >= 0 {
                // Overwriting half of a wide character: blank its other half.
                if self[col, y].isContinuation, col > 0 { self[col - 1, y] = Cell(" ", style: self[col - 1, y].style) }
                self[col, y] = Cell(String(ch), style: style)
                if w == 2 {
                    self[col + 1, y] = Cell("", style: style)
                } else if col + 1 < size.width, self[col + 1, y].isContinuation {
                    self[col + 1, y] = Cell(" ", style: style)
                }
            }
            col += w
        }
        return col - x
    }

    /// Writes text padded or truncated (with an ellipsis) to exactly `width` cells.
    public mutating func write(
        _ text: String, x: Int, y: Int, width: Int, style: Style = .plain,
        alignRight: Bool = false, glyphs: Glyphs = .unicode
    ) {
        let clean = Sanitizer.clean(text, ascii: ascii)
        write(
            Sanitizer.fit(clean, width, alignRight: alignRight, ellipsis: glyphs.ellipsis), x: x, y: y, style: style,
            maxWidth: width)
    }

    /// The text of each row, trailing spaces trimmed: what tests compare.
    public func lines() -> [String] {
        (0..<size.height).map { y in
            var s = ""
            for x in 0..<size.width { s += self[x, y].text }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
    }

    public var text: String { lines().joined(separator: "\n") }

    /// The style of every cell, one character a cell from `legend` ('?' for a style it lacks),
    /// so tests can assert styles (selection, focus, errors, dimming) over the whole screen.
    public func styleLines(_ legend: [Style: Character]) -> [String] {
        (0..<size.height).map { y in
            String((0..<size.width).map { x in legend[self[x, y].style] ?? "?" })
        }
    }

    /// The cells that differ from `expected`, one line each with text and style: the message
    /// a failing whole-buffer comparison shows.
    public func differences(from expected: CellBuffer) -> [String] {
        guard expected.size == size else { return ["size \(size) != expected \(expected.size)"] }
        var out: [String] = []
        for y in 0..<size.height {
            for x in 0..<size.width where self[x, y] != expected[x, y] {
                let (a, e) = (self[x, y], expected[x, y])
                out.append("(\(x),\(y)): '\(a.text)' \(a.style) != expected '\(e.text)' \(e.style)")
            }
        }
        return out
    }

    /// Runs of cells that differ from `old` (everything when sizes differ), for the backend.
    public func changes(from old: CellBuffer?) -> [(x: Int, y: Int, cells: ArraySlice<Cell>)] {
        var out: [(Int, Int, ArraySlice<Cell>)] = []
        let full = old == nil || old!.size != size
        for y in 0..<size.height {
            var x = 0
            let row = y * size.width
            while x < size.width {
                if !full && old!.cells[row + x] == cells[row + x] {
                    x += 1
                    continue
                }
                var start = x
                // A run never starts on a continuation cell: include its wide character.
                if start > 0 && cells[row + start].isContinuation { start -= 1 }
                var end = x + 1
                while end < size.width
                    && (full || old!.cells[row + end] != cells[row + end] || cells[row + end].isContinuation)
                { end += 1 }
                out.append((start, y, cells[(row + start)..<(row + end)]))
                x = end
            }
        }
        return out
    }
}
