import Foundation
import Testing
@testable import RapportService

/// `rapport sample` says what it wrote: the summary line's counts are the files' rows, the B2B
/// orders (`b2b-orders.csv`) among the events.
@Suite("The sample's summary line")
struct SampleSummaryTests {
    @Test func theSummaryCountsTheRowsOfTheFiles() throws {
        var shop = SampleGenerator(customers: 80, seed: 5, products: 120)
        shop.accounts = 3
        for generator in [SampleGenerator(customers: 60, seed: 42), shop] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let out = try generator.write(to: dir)
            func rows(_ file: String) throws -> Int { try SampleShopTests.table(dir + "/" + file).count }
            let orders = try rows("b2b-orders.csv")
            #expect(orders > 0, "the sample always has B2B orders")
            let expected =
                "\(try rows("customers.csv")) customers, \(try rows("products.csv")) products, "
                + "\(try rows("events.csv") + orders) events, \(try rows("notes.csv")) notes"
            #expect(out.summary == expected)
            #expect(out.accounts == (try rows("accounts.csv")))
        }
    }
}
