import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// Pages read by keyset (from the edge row's sort key and customer key) are the pages OFFSET
/// reads, on each store: every sort in both directions, with ties in the sort key, with a
/// filter, passing over rows, backwards from the end, and after customers arrive between pages.
@Suite("Customer list pages by keyset on both stores")
struct CustomerKeysetTests {
    /// The customer list's fixture, with names that tie (exactly, and only by case).
    func store(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        let names = CustomerReadsTests.names + ["Anna Becker", "anna becker", "Eve", "Eve"]
        let rows = names.enumerated().map { i, name in "K\(100 + i),\(name),k\(i)@example.com" }
        _ = try t.importFile(try t.file("customers.csv", (["customer_id,name,email"] + rows).joined(separator: "\n")))
        let keys = try names.indices.map { try t.store.requireCustomer("K\(100 + $0)") }
        _ = try t.store.writeMetrics(keys.enumerated().map { figures($0, $1, t) }, replacingAll: true)
        return t
    }

    /// Figures with many ties: eleven spends, four order counts, two segments, three stages;
    /// every fifth customer has none, every third never bought.
    func figures(_ i: Int, _ key: Int64, _ t: TempStore) -> MetricsRecord {
        guard i % 5 != 4 else { return MetricsRecord(customerId: key, updatedAt: t.actor.now) }
        return MetricsRecord(
            customerId: key, orders: i % 4, spend: Double((i * 37) % 11) + 0.1, recencyDays: i % 3 == 0 ? nil : i % 5,
            rfmSegment: i % 2 == 0 ? "champions" : "lost", stage: ["active", "lapsing", nil][i % 3],
            clv12m: i % 6 == 0 ? nil : Double(i % 7), updatedAt: t.actor.now)
    }

    static let queries: [ListQuery] =
        CustomerReadsTests.queries + [false, true].map { ListQuery(text: "anna", reversed: $0) }

    @Test(arguments: Backend.available)
    func keysetPagesAreTheOffsetPages(_ backend: Backend) throws {
        let t = try store(backend)
        let s = t.store
        for q in Self.queries {
            let all = try s.customerPage(q, offset: 0, limit: 1_000)
            let total = all.count
            #expect(total > 0, "\(q)")
            // Forward from the start, each page from the last row of the one before.
            var walked: [CustomerListItem] = []
            var edge: CustomerListItem?
            repeat {
                let page = try s.customerKeysetPage(q, from: edge, .forward, limit: 3, total: total)
                #expect(page == Array(all.dropFirst(walked.count).prefix(3)), "\(q) after \(walked.count)")
                walked += page
                edge = page.last
                if page.isEmpty { break }
            } while walked.count < total + 3
            #expect(walked == all, "\(q)")
            // Backward from the end.
            var back: [CustomerListItem] = []
            edge = nil
            repeat {
                let page = try s.customerKeysetPage(q, from: edge, .backward, limit: 4, total: total)
                back = page + back
                edge = page.first
                if page.isEmpty { break }
            } while back.count < total + 4
            #expect(back == all, "\(q) backwards")
            // From any row, passing over some in either direction.
            for (p, row) in all.enumerated() {
                for skip in [0, 4] {
                    let ahead = try s.customerKeysetPage(q, from: row, .forward, skip: skip, limit: 3)
                    #expect(ahead == Array(all.dropFirst(p + 1 + skip).prefix(3)), "\(q) from \(p) skip \(skip)")
                    let behind = try s.customerKeysetPage(q, from: row, .backward, skip: skip, limit: 3)
                    let end = max(0, p - skip)
                    #expect(behind == Array(all[max(0, end - 3)..<end]), "\(q) before \(p) skip \(skip)")
                }
            }
            let fromStart = try s.customerKeysetPage(q, from: nil, .forward, skip: total - 2, limit: 5)
            #expect(fromStart == Array(all.suffix(2)), "\(q) start skip")
            let fromEnd = try s.customerKeysetPage(q, from: nil, .backward, skip: 1, limit: 3)
            #expect(fromEnd == Array(all.dropLast(1).suffix(3)), "\(q) end skip")
        }
    }

    /// Customers added between two pages: the next page from the edge row is the OFFSET page
    /// that starts after the edge row where it now stands.
    @Test(arguments: Backend.available)
    func theNextPageAfterInsertsIsTheOffsetPageAfterTheEdge(_ backend: Backend) throws {
        let t = try store(backend)
        let s = t.store
        let queries = ListSort.allCases.flatMap { sort in [false, true].map { ListQuery(sort: sort, reversed: $0) } }
        let edges = try queries.map { try s.customerKeysetPage($0, from: nil, .forward, limit: 5).last }
        let added = (0..<12).map { i in "N\(200 + i),\(["Aaron", "Anna Becker", "Zed", "Eve"][i % 4]) \(i),n\(i)@x.org"
        }
        _ = try t.importFile(try t.file("more.csv", (["customer_id,name,email"] + added).joined(separator: "\n")))
        let keys = try added.indices.map { try s.requireCustomer("N\(200 + $0)") }
        _ = try s.writeMetrics(keys.enumerated().map { figures($0 + 1, $1, t) }, replacingAll: false)
        for (q, edge) in zip(queries, edges) {
            let edge = try #require(edge)
            let all = try s.customerPage(q, offset: 0, limit: 1_000)
            let at = try #require(all.firstIndex { $0.key == edge.key }, "\(q)")
            let next = try s.customerKeysetPage(q, from: edge, .forward, limit: 6)
            #expect(next == Array(all.dropFirst(at + 1).prefix(6)), "\(q)")
        }
    }
}
