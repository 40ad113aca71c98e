import Foundation
import RapportService
import RapportVocabulary
import Testing
@testable import RapportApp

/// The fixture shop is what the harness store answers: the one App test that reads both, so the
/// store-free tests render what a real session would.
@Suite("Fixtures")
struct FixtureTests {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// The lines where two values' JSON differ (empty when they agree).
    static func diff<T: Encodable>(_ a: T, _ b: T) throws -> [String] {
        let x = try json(a).split(separator: "\n"), y = try json(b).split(separator: "\n")
        // When the models were fitted is the wall clock of the import (no screen shows it).
        return zip(x, y).filter { $0 != $1 && !$0.contains("\"fitted_at\"") }.map { "\($0) | \($1)" }
            + (x.count == y.count ? [] : ["lengths \(x.count) \(y.count)"])
    }

    @Test func theFixtureShopIsWhatTheStoreAnswers() throws {
        let h = try Harness()
        let live = ExplorerClient.live(h.workspace), fixture = Fixtures.client
        #expect(
            try Self.json(fixture.customerPage(ListQuery(), 0, 200, nil))
                == Self.json(live.customerPage(ListQuery(), 0, 200, nil)))
        #expect(try fixture.customerCount(ListQuery(), nil) == live.customerCount(ListQuery(), nil))
        for id in ["C1", "C2", "C3", "C4"] {
            let key = try #require(try live.findCustomer(id))
            #expect(try fixture.findCustomer(id) == key)
            let d = try Self.diff(fixture.profile(key), live.profile(key))
            #expect(d.isEmpty, "\(id): \(d.prefix(5))")
            #expect(try Self.json(fixture.history(key)) == Self.json(live.history(key)), "\(id)")
        }
        #expect(try Self.json(fixture.segmentSummaries()) == Self.json(live.segmentSummaries()))
        #expect(try Fixtures.asOf == h.workspace.asOf())
        let metrics = Fixtures.withMetrics
        let everyone = try live.metrics(nil)
        #expect(try Self.diff(metrics.metrics(nil), everyone).isEmpty)
        #expect(try Self.diff(metrics.metrics("rfm:champions"), live.metrics("rfm:champions")).isEmpty)
        #expect(try Self.diff(metrics.cachedMetrics(), live.cachedMetrics()).isEmpty)
        let cells =
            everyone.cohorts.map { MetricsSelection.cohort($0.month) }
            + everyone.migration.map { MetricsSelection.migration(from: $0.from, to: $0.to) }
            + everyone.segments.map { MetricsSelection.segment($0.segment) }
        let since = Dates.timestamp(everyone.since), until = Dates.timestamp(everyone.until)
        for cell in cells {
            #expect(try metrics.metricsList(cell, nil, nil, nil, .name) == live.metricsList(cell, nil, nil, nil, .name))
            #expect(
                try metrics.metricsList(cell, since, until, nil, .spend)
                    == live.metricsList(cell, since, until, nil, .spend))
        }
        let margot = Fixtures.key("C1")
        for window in [
            HistoryWindow(), HistoryWindow(since: Fixtures.asOf - 29 * 86_400), HistoryWindow(types: ["view"]),
            HistoryWindow(since: 1_735_689_600, types: ["purchase", "view"])
        ] {
            #expect(try fixture.countHistory(margot, window) == live.countHistory(margot, window), "\(window)")
        }
        for text in ["mar", "margot", "anna", "yirg", "C2", "ma", "a"] {
            let q = ListQuery(text: text)
            let f = try fixture.customerPage(q, 0, 200, nil), l = try live.customerPage(q, 0, 200, nil)
            #expect(try Self.json(f) == Self.json(l), "\(text): \(f.map(\.externalId)) \(l.map(\.externalId))")
        }
        for name in ["lost", "at risk", "champions", "need attention", "active", "new"] {
            for q in [ListQuery(segment: name), ListQuery(stage: name)] {
                #expect(try fixture.customerCount(q, nil) == live.customerCount(q, nil), "\(q)")
                #expect(
                    try fixture.customerPage(q, 0, 200, nil).map(\.key) == live.customerPage(q, 0, 200, nil).map(\.key))
            }
        }
        for sort in ListSort.allCases where sort != .segment && sort != .stage {
            let q = ListQuery(sort: sort)
            let f = try fixture.customerPage(q, 0, 200, nil).map(\.externalId)
            let l = try live.customerPage(q, 0, 200, nil).map(\.externalId)
            #expect(f == l, "\(sort): \(f) \(l)")
        }
    }
}

extension FixtureTests {
    /// A note in the fixture reads as one the harness analyst added on the store.
    @Test func aFixtureNoteIsWhatAddingOneStores() throws {
        let h = try Harness()
        let key = Fixtures.key("C1")
        try h.workspace.addNote(customer: key, text: "call +44 7700 900123")
        let d = try Self.diff(
            Fixtures.client(notes: ["C1": ["call +44 7700 900123"]]).profile(key),
            ExplorerClient.live(h.workspace).profile(key))
        #expect(d.isEmpty, "\(d.prefix(5))")
    }
}
