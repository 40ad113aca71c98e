import Foundation
import RapportEngine
import RapportStore
import Testing
@testable import RapportService

/// A shop whose figures are easy to get subtly wrong: sums whose value depends on the order of
/// addition (the rows are in the file newest first), order lines in the same second, a gift,
/// a refund, a time zone that moves a purchase to the next UTC day, one purchase, no purchase.
enum SumsShop {
    static let files: [(String, String)] = [
        (
            "customers.csv",
            """
            customer_id,name
            C1,Order Of Addition
            C2,One Purchase
            C3,Only Views
            C4,Gift And Refund
            C5,Time Zone
            C6,No Events

            """
        ),
        ("products.csv", "product_id,title,category,brand,price\nP1,Book A,Books,Acme,10\nP2,Toy B,Toys,Kid,20\n"),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount,gift
            E18,C1,2024-03-20T10:00:02Z,purchase,P1,0.3,
            E17,C1,2024-03-20T10:00:01Z,purchase,P2,0.2,
            E16,C1,2024-03-20T10:00:00Z,purchase,P1,0.1,
            E15,C1,2024-03-12T09:00:02Z,purchase,P2,-999999999999,
            E14,C1,2024-03-12T09:00:01Z,purchase,P1,999999999999,
            E13,C1,2024-03-12T09:00:00Z,purchase,P2,0.1,
            E12,C1,2024-03-05T12:00:00Z,return,P1,-0.7,
            E11,C1,2024-03-01T08:00:00Z,purchase,P1,0.7,
            E10,C1,2024-03-01T08:00:00Z,purchase,P2,0.1,
            E20,C2,2024-02-10T23:59:59Z,purchase,P1,12.34,
            E21,C2,2024-02-11T00:00:00Z,view,P2,,
            E30,C3,2024-01-02,view,P1,,
            E31,C3,2024-03-02,cart,P2,,
            E40,C4,2024-01-15T10:00:00Z,purchase,P1,10,
            E41,C4,2024-02-15T10:00:00Z,purchase,P2,20,true
            E42,C4,2024-02-20T10:00:00Z,return,P1,-10,
            E43,C4,2024-03-15T10:00:00Z,purchase,P1,5.55,
            E50,C5,2024-03-06T23:30:00-05:00,purchase,P1,3.3,
            E51,C5,2024-03-07T00:10:00Z,purchase,P2,4.4,
            E52,C5,2024-03-06T12:00:00Z,purchase,P1,1.1,

            """
        )
    ]

    static func write(to dir: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try files.map { name, text in
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }
}

/// On PostgreSQL a refresh takes each customer's purchase statistics from the server's
/// aggregate (`PurchaseStatisticsSQL`); they must be the engine's (`PurchaseStatistics.of`)
/// to the bit, and the stored figures the same as SQLite's (`RefreshResultsTests`).
@Suite("Server statistics", .serialized)
struct ServerStatisticsTests {
    static let now: Int64 = 1_735_689_600

    func withShop(_ backend: Backend, _ body: (any StoreBackend) throws -> Void) throws {
        let (location, cleanup) = try backend.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sums-shop-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.open(location)
        defer { try? store.closeStore() }
        for path in try SumsShop.write(to: dir) {
            _ = try store.importFile(path, options: ImportOptions(analyst: "ana", now: Self.now))
        }
        try body(store)
    }

    /// Each customer's events as the engine sees them, by external id.
    func events(_ store: any StoreBackend) throws -> [String: (key: Int64, events: [Event])] {
        var out: [String: (key: Int64, events: [Event])] = [:]
        let keys = try store.customerKeys()
        try store.eventFacts(customers: keys[...]) { key, facts in
            let id = try store.customer(key)?.externalId ?? "?"
            out[id] = (key, facts.map(EngineBridge.event))
        }
        return out
    }

    func serverRows(_ store: any StoreBackend, asOf: Int64) throws -> [Int64: PurchaseStatistics] {
        let source = try #require(store as? any PurchaseStatisticsSource)
        let keys = try store.customerKeys()
        var out: [Int64: PurchaseStatistics] = [:]
        var previous = Int64.min
        try source.purchaseStatistics(customers: keys.first!...keys.last!, asOf: asOf) { row in
            #expect(row.customer > previous, "rows in key order")
            previous = row.customer
            out[row.customer] = EngineBridge.statistics(row)
        }
        return out
    }

    /// Equal to the bit: a sum added in another order differs in its last digits.
    func same(_ a: PurchaseStatistics, _ b: PurchaseStatistics) -> Bool {
        a == b && a.spend.bitPattern == b.spend.bitPattern && a.firstDayTotal.bitPattern == b.firstDayTotal.bitPattern
            && a.repeatDaysTotal.bitPattern == b.repeatDaysTotal.bitPattern
    }

    @Test(.enabled(if: Backend.serverURL != nil))
    func theServersStatisticsAreTheEngines() throws {
        try withShop(.postgres) { store in
            let byId = try events(store)
            let latest = try #require(byId.values.flatMap { $0.events.map(\.time) }.max())
            // The latest day, and a day in the middle that leaves some events after it.
            for asOf in [latest, Int64(1_709_856_000)] {
                let server = try serverRows(store, asOf: asOf)
                for (id, customer) in byId {
                    let engine = PurchaseStatistics.of(events: customer.events, asOf: asOf)
                    let fromServer = server[customer.key] ?? .none
                    #expect(same(fromServer, engine), "\(id) as of \(asOf): \(fromServer) vs \(engine)")
                }
            }
            // Known answers, as of the latest event.
            let server = try serverRows(store, asOf: latest)
            func row(_ id: String) -> PurchaseStatistics? { byId[id].flatMap { server[$0.key] } }
            let c1 = try #require(row("C1"))
            // Days 1, 12 and 20 March; the 12th's total is 0.1 + 999999999999 - 999999999999 in file-time order.
            #expect(c1.purchaseDays == 3)
            #expect(c1.firstDayTotal == 0.1 + 0.7)
            #expect(c1.repeatDaysTotal == (0.1 + 999_999_999_999 - 999_999_999_999) + (0.1 + 0.2 + 0.3))
            let c4 = try #require(row("C4"))
            #expect(c4.purchaseDays == 3 && c4.spend == 10 + 20 - 10 + 5.55)
            let c5 = try #require(row("C5"))
            // 23:30 at UTC-5 is 04:30 UTC on the 7th: the same UTC day as 00:10Z, another than noon on the 6th.
            #expect(c5.purchaseDays == 2 && c5.firstDayTotal == 1.1 && c5.repeatDaysTotal == 3.3 + 4.4)
            #expect(row("C3")?.purchaseDays == 0)
            #expect(byId["C6"] != nil && row("C6") == nil)
        }
    }

    /// On both stores the refresh stores the figures the engine gives each customer's events.
    @Test(arguments: Backend.available)
    func aRefreshStoresTheEnginesFigures(_ backend: Backend) throws {
        try withShop(backend) { store in
            let ws = Workspace(store: store, analyst: "ana", clock: { Self.now })
            try ws.refresh()
            let byId = try events(store)
            let asOf = try #require(byId.values.flatMap { $0.events.map(\.time) }.max())
            let stored = Dictionary(uniqueKeysWithValues: try store.allMetrics().map { ($0.customerId, $0) })
            #expect(stored.count == 6)
            for (id, customer) in byId {
                let f = Figures.base(events: customer.events, asOf: asOf)
                let m = try #require(stored[customer.key])
                #expect(m.orders == f.orders, "\(id)")
                #expect(m.spend == (f.spend * 100).rounded() / 100, "\(id)")
                #expect(m.firstPurchase == f.firstPurchase && m.lastPurchase == f.lastPurchase, "\(id)")
                #expect(m.lastEvent == f.lastEvent && m.recencyDays == f.recencyDays, "\(id)")
            }
        }
    }
}
