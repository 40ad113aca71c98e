import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// Issue 19, items 2 and 3: one clock after deletions, no future-dated events, and consent
/// that takes effect at once.
@Suite("One clock after deletions; consent at once")
struct PromisesKeptTests {
    static let base = "2026-04-18" // the newest day of `TempWorkspace.baseRows()`

    func profileAsOf(_ t: TempWorkspace, _ customer: String) throws -> String? {
        try t.ws.profile(try t.ws.customerKey(customer)).asOf?.description
    }

    /// Every path that shows or counts from the as-of date, for customer C2.
    func clocks(_ t: TempWorkspace) throws -> [String: String] {
        let c2 = try t.ws.customerKey("C2")
        let list = try t.ws.customerPage(ListQuery(), offset: 0, limit: 100).first { $0.externalId == "C2" }
        // C2's last purchase is on 2026-04-12: the list's recency counts from the as-of day.
        let lastPurchase = try #require(Dates.timestamp("2026-04-12"))
        let listAsOf = list?.recencyDays.map { Dates.isoDate(lastPurchase + Int64($0) * 86_400) }
        return [
            "profile": try profileAsOf(t, "C2") ?? "-",
            "store": try t.ws.asOf().map(Dates.isoDate) ?? "-",
            "list": listAsOf ?? "-",
            "metrics": try t.ws.metrics().until,
            "insight": try t.ws.customerInsight(c2).map { Dates.isoDate($0.asOf) } ?? "-"
        ]
    }

