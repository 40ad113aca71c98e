import Foundation
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// `--read-only` (the explorer's flag) opens through `Workspace.open(readOnly: true)`: it must
/// work on a store in a folder nobody may write and leave the folder and the file as they were.
@Suite("Read-only workspace")
struct ReadOnlyStoreTests {
    @Test func aReadOnlyWorkspaceOpensALockedStoreAndChangesNothing() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        try t.ws.store.checkpointAndClose()
        let folder = t.dir
        let path = folder.appendingPathComponent("s.sqlite").path
        // As a store copied to a read-only place arrives: the main file alone (the log is empty).
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        chmod(path, 0o444)
        chmod(folder.path, 0o555)
        defer {
            chmod(folder.path, 0o755)
            chmod(path, 0o644)
        }
        func state() throws -> ([String], Data, Date?) {
            (
                try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                try Data(contentsOf: URL(fileURLWithPath: path)),
                try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            )
        }
        let before = try state()
        #expect(before.0 == ["base.csv", "s.sqlite"], "the store file alone")
        let ws = try Workspace.open(StoreLocation(path: path, isDefault: false), analyst: "reader", readOnly: true)
        let page = try ws.customerPage(ListQuery(text: "", segment: nil, stage: nil, sort: .spend), offset: 0, limit: 5)
        #expect(page.count == 5)
        let profile = try ws.profile(try ws.customerKey("C1"))
        #expect(profile.customer.id == "C1")
        #expect(profile.rfm?.orders == 4)
        // While the store is open, as an explorer keeps it open.
        let after = try state()
        try ws.store.closeStore()
        #expect(after.0 == before.0, "files appeared beside the store: \(after.0)")
        #expect(after.1 == before.1)
        #expect(after.2 == before.2)
    }
}
