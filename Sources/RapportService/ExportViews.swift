import Foundation
import RapportStore

/// A customer's stored figures in an export, with the names and forms the rest of the JSON
/// uses: times as ISO-8601, `expected_purchases_90d` as in the profile, no internal key.
public struct ExportMetrics: Codable, Sendable {
    public var orders: Int
    public var spend: Double
    public var firstPurchase: Timestamp?
    public var lastPurchase: Timestamp?
    public var lastEvent: Timestamp?
    public var recencyDays: Int?
    public var r: Int?
    public var f: Int?
    public var m: Int?
    public var rfmSegment: String?
    public var stage: String?
    public var pAlive: Double?
    public var expectedPurchases90d: Double?
    public var clv12m: Double?
    public var updatedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case orders, spend, firstPurchase = "first_purchase", lastPurchase = "last_purchase"
        case lastEvent = "last_event", recencyDays = "recency_days", r, f, m, rfmSegment = "rfm_segment", stage
        case pAlive = "p_alive", expectedPurchases90d = "expected_purchases_90d", clv12m = "clv_12m"
        case updatedAt = "updated_at"
    }

    init(_ m: MetricsRecord) {
        orders = m.orders
        spend = m.spend
        firstPurchase = m.firstPurchase.map(Timestamp.init)
        lastPurchase = m.lastPurchase.map(Timestamp.init)
        lastEvent = m.lastEvent.map(Timestamp.init)
        recencyDays = m.recencyDays
        r = m.r
        f = m.f
        self.m = m.m
        rfmSegment = m.rfmSegment
        stage = m.stage
        pAlive = m.pAlive
        expectedPurchases90d = m.expected90d
        clv12m = m.clv12m
        updatedAt = Timestamp(m.updatedAt)
    }
}
