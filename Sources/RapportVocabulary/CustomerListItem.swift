import Foundation

/// One row of the customer list: identity and the precomputed figures it sorts on. The store
/// reads it, the service hands it out, the explorer and `customers --json` show it: one type, so
/// a new column is declared once (its `--json` name in `CodingKeys`).
public struct CustomerListItem: Codable, Sendable, Equatable {
    public var key: Int64
    public var externalId: String
    public var name: String?
    public var email: String?
    public var segment: String?
    public var stage: String?
    public var recencyDays: Int?
    public var orders: Int?
    public var spend: Double?
    public var clv: Double?

    enum CodingKeys: String, CodingKey {
        case key, externalId = "id", name, email, segment = "rfm_segment", stage
        case recencyDays = "recency_days", orders, spend, clv = "clv_12m"
    }

    public init(
        key: Int64, externalId: String, name: String? = nil, email: String? = nil, segment: String? = nil,
        stage: String? = nil, recencyDays: Int? = nil, orders: Int? = nil, spend: Double? = nil,
        clv: Double? = nil
    ) {
        self.key = key
        self.externalId = externalId
        self.name = name
        self.email = email
        self.segment = segment
        self.stage = stage
        self.recencyDays = recencyDays
        self.orders = orders
        self.spend = spend
        self.clv = clv
    }

    /// Every field present, absent ones as `null`, as scripts expect of `--json`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(externalId, forKey: .externalId)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(segment, forKey: .segment)
        try c.encode(stage, forKey: .stage)
        try c.encode(recencyDays, forKey: .recencyDays)
        try c.encode(orders, forKey: .orders)
        try c.encode(spend, forKey: .spend)
        try c.encode(clv, forKey: .clv)
    }
}
