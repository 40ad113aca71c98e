import Foundation

/// A small expression language for rule segments, e.g.
/// `recency_days < 60 and affinity("Coffee") > 0.3 and consent.email`.
///
///     rule       := or
///     or         := and ("or" and)*
///     and        := not ("and" not)*
///     not        := "not" not | comparison
///     comparison := value (("<" | "<=" | ">" | ">=" | "==" | "!=") value | "in" list)?
///     value      := number | string | "true" | "false" | field | call | "(" rule ")"
///     list       := "[" (value ("," value)*)? "]"
///     call       := name "(" string ")"          affinity("Coffee"), likes("Jazz"), dislikes("Rock")
///     field      := name ("." name)*             recency_days, consent.email, …
///
/// Strings use double quotes. Comparisons of a missing value are false.
public indirect enum RuleExpr: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case field(String)
    case call(String, String)
    case list([RuleExpr])
    case not(RuleExpr)
    case and(RuleExpr, RuleExpr)
    case or(RuleExpr, RuleExpr)
    case compare(String, RuleExpr, RuleExpr)
    case within(RuleExpr, [RuleExpr])
}

public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based column of the mistake.
    public var column: Int
    public var message: String
    public var description: String { "column \(column): \(message)" }
}

/// Values a rule can see for one customer.
public enum RuleValue: Sendable, Equatable {
    case number(Double), string(String), bool(Bool), missing
}

public protocol RuleContext {
    func field(_ name: String) -> RuleValue
    func call(_ function: String, _ argument: String) -> RuleValue
}

public struct Rule: Sendable, Equatable {
    public let text: String
    public let expr: RuleExpr

    public static let fields: [String: String] = [
        "recency_days": "days since the last purchase", "orders": "number of purchase days",
        "frequency": "same as orders", "spend": "total spend", "monetary": "same as spend",
        "r": "RFM recency score 1–5", "f": "RFM frequency score 1–5", "m": "RFM monetary score 1–5",
        "segment": "RFM segment name", "stage": "lifecycle stage", "p_alive": "probability still a customer",
        "expected_purchases_90d": "expected purchases in 90 days", "clv": "12-month lifetime value",
        "consent.personalization": "consent flag", "consent.email": "consent flag", "consent.sms": "consent flag",
        "consent.push": "consent flag", "country": "country", "city": "city", "age": "age in years",
        "stated_channel": "stated channel"
    ]
    public static let functions: [String: String] = [
        "affinity": "inferred affinity 0–1 for a category or brand", "likes": "stated like",
        "dislikes": "stated dislike"
    ]

    public init(parsing text: String) throws(RuleError) {
        self.text = text
        var p = RuleParser(text)
        expr = try p.parseRule()
    }

    /// Functions the rule calls (the caller computes only what is needed).
    public var functionsUsed: Set<String> {
        var out = Set<String>()
        func walk(_ e: RuleExpr) {
            switch e {
            case .call(let f, _): out.insert(f)
            case .list(let l): l.forEach(walk)
            case .not(let a): walk(a)
            case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b):
                walk(a)
                walk(b)
            case .within(let a, let l):
                walk(a)
                l.forEach(walk)
            default: break
            }
        }
        walk(expr)
        return out
    }

    public func matches(_ ctx: RuleContext) -> Bool {
        if case .bool(let b) = Self.eval(expr, ctx) { return b }
        return false
    }

    static func eval(_ e: RuleExpr, _ ctx: RuleContext) -> RuleValue {
        switch e {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .field(let f): return ctx.field(f)
        case .call(let f, let a): return ctx.call(f, a)
        case .list: return .missing
        case .not(let a):
            if case .bool(let b) = eval(a, ctx) { return .bool(!b) }
            return .bool(false)
        case .and(let a, let b):
            guard case .bool(true) = eval(a, ctx) else { return .bool(false) }
            if case .bool(true) = eval(b, ctx) { return .bool(true) }
            return .bool(false)
        case .or(let a, let b):
            if case .bool(true) = eval(a, ctx) { return .bool(true) }
            if case .bool(true) = eval(b, ctx) { return .bool(true) }
            return .bool(false)
        case .compare(let op, let a, let b):
            return .bool(compare(op, eval(a, ctx), eval(b, ctx)))
        case .within(let a, let list):
            let v = eval(a, ctx)
            return .bool(list.contains { compare("==", v, eval($0, ctx)) })
        }
    }

    static func compare(_ op: String, _ a: RuleValue, _ b: RuleValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            switch op {
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            case ">=": return x >= y
            case "==": return x == y
            default: return x != y
            }
        case (.string(let x), .string(let y)):
            let c = x.caseInsensitiveCompare(y)
            switch op {
            case "==": return c == .orderedSame
            case "!=": return c != .orderedSame
            case "<": return c == .orderedAscending
            case ">": return c == .orderedDescending
            case "<=": return c != .orderedDescending
            default: return c != .orderedAscending
            }
        case (.bool(let x), .bool(let y)):
            return op == "==" ? x == y : op == "!=" ? x != y : false
        default:
            return false
        }
    }
}

struct RuleParser {
    enum Token: Equatable {
        case number(Double), string(String), name(String), symbol(String), end
    }

    let chars: [Character]
    var tokens: [(Token, Int)] = []
    var index = 0
    /// Parentheses and `not`s open around the current position. Each level is a few stack
    /// frames here and in evaluation, so a hostile rule could otherwise overflow the stack.
    var depth = 0
    static let maxDepth = 64

    init(_ text: String) { chars = Array(text) }

