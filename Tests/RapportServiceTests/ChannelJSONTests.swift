import Foundation
import RapportStore
import Testing
@testable import RapportService

/// Issue 19, insights 7: the profile's "(differs)" is in its JSON too.
@Suite("Channel flag in JSON")
struct ChannelJSONTests {
    @Test func theDiffersFlagIsInTheProfileJSONAndNullWhenUnknown() throws {
        let t = try TempWorkspace()
        let customers = t.dir.appendingPathComponent("customers.csv").path
        try Data("customer_id,name,stated_channel\nA,Ann,email\nB,Bo,web\nN,Nick,\n".utf8)
            .write(to: URL(fileURLWithPath: customers))
        let events = t.dir.appendingPathComponent("events.csv").path
        let rows = ["A", "B", "N"].flatMap { c in
            (1...3).map { k in "\(c),2026-0\(k)-10,purchase,P\(k),10,web" }
        }
        try Data(("customer_id,timestamp,type,product_id,amount,channel\n" + rows.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: events))
        _ = try t.ws.importFiles([customers, events], options: ImportOptions(analyst: "tester"))
        func channel(_ id: String) throws -> [String: Any] {
            let json = try JSONOutput.encode(try t.ws.profile(try t.ws.customerKey(id)))
            let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            return try #require(object["channel"] as? [String: Any])
        }
        #expect(try channel("A")["differs"] as? Bool == true)
        #expect(try channel("B")["differs"] as? Bool == false)
        let unknown = try channel("N")
        #expect(unknown.keys.contains("differs") && unknown["differs"] is NSNull)
    }
}
