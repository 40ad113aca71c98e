import Foundation
import RapportVocabulary

// Reading and checking one row of each kind, before anything is stored: every backend's
// writers call these, so a bad row gets the same `file:line` error whichever database it
// was going to.

/// An events row that passed every check. Keys are still the file's ids.
struct ParsedEvent {
    /// The row's own id (bytes of the mapped file when it needs no unescaping).
    var eventId: FieldReader.Code?
    var customer: String
    var time: Int64
    var typeName: String
    var type: Int
    var product: String?
    var quantity: Int
    var amount: Double
    var channel: String?
    var gift: Bool
    var giftNote: String?
    /// The account the purchase was made for (the file's account id), if the file says.
    var account: String? = nil

    var eventIdText: String? {
        switch eventId {
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        case .string(let s): s
        case nil: nil
        }
    }

    /// What identifies an event without an id: its fields (occurrence 0; see `ContentHash`).
    var content: Int64? {
        eventId == nil
            ? ContentHash.of(
                customer, String(time), typeName, product ?? "", String(quantity), String(amount), channel ?? "")
            : nil
    }
}

/// The columns of an events file and the checks of its rows.
final class EventParser {
    private let c:
        (
            eventId: Int?, customer: Int?, time: Int?, type: Int?, product: Int?, quantity: Int?,
            amount: Int?, channel: Int?, gift: Int?, giftNote: Int?, account: Int?
        )
    private var channels: [String: String] = [:]
    /// The latest time an event may have (`ImportOptions.notAfter`): later is in the future.
    private let notAfter: Int64?
    /// Columns of the file that are not event fields: ignored, and reported as not stored.
    let droppedColumns: [String]

    init(_ columns: Columns, notAfter: Int64? = nil) {
        self.notAfter = notAfter
        let known = ImportFileKind.events.knownColumns
        droppedColumns = columns.names.filter { !known.contains($0) && $0 != "_error" && !$0.isEmpty }
        c = (
            columns["event_id"], columns["customer_id"], columns["timestamp"], columns["type"],
            columns["product_id"], columns["quantity"], columns["amount"], columns["channel"],
            columns["gift"], columns["gift_note"], columns["account_id"]
        )
    }

    func parse(_ r: FieldReader) throws -> ParsedEvent {
        let eventId = try r.code(c.eventId, "event_id")
        guard let customer = try r.text(c.customer, "customer_id", structural: true) else {
            throw RowError(line: r.line, field: "customer_id", reason: "is empty")
        }
        guard let time = try r.timestamp(c.time, "timestamp") else {
            throw RowError(line: r.line, field: "timestamp", reason: "is empty")
        }
        // One future-dated event would move every customer's as-of date forward: refused.
        if let notAfter, time > notAfter {
            throw RowError(
                line: r.line, field: "timestamp",
                reason: "\(DateParsing.isoDateTime(time)) is in the future (after \(DateParsing.isoDateTime(notAfter)))"
            )
        }
        guard let typeName = try r.text(c.type, "type", structural: true)?.lowercased() else {
            throw RowError(line: r.line, field: "type", reason: "is empty")
        }
        guard let type = EventKinds.code(of: typeName) else {
            throw RowError(
                line: r.line, field: "type",
                reason:
                    "unknown event type '\(r.preview(c.type!))' (expected one of \(EventKinds.names.joined(separator: ", ")))"
            )
        }
        let product = try r.text(c.product, "product_id", structural: true)
        let quantity = try r.int32(c.quantity, "quantity") ?? 1
        if quantity < 0 { throw RowError(line: r.line, field: "quantity", reason: "is negative") }
        let amount = try r.bounded(c.amount, "amount", limit: FieldReader.maxAmount) ?? 0
        let channel = try internChannel(r.text(c.channel, "channel", structural: true))
        let gift = try r.bool(c.gift, "gift") ?? false
        if gift && type != 0 { throw RowError(line: r.line, field: "gift", reason: "only purchases can be gifts") }
        let giftNote = try r.text(c.giftNote, "gift_note")
        let account = try r.text(c.account, "account_id", structural: true)
        if account != nil && type != 0 {
            throw RowError(line: r.line, field: "account_id", reason: "only purchases are made for an account")
        }
        return ParsedEvent(
            eventId: eventId, customer: customer, time: time, typeName: typeName, type: type, product: product,
            quantity: quantity, amount: amount, channel: channel, gift: gift, giftNote: giftNote, account: account)
    }

