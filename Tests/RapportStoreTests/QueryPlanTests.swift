import Foundation
import GRDB
import Testing
@testable import RapportStore

/// Queries on the key-handling and write paths read only the rows they need: checked on
/// SQLite's plan, not on a clock.
@Suite("Query plans")
struct QueryPlanTests {
    static func plan(_ t: TempStore, _ sql: String) throws -> String {
        try t.sqlite.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [0]).map { $0["detail"] as String }
                .joined(separator: "; ")
        }
    }

    // SQLite-only: reads SQLite's EXPLAIN QUERY PLAN of ProfileStore's own statements.
    @Test func changesSinceAMarkSeekPastTheMarkInsteadOfWalkingAnIndex() throws {
        let t = try TempStore(.sqlite)
        // With DISTINCT, SQLite walked the whole customer_id index: half a second per gift flag
        // on the 21M-event reference store.
        let events = try Self.plan(t, ProfileStore.changedByEvents)
        #expect(events.contains("INTEGER PRIMARY KEY") && !events.contains("SCAN"), "\(events)")
        let audit = try Self.plan(t, ProfileStore.changedByAudit)
        #expect(audit.contains("INTEGER PRIMARY KEY") && !audit.contains("SCAN"), "\(audit)")
    }
}
