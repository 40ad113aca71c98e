import RapportUI

/// Text for people on a terminal: every line passes through the UI kit's sanitiser, so no
/// control character or escape sequence from the data reaches the terminal (JSON output
/// escapes them instead).
enum Printable {
    static func safe(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { Sanitizer.clean(String($0)) }.joined(
            separator: "\n")
    }

    /// Display width in terminal cells.
    static func width(_ s: String) -> Int { TextWidth.of(s) }
}