    private func internChannel(_ s: String?) -> String? {
        guard let s else { return nil }
        if let v = channels[s] { return v }
        let v = s.lowercased()
        channels[s] = v
        return v
    }
}

/// A customers row that passed every check: the columns the file has, in table-column form.
struct ParsedCustomer {
    var externalId: String
    var values: [String: BoundValue]
    /// Stated likes and dislikes as (kind, value); nil when the file has no such column.
    var likes: [(String, String)]?
    var dislikes: [(String, String)]?
    var attributes: [String: String]

    /// The value of a table column, as text for any backend (booleans as 0/1).
    func text(_ column: String) -> String? {
        if column == "attributes" { return attributes.isEmpty ? nil : AttributesJSON.encode(attributes) }
        switch values[column] {
        case .text(let s): return s
        case .int(let n): return n.map { String($0) }
        case .bool(let b): return b.map { $0 ? "1" : "0" }
        case nil: return nil
        }
    }
}

/// The columns of a customers file and the checks of its rows.
final class CustomerParser {
    private let columns: Columns
    let extraColumns: [(name: String, index: Int)]
    /// Extra columns of the file that were not declared: read for validation, never stored.
    let droppedColumns: [String]
    /// The table columns the file sets (besides external_id), in order.
    let setColumns: [String]
    private var seen: [String: Int] = [:]

    /// Customer columns present in the file, in table-column form.
    static let mapped: [(file: String, column: String)] = [
        ("name", "name"), ("email", "email"), ("phone", "phone"), ("birth_year", "birth_year"),
        ("gender", "gender"), ("city", "city"), ("country", "country"), ("signup_date", "signup_time"),
        ("stated_channel", "stated_channel"), ("consent_personalization", "consent_personalization"),
        ("consent_email", "consent_email"), ("consent_sms", "consent_sms"), ("consent_push", "consent_push")
    ]

    init(_ columns: Columns, keep: Set<String>) {
        self.columns = columns
        let known = ImportFileKind.customers.knownColumns
        let extra = columns.names.enumerated()
            .filter { !known.contains($0.element) && $0.element != "_error" && !$0.element.isEmpty }
            .map { (name: $0.element, index: $0.offset) }
        extraColumns = extra.filter { keep.contains($0.name) }
        droppedColumns = extra.filter { !keep.contains($0.name) }.map(\.name)
        var set = Self.mapped.filter { columns.has($0.file) }.map(\.column)
        if !extraColumns.isEmpty { set.append("attributes") }
        setColumns = set
    }

    /// Checks a row; refuses an id seen earlier in the file. Call `accepted` once it is stored.
    func parse(_ r: FieldReader) throws -> ParsedCustomer {
        let ext = try firstOccurrence(r, columns["customer_id"], "customer_id", noun: "customer", seen: seen)
        var values: [String: BoundValue] = [:]
        values["name"] = .text(try r.text(columns["name"], "name"))
        if let email = try r.text(columns["email"], "email", structural: true) {
            guard email.contains("@"), !email.contains(" ") else {
                throw RowError(line: r.line, field: "email", reason: "'\(email)' is not an email address")
            }
            values["email"] = .text(email)
        }
        values["phone"] = .text(try r.text(columns["phone"], "phone", structural: true))
        if let by = try r.int(columns["birth_year"], "birth_year") {
            guard (1900...2100).contains(by) else {
                throw RowError(line: r.line, field: "birth_year", reason: "\(by) is not a plausible year")
            }
            values["birth_year"] = .int(Int64(by))
        }
        values["gender"] = .text(try r.text(columns["gender"], "gender", structural: true))
        values["city"] = .text(try r.text(columns["city"], "city"))
        values["country"] = .text(try r.text(columns["country"], "country"))
        values["signup_time"] = .int(try r.timestamp(columns["signup_date"], "signup_date"))
        values["stated_channel"] = .text(
            try r.text(columns["stated_channel"], "stated_channel", structural: true)?.lowercased())
        for flag in ["consent_personalization", "consent_email", "consent_sms", "consent_push"] {
            values[flag] = .bool(try r.bool(columns[flag], flag))
        }
        let likes = try parsePreferences(r, "likes")
        let dislikes = try parsePreferences(r, "dislikes")
        var attributes: [String: String] = [:]
        for (name, index) in extraColumns {
            if let v = try r.text(index, name) { attributes[name] = v }
        }
        return ParsedCustomer(
            externalId: ext, values: values, likes: likes, dislikes: dislikes, attributes: attributes)
    }

