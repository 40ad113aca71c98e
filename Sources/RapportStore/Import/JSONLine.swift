import Foundation

/// One JSON Lines record: a flat object whose values are strings, numbers, booleans or null.
/// Numbers are kept as the text written (a decoder would turn a 20-digit id into a double and
/// merge two customers), and keys come back in file order so repeated keys can be refused.
struct JSONLine {
    struct Malformed: Error {
        var offset: Int
        var reason: String
    }

    typealias Pair = (key: String, value: String?)

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    /// The key/value pairs of one line, or `Malformed` with the byte offset of the problem.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> [Pair] {
        var p = JSONLine(bytes)
        return try p.object()
    }

    private mutating func object() throws(Malformed) -> [Pair] {
        skipSpace()
        try expect(UInt8(ascii: "{"), "expected '{'")
        var pairs: [Pair] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                pairs.append(contentsOf: try pair())
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "expected ',' or '}'")
                break
            }
        }
        skipSpace()
        if i < b.count { throw fail("text after the object") }
        return pairs
    }

    /// One key and its value; Segment's `traits` object (a group call's) is the one nested
    /// object taken, its flat keys coming back as `traits.KEY`.
    private mutating func pair(nested: Bool = false) throws(Malformed) -> [Pair] {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
        let key = try string()
        skipSpace()
        try expect(UInt8(ascii: ":"), "expected ':'")
        skipSpace()
        if !nested, key == "traits", peek == UInt8(ascii: "{") { return try traits() }
        return [(key, try value())]
    }

    private mutating func traits() throws(Malformed) -> [Pair] {
        i += 1
        var pairs: [Pair] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
            return []
        }
        while true {
            pairs += try pair(nested: true).map { ("traits." + $0.key, $0.value) }
            skipSpace()
            if peek == UInt8(ascii: ",") {
                i += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}'")
            return pairs
        }
    }

    private mutating func value() throws(Malformed) -> String? {
        guard let c = peek else { throw fail("expected a value") }
        switch c {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): return try word("true")
        case UInt8(ascii: "f"): return try word("false")
        case UInt8(ascii: "n"):
            _ = try word("null")
            return nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "{"), UInt8(ascii: "["): throw fail("nested objects and arrays are not columns")
        default: throw fail("expected a value")
        }
    }

    private mutating func word(_ w: String) throws(Malformed) -> String {
        for c in w.utf8 {
            guard peek == c else { throw fail("expected \(w)") }
            i += 1
        }
        return w
    }

    /// A JSON number, checked against the grammar and returned exactly as written.
    private mutating func number() throws(Malformed) -> String {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") {
            i += 1
        } else {
            guard digits() > 0 else { throw fail("a number needs digits") }
        }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("a number needs digits after '.'") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("a number needs digits in its exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = i
        while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { i += 1 }
        return i - start
    }

    /// A quoted string with its escapes resolved. The line is already valid UTF-8.
    private mutating func string() throws(Malformed) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("a string is never closed") }
            i += 1
            switch c {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &out)
            case ..<0x20: throw fail("a control character must be escaped inside a string")
            default: out.append(c)
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(Malformed) {
        guard let c = peek else { throw fail("a string is never closed") }
        i += 1
        if let s = Self.simpleEscapes[c] {
            out.append(s)
            return
        }
        guard c == UInt8(ascii: "u") else { throw fail("unknown escape '\\\(Character(Unicode.Scalar(c)))'") }
        let scalar = try unicodeEscape()
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` and the bytes they stand for.
    private static let simpleEscapes: [UInt8: UInt8] = [
        0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08,
        0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09
    ]

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate is not text.
    private mutating func unicodeEscape() throws(Malformed) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard peek == UInt8(ascii: "\\") else { throw fail("a lone surrogate is not a character") }
            i += 1
            guard peek == UInt8(ascii: "u") else { throw fail("a lone surrogate is not a character") }
            i += 1
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone surrogate is not a character") }
            let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            guard let s = Unicode.Scalar(value) else { throw fail("not a character") }
            return s
        }
        guard let s = Unicode.Scalar(high) else { throw fail("a lone surrogate is not a character") }
        return s
    }

    private mutating func hex4() throws(Malformed) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek, let d = Self.hexValue(c) else { throw fail("\\u needs four hex digits") }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private var peek: UInt8? { i < b.count ? b[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { i += 1 }
    }

    private mutating func expect(_ c: UInt8, _ reason: String) throws(Malformed) {
        guard peek == c else { throw fail(reason) }
        i += 1
    }

    private func fail(_ reason: String) -> Malformed { Malformed(offset: i, reason: reason) }
}
