import Foundation
import GRDB

/// Event type names in the order of their integer codes in `events.type`.
/// The engine's `EventType.code` uses the same order (a service test checks it).
public enum EventKinds {
    public static let names = [
        "purchase", "view", "search", "cart", "return", "rating", "open", "click", "rec_impression", "rec_click"
    ]
    /// The code of a purchase, the only kind a gift flag applies to.
    public static let purchase = 0
    public static func code(of name: String) -> Int? { names.firstIndex(of: name) }
    public static func name(of code: Int) -> String { names.indices.contains(code) ? names[code] : "unknown" }
}

public struct CustomerRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "customers"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public var id: Int64?
    public var externalId: String
    public var name: String?
    public var email: String?
    public var phone: String?
    public var birthYear: Int?
    public var gender: String?
    public var city: String?
    public var country: String?
    public var signupTime: Int64?
    public var statedChannel: String?
    public var consentPersonalization: Bool?
    public var consentEmail: Bool?
    public var consentSms: Bool?
    public var consentPush: Bool?
    /// Extra columns of the customers file, as a JSON object of strings.
    public var attributes: String?

    public init(
        id: Int64? = nil, externalId: String, name: String? = nil, email: String? = nil,
        phone: String? = nil, birthYear: Int? = nil, gender: String? = nil, city: String? = nil,
        country: String? = nil, signupTime: Int64? = nil, statedChannel: String? = nil,
        consentPersonalization: Bool? = nil, consentEmail: Bool? = nil, consentSms: Bool? = nil,
        consentPush: Bool? = nil, attributes: String? = nil
    ) {
        self.id = id
        self.externalId = externalId
        self.name = name
        self.email = email
        self.phone = phone
        self.birthYear = birthYear
        self.gender = gender
        self.city = city
        self.country = country
        self.signupTime = signupTime
        self.statedChannel = statedChannel
        self.consentPersonalization = consentPersonalization
        self.consentEmail = consentEmail
        self.consentSms = consentSms
        self.consentPush = consentPush
        self.attributes = attributes
    }

    public var attributeDictionary: [String: String] {
        guard let a = attributes, let d = a.data(using: .utf8),
            let obj = try? JSONDecoder().decode([String: String].self, from: d)
        else { return [:] }
        return obj
    }
}

public struct ProductRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "products"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public var id: Int64?
    public var externalId: String
    public var title: String
    public var category: String
    public var brand: String
    public var price: Double?
    public var replenishDays: Int?

    public init(
        id: Int64? = nil, externalId: String, title: String = "", category: String = "",
        brand: String = "", price: Double? = nil, replenishDays: Int? = nil
    ) {
        self.id = id
        self.externalId = externalId
        self.title = title
        self.category = category
        self.brand = brand
        self.price = price
        self.replenishDays = replenishDays
    }
}

/// One event as stored, with the external ids of its customer and product joined in.
/// Decoded by column position, not through Codable: a profile reads thousands of these.
public struct EventRow: Sendable, Equatable, FetchableRecord {
    init(
        id: Int64, externalId: String?, customerId: Int64, productId: Int64?, productExternalId: String?,
        productTitle: String?, productCategory: String?, type: Int, time: Int64, quantity: Int, amount: Double,
        channel: String?, isGift: Bool, giftNote: String?
    ) {
        self.id = id
        self.externalId = externalId
        self.customerId = customerId
        self.productId = productId
        self.productExternalId = productExternalId
        self.productTitle = productTitle
        self.productCategory = productCategory
        self.type = type
        self.time = time
        self.quantity = quantity
        self.amount = amount
        self.channel = channel
        self.isGift = isGift
        self.giftNote = giftNote
    }

    public init(row: Row) {
        id = row[0]
        externalId = row[1]
        customerId = row[2]
        productId = row[3]
        productExternalId = row[4]
        productTitle = row[5]
        productCategory = row[6]
        type = row[7]
        time = row[8]
        quantity = row[9]
        amount = row[10]
        channel = row[11]
        isGift = row[12]
        giftNote = row[13]
    }

    public var id: Int64
    public var externalId: String?
    public var customerId: Int64
    public var productId: Int64?
    public var productExternalId: String?
    public var productTitle: String?
    public var productCategory: String?
    public var type: Int
    public var time: Int64
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var isGift: Bool
    public var giftNote: String?

    public var typeName: String { EventKinds.name(of: type) }
    /// The id shown to people and accepted by `rapport gift`: the file's event id, else `#rowid`.
    public var displayId: String { externalId ?? "#\(id)" }
}

public struct StatedPreferenceRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "stated_preferences"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: Int64?
    public var customerId: Int64
    public var polarity: String
    public var kind: String
    public var value: String
}

public struct NoteRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "notes"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: Int64?
    public var customerId: Int64
    public var time: Int64
    public var analyst: String
    public var text: String
}

public struct SegmentRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "segments"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: Int64?
    public var name: String
    public var rule: String
    public var createdAt: Int64
    public var analyst: String
    public var memberCount: Int?
}

/// Precomputed per-customer figures the list sorts and filters on.
public struct MetricsRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "customer_metrics"
    public var customerId: Int64
    public var orders: Int
    public var spend: Double
    public var firstPurchase: Int64?
    public var lastPurchase: Int64?
    public var lastEvent: Int64?
    public var recencyDays: Int?
    public var r: Int?
    public var f: Int?
    public var m: Int?
    public var rfmSegment: String?
    public var stage: String?
    public var pAlive: Double?
    public var expected90d: Double?
    public var clv12m: Double?
    public var updatedAt: Int64

    public init(
        customerId: Int64, orders: Int = 0, spend: Double = 0, firstPurchase: Int64? = nil,
        lastPurchase: Int64? = nil, lastEvent: Int64? = nil, recencyDays: Int? = nil,
        r: Int? = nil, f: Int? = nil, m: Int? = nil, rfmSegment: String? = nil,
        stage: String? = nil, pAlive: Double? = nil, expected90d: Double? = nil,
        clv12m: Double? = nil, updatedAt: Int64
    ) {
        self.customerId = customerId
        self.orders = orders
        self.spend = spend
        self.firstPurchase = firstPurchase
        self.lastPurchase = lastPurchase
        self.lastEvent = lastEvent
        self.recencyDays = recencyDays
        self.r = r
        self.f = f
        self.m = m
        self.rfmSegment = rfmSegment
        self.stage = stage
        self.pAlive = pAlive
        self.expected90d = expected90d
        self.clv12m = clv12m
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", orders, spend, firstPurchase = "first_purchase"
        case lastPurchase = "last_purchase", lastEvent = "last_event", recencyDays = "recency_days"
        case r, f, m, rfmSegment = "rfm_segment", stage, pAlive = "p_alive"
        case expected90d = "expected_90d", clv12m = "clv_12m", updatedAt = "updated_at"
    }
}

public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "audit_log"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: Int64?
    public var time: Int64
    public var analyst: String
    public var action: String
    public var customerId: Int64?
    /// The customer's external id at the time, or `erased#<key>` once the customer is forgotten.
    public var customerRef: String?
    /// JSON object with the action's parameters.
    public var details: String
}
