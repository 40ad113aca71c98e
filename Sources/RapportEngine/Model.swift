import Foundation

/// The kinds of event the store records. Raw values are the names used in files and JSON.
public enum EventType: String, CaseIterable, Sendable, Codable, Hashable {
    case purchase, view, search, cart, `return`, rating, open, click
    /// A recommendation shown to the customer (the product recommended), and a click on one:
    /// what the recommendation click-through rate counts (docs/data-format.md). Neither shapes
    /// preferences, recommendations or popularity.
    case recImpression = "rec_impression", recClick = "rec_click"

    /// Stable small integer used by the store's `events.type` column.
    public var code: Int {
        switch self {
        case .purchase: 0
        case .view: 1
        case .search: 2
        case .cart: 3
        case .return: 4
        case .rating: 5
        case .open: 6
        case .click: 7
        case .recImpression: 8
        case .recClick: 9
        }
    }

    /// `rec_impression` and `rec_click`: measurements of the recommender, not of taste.
    public var isRecommendationEvent: Bool { self == .recImpression || self == .recClick }

    public init?(code: Int) {
        guard let t = EventType.allCases.first(where: { $0.code == code }) else { return nil }
        self = t
    }
}

/// One event of one customer, as the engine sees it. `time` is Unix seconds (UTC).
/// `id` is the store's surrogate key, which also orders events of equal time (file order).
public struct Event: Sendable, Hashable {
    public var id: Int64
    public var customer: Int64
    public var product: Int64?
    public var type: EventType
    public var time: Int64
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var isGift: Bool

    public init(
        id: Int64, customer: Int64, product: Int64?, type: EventType, time: Int64,
        quantity: Int = 1, amount: Double = 0, channel: String? = nil, isGift: Bool = false
    ) {
        self.id = id
        self.customer = customer
        self.product = product
        self.type = type
        self.time = time
        self.quantity = quantity
        self.amount = amount
        self.channel = channel
        self.isGift = isGift
    }
}

/// A catalogue item. `category` may be a path such as "Music/Jazz".
public struct Product: Sendable, Hashable {
    public var id: Int64
    public var externalId: String
    public var title: String
    public var category: String
    public var brand: String
    public var price: Double
    /// Typical days between purchases for replenishable products (coffee, pet food), else nil.
    public var replenishDays: Int?

    public init(
        id: Int64, externalId: String, title: String, category: String, brand: String,
        price: Double, replenishDays: Int? = nil
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

/// A like or dislike the customer told us about.
public struct StatedPreference: Sendable, Hashable, Codable {
    public enum Polarity: String, Sendable, Codable { case like, dislike }
    public enum Kind: String, Sendable, Codable { case category, brand, product }
    public var polarity: Polarity
    public var kind: Kind
    /// Category name/path, brand name, or product external id.
    public var value: String

    public init(polarity: Polarity, kind: Kind, value: String) {
        self.polarity = polarity
        self.kind = kind
        self.value = value
    }
}

/// Consent flags. `nil` means "not recorded".
public struct Consent: Sendable, Hashable, Codable {
    public var personalization: Bool?
    public var email: Bool?
    public var sms: Bool?
    public var push: Bool?

    public init(personalization: Bool? = nil, email: Bool? = nil, sms: Bool? = nil, push: Bool? = nil) {
        self.personalization = personalization
        self.email = email
        self.sms = sms
        self.push = push
    }

    /// Personalization is allowed unless the customer refused it (legitimate interest when unrecorded).
    public var allowsPersonalization: Bool { personalization ?? true }
}
