import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// A full refresh's rows merged by the database (`mergeRefreshedMetrics`, `mergeRefreshedActivity`):
/// only rows that differ are written, a NULL that appears or goes is a difference, unlisted rows
/// stay, and customers changed or erased meanwhile are left out.
@Suite("Refresh merge")
struct RefreshMergeTests {
    func loaded(_ backend: Backend) throws -> (TempStore, [Int64]) {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        return (t, try t.store.customerKeys())
    }

    @Test(arguments: Backend.available)
    func onlyDifferingMetricsAreWrittenNullsIncluded(_ backend: Backend) throws {
        let (t, keys) = try loaded(backend)
        #expect(keys.count == 3)
        let first = [
            MetricsRecord(customerId: keys[0], orders: 2, spend: 47.5, pAlive: 0.5, clv12m: 10, updatedAt: 10),
            MetricsRecord(customerId: keys[1], orders: 0, spend: 0, stage: "lost", updatedAt: 10)
        ]
        // Nothing stored yet: every row is added, the third customer (not listed) gets none.
        #expect(try t.store.mergeRefreshedMetrics(first).written == 2)
        #expect(try t.store.allMetrics() == first)
        // The same figures later: nothing written, the stored time of the write stays.
        let later = first.map {
            var r = $0
            r.updatedAt = 20
            return r
        }
        #expect(try t.store.mergeRefreshedMetrics(later).written == 0)
        #expect(try t.store.allMetrics().map(\.updatedAt) == [10, 10])
        // A figure that became n/a and one that appeared are changes; a new customer is added.
        var next = later
        next[0].pAlive = nil
        next[1].rfmSegment = "Hibernating"
        next.append(MetricsRecord(customerId: keys[2], orders: 1, spend: 20, updatedAt: 20))
        #expect(try t.store.mergeRefreshedMetrics(next).written == 3)
        #expect(try t.store.allMetrics() == next)
        // A refresh that lists fewer customers leaves the others' rows as they are.
        #expect(try t.store.mergeRefreshedMetrics([next[2]]).written == 0)
        #expect(try t.store.allMetrics().count == 3)
    }

    @Test(arguments: Backend.available)
    func customersChangedOrErasedMeanwhileAreLeftOut(_ backend: Backend) throws {
        let (t, keys) = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1"), c2 = try t.store.requireCustomer("C2")
        try t.store.mergeRefreshedMetrics(keys.map { MetricsRecord(customerId: $0, orders: 1, updatedAt: 10) })
        let mark = try t.store.changeMark()
        _ = try t.store.clearHistory(customer: c1, range: HistoryWindow(), by: t.actor)
        try t.store.writeMetrics([MetricsRecord(customerId: c1, orders: 0, updatedAt: 11)], replacingAll: false)
        try t.store.forget(customer: c2, by: t.actor)
        let stale = keys.map { MetricsRecord(customerId: $0, orders: 5, updatedAt: 12) }
        let result = try t.store.mergeRefreshedMetrics(stale, unlessChangedSince: mark)
        #expect(result.skipped == [c1, c2])
        #expect(result.written == keys.count - 2)
        let stored = Dictionary(uniqueKeysWithValues: try t.store.allMetrics().map { ($0.customerId, $0.orders) })
        #expect(stored[c1] == 0 && stored[c2] == nil)
        #expect(stored.values.filter { $0 == 5 }.count == keys.count - 2)
        // An erased customer's row is not added back either.
        #expect(try t.store.mergeRefreshedMetrics(stale).written == 1)
        #expect(try t.store.allMetrics().count == keys.count - 1)
    }

    @Test(arguments: Backend.available)
    func onlyDifferingActivityIsWritten(_ backend: Backend) throws {
        let (t, keys) = try loaded(backend)
        var rows = [
            ActivityRow(customer: keys[0], segment: 3, clv12m: 12.5, pAlive: 0.25, bytes: [0, 1, 255]),
            ActivityRow(customer: keys[1], segment: nil, clv12m: nil, pAlive: nil, bytes: [])
        ]
        #expect(try t.store.mergeRefreshedActivity(rows) == 2)
        #expect(try t.store.mergeRefreshedActivity(rows) == 0)
        rows[0].bytes = [0, 1, 254]
        rows[1].segment = 0
        #expect(try t.store.mergeRefreshedActivity(rows) == 2)
        rows[1].segment = nil
        #expect(try t.store.mergeRefreshedActivity(rows, unlessChangedSince: try t.store.changeMark()) == 1)
        var back: [ActivityRow] = []
        try t.store.scanActivity { key, segment, clv, pAlive, bytes in
            back.append(ActivityRow(customer: key, segment: segment, clv12m: clv, pAlive: pAlive, bytes: Array(bytes)))
        }
        #expect(back == rows)
    }
}
