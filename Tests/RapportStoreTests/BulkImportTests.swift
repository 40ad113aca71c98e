import Foundation
import Testing

@testable import RapportStore

/// Large imports write their rows without the tables' secondary indexes and build them after
/// (`DeferredIndexes`), on both stores: the indexes are all there afterwards, a bad row after
/// many good ones leaves the store as it was, and a re-import of a file without ids adds nothing.
@Suite("Bulk import")
struct BulkImportTests {
    /// The store's indexes on the tables an import fills, by name.
    func indexes(_ t: TempStore) throws -> [String] {
        try t.texts(
            t.backend == .sqlite
                ? """
                SELECT name FROM sqlite_master WHERE type = 'index'
                AND tbl_name IN ('customers', 'stated_preferences', 'events') ORDER BY name
                """
                : """
                SELECT indexname || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END
                FROM pg_indexes i JOIN pg_index x ON x.indexrelid = ('public.' || quote_ident(i.indexname))::regclass
                WHERE schemaname = 'public' AND tablename IN ('customers', 'stated_preferences', 'events') ORDER BY 1
                """
        ).compactMap { $0 }
    }

    /// `n` customers C<from>… with a name, an email and a stated like.
    func customers(_ range: Range<Int>, name: String = "Name") -> String {
        "customer_id,name,email,likes\n"
            + range.map { "C\($0),\(name) \($0),c\($0)@example.com,category:Books" }.joined(separator: "\n") + "\n"
    }

    /// Events without ids: `n` distinct rows over 50 customers, then every tenth row again (a
    /// second identical fact, kept as its own event).
    func idlessEvents(_ n: Int) -> String {
        let rows = (0..<n).map { i in
            "C\(i % 50),\(1_700_000_000 + i * 60),\(i % 3 == 0 ? "purchase" : "view"),P\(i % 7),1,\(i % 3 == 0 ? "9.5" : "0")"
        }
        let repeats = stride(from: 0, to: n, by: 10).map { rows[$0] }
        return "customer_id,timestamp,type,product_id,quantity,amount\n" + (rows + repeats).joined(separator: "\n")
            + "\n"
    }

    func options(_ t: TempStore) -> ImportOptions { ImportOptions(analyst: "tester", now: t.actor.now) }

    @Test(arguments: Backend.available)
    func reimportingAFileWithoutIdsAddsNothing(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let before = try indexes(t)
        let path = try t.file("noids.csv", idlessEvents(3_000))
        let first = try t.store.importFile(path, options: options(t))
        #expect(first.rows == 3_300 && first.inserted == 3_300 && first.duplicates == 0)
        #expect(first.createdCustomers == 50 && first.createdProducts == 7)
        #expect(try indexes(t) == before)
        let again = try t.store.importFile(path, options: options(t))
        #expect(again.inserted == 0 && again.duplicates == 3_300)
        #expect(try t.count("events") == 3_300)
        // One customer's history reads through the rebuilt (customer, time) index.
        let c7 = try t.store.requireCustomer("C7")
        #expect(try t.store.events(customer: c7).count == 60)
    }

    @Test(arguments: Backend.available)
    func aBadRowAfterManyGoodOnesLeavesTheStoreAsItWas(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.store.importFile(try t.file("first.csv", customers(0..<20)), options: options(t))
        _ = try t.store.importFile(try t.file("ev.csv", idlessEvents(200)), options: options(t))
        let indexesBefore = try indexes(t)
        let contents = try t.contents()
        // 5,000 new customers (enough to write without the indexes), the last with a bad year.
        let goodRows = (20..<5_020).map { "C\($0),Name \($0),c\($0)@example.com,1980" }
        let customersFile = try t.file(
            "bad-customers.csv",
            "customer_id,name,email,birth_year\n" + goodRows.joined(separator: "\n")
                + "\nC9999,Late,late@example.com,17\n")
        let customerError = try #require(throws: ImportFailure.self) {
            try t.store.importFile(customersFile, options: options(t))
        }
        #expect(customerError.errors.map(\.line) == [5_002] && customerError.errors.map(\.field) == ["birth_year"])
        // 4,000 new events, the last with a timestamp that is not one.
        let badEvents = idlessEvents(4_000) + "C1,not-a-time,view,P1,1,0\n"
        let eventsError = try #require(throws: ImportFailure.self) {
            try t.store.importFile(try t.file("bad-events.csv", badEvents), options: options(t))
        }
        #expect(eventsError.errors.map(\.line) == [4_402] && eventsError.errors.map(\.field) == ["timestamp"])
        #expect(eventsError.description.contains("bad-events.csv:4402: timestamp"))
        #expect(try t.contents() == contents)
        #expect(try indexes(t) == indexesBefore)
    }

    @Test(arguments: Backend.available)
    func aLargeImportIntoAStoreWithRowsKeepsThemAndBuildsTheIndexes(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let before = try indexes(t)
        _ = try t.store.importFile(try t.file("first.csv", customers(0..<100)), options: options(t))
        // 100 stored customers renamed and 400 new ones: more than half again, so written without indexes.
        let second = try t.store.importFile(
            try t.file("second.csv", customers(0..<500, name: "Renamed")), options: options(t))
        #expect(second.inserted == 400 && second.updated == 100)
        #expect(try t.count("customers") == 500)
        #expect(try t.count("stated_preferences") == 500)
        #expect(try indexes(t) == before)
        #expect(try t.texts("SELECT name FROM customers WHERE external_id = 'C42'") == ["Renamed 42"])
        let sorted = try t.texts("SELECT external_id FROM customers ORDER BY name, id LIMIT 2")
        #expect(sorted == ["C0", "C1"])
        _ = try t.store.importFile(try t.file("ev1.csv", idlessEvents(300)), options: options(t))
        let more = try t.store.importFile(try t.file("ev2.csv", idlessEvents(3_000)), options: options(t))
        // The first 300 rows (and their 30 repeats) were stored by the first file.
        #expect(more.inserted == 3_300 - 330 && more.duplicates == 330)
        #expect(try t.count("events") == 3_300)
        #expect(try indexes(t) == before)
    }
}
