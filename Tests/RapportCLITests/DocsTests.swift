import Foundation
import Testing

@Suite("Documentation agrees with the code", .serialized)
struct DocsTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: CLI.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every table and key the config parser reads (`table["import"]`, `insights["tau_days"]`...).
    @Test func docsConfigNamesEveryKeyTheParserReads() throws {
        let parser = try Self.read("Sources/RapportService/Config.swift")
        let doc = try Self.read("docs/config.md")
        let re = try NSRegularExpression(pattern: #"[a-z]+\["([a-z_]+)"\]"#)
        let keys = Set(
            re.matches(in: parser, range: NSRange(parser.startIndex..., in: parser)).compactMap {
                Range($0.range(at: 1), in: parser).map { String(parser[$0]) }
            })
        #expect(
            keys.isSuperset(of: ["keys", "insights", "tau_days", "colors", "import", "keep_columns", "ui", "mouse"]))
        for key in keys.sorted() {
            #expect(doc.contains("[\(key)]") || doc.contains("\(key) ="), "docs/config.md does not name \(key)")
        }
    }

    @Test func theExampleConfigLoads() throws {
        let doc = try Self.read("docs/config.md")
        let start = try #require(doc.range(of: "```toml\n"))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        let cli = try CLI()
        defer { cli.cleanup() }
        let dir = cli.dir.appendingPathComponent("config/rapport")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(doc[start.upperBound..<end.lowerBound].utf8).write(to: dir.appendingPathComponent("config.toml"))
        let keys = try cli.run(["keys"])
        #expect(keys.status == 0, "\(keys.err)")
        #expect(keys.out.split(separator: "\n").contains { $0.contains("C-n") }, "the example's [keys] apply")
    }
}
