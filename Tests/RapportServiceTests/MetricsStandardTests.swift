import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

/// Metrics with their standard meaning (docs/metrics.md), on events worked out by hand.
@Suite("Standard metrics")
struct MetricsStandardTests {
    // C1, session 1 (10:00–10:10): a view, carts of P1 and P2, a purchase of P1: a cart session
    //     that ended in a purchase. Session 2 (14:00, after a gap of 3 h 50 min): a cart of P2 and
    //     nothing else: abandoned. Two days later P2 is bought (a session without a cart), so no
    //     cart *line* is abandoned: both P2 lines were bought within 7 days.
    //     Email: two opens, one click.
    // C2, session 1 (20:00–20:01, app): two recommendations shown, one clicked, its product put
    //     in the cart, then nothing for 49 minutes: abandoned (session and line). Two days later
    //     two more recommendations are shown on the web.
    // By hand: cart sessions 3, abandoned 2 (2/3); cart lines 4, abandoned 1 (1/4); recommendation
    // impressions 4, clicks 1 (CTR 1/4); email click-to-open 1/2.
    static let events = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel
        E01,C1,2026-03-01T10:00:00Z,view,P1,1,0,web
        E02,C1,2026-03-01T10:05:00Z,cart,P1,1,0,web
        E03,C1,2026-03-01T10:06:00Z,cart,P2,1,0,web
        E04,C1,2026-03-01T10:10:00Z,purchase,P1,1,20,web
        E05,C1,2026-03-01T14:00:00Z,cart,P2,1,0,web
        E06,C1,2026-03-02T08:00:00Z,open,,1,0,email
        E07,C1,2026-03-02T08:01:00Z,click,,1,0,email
        E08,C1,2026-03-03T09:00:00Z,purchase,P2,1,30,web
        E09,C1,2026-03-05T09:00:00Z,open,,1,0,email
        R01,C2,2026-03-10T20:00:00Z,rec_impression,P1,1,0,app
        R02,C2,2026-03-10T20:00:01Z,rec_impression,P2,1,0,app
        R03,C2,2026-03-10T20:00:15Z,rec_click,P2,1,0,app
        E10,C2,2026-03-10T20:01:00Z,cart,P2,1,0,app
        E11,C2,2026-03-10T20:50:00Z,view,P1,1,0,app
        R04,C2,2026-03-12T08:00:00Z,rec_impression,P1,1,0,web
        R05,C2,2026-03-12T08:00:00Z,rec_impression,P2,1,0,web
        """

    static func workspace() throws -> (Workspace, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-std-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = [
            ("customers.csv", "customer_id,name\nC1,One\nC2,Two"), ("products.csv", "product_id,title\nP1,One\nP2,Two"),
            ("events.csv", events)
        ]
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let ws = Workspace(
            store: try ProfileStore(path: dir.appendingPathComponent("s.sqlite").path), analyst: "t",
            clock: { 1_790_000_000 })
        _ = try ws.importFiles(
            files.map { dir.appendingPathComponent($0.0).path }, options: ImportOptions(analyst: "t"))
        return (ws, dir)
    }

    @Test func cartAbandonmentCountsCartSessions() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ws.metrics(since: Dates.timestamp("2026-03-01"), until: Dates.timestamp("2026-03-31"))
        #expect(m.cartSessions == 3)
        #expect(m.cartAbandonment == 2.0 / 3)
        #expect(m.carts == 4)
        #expect(m.cartLineAbandonment == 1.0 / 4)
    }

    @Test func recommendationClickThroughComesFromImpressionsAndClicks() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ws.metrics(since: Dates.timestamp("2026-03-01"), until: Dates.timestamp("2026-03-31"))
        #expect(m.recommendationImpressions == 4 && m.recommendationClicks == 1)
        #expect(m.recommendationClickThrough == 0.25)
        // The window counts them by day: only the first two impressions and the click by the 11th.
        let early = try ws.metrics(since: Dates.timestamp("2026-03-01"), until: Dates.timestamp("2026-03-11"))
        #expect(early.recommendationImpressions == 2 && early.recommendationClickThrough == 0.5)
        // The importer took both new types, and history shows them by name.
        let history = try ws.history(try ws.customerKey("C2"))
        #expect(history.filter { $0.type == .recImpression }.count == 4)
        #expect(history.filter { $0.type == .recClick }.count == 1)
    }

    @Test func clickToOpenIsNamedAsSuch() throws {
        let (ws, dir) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ws.metrics(since: Dates.timestamp("2026-03-01"), until: Dates.timestamp("2026-03-31"))
        let email = try #require(m.channels.first { $0.channel == "email" })
        #expect(email.opens == 2 && email.clicks == 1 && email.clickToOpen == 0.5)
        let json = String(decoding: try JSONOutput.encode(m), as: UTF8.self)
        #expect(json.contains("\"click_to_open_rate\" : 0.5"))
        #expect(!json.contains("click_through\""))
        #expect(json.contains("\"recommendation_click_through_rate\" : 0.25"))
        // "at risk" in this output is the RFM segment only; the P(alive) share has its own name.
        #expect(!json.contains("at_risk_share") && json.contains("\"p_alive_below_half_share\""))
    }

    /// The stored bytes carry the new counts, and the streaming encoder writes the same bytes.
    @Test func activityBytesRoundTripSessionsAndRecommendations() throws {
        func at(_ s: String) -> Int64 { Dates.timestamp(s)! }
        let events: [Event] = [
            Event(id: 1, customer: 1, product: 1, type: .cart, time: at("2026-03-01T10:05:00Z")),
            Event(id: 2, customer: 1, product: 1, type: .recImpression, time: at("2026-03-01T10:06:00Z")),
            Event(id: 3, customer: 1, product: 1, type: .recClick, time: at("2026-03-01T10:06:10Z")),
            Event(id: 4, customer: 1, product: 2, type: .cart, time: at("2026-03-02T10:00:00Z")),
            Event(id: 5, customer: 1, product: 2, type: .purchase, time: at("2026-03-02T10:20:00Z"), amount: 5)
        ]
        let a = CustomerActivity(events: events)
        #expect(a.days.map(\.cartSessions) == [1, 1])
        #expect(a.days.map(\.abandonedCartSessions) == [1, 0])
        #expect(a.days.map(\.recImpressions) == [1, 0] && a.days.map(\.recClicks) == [1, 0])
        let bytes = a.encoded()
        var encoder = ActivityEncoder()
        #expect(encoder.encode(events) == bytes)
        #expect(bytes.withUnsafeBytes { CustomerActivity(bytes: $0) } == a)
    }
}
