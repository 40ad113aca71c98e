import Foundation
import Testing

@testable import RapportStore

/// An events file into an empty events table: on PostgreSQL every index and the primary key
/// are dropped and built after the rows (`DeferredIndexes.dropAllIfEmpty`). On both stores the
/// identities hold as with the indexes kept: a repeated id is refused with its line, identical
/// rows without ids are kept apart, and the next file decides its duplicates by the rebuilt keys.
@Suite("Events into an empty store")
struct EmptyEventsLoadTests {
    func options(_ t: TempStore) -> ImportOptions { ImportOptions(analyst: "tester", now: t.actor.now) }

    /// The events table's indexes and constraints, by name and definition.
    func keys(_ t: TempStore) throws -> [String?] {
        t.backend == .sqlite
            ? try t.texts(
                "SELECT name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE tbl_name = 'events' ORDER BY 1")
            : try t.texts(
                """
                SELECT indexname || ' ' || indexdef || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END
                FROM pg_indexes i JOIN pg_index x ON x.indexrelid = ('public.' || quote_ident(i.indexname))::regclass
                WHERE schemaname = 'public' AND tablename = 'events'
                UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = 'events'::regclass ORDER BY 1
                """)
    }

    /// 40 events with ids over 10 customers, then the same 3 rows without ids twice.
    let events =
        "event_id,customer_id,timestamp,type,product_id,quantity,amount\n"
        + (0..<40).map { "E\($0),C\($0 % 10),\(1_700_000_000 + $0 * 60),view,P\($0 % 4),1,0" }.joined(separator: "\n")
        + "\n"
        + String(
            repeating: ",C1,1700000000,view,P1,1,0\n,C2,1700000060,purchase,P2,1,9.5\n,C3,1700000120,view,,1,0\n",
            count: 2)

    @Test(arguments: Backend.available)
    func aFileIntoAnEmptyStoreKeepsEveryIdentity(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let before = try keys(t)
        let first = try t.store.importFile(try t.file("ev.csv", events), options: options(t))
        #expect(first.rows == 46 && first.inserted == 46 && first.duplicates == 0)
        #expect(first.createdCustomers == 10 && first.createdProducts == 4)
        #expect(try keys(t) == before)
        // Identical rows without ids are each their own event (on PostgreSQL numbered in file order).
        #expect(try t.texts("SELECT CAST(COUNT(*) AS TEXT) FROM events WHERE content_hash IS NOT NULL") == ["6"])
        if backend == .postgres {
            let occurrences = try t.texts(
                "SELECT content_occurrence::text FROM events WHERE content_hash IS NOT NULL ORDER BY id")
            #expect(occurrences == ["0", "0", "0", "1", "1", "1"])
        }
        #expect(try t.texts("SELECT external_id FROM events ORDER BY id LIMIT 2") == ["E0", "E1"])
        // The rebuilt keys decide the next file's duplicates.
        let again = try t.store.importFile(
            try t.file("again.csv", events + "E40,C1,1700009999,view,P1,1,0\n"), options: options(t))
        #expect(again.inserted == 1 && again.duplicates == 46)
        #expect(try t.count("events") == 47)
    }

    @Test(arguments: Backend.available)
    func aRepeatedIdIntoAnEmptyStoreIsRefusedWithItsLine(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let before = try keys(t)
        let contents = try t.contents()
        let bad = events + "E7,C7,1700009999,view,P1,1,0\n"
        let error = try #require(throws: ImportFailure.self) {
            try t.store.importFile(try t.file("bad.csv", bad), options: options(t))
        }
        #expect(error.errors.map(\.line) == [48] && error.errors.map(\.field) == ["event_id"])
        #expect(error.description.contains("bad.csv:48: event_id"))
        #expect(try t.contents() == contents)
        #expect(try keys(t) == before)
    }
}
