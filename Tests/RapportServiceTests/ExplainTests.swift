import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

/// `explain` agrees with what it explains, on both stores: a rule segment's verdict with its
/// stored members, an RFM segment's with the profile, a recommendation's place and score with
/// the list `recommend` gives; and as of a past day with that day's list.
@Suite("Explanations from a store", .serialized)
struct ExplainTests {
    @Test(arguments: Backend.available)
    func explanationsAgreeWithWhatTheyExplain(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2024-04-01")!)
        let (ws, cleanup) = try StoodOnTests.workspace(backend, clock)
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("explain-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try ws.importFiles(try SmallShop.write(to: dir), options: ImportOptions(analyst: "ana"))
        _ = try ws.createSegment(name: "book buyers", rule: "affinity(\"Books\") > 0.5 and orders >= 2")
        let members = Set(try ws.members(of: try ws.parseRule("affinity(\"Books\") > 0.5 and orders >= 2")))
        let rule = SegmentRef(kind: .rule, name: "book buyers")
        for id in ["C1", "C2", "C3"] {
            let key = try ws.customerKey(id)
            let e = try ws.explainSegment(rule, customer: key)
            #expect(e.member == members.contains(key), "\(id)")
            #expect(e.conditions.count == 2 && e.member == e.conditions.allSatisfy(\.passed))
            let profile = try ws.profile(key)
            if let segment = profile.rfm?.segment {
                #expect(try ws.explainSegment(SegmentRef(kind: .rfm, name: segment), customer: key).member)
            }
            let stage = try #require(profile.lifecycle?.stage)
            #expect(try ws.explainSegment(SegmentRef(kind: .stage, name: stage), customer: key).member)
            for (i, r) in try ws.recommendations(key, k: 10).enumerated() {
                let why = try ws.explainRecommendation(customer: key, product: r.productId)
                #expect(why.position == i + 1 && why.kind == r.kind && why.reason == r.reason)
                if r.kind.isPersonal {
                    #expect(abs(why.score - r.score) < 0.001)
                }
            }
        }
        // C1 bought P1: explained as had already.
        let owned = try ws.explainRecommendation(customer: try ws.customerKey("C1"), product: "P1")
        #expect(owned.position == nil && owned.excluded != nil)
        // As of a past day: the explanation follows that day's list.
        let day = try #require(PointInTime.parse("2024-01-15"))
        let c1 = try ws.customerKey("C1")
        for (i, r) in try ws.recommendations(c1, k: 10, stoodOn: day).enumerated() {
            let why = try ws.explainRecommendation(customer: c1, product: r.productId, stoodOn: day)
            #expect(why.position == i + 1 && why.asStoodOn != nil)
        }
    }
}
