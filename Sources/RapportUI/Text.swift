import Foundation

/// Terminal display width of text, by the rules glibc's `wcwidth` uses (ncurses places
/// characters by it): East Asian wide and fullwidth characters take two cells; combining
/// marks, format characters and medial jamo none. The ranges are generated from the Unicode
/// Character Database (`WidthTable.swift`, `scripts/gen-width-table.py`).
public enum TextWidth {
    /// Cells one scalar takes: 0, 1 or 2.
    public static func of(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x300 { return 1 }
        if contains(WidthTable.zero, v) { return 0 }
        return contains(WidthTable.wide, v) ? 2 : 1
    }

    /// Binary search over sorted, disjoint ranges.
    static func contains(_ ranges: [ClosedRange<UInt32>], _ v: UInt32) -> Bool {
        var lo = 0
        var hi = ranges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if v < ranges[mid].lowerBound {
                hi = mid - 1
            } else if v > ranges[mid].upperBound {
                lo = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Cells a grapheme takes: its first scalar decides, unless an emoji presentation selector makes it wide.
    public static func of(_ c: Character) -> Int {
        var scalars = c.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0 }
        var w = of(first)
        for s in c.unicodeScalars.dropFirst() where s.value == 0xFE0F { w = 2 }
        return w
    }

    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }
}

/// Makes text from the data safe to draw: control characters (C0, C1, DEL, ESC) and
/// bidirectional overrides become a visible replacement; tabs and newlines become spaces.
/// Every string written into a `CellBuffer` passes through here, so no screen can forget.
public enum Sanitizer {
    public static func isUnsafe(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029
    }

    public static func clean(_ s: String, ascii: Bool = false) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value == 0x09 || u.value == 0x0A || u.value == 0x0D {
                out.append(" ")
                continue
            }
            if isUnsafe(u.value) {
                out.append(ascii ? "?" : "\u{FFFD}")
                continue
            }
            if ascii && u.value >= 0x80 {
                // One '?' per cell keeps alignment the same as the UTF-8 rendering would.
                let w = TextWidth.of(u)
                for _ in 0..<w { out.append("?") }
                continue
            }
            out.append(u)
        }
        return String(out)
    }

    /// Truncates to `width` cells, ending with an ellipsis when something was cut. The cut falls
    /// at the end of a word when one ends in the last third of the room (so "Kind of Blue
    /// Reissue" in 10 cells is "Kind of…", never "Kind of B…"); a single long word, or text
    /// without spaces, is cut where the room ends. Spaces and punctuation before the ellipsis go.
    public static func truncate(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if TextWidth.of(s) <= width { return s }
        let ew = TextWidth.of(ellipsis)
        let room = width - ew
        var out: [Character] = []
        var used = 0
        var lastBreak: (index: Int, width: Int)?
        for c in s {
            let w = TextWidth.of(c)
            if used + w > room {
                // The next character continues the word being cut: back up to the word's start.
                if !c.isWhitespace, let b = lastBreak, b.width * 3 >= room * 2 { out.removeSubrange(b.index...) }
                break
            }
            if c.isWhitespace { lastBreak = (out.count, used) }
            out.append(c)
            used += w
        }
        while let last = out.last, last.isWhitespace || ",;:-–—".contains(last) { out.removeLast() }
        return String(out) + ellipsis
    }

    /// Truncates keeping the last word when it is short: "Kind of Blue Reissue Mini" in 18
    /// cells is "Kind of Blue… Mini", so variants of one product that differ at the end stay
    /// apart in a narrow column.
    public static func truncateKeepingEnd(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard TextWidth.of(s) > width else { return s }
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.lastIndex(of: " ") else { return truncate(s, to: width, ellipsis: ellipsis) }
        let last = String(trimmed[trimmed.index(after: space)...])
        let lw = TextWidth.of(last)
        guard lw > 0, lw * 2 <= width, width - lw - 1 > TextWidth.of(ellipsis) else {
            return truncate(s, to: width, ellipsis: ellipsis)
        }
        return truncate(String(trimmed[..<space]), to: width - lw - 1, ellipsis: ellipsis) + " " + last
    }

    /// Pads (or truncates) to exactly `width` cells.
    public static func fit(_ s: String, _ width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        let t = truncate(s, to: width, ellipsis: ellipsis)
        let pad = String(repeating: " ", count: max(0, width - TextWidth.of(t)))
        return alignRight ? pad + t : t + pad
    }
}

/// Word wrapping by display width, for text too long for one row.
public enum TextWrap {
    /// Lines of at most `width` cells, broken at spaces; a word longer than a line is cut.
    public static func lines(_ s: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        var line = ""
        var used = 0
        for word in s.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var w = word
            var ww = TextWidth.of(w)
            if used > 0, used + 1 + ww <= width {
                line += " " + w
                used += 1 + ww
                continue
            }
            if used > 0 { out.append(line) }
            while ww > width {
                var head = ""
                var hw = 0
                for c in w {
                    let cw = TextWidth.of(c)
                    // A character wider than the whole line still goes on a line of its own.
                    if hw + cw > width, !head.isEmpty { break }
                    head.append(c)
                    hw += cw
                }
                out.append(head)
                w = String(w.dropFirst(head.count))
                ww = TextWidth.of(w)
            }
            line = w
            used = ww
        }
        if used > 0 { out.append(line) }
        return out
    }
}

/// Drawing characters with an ASCII fallback for terminals without UTF-8.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    public var ellipsis: String
    public var barFull: String
    /// Partial bar blocks from 1/8 to 7/8 (ASCII: none).
    public var barEighths: [String]
    public var barEmpty: String
    public var spark: [String]
    public var check, cross, arrowUp, arrowDown, bullet, gift: String
    public var replacement: String
    public var isASCII: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
        bottomRight: "┘", ellipsis: "…", barFull: "█",
        barEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], barEmpty: "·",
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        check: "✓", cross: "✗", arrowUp: "▲", arrowDown: "▼", bullet: "•", gift: "gift",
        replacement: "\u{FFFD}", isASCII: false)
    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
        bottomRight: "+", ellipsis: "~", barFull: "#", barEighths: [], barEmpty: ".",
        spark: ["_", ".", "-", "=", "+", "*", "#", "@"],
        check: "y", cross: "n", arrowUp: "^", arrowDown: "v", bullet: "*", gift: "gift",
        replacement: "?", isASCII: true)
}
