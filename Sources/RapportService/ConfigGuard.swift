/// Input the TOML parser (toml++ through TOMLKit) does not survive: a table header whose name
/// starts with a character that cannot start a key (`[}a]`, `[ =x]`) trips an assertion and
/// aborts the process, so every command would die on such a config file. Found by the seeded
/// config fuzz test; refused here with the file, line and column instead.
enum ConfigGuard {
    static func check(_ text: String, path: String) throws {
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var chars = Array(line.unicodeScalars)
            if n == 0, chars.first == "\u{FEFF}" { chars.removeFirst() }
            var i = 0
            func skipBlanks() { while i < chars.count && (chars[i] == " " || chars[i] == "\t") { i += 1 } }
            skipBlanks()
            guard i < chars.count, chars[i] == "[" else { continue }
            i += 1
            if i < chars.count && chars[i] == "[" { i += 1 }
            skipBlanks()
            // The name must be on the header's line: toml++ does not expect a line break here either.
            let c: Unicode.Scalar = i < chars.count ? chars[i] : "\n"
            let startsKey =
                c == "]" || c == "\"" || c == "'" || c == "_" || c == "-"
                || (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)))
            if !startsKey {
                throw ConfigError(
                    "\(path):\(n + 1):\(i + 1): a table name must start with a letter, digit, '_', '-' or a quote")
            }
        }
    }
}
