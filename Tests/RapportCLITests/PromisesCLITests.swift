import Foundation
import Testing

/// Issue 19, item 13, on the command line: true messages with their units.
@Suite("CLI messages that are true")
struct PromisesCLITests {
    @Test func theFirstRunSaysItCreatedAStoreAndWhere() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let first = try cli.run(["customers", "--limit", "1"])
        #expect(first.status == 0, "\(first.err)")
        let path = cli.dir.appendingPathComponent("data/rapport/store.sqlite").path
        #expect(first.err.contains("created the store \(path) from the bundled sample"), "\(first.err)")
        let again = try cli.run(["customers", "--limit", "1"])
        #expect(!again.err.contains("created"), "\(again.err)")
        // One row, one unit.
        let one = try cli.run(["customers", "--filter", "C00001"])
        #expect(one.out.hasSuffix("1 customer\n"), "\(one.out)")
    }

    @Test func aNegativeLimitOrOffsetIsRefusedInWords() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let limit = try cli.run(["customers", "--limit", "-1"])
        #expect(limit.status == 2)
        #expect(limit.err.contains("--limit must be ≥ 1"), "\(limit.err)")
        let offset = try cli.run(["history", "C00001", "--offset", "-5"])
        #expect(offset.status == 2)
        #expect(offset.err.contains("--offset must be ≥ 0"), "\(offset.err)")
    }

    @Test func helpFitsEightyColumns() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        for args in [["--help"], ["help"]] {
            let help = try cli.run(args)
            #expect(help.status == 0)
            let wide = help.out.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "\(args): \(wide.joined(separator: "\n"))")
        }
    }

    /// Every subcommand's help, nested ones included (`eval clv`, `segment members`), found from
    /// the SUBCOMMANDS lists themselves: the usage lines ran to 200 columns.
    @Test func everySubcommandsHelpFitsEightyColumns() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        func subcommands(_ help: String) -> [String] {
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
            return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            }
        }
        var pending = subcommands(try cli.run(["--help"]).out).map { [$0] }
        #expect(pending.count > 15, "\(pending)")
        var checked = 0
        while let command = pending.popLast() {
            let help = try cli.run(command + ["--help"])
            #expect(help.status == 0, "\(command): \(help.err)")
            #expect(help.out.hasPrefix("OVERVIEW:") || help.out.contains("USAGE:"), "\(command): \(help.out)")
            let wide = help.out.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "\(command): \(wide.joined(separator: "\n"))")
            pending += subcommands(help.out).map { command + [$0] }
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test func unknownEventColumnsAreReportedAsDropped() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        let events = cli.dir.appendingPathComponent("events.csv")
        try Data("customer_id,timestamp,type,store_code\nC1,2026-01-01,view,S1\n".utf8).write(to: events)
        let r = try cli.run(["import", "--store", store, events.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("1 row, 1 new"), "\(r.out)")
        #expect(r.out.contains("columns not stored: store_code"), "\(r.out)")
        #expect(!r.out.contains("keep_columns"), "\(r.out)")
    }
}
