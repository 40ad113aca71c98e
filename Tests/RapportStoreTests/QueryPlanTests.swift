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

    /// Every run of a keyset page (the edge's ties, the rows past it, the rows without a value)
    /// seeks into the sort's index and reads on in its order: nothing before the edge is walked.
    /// (From the start, a run with no condition scans from the index's first entry: also no walk.)
    @Test func keysetRunsSeekIntoTheirSortsIndex() throws {
        let t = try TempStore(.sqlite)
        let edge = CustomerListItem(
            key: 5, externalId: "C5", name: "Ann", segment: "lost", stage: "active", recencyDays: 3, orders: 2,
            spend: 10, clv: 4)
        let blank = CustomerListItem(key: 6, externalId: "C6")
        for sort in ListSort.allCases where sort != .id {
            for (reversed, backward) in [(false, false), (true, false), (false, true)] {
                let q = ListQuery(sort: sort, reversed: reversed)
                let order = KeysetOrder(sort, listReversed: reversed, backward: backward)
                // An edge without a value only where the column may have none.
                let edges = [nil, edge] + (sort.keysetNullable ? [blank] : [])
                for run in edges.flatMap({ order.runs(after: $0, .sqlite) }) {
                    var filter = ListFilter(q, .sqlite)
                    filter.clauses.append(run.condition)
                    let sql = ListSQL.keysetPage(q, filter: filter, total: nil, order: order, dialect: .sqlite)
                    let plan = try t.store.readSQL { db in
                        try db.all("EXPLAIN QUERY PLAN " + sql, run.args + [20, 0]) { try $0.string(3) ?? "" }
                    }.joined(separator: "; ")
                    #expect(
                        run.condition == "1 = 1"
                            ? plan.contains("USING INDEX \(sort.index ?? "-")")
                            : plan.contains("SEARCH m USING INDEX \(sort.index ?? "-")")
                                || plan.contains("SEARCH c USING INDEX \(sort.index ?? "-")"),
                        "\(sort) \(reversed) \(backward) \(run.condition): \(plan)")
                    #expect(!plan.contains("TEMP B-TREE"), "\(sort) \(run.condition): \(plan)")
                }
            }
        }
    }
}
