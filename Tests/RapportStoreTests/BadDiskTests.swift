import Foundation
import Testing
@testable import RapportStore

/// Issue 20, item 6: a bad disk or a file changed under the import is an error, never a crash.
@Suite("Bad disks and files")
struct BadDiskTests {
    /// The rejects file on a full disk (`/dev/full` answers every write with ENOSPC): the
    /// import fails in words. Before, `FileHandle.write` trapped (SIGILL) and killed the test run.
    @Test func aRejectsFileOnAFullDiskIsAnErrorNotACrash() throws {
        let t = try TempStore()
        let path = try t.file("customers.csv", "customer_id,name,email\nC1,Ann,ann@example.com\n,NoId,x@example.com\n")
        do {
            _ = try t.importFile(path, rejects: "/dev/full")
            Issue.record("the import should have failed: its rejects could not be written")
        } catch let e as ImportFailure {
            #expect(e.description.contains("cannot write the rejects file"))
            #expect(e.description.contains("No space left on device"))
        }
        #expect(try t.count("customers") == 0)
    }

    /// A file truncated while it is being imported: the import reads its own copy, so it neither
    /// dies with SIGBUS (as it did on a mapped file) nor imports half a file.
    @Test func aFileTruncatedDuringTheImportIsNotACrash() throws {
        let t = try TempStore()
        let rows = 70_000 // progress is reported every 65,536 rows: the file is cut after that
        var text = "customer_id,name\n"
        for i in 0..<rows { text += "C\(i),Customer number \(i) with a longer name to fill pages\n" }
        let path = try t.file("customers.csv", text)
        let cut = Cut(path: path)
        let summary = try t.store.importFile(
            path, options: ImportOptions(analyst: "tester", now: t.actor.now),
            progress: { _ in cut.now() })
        #expect(cut.done)
        #expect(summary.inserted == rows)
        #expect(try t.count("customers") == rows)
    }

    /// A file shorter than when its read began is refused, not imported in part.
    @Test func aShortReadIsRefused() throws {
        let t = try TempStore()
        let path = try t.file("customers.csv", "customer_id,name\nC1,Ann\n")
        let data = try ProfileStore.readWhole(path)
        #expect(data.count == 24)
        #expect(throws: StoreError.self) { try ProfileStore.readWhole(t.dir.appendingPathComponent("missing").path) }
    }
}

/// Issue 20, item 9: a JSON Lines file with a byte-order mark imports (before, its first line
/// was refused as "not a JSON object" without saying why).
@Suite("Byte-order marks")
struct ByteOrderMarkTests {
    @Test func jsonLinesWithAByteOrderMarkImport() throws {
        let t = try TempStore()
        let text = "{\"customer_id\":\"C1\",\"name\":\"Ann\"}\n{\"customer_id\":\"C2\",\"name\":\"Bob\"}\n"
        for name in ["customers.jsonl", "customers.txt"] {
            let path = try t.file(name, bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
            let s = try t.importFile(path)
            #expect(s.kind == .customers && s.rows == 2, "\(name)")
        }
        #expect(try t.count("customers") == 2)
    }
}

/// Truncates a file to zero bytes the first time it is called.
final class Cut: @unchecked Sendable {
    let path: String
    private(set) var done = false
    init(path: String) { self.path = path }
    func now() {
        guard !done else { return }
        done = true
        _ = truncate(path, 0)
    }
}
