import Foundation
import RapportEngine
import RapportStore

/// Who the customer is, as stored: identity, consent, stated preferences and notes.
public struct CustomerIdentity: Codable, Sendable {
    public var key: Int64
    public var id: String
    public var name: String?
    public var email: String?
    public var phone: String?
    public var birthYear: Int?
    public var gender: String?
    public var city: String?
    public var country: String?
    public var signupDate: String?
    public var statedChannel: String?
    /// The engine's consent flags (`nil`: not recorded), as recommendations read them.
    public var consent: Consent
    public var attributes: [String: String]

    enum CodingKeys: String, CodingKey {
        case key, id, name, email, phone, birthYear = "birth_year", gender, city, country
        case signupDate = "signup_date", statedChannel = "stated_channel", consent, attributes
    }

    init(_ c: CustomerRecord) {
        key = c.id ?? 0
        id = c.externalId
        name = c.name
        email = c.email
        phone = c.phone
        birthYear = c.birthYear
        gender = c.gender
        city = c.city
        country = c.country
        signupDate = c.signupTime.map(DateParsing.isoDate)
        statedChannel = c.statedChannel
        consent = EngineBridge.consent(c)
        attributes = c.attributeDictionary
    }
}

public struct NoteView: Codable, Sendable {
    public var time: Timestamp
    public var analyst: String
    public var text: String
    /// The note's number (`rapport note ID --edit N`), an internal number, so `key` in `--json`;
    /// nil in views made without it.
    public var key: Int64? = nil
}

extension NoteView {
    init(_ n: NoteRecord) { self.init(time: Timestamp(n.time), analyst: n.analyst, text: n.text, key: n.id) }
}

/// What the customer told us: a like or a dislike, of a category, a brand or a product.
public struct StatedView: Codable, Sendable, Equatable {
    public var polarity: StatedPreference.Polarity
    public var kind: StatedPreference.Kind
    public var value: String

    /// How screens and text output name it: a bare name for a category, `kind:value` otherwise.
    public var label: String { kind == .category ? value : "\(kind.rawValue):\(value)" }
}

public struct HistoryEvent: Codable, Sendable {
    public var eventId: String
    public var time: Timestamp
    /// The engine's kinds of event, with the names files and JSON use.
    public var type: EventType
    public var productId: String?
    public var product: String?
    public var category: String?
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var gift: Bool
    public var giftNote: String?

    enum CodingKeys: String, CodingKey {
        // `title` as in recommendations and replenishment: the product's title; `product_id` its id.
        case eventId = "event_id", time, type, productId = "product_id", product = "title", category, quantity
        case amount, channel, gift, giftNote = "gift_note"
    }

    init(_ e: EventRow) {
        eventId = e.displayId
        time = Timestamp(e.time)
        type = EventType(rawValue: e.typeName) ?? .view
        productId = e.productExternalId
        product = e.productTitle
        category = e.productCategory
        quantity = e.quantity
        amount = e.amount
        channel = e.channel
        gift = e.isGift
        giftNote = e.giftNote
    }
}

public struct AuditView: Codable, Sendable {
    public var time: Timestamp
    public var analyst: String
    public var action: String
    public var customer: String?
    public var details: [String: String]

    init(_ a: AuditEntry) {
        time = Timestamp(a.time)
        analyst = a.analyst
        action = a.action
        customer = a.customerRef
        details = AuditView.readable(a.details)
    }
}

/// Everything stored about one customer: the `export` format (right of access).
public struct CustomerExport: Codable, Sendable {
    public var exportedAt: String
    public var exportedBy: String
    public var customer: CustomerIdentity
    public var statedPreferences: [StatedView]
    public var notes: [NoteView]
    public var events: [HistoryEvent]
    public var metrics: ExportMetrics?
    public var audit: [AuditView]

    enum CodingKeys: String, CodingKey {
        case exportedAt = "exported_at", exportedBy = "exported_by", customer
        case statedPreferences = "stated_preferences", notes, events, metrics, audit
    }
}

extension Workspace {
    /// Resolves a customer's external id to its key, or fails with a clear error.
    public func customerKey(_ externalId: String) throws -> Int64 { try store.requireCustomer(externalId) }

    public func identity(_ key: Int64) throws -> CustomerIdentity {
        guard let c = try store.customer(key) else { throw StoreError.unknownCustomer("#\(key)") }
        return CustomerIdentity(c)
    }

    public func stated(_ key: Int64) throws -> [StatedView] {
        Self.statedViews(try store.statedPreferences(customer: key))
    }

    static func statedViews(_ rows: [StatedPreferenceRecord]) -> [StatedView] {
        rows.map {
            StatedView(
                polarity: StatedPreference.Polarity(rawValue: $0.polarity) ?? .like,
                kind: StatedPreference.Kind(rawValue: $0.kind) ?? .category, value: $0.value)
        }
    }

    public func notes(_ key: Int64) throws -> [NoteView] {
        try store.notes(customer: key).map(NoteView.init)
    }

    /// Newest first, as people read a history.
    public func history(_ key: Int64) throws -> [HistoryEvent] {
        try namedEvents(key).reversed().map(HistoryEvent.init)
    }

    public func export(_ key: Int64) throws -> CustomerExport {
        try export(key, events: try store.events(customer: key).map(HistoryEvent.init))
    }

    func export(_ key: Int64, events: [HistoryEvent]) throws -> CustomerExport {
        CustomerExport(
            exportedAt: DateParsing.isoDateTime(clock()), exportedBy: analyst,
            customer: try identity(key), statedPreferences: try stated(key), notes: try notes(key),
            events: events,
            metrics: try store.metrics(customer: key).map(ExportMetrics.init),
            audit: try store.auditEntries(customer: key).map(AuditView.init))
    }

    /// Writes a customer's export to `path` (mode 0600), replacing a file there, through the
    /// same audited path as the CLI (`exportCustomer(_:toFile:replace:redact:)`).
    public func exportToFile(_ key: Int64, path: String, redact: Bool = false) throws {
        try exportCustomer(key, toFile: path, replace: true, redact: redact)
    }

}

extension JSONEncoder {
    /// The JSON style of every `--json` output: stable key order, readable.
    public static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
