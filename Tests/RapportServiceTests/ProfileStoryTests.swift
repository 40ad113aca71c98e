import Foundation
import RapportVocabulary
import Testing
@testable import RapportService

/// The profile says what the engine saw: lapsed habits, damped bursts, one-purchase figures.
@Suite("Profile story")
struct ProfileStoryTests {
    static func rows() -> [String] {
        var rows = TempWorkspace.baseRows()
        // L: a monthly habit of P7 that stopped in May 2025.
        for d in ["2025-01-05", "2025-02-04", "2025-03-06", "2025-04-05", "2025-05-05"] {
            rows.append("L,\(d),purchase,P7,12")
        }
        // O: one order, in June.
        rows.append("O,2026-06-01,purchase,P1,15")
        // S: two days of heavy interest in a product never seen before, at the end of the data.
        for day in ["2026-08-31", "2026-09-01"] {
            for h in 10..<22 { rows.append("S,\(day)T\(h):00:00Z,view,P9,0") }
            rows.append("S,\(day)T22:00:00Z,purchase,P9,30")
        }
        return rows
    }

    @Test func aStoppedHabitIsShownAsLapsed() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", Self.rows())
        let p = try t.ws.profile(try t.ws.customerKey("L"))
        let habit = try #require(p.replenishment.first { $0.productId == "P7" })
        #expect(habit.lapsed && habit.purchases == 5 && habit.intervalDays == 30)
        #expect(habit.when.hasPrefix("lapsed: overdue by"))
        #expect(p.recommendations.allSatisfy { $0.kind != .replenish })
    }

    @Test func aOneOrderCustomerHasNoPAliveAndAPriorBasedCLV() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", Self.rows())
        let l = try #require(try t.ws.profile(try t.ws.customerKey("O")).lifecycle)
        #expect(l.pAlive == nil && l.singlePurchase)
        #expect(l.pAliveText == "n/a (one purchase)")
        #expect(l.clvText.hasSuffix("(prior-based: one purchase)"))
        #expect(l.basis.hasPrefix("one order, 92 days ago"))
    }

    @Test func aDampedBurstIsNamedOnTheProfile() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", Self.rows())
        let p = try t.ws.profile(try t.ws.customerKey("S"))
        let spike = try #require(p.dampedSpikes.first)
        #expect(spike.from.description == "2026-08-31" && spike.to.description == "2026-09-01")
        #expect(spike.novel && spike.events == 26 && spike.counted < 0.5)
        #expect(spike.reason.contains("new to this customer"))
    }
}

/// "at risk" is an RFM segment and a lifecycle stage: metrics must know which.
@Suite("Metrics scope")
struct MetricsScopeTests {
    @Test func anAmbiguousNameIsRefusedAndAQualifiedOneIsNot() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("e.csv", ProfileStoryTests.rows())
        #expect(throws: (any Error).self) { try t.ws.metrics(segment: "at risk") }
        let rfm = try t.ws.metrics(segment: "rfm:at risk")
        let stage = try t.ws.metrics(segment: "stage:at risk")
        let everyone = try t.ws.metrics()
        #expect(rfm.customers <= everyone.customers && stage.customers <= everyone.customers)
        // Stage members counted directly from the stored figures.
        let stageMembers = try t.ws.customerCount(ListQuery(stage: "at risk"))
        #expect(stage.customers == stageMembers)
        let rfmMembers = try t.ws.customerCount(ListQuery(segment: "at risk"))
        #expect(rfm.customers == rfmMembers)
        #expect(try t.ws.metrics(segment: "champions").customers == t.ws.customerCount(ListQuery(segment: "champions")))
    }
}
