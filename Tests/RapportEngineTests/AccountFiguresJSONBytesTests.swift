import Foundation
import Testing

@testable import RapportEngine

/// The account figures' JSON written as bytes is, character for character, what `JSONEncoder`
/// with sorted keys writes, on the values the byte writer handles apart: roles with every
/// escaped and control character and text beyond ASCII, whole and fractional numbers, and the
/// extreme integers.
@Suite("Account figures' JSON as bytes")
struct AccountFiguresJSONBytesTests {
    static func encoded(_ f: AccountFigures) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(f), as: UTF8.self)
    }

    @Test func everyControlCharacterAndEscape() throws {
        var f = AccountFigures()
        f.missingRoles = (0..<0x20).map { "r" + String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "/", "\u{7F}"]
        f.missingRoles += ["é", "日本", "😀 a/b", "\u{2028}\u{2029}", "\u{FEFF}", "e\u{301}"]
        #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
    }

    @Test func extremeNumbers() throws {
        var f = AccountFigures()
        f.individual.lastOrder = .min
        f.children.lastOrder = .max
        f.total.lastOrder = 0
        f.individual.revenue = 100
        f.children.revenue = 0.5
        f.total.revenue = -1e-300
        f.revenue12m = 1e16
        f.pAlive = 1
        f.clv12m = 0
        f.cadence = AccountCadence(intervalDays: 10.0, nextOrder: -1, orders: .max)
        f.engagement = -7
        #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
    }

    @Test func randomRolesAndNumbers() throws {
        var rng = AccountRollupTests.Seeded(state: 2026)
        let alphabet = Array("ab \"\\/\n\r\t\u{08}\u{0C}\u{01}\u{1F}é✓😀")
        for _ in 0..<300 {
            var f = AccountFigures()
            f.missingRoles = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            f.total.revenue = Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100
            f.total.aov = Bool.random(using: &rng) ? Double(Int.random(in: 0...1000, using: &rng)) : nil
            f.individual.lastOrder = Int64.random(in: .min ... .max, using: &rng)
            f.revenue12m = Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &rng))
            #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)))
        }
    }

    /// Amounts in cents are written from their cents, not by `description`: the same text for
    /// every magnitude up to where that way stops (1e12) and past it, for sums that are not a
    /// number of cents (0.1 + 0.2), negative zero and the sub-cent values around a cent.
    @Test func amountsInCentsAsTheEncoderWritesThem() throws {
        var rng = AccountRollupTests.Seeded(state: 21)
        var values: [Double] = [
            0, -0.0, 0.01, -0.01, 0.05, 0.1, 0.5, 1, 9.99, 10, 99.995, 0.1 + 0.2, 1234.5, 1234.56, -1234.56,
            0.005, 0.015, 999_999_999_999.99, 1e12, 1e12 + 0.01, 123_456_789_012.34, 1e15, 0.009999, 100.001
        ]
        for digits in 1...14 {
            let top = Int64(pow(10, Double(digits)))
            for _ in 0..<200 {
                values.append(Double(Int64.random(in: -top...top, using: &rng)) / 100)
                values.append((Double(Int64.random(in: -top...top, using: &rng)) * 0.37).rounded() / 100)
            }
        }
        for v in values {
            var f = AccountFigures()
            f.total.revenue = v
            f.revenue12m = (v * 100).rounded() / 100
            f.children.aov = v
            #expect(AccountFiguresJSON.encode(f) == (try Self.encoded(f)), "\(v)")
        }
    }

    /// Many figures through one reused buffer: each text is the one written alone.
    @Test func oneBufferForManyFigures() {
        var encoder = AccountFiguresJSON.Encoder()
        var rng = AccountRollupTests.Seeded(state: 7)
        for i in 0..<50 {
            var f = AccountFigures()
            f.missingRoles = (0..<(i % 4)).map { "role \($0)" }
            f.total.revenue = Double(Int.random(in: 0...100_000_000, using: &rng)) / 100
            if i % 3 == 0 { f.cadence = AccountCadence(intervalDays: 7.5, nextOrder: 1_730_000_000, orders: i) }
            #expect(encoder.encode(f) == AccountFiguresJSON.encode(f))
        }
    }
}
