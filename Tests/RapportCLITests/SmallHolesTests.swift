import Foundation
import Testing

/// Issue 20, item 9 from the command line.
@Suite("Smaller holes", .serialized)
struct SmallHolesTests {
    /// C1 controls, bidi overrides and isolates, line separators.
    static let hostile: [Unicode.Scalar] = [
        "\u{9B}", "\u{85}", "\u{202E}", "\u{2066}", "\u{200F}", "\u{061C}", "\u{2028}", "\u{1B}"
    ]

    func unsafe(_ s: String) -> [UInt32] {
        s.unicodeScalars.filter { u in
            Self.hostile.contains(u) || (u.value < 0x20 && u.value != 0x0A)
        }.map(\.value)
    }

    /// `rapport --store PATH segments`, as docs/postgres.md writes it. Before: "unexpected argument".
    @Test func sharedOptionsBeforeTheSubcommand() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let r = try cli.run(["--store", store, "--read-only", "customers", "--limit", "2", "--json"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"total\""))
        let note = try cli.run(["--store", store, "--analyst", "ana.s", "note", "C00001", "--", "--not an option"])
        #expect(note.status == 0, "\(note.err)")
        let audit = try cli.run(["--store=\(store)", "audit", "--customer", "C00001", "--json"])
        #expect(audit.status == 0 && audit.out.contains("ana.s"), "\(audit.err)")
    }

    /// Import and rule errors that quote the bad text: no control or bidi character reaches
    /// the terminal raw. Before, 83 such cases were echoed.
    @Test func errorsDoNotEchoControlOrBidiCharacters() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        for u in Self.hostile {
            let bad = "tele\(u)port"
            let file = cli.dir.appendingPathComponent("events.csv").path
            try Data("event_id,customer_id,timestamp,type\nE1,C00001,2024-05-01,\(bad)\n".utf8).write(
                to: URL(fileURLWithPath: file))
            let r = try cli.run(["import", file, "--store", store])
            #expect(r.status == 1, "\(r.err)")
            #expect(unsafe(r.err + r.out).isEmpty, "import echoes U+\(String(u.value, radix: 16)): \(r.err)")
            let rule = try cli.run([
                "segment", "create", "x\(u)", "affinity(\"Co\(u)ffee\") > 0.5 and \(u)", "--store", store
            ])
            #expect(rule.status != 0)
            #expect(unsafe(rule.err + rule.out).isEmpty, "rule echoes U+\(String(u.value, radix: 16)): \(rule.err)")
        }
    }
}
