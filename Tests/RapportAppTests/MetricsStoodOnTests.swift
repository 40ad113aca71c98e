import Foundation
import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// `@` on the metrics screen: the figures as they stood on a past day, through the client's
/// `metricsStoodOn`, with no store; `@` again (or back) returns to today's.
@Suite("Metrics as of a date")
struct MetricsStoodOnTests {
    static func client(_ calls: FixtureCalls) -> ExplorerClient {
        var client = Fixtures.withMetrics
        client.metricsStoodOn = { p, segment in
            calls.add("metricsStoodOn \(p.label) \(segment ?? "everyone")")
            guard let m = Fixtures.shop.metrics[segment ?? "everyone"] else {
                throw NotInFixture(operation: "metrics of \(segment ?? "")")
            }
            return m
        }
        client.segmentSummariesStoodOn = { _ in Fixtures.shop.segments }
        return client
    }

    @Test func atOnTheMetricsShowsThemAsTheyStoodAndAgainReturnsToNow() throws {
        let calls = FixtureCalls()
        let h = Harness(client: Self.client(calls))
        h.press(.char("M"))
        #expect(!h.lines[0].contains("@ as of"))
        h.press(.char("@"))
        #expect(h.screen.contains("As it stood on a date"), "\(h.screen)")
        h.type("2025-06-30")
        h.press(.enter)
        #expect(calls.all == ["metricsStoodOn 2025-06-30 everyone"])
        #expect(h.lines[0].contains("Metrics • everyone") && h.lines[0].contains("@ as of 2025-06-30"), "\(h.lines[0])")
        #expect(h.model.metrics?.figures != nil && !h.model.metricsView.refreshing)
        // The cells' customers are today's lists: not offered for a past day.
        h.press(.enter)
        #expect(h.model.screen == .metrics && h.model.flash?.text.contains("as of 2025-06-30") == true)
        // `@` again: today's figures, no marker.
        h.press(.char("@"))
        #expect(h.model.pastDate == nil && !h.lines[0].contains("@ as of"), "\(h.lines[0])")
        #expect(calls.all.count == 1)
    }

    @Test func aSegmentsMetricsFromAPastDayAreOfThatDay() throws {
        let calls = FixtureCalls()
        let h = Harness(client: Self.client(calls))
        h.press(.char("S"), .char("@"))
        h.type("2025-06-30")
        h.press(.enter)
        let first = try #require(h.model.segments.items.first)
        h.press(.char("M"))
        let qualified = SegmentRef(kind: first.kind, name: first.name).qualified
        #expect(calls.all == ["metricsStoodOn 2025-06-30 \(qualified)"], "\(calls.all)")
        #expect(h.lines[0].contains("@ as of 2025-06-30"), "\(h.lines[0])")
        // Back returns to now first, as on every screen a past day applies to.
        h.press(.escape)
        #expect(h.model.pastDate == nil && h.model.screen == .metrics)
    }
}

/// Enter on a past day's segments: the list of the segment's members as they stood on the day,
/// through the client's `segmentMembersStoodOn`; another sort or filter lists today's again.
@Suite("Segment members as of a date")
struct PastMembersTests {
    @Test func enterOnAPastDaysSegmentListsItsMembersOfThen() throws {
        let calls = FixtureCalls()
        var client = MetricsStoodOnTests.client(calls)
        let then = Fixtures.shop.customers.filter { ["C1", "C4"].contains($0.externalId) }
        client.segmentMembersStoodOn = { ref, p in
            calls.add("segmentMembersStoodOn \(ref.kind.rawValue):\(ref.name) \(p.label)")
            return then
        }
        let h = Harness(client: client)
        h.press(.char("S"), .char("@"))
        h.type("2025-06-30")
        h.press(.enter)
        let first = try #require(h.model.segments.items.first)
        h.press(.enter)
        #expect(h.model.screen == .list)
        #expect(calls.all == ["segmentMembersStoodOn \(first.kind.rawValue):\(first.name) 2025-06-30"])
        #expect(h.lines[0].contains("@ as of 2025-06-30"), "\(h.lines[0])")
        #expect(h.model.list.total == 2 && h.lines[22].contains("1/2 customers"), "\(h.screen)")
        #expect(h.lines[2].hasPrefix("Anna Côté") && h.lines[3].hasPrefix("Margot Lindqvist"), "\(h.screen)")
        // Another sort is today's list of the segment: no marker, no second pass.
        h.press(.char("s"))
        #expect(!h.lines[0].contains("@ as of") && h.model.list.pastSegment == nil, "\(h.lines[0])")
        #expect(calls.all.count == 1)
    }
}
