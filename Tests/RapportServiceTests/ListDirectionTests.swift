import Foundation
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

@Suite("List direction")
struct ListDirectionTests {
    /// 12 customers: 8 who bought (on different days), 4 who never did.
    func workspace() throws -> (Workspace, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var customers = "customer_id,name\n"
        for i in 1...12 { customers += "D\(String(format: "%02d", i)),Person \(i)\n" }
        var events = "event_id,customer_id,timestamp,type,product_id,quantity,amount,channel\n"
        for i in 1...8 {
            events += "E\(i),D\(String(format: "%02d", i)),2025-0\(i)-10,purchase,P1,1,\(10 * i),web\n"
        }
        let products = "product_id,title,category,brand,price,replenish_days\nP1,Thing,Misc,Acme,10,\n"
        var paths: [String] = []
        for (name, text) in [("customers.csv", customers), ("products.csv", products), ("events.csv", events)] {
            let p = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        let ws = Workspace(store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "t")
        _ = try ws.importFiles(paths, request: ImportRequest())
        return (ws, dir)
    }

    /// Every page size and offset agrees with the whole list read at once.
    func pages(_ ws: Workspace, _ q: ListQuery) throws -> [String] {
        let total = try ws.customerCount(q)
        let whole = try ws.customerPage(q, offset: 0, limit: 100, total: total).map(\.externalId)
        for size in [1, 3, 5] {
            var joined: [String] = []
            for offset in stride(from: 0, to: total, by: size) {
                joined += try ws.customerPage(q, offset: offset, limit: size, total: total).map(\.externalId)
            }
            #expect(joined == whole, "page size \(size)")
        }
        return whole
    }

    @Test func reversedFlipsTheOrderAndNeverBoughtStayLastByRecency() throws {
        let (ws, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let byName = try pages(ws, ListQuery(sort: .name))
        #expect(try pages(ws, ListQuery(sort: .name, reversed: true)) == byName.reversed())
        let never = Set((9...12).map { String(format: "D%02d", $0) })
        let recent = try pages(ws, ListQuery(sort: .recency))
        #expect(recent.count == 12)
        #expect(Array(recent.prefix(8)) == (1...8).reversed().map { "D0\($0)" })
        #expect(Set(recent.suffix(4)) == never)
        let oldest = try pages(ws, ListQuery(sort: .recency, reversed: true))
        #expect(Array(oldest.prefix(8)) == (1...8).map { "D0\($0)" })
        #expect(Set(oldest.suffix(4)) == never)
        let spend = try pages(ws, ListQuery(sort: .spend))
        #expect(try pages(ws, ListQuery(sort: .spend, reversed: true)) == spend.reversed())
    }
}
