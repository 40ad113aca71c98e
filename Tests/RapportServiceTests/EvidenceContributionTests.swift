import Foundation
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// The events behind an inferred preference, with what each adds: the explorer's evidence popup
/// shows these (its screen test runs over a fixture of them).
@Suite("Evidence contributions")
struct EvidenceContributionTests {
    @Test func eachEventOfAPreferenceAddsAShareOfItsDecayedWeight() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-ev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var events = "event_id,customer_id,timestamp,type,product_id,quantity,amount,channel\n"
        for m in 1...9 {
            events += "E\(m),C1,2025-0\(m)-15,purchase,J\(m % 2 + 1),1,20,web\n"
            events += "V\(m),C1,2025-0\(m)-14,view,J\(m % 2 + 1),1,0,web\n"
        }
        events += "T1,C2,2025-03-10,purchase,T1,1,30,web\nT2,C2,2025-03-11,purchase,J1,1,20,web\n"
        let files = [
            ("customers.csv", "customer_id,name\nC1,Margot\nC2,Taro\n"),
            (
                "products.csv",
                "product_id,title,category,brand,price,replenish_days\nJ1,Kind of Blue,Music/Jazz,Blue Room,20,\n"
                    + "J2,Late Night Trio,Music/Jazz,Blue Room,18,\nT1,Wooden Train,Toys,Tiny Giants,35,\n"
            ),
            ("events.csv", events)
        ]
        var paths: [String] = []
        for (name, text) in files {
            let p = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        let ws = Workspace(store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "t")
        _ = try ws.importFiles(paths, request: ImportRequest())
        let key = try ws.customerKey("C1")
        let pref = try #require(try ws.profile(key).preferences.inferred.first)
        let items = try ws.evidence(customer: key, attribute: pref.attribute, value: pref.value)
        #expect(!items.isEmpty)
        #expect(items.map(\.event.eventId) == pref.evidence)
        for c in items {
            #expect(c.contribution > 0 && c.contribution <= c.weight && c.share > 0 && c.share <= 1, "\(c)")
        }
        #expect(items.map(\.share).reduce(0, +) <= 1.000_001)
    }
}
