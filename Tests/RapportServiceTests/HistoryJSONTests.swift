import Foundation
import RapportEngine
import Testing
@testable import RapportService
@testable import RapportStore

/// The direct writer of events' JSON gives the very bytes `JSONEncoder` (through `JSONOutput`)
/// gives, on events of every shape: absent values, quotes, backslashes, control characters,
/// non-ASCII text, whole and fractional amounts from 0 to the importer's limit, exponents.
@Suite("History JSON written directly")
struct HistoryJSONTests {
    static let pieces = [
        "a", "Zoë", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{1}", "\u{1B}", "\u{1F}",
        "\u{7F}", "\u{85}", "\u{2028}", "😀", " ", "é", "<b>", "x y"
    ]

    func text(_ rng: inout SeededRandom) -> String? {
        if Int.random(in: 0..<5, using: &rng) == 0 { return nil }
        return (0..<Int.random(in: 0..<6, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
    }

    func amount(_ rng: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return 0
        case 1: return Double(Int.random(in: 0..<100_000, using: &rng))
        case 2: return Double(Int.random(in: 0..<100_000, using: &rng)) / 100
        case 3: return Double.random(in: 0..<1e-3, using: &rng)
        case 4: return Double.random(in: 1e12 - 1...1e12, using: &rng)
        default: return Double.random(in: 0..<1e6, using: &rng)
        }
    }

    @Test func theDirectWriterGivesTheEncodersBytes() throws {
        var rng = SeededRandom(seed: 20_261_207)
        let kinds = EventKinds.names
        var events: [HistoryEvent] = []
        for i in 0..<3_000 {
            let row = EventRow(
                id: Int64(i), externalId: text(&rng), customerId: 1, productId: nil, productExternalId: text(&rng),
                productTitle: text(&rng), productCategory: text(&rng),
                type: Int.random(in: 0..<kinds.count, using: &rng),
                time: Int64.random(in: 0...4_102_444_800, using: &rng),
                quantity: Int.random(in: 0...5_000, using: &rng),
                amount: amount(&rng), channel: text(&rng), isGift: Bool.random(using: &rng), giftNote: text(&rng))
            events.append(HistoryEvent(row))
        }
        for level in [0, 1, 3] {
            for slice in [events[0..<0], events[0..<1], events[0..<2], events[...]] {
                var generic = "", direct = ""
                try JSONPieces { generic += $0 }.array(of: HistoryEvent.self, level: level) { emit in
                    for e in slice { try emit(e) }
                }
                try JSONPieces { direct += $0 }.historyArray(level: level) { emit in
                    for e in slice { try emit(e) }
                }
                #expect(direct == generic, "level \(level), \(slice.count) events")
            }
        }
    }
}
