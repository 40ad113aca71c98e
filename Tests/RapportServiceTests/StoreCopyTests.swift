import Foundation
import RapportStore
import Testing
@testable import RapportService

/// Issue 20, item 7: `rapport copy` is all or nothing. A row the target refuses half-way leaves
/// the target empty (not with customers and products only), so the same copy can run again; a
/// copy that died leaves a mark that other commands refuse and the next copy starts over from.
@Suite("Copy, all or nothing", .serialized)
struct StoreCopyTests {
    /// A SQLite source with the small shop, and its folder's cleanup.
    func source() throws -> (location: StoreLocation, cleanup: () -> Void) {
        let (path, cleanup) = try Backend.sqlite.makeStore()
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("in")
        let store = try ProfileStore(path: path)
        for file in try SmallShop.write(to: dir) {
            _ = try store.importFile(file, options: ImportOptions(analyst: "ana", now: 1_730_000_000))
        }
        try store.closeStore()
        return (StoreLocation(path: path, isDefault: false), cleanup)
    }

    /// Sets one event's quantity in the source behind the importer's back (as an older Rapport
    /// or a hand edit could): the copy's import refuses that row.
    func setQuantity(_ path: String, _ quantity: Int64) throws {
        let store = try ProfileStore(path: path)
        try store.writeSQL(.analyst) { db in
            try db.execute("UPDATE events SET quantity = ? WHERE id = (SELECT MAX(id) FROM events)", [.int64(quantity)])
        }
        try store.closeStore()
    }

    @Test(arguments: Backend.available)
    func aRefusedRowLeavesTheTargetEmptyAndTheCopyCanRunAgain(_ backend: Backend) throws {
        let (from, dropSource) = try source()
        defer { dropSource() }
        let (target, dropTarget) = try backend.makeStore()
        defer { dropTarget() }
        let to = StoreLocation(path: target, isDefault: false)
        try setQuantity(from.path, 3_000_000_000)

        #expect {
            try StoreCopy.run(from: from, to: to, analyst: "ana")
        } throws: { error in
            "\(error)".contains("quantity")
        }
        let after = try backend.open(target)
        let counts = try after.counts()
        #expect(counts.customers + counts.products + counts.events + counts.notes + counts.segments == 0)
        #expect(try after.auditCount(customer: nil) == 0 && after.unfinishedCopy() == nil)
        try after.closeStore()

        // Fixed at the source, the same copy into the same target now works.
        try setQuantity(from.path, 2)
        let done = try StoreCopy.run(from: from, to: to, analyst: "ana")
        let source = try ProfileStore(path: from.path, readOnly: true)
        let expected = try source.counts()
        try source.closeStore()
        #expect(done.customers == expected.customers && done.events == expected.events && done.events > 0)
        let copied = try backend.open(target)
        #expect(try copied.unfinishedCopy() == nil)
        try copied.closeStore()
    }

    @Test(arguments: Backend.available)
    func aCopyThatDiedIsRefusedByOthersAndStartedOverByTheNext(_ backend: Backend) throws {
        let (from, dropSource) = try source()
        defer { dropSource() }
        let (target, dropTarget) = try backend.makeStore()
        defer { dropTarget() }
        let to = StoreLocation(path: target, isDefault: false)
        // What a copy killed half-way leaves: its mark and some of the data.
        let half = try backend.open(target)
        try half.markCopyStarted(UnfinishedCopy(source: from.path, started: 1_730_000_000))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("copy-half-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try SmallShop.write(to: dir)
        _ = try half.importFile(files[0], options: ImportOptions(analyst: "ana", now: 1_730_000_000))
        try half.closeStore()

        #expect {
            try Workspace.open(to, analyst: "ana")
        } throws: { error in
            "\(error)".contains("rapport copy") && "\(error)".contains("did not finish")
        }
        var said: [String] = []
        let done = try StoreCopy.run(from: from, to: to, analyst: "ana") { said.append($0) }
        #expect(said.contains { $0.contains("unfinished copy") }, "\(said)")
        #expect(done.events > 0)
        let ws = try Workspace.open(to, analyst: "ana")
        #expect(try ws.store.counts().customers == done.customers)
        try ws.store.closeStore()
    }
}
