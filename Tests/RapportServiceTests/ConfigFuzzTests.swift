import Foundation
import RapportEngine
import Testing
@testable import RapportService

/// Valid config files mutated at random with fixed seeds: `Config.parse` either returns
/// settings within their documented ranges or throws a `ConfigError` naming the file, and
/// never crashes or hangs. Bounded by a case count and a time budget, so CI time is fixed.
@Suite("Mutated config files")
struct ConfigFuzzTests {
    static let seeds = [
        """
        [keys]
        down = ["j", "Down"]
        up = "k"
        [insights]
        tau_days = 90
        exploration_share = 0.1
        [colors]
        accent = "cyan"
        [import]
        keep_columns = ["loyalty_tier", "region"]
        [ui]
        mouse = false
        """,
        "[insights]\ntau_days = 30.5\n",
        "# only a comment\n[keys]\nquit = [\"q\", \"Ctrl-C\"]\n[ui]\nmouse = true\n",
        "[import]\nkeep_columns = []\n[colors]\nselection = \"blue\"\n"
    ]

    static let inserts: [String] = [
        "\"", "'", "[", "]", "[[", "]]", "{", "}", "=", "\n", "\r\n", "\0", "#", ",", ".", "\\", "\\u0000",
        "\u{1B}[2J", "\u{202E}", "\u{FEFF}", "1e400", "-0", "nan", "inf", "-inf", "0x7FFFFFFFFFFFFFFFFF", "true",
        "1979-05-27T07:32:00Z", "\"\"\"", "'''", "[keys]", "[insights]", "tau_days = ", "a.b.c = 1",
        String(repeating: "[", count: 2_000), String(repeating: "{a=", count: 500),
        String(repeating: "x", count: 70_000)
    ]

    /// One mutation: insert, delete, duplicate or swap a slice of the text.
    static func mutate(_ text: String, _ rng: inout SeededRandom) -> String {
        var s = Array(text.unicodeScalars)
        for _ in 0..<rng.int(1...4) {
            let at = s.isEmpty ? 0 : rng.index(s.count + 1)
            switch rng.int(0...3) {
            case 0: s.insert(contentsOf: rng.pick(inserts).unicodeScalars, at: at)
            case 1:
                guard !s.isEmpty, at < s.count else { continue }
                s.removeSubrange(at..<min(s.count, at + rng.int(1...20)))
            case 2:
                guard !s.isEmpty, at < s.count else { continue }
                let piece = s[at..<min(s.count, at + rng.int(1...40))]
                s.insert(contentsOf: piece, at: at)
            default:
                guard s.count > 1 else { continue }
                s.swapAt(rng.index(s.count), rng.index(s.count))
            }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: s)
        return String(out)
    }

    /// The two shapes the fuzz test found that abort the process inside toml++ (an assertion in
    /// `parse_key`): a table name starting with a character no key starts with, or none at all.
    @Test func tableHeadersTheTOMLParserCannotSurviveAreRefusedInWords() {
        for text in ["[}insights]\n", "[keys]\nup = \"k\"\n[ =x]\n", "[\ni]\n", "[[ {a]]\n", "\u{FEFF}[\u{3000}a]\n"] {
            #expect(throws: ConfigError.self, "\(text.debugDescription)") { try Config.parse(text, path: "c.toml") }
        }
        #expect((try? Config.parse("[ui]\nmouse = true\n[ \"keys\" ]\n[[x]]\n")) != nil)
    }

    @Test func mutatedConfigsParseWithinRangeOrFailNamingTheFile() throws {
        var rng = SeededRandom(seed: 20_261_123)
        let budget = Date().addingTimeInterval(20)
        var tried = 0
        var accepted = 0
        var refused = 0
        var unexpected: [String] = []
        while tried < 5_000 && Date() < budget {
            let text = Self.mutate(rng.pick(Self.seeds), &rng)
            tried += 1
            do {
                let c = try Config.parse(text, path: "fuzz.toml")
                accepted += 1
                if !(c.tauDays > 0 && c.tauDays.isFinite) || !(0...0.5).contains(c.explorationShare) {
                    unexpected.append("out of range: tau \(c.tauDays), share \(c.explorationShare)")
                }
            } catch let e as ConfigError {
                refused += 1
                if !e.description.hasPrefix("fuzz.toml") { unexpected.append("no file name: \(e.description)") }
            } catch {
                unexpected.append("\(type(of: error)): \(error)")
            }
        }
        print("config fuzz: \(tried) cases, \(accepted) accepted, \(refused) refused, \(unexpected.count) failures")
        #expect(tried >= 500, "too few cases in the time budget")
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
    }
}
