import Foundation
import Testing

@testable import RapportStore

/// A PostgreSQL store whose import left an index on the partitioned parent alone (`ON ONLY`,
/// invalid, as imports did before the fix of `DeferredIndexes.onEveryPartition`) gets it built
/// again on every partition by migration `v16-valid-indexes` when it is next opened.
@Suite("Invalid indexes repaired")
struct ValidIndexesRepairTests {
    static let indexState = """
        SELECT c.relname || ' ' || pg_get_indexdef(x.indexrelid)
            || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END
        FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
        WHERE c.relname = 'events_by_customer_time'
        """

    @Test(.enabled(if: Backend.serverURL != nil))
    func anIndexOnTheParentAloneIsBuiltOnEveryPartition() throws {
        let t = try TempStore(.postgres)
        let healthy = try t.texts(Self.indexState)
        #expect(healthy.count == 1 && healthy.first??.hasSuffix("(invalid)") == false)
        let store = try #require(t.store as? PostgresStore)
        try store.write { c in
            _ = try c.execute("DROP INDEX events_by_customer_time")
            _ = try c.execute("CREATE INDEX events_by_customer_time ON ONLY events (customer_id, time, id)")
            _ = try c.execute("DELETE FROM rapport_migrations WHERE name = 'v16-valid-indexes'")
        }
        #expect(try t.texts(Self.indexState).first??.hasSuffix("(invalid)") == true)
        _ = try t.open()
        let repaired = try t.texts(Self.indexState)
        #expect(repaired == healthy, "\(repaired) against \(healthy)")
        #expect(
            try t.texts("SELECT CAST(COUNT(*) AS TEXT) FROM pg_index WHERE NOT indisvalid") == ["0"])
    }
}
