/// `rapport SUBCOMMAND --help` on an 80-column screen. ArgumentParser wraps the help text to
/// the terminal but prints the usage line whole, and with every shared option it ran to 200
/// columns. The generated usage is kept (it follows the options as they are) and only broken
/// between its elements, the continuation lines aligned after the command's name:
///
///     USAGE: rapport eval clv [--store <path|url>] [--analyst <name>] [--read-only]
///                             [--json] --calibration-end <calibration-end>
///                             --holdout-end <holdout-end> [--unit <unit>]
///                             [--per-customer <per-customer>]
enum UsageWrapping {
    static let width = 80

    /// `text` with every over-wide `USAGE: ` line wrapped; other lines as they are.
    static func wrap(_ text: String, width: Int = width) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("USAGE: "), line.count > width else { return String(line) }
            return wrapUsage(String(line), width: width)
        }.joined(separator: "\n")
    }

    /// One usage line broken between its elements: an element is a run without spaces outside
    /// brackets (`[--store <path|url>]`, `--holdout-end <holdout-end>`), and `...` stays with
    /// the element it repeats.
    static func wrapUsage(_ line: String, width: Int) -> String {
        var elements: [String] = []
        var current = ""
        var depth = 0
        for ch in line {
            switch ch {
            case "[", "<", "(": depth += 1
            case "]", ">", ")": depth = max(0, depth - 1)
            default: break
            }
            if ch == " " && depth == 0 {
                if !current.isEmpty { elements.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { elements.append(current) }
        var merged: [String] = []
        for e in elements {
            if e == "...", let last = merged.popLast() { merged.append(last + " ...") } else { merged.append(e) }
        }
        // "USAGE:" and the command's name ("rapport", "eval", "clv") come first, whole.
        let head = merged.prefix { !$0.hasPrefix("[") && !$0.hasPrefix("-") && !$0.hasPrefix("<") }
        var lines = [head.joined(separator: " ")]
        let indent = String(repeating: " ", count: min(lines[0].count + 1, width / 2))
        for e in merged.dropFirst(head.count) {
            if lines[lines.count - 1].count + 1 + e.count <= width {
                lines[lines.count - 1] += " " + e
            } else {
                lines.append(indent + e)
            }
        }
        return lines.joined(separator: "\n")
    }
}