    mutating func lex() throws(RuleError) {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let col = i + 1
            if c.isWhitespace {
                i += 1
                continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                guard let v = Double(String(chars[i..<j])) else {
                    throw RuleError(column: col, message: "'\(String(chars[i..<j]))' is not a number")
                }
                tokens.append((.number(v), col))
                i = j
                continue
            }
            if c == "\"" {
                var j = i + 1
                var s = ""
                while j < chars.count, chars[j] != "\"" {
                    if chars[j] == "\\", j + 1 < chars.count { j += 1 }
                    s.append(chars[j])
                    j += 1
                }
                guard j < chars.count else {
                    throw RuleError(column: col, message: "string is never closed (missing \")")
                }
                tokens.append((.string(s), col))
                i = j + 1
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." {
                    j += 1
                }
                tokens.append((.name(String(chars[i..<j]).lowercased()), col))
                i = j
                continue
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            if ["<=", ">=", "==", "!="].contains(two) {
                tokens.append((.symbol(two), col))
                i += 2
                continue
            }
            if "<>()[],=".contains(c) {
                tokens.append((.symbol(c == "=" ? "==" : String(c)), col))
                i += 1
                continue
            }
            throw RuleError(column: col, message: "unexpected character '\(c)'")
        }
        tokens.append((.end, chars.count + 1))
    }

    var current: Token { tokens[index].0 }
    var column: Int { tokens[index].1 }

    mutating func parseRule() throws(RuleError) -> RuleExpr {
        try lex()
        if current == .end { throw RuleError(column: 1, message: "the rule is empty") }
        let e = try parseOr()
        guard current == .end else {
            throw RuleError(column: column, message: "expected 'and', 'or' or the end of the rule")
        }
        return e
    }

    mutating func parseOr() throws(RuleError) -> RuleExpr {
        var terms = [try parseAnd()]
        while current == .name("or") {
            index += 1
            terms.append(try parseAnd())
        }
        return Self.balanced(terms[...], RuleExpr.or)
    }

    mutating func parseAnd() throws(RuleError) -> RuleExpr {
        var terms = [try parseNot()]
        while current == .name("and") {
            index += 1
            terms.append(try parseNot())
        }
        return Self.balanced(terms[...], RuleExpr.and)
    }

    /// Joins a chain as a balanced tree: `and`/`or` are associative and evaluate left to right
    /// either way, and a thousand-term chain is then ten levels deep, not a thousand.
    static func balanced(_ terms: ArraySlice<RuleExpr>, _ join: (RuleExpr, RuleExpr) -> RuleExpr) -> RuleExpr {
        if terms.count == 1 { return terms[terms.startIndex] }
        let mid = terms.startIndex + terms.count / 2
        return join(balanced(terms[..<mid], join), balanced(terms[mid...], join))
    }

    mutating func parseNot() throws(RuleError) -> RuleExpr {
        guard current == .name("not") else { return try parseComparison() }
        try enter()
        defer { depth -= 1 }
        index += 1
        return .not(try parseNot())
    }

    /// One level deeper at the current token, refused past `maxDepth`.
    mutating func enter() throws(RuleError) {
        guard depth < Self.maxDepth else {
            throw RuleError(
                column: column,
                message: "nested more than \(Self.maxDepth) levels deep "
                    + "(parentheses or 'not'); simplify the rule")
        }
        depth += 1
    }

    mutating func parseComparison() throws(RuleError) -> RuleExpr {
        let left = try parseValue()
        if case .symbol(let op) = current, ["<", "<=", ">", ">=", "==", "!="].contains(op) {
            index += 1
            return .compare(op, left, try parseValue())
        }
        if current == .name("in") {
            index += 1
            guard current == .symbol("[") else { throw RuleError(column: column, message: "expected '[' after 'in'") }
            index += 1
            var items: [RuleExpr] = []
            while current != .symbol("]") {
                items.append(try parseValue())
                if current == .symbol(",") {
                    index += 1
                } else if current != .symbol("]") {
                    throw RuleError(column: column, message: "expected ',' or ']'")
                }
            }
            index += 1
            return .within(left, items)
        }
        return left
    }

    mutating func parseValue() throws(RuleError) -> RuleExpr {
        let col = column
        switch current {
        case .number(let n):
            index += 1
            return .number(n)
        case .string(let s):
            index += 1
            return .string(s)
        case .symbol("("):
            try enter()
            defer { depth -= 1 }
            index += 1
            let e = try parseOr()
            guard current == .symbol(")") else { throw RuleError(column: column, message: "expected ')'") }
            index += 1
            return e
        case .name(let n):
            index += 1
            if n == "true" { return .bool(true) }
            if n == "false" { return .bool(false) }
            if ["and", "or", "not", "in"].contains(n) {
                throw RuleError(column: col, message: "expected a value before '\(n)'")
            }
            if current == .symbol("(") {
                guard Rule.functions[n] != nil else {
                    throw RuleError(
                        column: col,
                        message:
                            "unknown function '\(n)' (known: \(Rule.functions.keys.sorted().joined(separator: ", ")))")
                }
                index += 1
                guard case .string(let arg) = current else {
                    throw RuleError(column: column, message: "expected a quoted name, as in \(n)(\"Coffee\")")
                }
                index += 1
                guard current == .symbol(")") else { throw RuleError(column: column, message: "expected ')'") }
                index += 1
                return .call(n, arg)
            }
            guard Rule.fields[n] != nil else {
                throw RuleError(column: col, message: "unknown field '\(n)'")
            }
            return .field(n)
        case .end: throw RuleError(column: col, message: "the rule ends too soon: expected a value")
        case .symbol(let s): throw RuleError(column: col, message: "expected a value, found '\(s)'")
        }
    }
}
