import Foundation
import RapportStore
import Testing
@testable import RapportService

/// A session names its histories' products from the catalogue it holds (issue 23) and gives the
/// very JSON the store's join gives, also after another session added a product it never read.
@Suite("Histories named from the session's catalogue", .serialized)
struct NamedEventsTests {
    static let now: Int64 = 1_730_000_000

    static func json(_ events: [HistoryEvent]) throws -> String {
        String(decoding: try JSONOutput.encode(events), as: UTF8.self)
    }

    @Test(arguments: Backend.available)
    func theSessionsNamesAreTheJoinsAlsoForAProductAddedElsewhere(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("named-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.open(location)
        defer { try? store.closeStore() }
        let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
        ws.autoTune = false
        _ = try ws.importFiles(try SmallShop.write(to: dir), options: ImportOptions(analyst: "ana"))
        let c1 = try ws.customerKey("C1")
        func joined() throws -> String {
            try Self.json(try store.events(customer: c1).reversed().map(HistoryEvent.init))
        }
        #expect(try Self.json(try ws.history(c1)) == (try joined()))
        #expect(try ws.history(c1).first?.product == "Toy B")

        // Another session imports a product and an event of it: this one's catalogue lacks it.
        let other = Workspace(store: try backend.open(location), analyst: "bo", clock: { Self.now })
        other.autoTune = false
        let products = dir.appendingPathComponent("more-products.csv").path
        try "product_id,title,category,brand,price\nP9,\"Kite \"\"Sky\"\"\",Outdoor,Kid,15\n".write(
            toFile: products, atomically: true, encoding: .utf8)
        let events = dir.appendingPathComponent("more-events.csv").path
        try "event_id,customer_id,timestamp,type,product_id,amount\nE9,C1,2024-04-01,purchase,P9,15\n".write(
            toFile: events, atomically: true, encoding: .utf8)
        _ = try other.importFiles([products, events], options: ImportOptions(analyst: "bo"))
        let history = try ws.history(c1)
        #expect(history.first?.productId == "P9" && history.first?.product == "Kite \"Sky\"")
        #expect(history.first?.category == "Outdoor")
        #expect(try Self.json(history) == (try joined()))
    }
}
