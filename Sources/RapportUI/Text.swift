/// Terminal display width of text, computed from Unicode properties: East Asian wide and
/// fullwidth characters and emoji take two cells; combining marks and zero-width joiners none.
public enum TextWidth {
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF,
        0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD
    ]

    static func isZeroWidth(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x1AB0...0x1AFF).contains(v) || (0x1DC0...0x1DFF).contains(v)
            || (0x20D0...0x20FF).contains(v) || (0xFE00...0xFE0F).contains(v) || (0xFE20...0xFE2F).contains(v)
            || v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || (0xE0100...0xE01EF).contains(v)
    }

    /// Cells one scalar takes: 0, 1 or 2.
    public static func of(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x300 { return 1 }
        if isZeroWidth(v) { return 0 }
        // Binary search over the sorted wide ranges.
        var lo = 0, hi = wide.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if v < wide[mid].lowerBound {
                hi = mid - 1
            } else if v > wide[mid].upperBound {
                lo = mid + 1
            } else {
                return 2
            }
        }
        return 1
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
            || v == 0x200E || v == 0x200F || v == 0x061C
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

    /// Truncates to `width` cells, ending with an ellipsis when something was cut.
    public static func truncate(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if TextWidth.of(s) <= width { return s }
        let ew = TextWidth.of(ellipsis)
        var out = ""
        var used = 0
        for c in s {
            let w = TextWidth.of(c)
            if used + w > width - ew { break }
            out.append(c)
            used += w
        }
        return out + ellipsis
    }

    /// Pads (or truncates) to exactly `width` cells.
    public static func fit(_ s: String, _ width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        let t = truncate(s, to: width, ellipsis: ellipsis)
        let pad = String(repeating: " ", count: max(0, width - TextWidth.of(t)))
        return alignRight ? pad + t : t + pad
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
