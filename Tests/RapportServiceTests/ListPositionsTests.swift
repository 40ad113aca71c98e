import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService
import RapportVocabulary

/// The service's pages by position, read by keyset from the nearest known row, are the pages
/// OFFSET reads: in any order of requests (next to the last page, far jumps that walk the
/// sample, the end), for every sort, with a filter, and after the store changes.
@Suite("List pages by position, read by keyset", .serialized)
struct ListPositionsTests {
    static let names = ["Anna Becker", "anna becker", "Bob Stone", "Eve", "Zoë Müller", "Ann", "Mia Wong"]

    /// `n` customers with tying names and figures, from `first` on.
    static func add(_ store: any StoreBackend, _ n: Int, from first: Int, dir: URL) throws {
        let rows = (first..<first + n).map { i in "K\(1000 + i),\(names[i % names.count]),k\(i)@example.com" }
        let path = dir.appendingPathComponent("customers-\(first).csv").path
        try (["customer_id,name,email"] + rows).joined(separator: "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        _ = try store.importFile(path, options: ImportOptions(analyst: "ana", now: 1_730_000_000))
        let figures = try (first..<first + n).map { i in
            let key = try #require(try store.customerKey(externalId: "K\(1000 + i)"))
            return i % 9 == 8
                ? MetricsRecord(customerId: key, updatedAt: 1_730_000_000)
                : MetricsRecord(
                    customerId: key, orders: i % 5, spend: Double(i % 7), recencyDays: i % 4 == 0 ? nil : i % 6,
                    rfmSegment: i % 2 == 0 ? "champions" : "lost", stage: i % 3 == 0 ? "active" : "lapsing",
                    clv12m: Double(i % 3), updatedAt: 1_730_000_000)
        }
        _ = try store.writeMetrics(figures, replacingAll: false)
    }

    @Test(arguments: Backend.available)
    func pagesByPositionAreTheOffsetPages(_ backend: Backend) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("positions-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.open(location)
        try Self.add(store, 60, from: 0, dir: dir)
        let ws = Workspace(store: store, analyst: "ana")
        var rng = SeededRandom(state: 7)
        let queries = ListSort.allCases.flatMap { sort in
            [ListQuery(sort: sort), ListQuery(sort: sort, reversed: true), ListQuery(segment: "lost", sort: sort)]
        }
        for round in 0..<2 {
            // The second round starts with the query the first ended with: only the write tells.
            for q in round == 0 ? queries : queries.reversed() {
                let total = try ws.customerCount(q)
                let all = try ws.customerPageByOffset(q, offset: 0, limit: 1_000)
                #expect(all.count == total)
                // A small sample step, so that the far jumps walk it.
                let positions = ListPositions(sampleStep: 4)
                let requests =
                    [(0, 5), (5, 5), (10, 5), (total - 5, 5), (total - 10, 5), (total / 2, 7), (3, 5)]
                    + (0..<12).map { _ in (Int.random(in: 0..<total, using: &rng), Int.random(in: 1...9, using: &rng)) }
                for (offset, limit) in requests {
                    let page = try positions.page(store, q, offset: offset, limit: limit, total: total)
                    #expect(page == Array(all.dropFirst(offset).prefix(limit)), "\(q) at \(offset) round \(round)")
                    let served = try ws.customerPage(q, offset: offset, limit: limit, total: total)
                    #expect(served == page, "\(q) at \(offset) through the workspace")
                }
            }
            // Customers arrive (the store's write stamp changes): what was known is forgotten.
            try Self.add(store, 25, from: 60, dir: dir)
        }
    }
}
