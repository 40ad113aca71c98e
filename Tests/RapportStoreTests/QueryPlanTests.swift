import Foundation
import GRDB
import RapportVocabulary
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
        let events = try Self.plan(t, ChangedCustomers.byEvents)
        #expect(events.contains("INTEGER PRIMARY KEY") && !events.contains("SCAN"), "\(events)")
        let audit = try Self.plan(t, ChangedCustomers.byAudit)
        #expect(audit.contains("INTEGER PRIMARY KEY") && !audit.contains("SCAN"), "\(audit)")
    }

    // SQLite-only: the plans of the reads written once for both stores.
    @Test func historiesAndARefreshsCustomersWalkTheEventIndexWithoutSorting() throws {
        let t = try TempStore(.sqlite)
        for sql in [
            EventRows.select(joined: true, where: "e.customer_id = ?", order: "e.time, e.id"),
            EventRows.select(joined: true, where: "e.customer_id = ?", order: "e.time DESC, e.id DESC"),
            EventFacts.ofCustomers(.sqlite)
        ] {
            let plan = try Self.plan(t, sql)
            #expect(plan.contains("USING INDEX events_by_customer_time") && !plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }

    @Test func listPagesWalkTheirSortsIndex() throws {
        let t = try TempStore(.sqlite)
        for sort in ListSort.allCases where sort != .id {
            let q = ListQuery(sort: sort)
            let sql = ListSQL.page(
                q, filter: ListFilter(q, .sqlite), part: nil, total: nil, reversed: false, dialect: .sqlite)
            let plan = try t.sqlite.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [20, 0]).map {
                    $0["detail"] as String
                }
                .joined(separator: "; ")
            }
            #expect(plan.contains(sort.index ?? "-") && !plan.contains("TEMP B-TREE"), "\(sort): \(plan)")
        }
    }
}
