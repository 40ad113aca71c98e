import Foundation
import Testing
@testable import RapportEngine

@Suite("Rules from hostile hands")
struct RuleFuzzTests {
    struct Ctx: RuleContext {
        func field(_ name: String) -> RuleValue { name.hasPrefix("consent") ? .bool(true) : .number(3) }
        func call(_ function: String, _ argument: String) -> RuleValue { .number(0.5) }
    }

    static let deep = "nested more than 64 levels deep (parentheses or 'not'); simplify the rule"

    @Test func deepParenthesesAreAnErrorNamingTheColumn() throws {
        let n = 20_000
        let text = String(repeating: "(", count: n) + "orders > 1" + String(repeating: ")", count: n)
        #expect(throws: RuleError(column: 65, message: Self.deep)) { try Rule(parsing: text) }
        let nots = String(repeating: "not ", count: n) + "consent.email"
        #expect(throws: RuleError(column: 257, message: Self.deep)) { try Rule(parsing: nots) }
        // 64 levels are still a rule.
        let ok = String(repeating: "(", count: 64) + "orders > 1" + String(repeating: ")", count: 64)
        #expect(try Rule(parsing: ok).matches(Ctx()))
    }

    @Test func longChainsStayShallow() throws {
        let chain = Array(repeating: "orders > 1", count: 20_000).joined(separator: " and ")
        let rule = try Rule(parsing: chain)
        #expect(rule.matches(Ctx()))
        #expect(try !Rule(parsing: chain + " and orders > 5").matches(Ctx()))
        #expect(try Rule(parsing: "orders > 5 or " + chain).matches(Ctx()))
        #expect(height(rule.expr) <= 20)
    }

    func height(_ e: RuleExpr) -> Int {
        switch e {
        case .not(let a): 1 + height(a)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b): 1 + max(height(a), height(b))
        default: 1
        }
    }

    static let seeds = [
        #"recency_days < 60 and affinity("Coffee") > 0.3 and consent.email"#,
        #"segment in ["champions", "loyal customers"] or not (orders >= 2 and spend > 100.5)"#,
        #"likes("Jazz") == true and (country == "NO" or city != "Oslo") and not dislikes("Rock")"#,
        "((r >= 4) and (f >= 4)) or m == 5"
    ]

    /// Mutated rules either parse and evaluate, or fail with a column inside the text.
    @Test func randomlyMutatedRulesNeverCrash() {
        var rng = SeededRandom(state: 0x5EED_0011)
        let pieces = [
            "(", ")", "\"", "[", "]", ",", "not ", " and ", " or ", "==", "\u{0}", "\n", "é", "1e309",
            String(repeating: "(", count: 200), String(repeating: "not ", count: 100), "\\"
        ]
        var parsed = 0
        for _ in 0..<3_000 {
            var chars = Array(Self.seeds.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                mutate(&chars, pieces, &rng)
            }
            let text = String(chars)
            do {
                let rule = try Rule(parsing: text)
                _ = rule.matches(Ctx())
                _ = rule.functionsUsed
                parsed += 1
            } catch {
                #expect((1...(text.count + 1)).contains(error.column), "\(error) for \(text.debugDescription)")
                #expect(!error.message.isEmpty)
            }
        }
        // The mutations must leave some rules valid, or the evaluation above is never reached.
        #expect(parsed > 100)
    }

    func mutate(_ chars: inout [Character], _ pieces: [String], _ rng: inout SeededRandom) {
        let at = Int.random(in: 0...chars.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: chars.insert(contentsOf: pieces.randomElement(using: &rng)!, at: at)
        case 1: if at < chars.count { chars.remove(at: at) }
        case 2: chars = Array(chars[..<at])
        default:
            let end = min(chars.count, at + Int.random(in: 1...12, using: &rng))
            chars.insert(contentsOf: chars[at..<end], at: at)
        }
    }
}
