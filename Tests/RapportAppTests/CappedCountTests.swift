import Foundation
import RapportService
import RapportStore
import RapportUI
import RapportVocabulary
import Testing

@testable import RapportApp

/// A text filter with more matches than the count's cap (10 here, 10,000 in the explorer):
/// the total says "10+", End shows the list's last rows in sort order before the exact count
/// arrives, and the exact count gives them their places.
@Suite("A capped count")
struct CappedCountTests {
    /// 230 customers match "match", 5 others do not; the list is by name.
    static func workspace() throws -> (Workspace, () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-capped-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var customers = ["customer_id,name"]
        for i in 1...230 { customers.append("M\(i),Match \(String(format: "%03d", (i * 7) % 230))") }
        for i in 1...5 { customers.append("O\(i),Other \(i)") }
        let files = [
            ("customers.csv", customers.joined(separator: "\n") + "\n"),
            ("products.csv", "product_id,title\nP1,Paper\n"),
            ("events.csv", "event_id,customer_id,timestamp,type,product_id,amount\nE1,M1,2026-01-05,purchase,P1,10\n")
        ]
        let paths = try files.map { name, text in
            let p = dir.appendingPathComponent(name).path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        let path = dir.appendingPathComponent("store.sqlite").path
        let ws = Workspace(store: try ProfileStore(path: path), analyst: "tester")
        _ = try ws.importFiles(paths, options: ImportOptions(analyst: "tester"))
        return (ws, { try? FileManager.default.removeItem(at: dir) })
    }

    /// Runs commands at once and feeds their answers back, holding the exact count back until
    /// `release` is true.
    final class Pump {
        var held: [AppMessage] = []
        func run(_ cmds: [Command<AppMessage>], _ s: inout ListState, _ env: ScreenEnv, _ effects: Effects) {
            var queue = cmds
            while !queue.isEmpty {
                let got = SentMessages()
                queue.removeFirst().run { got.append($0) }
                for m in got.all {
                    switch m {
                    case .listCounted: held.append(m)
                    default: queue += deliver(m, &s, env, effects)
                    }
                }
            }
        }

        func deliver(_ m: AppMessage, _ s: inout ListState, _ env: ScreenEnv, _ effects: Effects)
            -> [Command<AppMessage>]
        {
            switch m {
            case .listLoaded(let g, let total, let start, let rows):
                return ListScreen.update(
                    &s, .loaded(generation: g, total: total, start: start, rows: rows), env, effects)
            case .listTail(let g, let rows):
                return ListScreen.update(&s, .tailLoaded(generation: g, rows: rows), env, effects)
            case .listCounted(let g, let total):
                return ListScreen.update(&s, .counted(generation: g, total: total), env, effects)
            case .failed(let f): Issue.record("\(f)")
            default: break
            }
            return []
        }
    }

    @Test func endShowsTheLastRowsInSortOrderBeforeTheExactCount() throws {
        let (ws, cleanup) = try Self.workspace()
        defer { cleanup() }
        var effects = Effects(client: .live(ws))
        effects.countCap = 10
        let env = AppModel(
            size: Size(width: 80, height: 24), glyphs: .unicode, readOnly: false, redact: false, storePath: ""
        )
        .env
        let q = ListQuery(text: "match")
        let all = try ws.customerPageByOffset(q, offset: 0, limit: 1_000)
        #expect(all.count == 230 && all.last?.name == "Match 229" && all.first?.name == "Match 000")

        let pump = Pump()
        var s = ListState()
        s.query = q
        pump.run(ListScreen.update(&s, .reload(keepSelection: false), env, effects), &s, env, effects)
        #expect(s.total == 10 && s.atLeast == 10 && pump.held.count == 1)
        #expect(ListScreen.status(s) == "1/10+ customers")
        #expect(s.rows[0]?.name == "Match 000")
        // End, with the exact count not yet in: the last rows, read from the end.
        pump.run(ListScreen.update(&s, .end, env, effects), &s, env, effects)
        #expect(s.tail && s.rows[s.selected]?.name == "Match 229")
        let tail = (0..<s.total).compactMap { s.rows[$0]?.key }
        #expect(tail == all.suffix(Effects.window).map(\.key))
        #expect(ListScreen.status(s) == "last of 10+ customers (counting)")
        // The exact count gives the rows their places: the selection is the list's last row.
        let counted = pump.held.removeFirst()
        pump.run(pump.deliver(counted, &s, env, effects), &s, env, effects)
        #expect(!s.tail && s.atLeast == nil && s.total == 230 && s.selected == 229)
        #expect(s.rows[229]?.key == all[229].key && s.rows[30]?.key == all[30].key)
        #expect(ListScreen.status(s) == "230/230 customers")
        // Home and End now move by position; a page read near the end is the list's.
        pump.run(ListScreen.update(&s, .move(-Int.max / 2), env, effects), &s, env, effects)
        pump.run(ListScreen.update(&s, .end, env, effects), &s, env, effects)
        #expect(s.selected == 229 && s.rows[229]?.key == all[229].key)
    }

    @Test func pagesWhileCappedAreReadFromTheStartNotFromTheCap() throws {
        let (ws, cleanup) = try Self.workspace()
        defer { cleanup() }
        var effects = Effects(client: .live(ws))
        effects.countCap = 10
        let env = AppModel(
            size: Size(width: 80, height: 24), glyphs: .unicode, readOnly: false, redact: false, storePath: ""
        )
        .env
        let q = ListQuery(text: "match")
        let all = try ws.customerPageByOffset(q, offset: 0, limit: 1_000)
        let pump = Pump()
        var s = ListState()
        s.query = q
        pump.run(ListScreen.update(&s, .reload(keepSelection: false), env, effects), &s, env, effects)
        // The last row before the exact count is the cap's, read forward: the list's 10th row.
        pump.run(ListScreen.update(&s, .move(Int.max / 2), env, effects), &s, env, effects)
        #expect(s.selected == 9 && s.rows[9]?.key == all[9].key)
    }
}

/// The messages a command sends, in order.
final class SentMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [AppMessage] = []
    func append(_ m: AppMessage) { lock.withLock { list.append(m) } }
    var all: [AppMessage] { lock.withLock { list } }
}