    @Test func clearingTheNewestEventsLowersTheAsOfOnEveryPathAtOnce() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows() + ["C1,2026-06-01,purchase,P0,10"])
        let clocks1 = try clocks(t)
        #expect(Set(clocks1.values) == ["2026-06-01"], "\(clocks1)")
        _ = try t.ws.clearHistory(
            customer: try t.ws.customerKey("C1"), range: HistoryWindow(since: Dates.timestamp("2026-05-01")))
        // No refresh: every path moved back together.
        let clocks2 = try clocks(t)
        #expect(Set(clocks2.values) == [Self.base], "\(clocks2)")
        #expect(try t.metrics("C2")?.recencyDays == 6)
    }

    @Test func forgettingTheCustomerWithTheNewestEventsLowersItToo() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows() + ["C9,2026-07-01,purchase,P0,10"])
        let clocks3 = try clocks(t)
        #expect(Set(clocks3.values) == ["2026-07-01"], "\(clocks3)")
        try t.ws.forget(customer: try t.ws.customerKey("C9"))
        let clocks4 = try clocks(t)
        #expect(Set(clocks4.values) == [Self.base], "\(clocks4)")
    }

    @Test func aDeletionThatKeepsTheNewestEventChangesNoOtherCustomer() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        let before = try t.allFigures().filter { $0.customerId != (try? t.ws.customerKey("C3")) }
        _ = try t.ws.clearHistory(customer: try t.ws.customerKey("C3"), range: HistoryWindow())
        let after = try t.allFigures().filter { $0.customerId != (try? t.ws.customerKey("C3")) }
        #expect(before == after)
        #expect(Set(try clocks(t).values) == [Self.base])
    }

    @Test func aFutureDatedEventIsRefusedAndSetAsideWithSkipBad() throws {
        let t = try TempWorkspace() // its clock: 2026-09-21T14:13:20Z
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        let path = t.dir.appendingPathComponent("future.csv").path
        try Data(
            "customer_id,timestamp,type,product_id,amount\nC1,2026-09-22,purchase,P0,5\nC2,2026-09-23,purchase,P0,5\n"
                .utf8
        ).write(to: URL(fileURLWithPath: path))
        // Within a day of the clock is fine (time zones); later is refused, and nothing of the file is stored.
        let failure = try #require(
            throws: ImportFailure.self, performing: { try t.ws.importFiles([path], request: ImportRequest()) })
        #expect(failure.description.contains("future.csv:3: timestamp: 2026-09-23T00:00:00Z is in the future"))
        #expect(try t.ws.asOf().map(Dates.isoDate) == Self.base)
        // With --skip-bad the other rows go in and the future one is set aside with its reason.
        let rejects = t.dir.appendingPathComponent("rejects.csv").path
        let reports = try t.ws.importFiles([path], request: ImportRequest(rejectsPath: rejects))
        #expect(reports.first?.inserted == 1 && reports.first?.rejected == 1)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).contains("in the future"))
        let clocks5 = try clocks(t)
        #expect(Set(clocks5.values) == ["2026-09-22"], "\(clocks5)")
    }

    @Test func unknownEventColumnsAreReportedAsDropped() throws {
        let t = try TempWorkspace()
        let path = t.dir.appendingPathComponent("events.csv").path
        try Data(
            "customer_id,timestamp,type,product_id,amount,store_code,_error\nC1,2026-01-02,purchase,P0,5,S1,\n".utf8
        ).write(to: URL(fileURLWithPath: path))
        let reports = try t.ws.importFiles([path], request: ImportRequest())
        #expect(reports.first?.droppedColumns == ["store_code"])
    }

    // MARK: consent

    /// C1 buys coffee every month (a habit) and nothing else; C2 buys tea.
    func coffeeStore(_ t: TempWorkspace, consent: String = "true") throws -> [String] {
        func write(_ name: String, _ text: String) throws -> String {
            let p = t.dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: p))
            return p
        }
        let customers = try write(
            "customers.csv", "customer_id,name,consent_personalization\nC1,Coffee Fan,\(consent)\nC2,Tea Fan,true\n")
        let products = try write(
            "products.csv",
            "product_id,title,category,brand,price,replenish_days\nK1,Beans,Coffee,Bean,9,30\nT1,Leaves,Tea,Leaf,7,30\n"
        )
        var rows: [String] = []
        for m in 1...8 {
            rows.append("C1,2026-0\(m)-05,purchase,K1,9")
            rows.append("C2,2026-0\(m)-06,purchase,T1,7")
        }
        let events = try write(
            "events.csv", "customer_id,timestamp,type,product_id,amount\n" + rows.joined(separator: "\n") + "\n")
        return [customers, products, events]
    }

    @Test func withdrawnConsentLeavesPreferenceSegmentsAtOnce() throws {
        let t = try TempWorkspace()
        let files = try coffeeStore(t)
        _ = try t.ws.importFiles(files, options: ImportOptions(analyst: "tester"))
        _ = try t.ws.saveRuleSegment(name: "coffee lovers", rule: "affinity(\"Coffee\") > 0.3", replace: false)
        try t.ws.refresh() // the vectors are stored now
        #expect(try t.ws.ruleSegmentMembers("coffee lovers", limit: 10)?.map(\.externalId) == ["C1"])
        let withdrawn = try coffeeStore(t, consent: "false")
        _ = try t.ws.importFiles([withdrawn[0]], request: ImportRequest())
        #expect(try t.ws.ruleSegmentMembers("coffee lovers", limit: 10)?.map(\.externalId) == [])
        #expect(try t.ws.segmentSummaries().first { $0.name == "coffee lovers" }?.members == 0)
        // And the rule, evaluated afresh, agrees.
        #expect(try t.ws.members(of: try t.ws.parseRule("affinity(\"Coffee\") > 0.3")).isEmpty)
    }

    @Test func noReplenishmentWithoutPersonalizationConsent() throws {
        let t = try TempWorkspace()
        _ = try t.ws.importFiles(try coffeeStore(t), options: ImportOptions(analyst: "tester"))
        #expect(try !t.ws.profile(try t.ws.customerKey("C1")).replenishment.isEmpty)
        let withdrawn = try coffeeStore(t, consent: "false")
        _ = try t.ws.importFiles([withdrawn[0]], request: ImportRequest())
        let profile = try t.ws.profile(try t.ws.customerKey("C1"))
        #expect(profile.replenishment.isEmpty)
        #expect(!profile.recommendations.contains { $0.kind == .replenish })
    }
}