    func accepted(_ c: ParsedCustomer, line: Int) { seen[c.externalId] = line }

    /// `likes`/`dislikes`: items separated by `;`, each `kind:value` with kind category,
    /// brand or product (category when no kind is given). nil when the column is absent.
    private func parsePreferences(_ r: FieldReader, _ name: String) throws -> [(String, String)]? {
        guard let index = columns[name] else { return nil }
        guard let text = try r.text(index, name) else { return [] }
        var out: [(String, String)] = []
        for item in text.split(separator: ";") {
            let t = item.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            var kind = "category", value = t
            if let colon = t.firstIndex(of: ":") {
                let k = t[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                if ["category", "brand", "product"].contains(k) {
                    kind = k
                    value = t[t.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            if value.isEmpty { throw RowError(line: r.line, field: name, reason: "'\(t)' has an empty value") }
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw RowError(line: r.line, field: name, reason: "contains a control character")
            }
            out.append((kind, value))
        }
        return out
    }
}

/// A products row that passed every check.
struct ParsedProduct {
    var externalId: String
    var title: String
    var category: String
    var brand: String
    var price: Double?
    var replenishDays: Int?

    func text(_ column: String) -> String? {
        switch column {
        case "title": title
        case "category": category
        case "brand": brand
        case "price": price.map { String($0) }
        default: replenishDays.map { String($0) }
        }
    }
}

/// The columns of a products file and the checks of its rows.
final class ProductParser {
    private let columns: Columns
    let setColumns: [String]
    private var seen: [String: Int] = [:]

    init(_ columns: Columns) {
        self.columns = columns
        setColumns = ["title", "category", "brand", "price", "replenish_days"].filter { columns.has($0) }
    }

    func parse(_ r: FieldReader) throws -> ParsedProduct {
        let ext = try firstOccurrence(r, columns["product_id"], "product_id", noun: "product", seen: seen)
        let title = try r.text(columns["title"], "title") ?? ""
        let category = try r.text(columns["category"], "category", structural: true) ?? ""
        let brand = try r.text(columns["brand"], "brand") ?? ""
        let price = try r.bounded(columns["price"], "price", limit: FieldReader.maxAmount)
        if let price, price < 0 { throw RowError(line: r.line, field: "price", reason: "is negative") }
        let days = try r.int32(columns["replenish_days"], "replenish_days")
        if let days, days <= 0 {
            throw RowError(line: r.line, field: "replenish_days", reason: "must be a positive number of days")
        }
        return ParsedProduct(
            externalId: ext, title: title, category: category, brand: brand, price: price, replenishDays: days)
    }

    func accepted(_ p: ParsedProduct, line: Int) { seen[p.externalId] = line }
}

/// A notes row that passed every check.
struct ParsedNote {
    var customer: String
    var text: String
    /// The time the file gives, if any (a note without one is stamped with the import's time).
    var stated: Int64?
    var time: Int64
    var analyst: String
}

/// The columns of a notes file and the checks of its rows.
struct NoteParser {
    let columns: Columns
    let defaultAnalyst: String
    let now: Int64

    func parse(_ r: FieldReader) throws -> ParsedNote {
        guard let ext = try r.text(columns["customer_id"], "customer_id", structural: true) else {
            throw RowError(line: r.line, field: "customer_id", reason: "is empty")
        }
        guard let text = try r.text(columns["text"], "text") else {
            throw RowError(line: r.line, field: "text", reason: "is empty")
        }
        let stated = try r.timestamp(columns["timestamp"], "timestamp")
        let analyst = try r.text(columns["analyst"], "analyst", structural: true) ?? defaultAnalyst
        return ParsedNote(customer: ext, text: text, stated: stated, time: stated ?? now, analyst: analyst)
    }
}
