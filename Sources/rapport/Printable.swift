import RapportUI

/// Text for people on a terminal: every line passes through the UI kit's sanitiser, so no
/// control character or escape sequence from the data reaches the terminal (JSON output
/// escapes them instead).
enum Printable {
    /// One line of output: a newline inside a field (a name, a note) becomes a space, so data
    /// can never forge extra lines, and controls become a visible replacement.
    static func safe(_ s: String) -> String { Sanitizer.clean(s) }

    /// JSON text with every control and direction override that Foundation leaves raw (DEL,
    /// C1, bidi marks and isolates, line and paragraph separators) written as a `\u` escape.
    /// They can only occur inside strings, so escaping them never changes the JSON's meaning.
    static func escapedJSON(_ json: String) -> String {
        // Every character escaped here is at or above U+007F: plain ASCII passes as it is.
        if !json.utf8.contains(where: { $0 >= 0x7F }) { return json }
        var out = String.UnicodeScalarView()
        for u in json.unicodeScalars {
            if needsEscape(u.value) {
                out.append(contentsOf: String(format: "\\u%04x", u.value).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    static func needsEscape(_ v: UInt32) -> Bool {
        v == 0x7F || (0x80...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
            || (0x2028...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// Display width in terminal cells.
    static func width(_ s: String) -> Int { TextWidth.of(s) }
}
