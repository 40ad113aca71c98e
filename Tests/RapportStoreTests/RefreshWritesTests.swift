import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// A refresh's figures written back through each driver's bulk write, with the same rules on
/// both stores: rows of customers changed meanwhile are left for the caller, rows of customers
/// gone are dropped, a stored row is replaced.
@Suite("Refresh writes on both stores")
struct RefreshWritesTests {
    func loaded(_ backend: Backend) throws -> (TempStore, c1: Int64, c2: Int64, c3: Int64) {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV + "\nC3,Cy,cy@example.com,,,,,"))
        let s = t.store
        return (t, try s.requireCustomer("C1"), try s.requireCustomer("C2"), try s.requireCustomer("C3"))
    }

    @Test(arguments: Backend.available)
    func metricsSkipWhoChangedAndDropWhoIsGone(_ backend: Backend) throws {
        let (t, c1, c2, c3) = try loaded(backend)
        let s = t.store
        let gone = c3 + 1_000
        func figures(_ orders: Int) -> [MetricsRecord] {
            [c1, c2, c3, gone].map { MetricsRecord(customerId: $0, orders: orders, spend: 1.25, updatedAt: 1) }
        }
        #expect(try s.writeMetrics(figures(1), replacingAll: true).isEmpty)
        #expect(try s.allMetrics().map(\.customerId) == [c1, c2, c3])
        // C2 gets a note after the refresh read the store: its row is kept as it was.
        let mark = try s.changeMark()
        _ = try s.addNote(customer: c2, text: "asked for a callback", by: t.actor)
        #expect(try s.writeMetrics(figures(2), replacingAll: true, unlessChangedSince: mark) == [c2])
        #expect(try s.allMetrics().map(\.orders) == [2, 1, 2])
        // A partial write replaces the rows it names and leaves the others.
        try s.writeMetrics(
            [MetricsRecord(customerId: c3, orders: 7, recencyDays: 4, updatedAt: 2)], replacingAll: false)
        #expect(try s.allMetrics().map(\.orders) == [2, 1, 7])
        #expect(try s.metrics(customer: c3)?.recencyDays == 4 && s.metrics(customer: c3)?.spend == 0)
        // The list's indexes are whole again after a full rewrite.
        #expect(try s.customerPage(ListQuery(sort: .orders), offset: 0, limit: 5).map(\.key) == [c3, c1, c2])
    }

    @Test(arguments: Backend.available)
    func affinitiesAndActivityReplaceTheirRows(_ backend: Backend) throws {
        let (t, c1, c2, c3) = try loaded(backend)
        let s = t.store
        try s.writeAffinities([(c1, ["coffee": 1]), (c2, ["toys": 0.5]), (c3 + 9, ["gone": 1])], replacingAll: true)
        #expect(try s.affinities() == [c1: ["coffee": 1], c2: ["toys": 0.5]])
        // Covering C1 and C2 with a vector for C1 only: C2's old vector goes; C3's stays untouched.
        try s.writeAffinities([(c3, ["tea": 0.25])], covering: nil, replacingAll: false)
        try s.writeAffinities([(c1, ["music": 0.75])], covering: [c1, c2], replacingAll: false, skipping: [])
        #expect(try s.affinities() == [c1: ["music": 0.75], c3: ["tea": 0.25]])
        try s.writeAffinities([], covering: [c1, c3], replacingAll: false, skipping: [c3])
        #expect(try s.affinities() == [c3: ["tea": 0.25]])

        let rows = [c1, c2, c3 + 9].map {
            ActivityRow(customer: $0, segment: 1, clv12m: 2.5, pAlive: nil, bytes: [UInt8]("\($0)".utf8))
        }
        try s.writeActivity(rows, replacingAll: true, unlessChangedSince: nil)
        try s.writeActivity(
            [ActivityRow(customer: c2, segment: nil, clv12m: nil, pAlive: 0.5, bytes: [])], replacingAll: false,
            unlessChangedSince: nil)
        var back: [ActivityRow] = []
        try s.scanActivity { key, segment, clv, pAlive, bytes in
            back.append(ActivityRow(customer: key, segment: segment, clv12m: clv, pAlive: pAlive, bytes: Array(bytes)))
        }
        #expect(back == [rows[0], ActivityRow(customer: c2, segment: nil, clv12m: nil, pAlive: 0.5, bytes: [])])
    }
}
