import Foundation
import Testing

/// A store in a folder nobody may write (0555) with a file nobody may write (0444). Tests may
/// run as root, which bypasses permissions: then the check is that nothing changed, the
/// folder's listing, the file's bytes and its mtime, rather than that a write was refused.
@Suite("Read-only stores", .serialized)
struct ReadOnlyTests {
    struct Snapshot: Equatable {
        var listing: [String]
        var bytes: Data
        var modified: Date?
    }

    static func snapshot(_ folder: URL, _ store: URL) throws -> Snapshot {
        Snapshot(
            listing: try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
            bytes: try Data(contentsOf: store),
            modified: try FileManager.default.attributesOfItem(atPath: store.path)[.modificationDate] as? Date)
    }

    @Test func readCommandsWorkOnAStoreNobodyMayWriteAndChangeNothing() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let folder = cli.dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = folder.appendingPathComponent("store.sqlite")
        try FileManager.default.copyItem(atPath: try cli.sampleCopy(), toPath: store.path)
        chmod(store.path, 0o444)
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o755) }
        let before = try Self.snapshot(folder, store)
        print("read-only test runs as uid \(geteuid())\(geteuid() == 0 ? " (root: permissions not enforced)" : "")")
        for args in [
            ["customers", "--limit", "3"], ["profile", "C00001"], ["history", "C00001", "--json"],
            ["recommend", "C00001"], ["segments"], ["audit"], ["metrics"]
        ] {
            let r = try cli.run(args + ["--store", store.path])
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(rawDatabaseText(r.err) == nil, "\(args): \(r.err)")
            #expect(!r.out.isEmpty, "\(args)")
        }
        let profile = try #require(try cli.json(["profile", "C00001", "--store", store.path]) as? [String: Any])
        #expect((profile["customer"] as? [String: Any])?["name"] as? String == "Margot Lindqvist")
        #expect(try Self.snapshot(folder, store) == before, "a read command left a file or changed the store")
    }
}
