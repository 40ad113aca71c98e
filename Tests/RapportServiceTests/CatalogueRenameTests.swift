import Foundation
import RapportStore
import Testing
@testable import RapportService

/// A session's catalogue follows a product renamed by another process: the next history names
/// the product by its new title (the session holds the catalogue, issue 23, but not past a change).
@Suite("A product renamed elsewhere", .serialized)
struct CatalogueRenameTests {
    static let now: Int64 = 1_730_000_000

    @Test(arguments: Backend.available)
    func theNextHistoryShowsTheNewTitle(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("renamed-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.open(location)
        defer { try? store.closeStore() }
        let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
        ws.autoTune = false
        _ = try ws.importFiles(try SmallShop.write(to: dir), options: ImportOptions(analyst: "ana"))
        let c1 = try ws.customerKey("C1")
        #expect(try ws.history(c1).first?.product == "Toy B")

        // Another handle on the same store renames P2.
        let otherStore = try backend.open(location)
        defer { try? otherStore.closeStore() }
        let other = Workspace(store: otherStore, analyst: "bo", clock: { Self.now })
        other.autoTune = false
        let products = dir.appendingPathComponent("renamed-products.csv").path
        try "product_id,title,category,brand,price\nP2,Toy B Deluxe,Toys,Kid,20\n".write(
            toFile: products, atomically: true, encoding: .utf8)
        _ = try other.importFiles([products], options: ImportOptions(analyst: "bo"))

        #expect(try ws.history(c1).first?.product == "Toy B Deluxe")
    }
}
