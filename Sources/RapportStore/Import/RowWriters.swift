import Foundation
import GRDB

/// Column positions of a file's header.
struct Columns {
    let names: [String]
    private let index: [String: Int]
    init(_ names: [String]) {
        self.names = names
        var d: [String: Int] = [:]
        for (i, n) in names.enumerated() where d[n] == nil { d[n] = i }
        index = d
    }
    subscript(_ name: String) -> Int? { index[name] }
    func has(_ name: String) -> Bool { index[name] != nil }
}

/// Writes validated rows of one kind. `write` throws `RowError` for a bad row; any other
/// error is a database failure that aborts the import. `finish` runs once after the last row
/// (a backend that stages rows stores them there).
protocol RowWriter: AnyObject {
    func write(_ row: FieldReader) throws
    func finish() throws
    var inserted: Int { get }
    var updated: Int { get }
    var duplicates: Int { get }
    var createdCustomers: Int { get }
    var createdProducts: Int { get }
    /// Events: the newest event time written, and the customers with a new event.
    var latestTime: Int64? { get }
    var touchedCustomers: Set<Int64> { get }
    /// Customers: extra columns read for checking but not kept.
    var droppedColumns: [String] { get }
}

extension RowWriter {
    func finish() throws {}
    var latestTime: Int64? { nil }
    var touchedCustomers: Set<Int64> { [] }
    var droppedColumns: [String] { [] }
}

/// Resolves external ids to surrogate keys, creating customers/products that events name
/// but no file defined. Caches look-ups for the length of one import.
final class KeyResolver {
    private let findCustomer: RawStatement
    private let makeCustomer: RawStatement
    private let findProduct: RawStatement
    private let makeProduct: RawStatement
    private var customers: [String: Int64] = [:]
    private var products: [String: Int64] = [:]
    private(set) var createdCustomers = 0
    private(set) var createdProducts = 0

    init(_ db: Database) throws {
        findCustomer = try RawStatement(db, "SELECT id FROM customers WHERE external_id = ?")
        makeCustomer = try RawStatement(db, "INSERT INTO customers(external_id) VALUES (?) RETURNING id")
        findProduct = try RawStatement(db, "SELECT id FROM products WHERE external_id = ?")
        makeProduct = try RawStatement(db, "INSERT INTO products(external_id) VALUES (?) RETURNING id")
    }

    func existingCustomer(_ ext: String) throws -> Int64? {
        if let id = customers[ext] { return id }
        findCustomer.bind(1, ext)
        let id = try findCustomer.run()
        if let id { customers[ext] = id }
        return id
    }

    func customer(_ ext: String) throws -> Int64 {
        if let id = try existingCustomer(ext) { return id }
        makeCustomer.bind(1, ext)
        guard let id = try makeCustomer.run() else { throw StoreError.invalidArgument("could not create customer") }
        customers[ext] = id
        createdCustomers += 1
        return id
    }

    func product(_ ext: String) throws -> Int64 {
        if let id = products[ext] { return id }
        findProduct.bind(1, ext)
        if let id = try findProduct.run() {
            products[ext] = id
            return id
        }
        makeProduct.bind(1, ext)
        guard let id = try makeProduct.run() else { throw StoreError.invalidArgument("could not create product") }
        products[ext] = id
        createdProducts += 1
        return id
    }

    func remember(customer ext: String, id: Int64) { customers[ext] = id }
    func remember(product ext: String, id: Int64) { products[ext] = id }
}

final class EventWriter: RowWriter {
    private let parser: EventParser
    private let keys: KeyResolver
    private let insert: RawStatement
    private let byExternal: RawStatement
    private let byContent: RawStatement
    private let findAccount: RawStatement
    /// Account keys by the file's account id, looked up once each.
    private var accountKeys: [String: Int64] = [:]
    /// Events with a larger key were written by this import: a conflict with one is a
    /// duplicate row inside the file, not a re-import.
    private let lastKeyBefore: Int64
    /// For events without an id: how many rows of this file so far had each content, kept only
    /// for contents that met a stored row. A file of distinct new rows leaves it empty.
    private var occurrences: [Int64: Int] = [:]
    private(set) var inserted = 0
    private(set) var duplicates = 0
    private(set) var latestTime: Int64?
    /// Customers with at least one new event, for the refresh that follows the import.
    private(set) var touchedCustomers = Set<Int64>()
    var updated: Int { 0 }
    var createdCustomers: Int { keys.createdCustomers }
    var createdProducts: Int { keys.createdProducts }

    var droppedColumns: [String] { parser.droppedColumns }

    init(_ db: Database, columns: Columns, keys: KeyResolver, notAfter: Int64? = nil) throws {
        parser = EventParser(columns, notAfter: notAfter)
        self.keys = keys
        insert = try RawStatement(
            db,
            """
            INSERT INTO events(external_id, customer_id, product_id, type, time, quantity, amount,
                               channel, is_gift, gift_note, content_hash, account_id)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING
            """)
        findAccount = try RawStatement(db, "SELECT id FROM accounts WHERE external_id = ?")
        byExternal = try RawStatement(db, "SELECT id FROM events WHERE customer_id = ? AND external_id = ?")
        byContent = try RawStatement(db, "SELECT id FROM events WHERE content_hash = ? AND content_hash IS NOT NULL")
        lastKeyBefore = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0
    }

    func write(_ r: FieldReader) throws {
        let e = try parser.parse(r)
        let eventIdCode = e.eventId
        let time = e.time
        let customerKey = try keys.customer(e.customer)
        let productKey = try e.product.map { try keys.product($0) }
        // Identical rows are separate facts: the k-th occurrence in this file of a content
        // is its own event, so re-importing a file, or a longer version of it, adds only new rows.
        let content = e.content
        var occurrence = 0
        if let content, let seen = occurrences[content] {
            occurrence = seen
            occurrences[content] = seen + 1
        }
        switch eventIdCode {
        case .bytes(let b): insert.bindStatic(1, b)
        case .string(let s): insert.bind(1, s)
        case nil: insert.bind(1, nil as String?)
        }
        insert.bind(2, customerKey)
        insert.bind(3, productKey)
        insert.bind(4, e.type)
        insert.bind(5, time)
        insert.bind(6, e.quantity)
        insert.bind(7, e.amount)
        insert.bind(8, e.channel)
        insert.bind(9, e.gift)
        insert.bind(10, e.giftNote)
        insert.bind(12, try e.account.map { try accountKey($0, line: r.line) })
        if try insertIdentified(content.map { ContentHash.occurrence(of: $0, occurrence) }) {
            return noteInserted(customerKey, time)
        }
        if let content {
            // The first time this content meets a stored row: learn which occurrence this row is.
            guard occurrences[content] == nil else {
                duplicates += 1
                return
            }
            byContent.bind(1, content)
            let existing = try byContent.run()
            if let existing, existing > lastKeyBefore {
                // This file wrote occurrence 0 earlier, so this row is occurrence 1.
                occurrences[content] = 2
                if try insertIdentified(ContentHash.occurrence(of: content, 1)) {
                    return noteInserted(customerKey, time)
                }
            } else {
                occurrences[content] = 1
            }
            duplicates += 1
            return
        }
        // Conflict on the event id: imported before (fine), or this file repeats the id.
        let eventId = e.eventIdText
        byExternal.bind(1, customerKey)
        byExternal.bind(2, eventId)
        if let existing = try byExternal.run(), existing > lastKeyBefore, let eventId {
            throw RowError(
                line: r.line, field: "event_id",
                reason: "duplicate event id '\(eventId)' (repeats an earlier row of this file)")
        }
        duplicates += 1
    }

    /// The key of an account the file names; an unknown account is the row's error.
    private func accountKey(_ ext: String, line: Int) throws -> Int64 {
        if let key = accountKeys[ext] { return key }
        findAccount.bind(1, ext)
        guard let key = try findAccount.run() else {
            throw RowError(
                line: line, field: "account_id", reason: "unknown account '\(ext)' (import the accounts file first)")
        }
        accountKeys[ext] = key
        return key
    }

    /// Runs the bound insert with this content identity; false when the event is already stored.
    private func insertIdentified(_ hash: Int64?) throws -> Bool {
        insert.bind(11, hash)
        return try insert.execute()
    }

    private func noteInserted(_ customer: Int64, _ time: Int64) {
        inserted += 1
        touchedCustomers.insert(customer)
        if time > latestTime ?? Int64.min { latestTime = time }
    }
}

final class CustomerWriter: RowWriter {
    private let parser: CustomerParser
    private let keys: KeyResolver
    private let upsert: RawStatement
    private let deletePrefs: RawStatement
    private let insertPref: RawStatement
    var droppedColumns: [String] { parser.droppedColumns }
    private let lastKeyBefore: Int64
    private(set) var inserted = 0
    private(set) var updated = 0
    var duplicates: Int { 0 }
    var createdCustomers: Int { 0 }
    var createdProducts: Int { 0 }

    init(_ db: Database, columns: Columns, keys: KeyResolver, keep: Set<String> = []) throws {
        parser = CustomerParser(columns, keep: keep)
        self.keys = keys
        upsert = try upsertStatement(db, table: "customers", columns: parser.setColumns)
        lastKeyBefore = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM customers") ?? 0
        deletePrefs = try RawStatement(db, "DELETE FROM stated_preferences WHERE customer_id = ? AND polarity = ?")
        insertPref = try RawStatement(
            db, "INSERT INTO stated_preferences(customer_id, polarity, kind, value) VALUES (?,?,?,?)")
    }

    func write(_ r: FieldReader) throws {
        let c = try parser.parse(r)
        let ext = c.externalId
        upsert.bind(1, ext)
        for (k, column) in parser.setColumns.enumerated() {
            let i = Int32(k + 2)
            if column == "attributes" {
                upsert.bind(i, c.text("attributes"))
                continue
            }
            switch c.values[column] {
            case .text(let s): upsert.bind(i, s)
            case .int(let n): upsert.bind(i, n)
            case .bool(let b): upsert.bind(i, b)
            case nil: upsert.bind(i, nil as Int64?)
            }
        }
        guard let id = try upsert.run() else { throw StoreError.invalidArgument("upsert returned no id") }
        // New rows get keys above every key there was, so no look-up is needed to tell.
        let existed = id <= lastKeyBefore
        keys.remember(customer: ext, id: id)
        parser.accepted(c, line: r.line)
        if existed { updated += 1 } else { inserted += 1 }
        for (polarity, list) in [("like", c.likes), ("dislike", c.dislikes)] {
            guard let list else { continue }
            // A new customer has no stated preferences to replace.
            if existed {
                deletePrefs.bind(1, id)
                deletePrefs.bind(2, polarity)
                try deletePrefs.run()
            }
            for (kind, value) in list {
                insertPref.bind(1, id)
                insertPref.bind(2, polarity)
                insertPref.bind(3, kind)
                insertPref.bind(4, value)
                try insertPref.run()
            }
        }
    }
}

final class ProductWriter: RowWriter {
    private let parser: ProductParser
    private let keys: KeyResolver
    private let upsert: RawStatement
    private(set) var inserted = 0
    private(set) var updated = 0
    var duplicates: Int { 0 }
    var createdCustomers: Int { 0 }
    var createdProducts: Int { 0 }
    private let findProduct: RawStatement

    init(_ db: Database, columns: Columns, keys: KeyResolver) throws {
        parser = ProductParser(columns)
        self.keys = keys
        upsert = try upsertStatement(db, table: "products", columns: parser.setColumns)
        findProduct = try RawStatement(db, "SELECT id FROM products WHERE external_id = ?")
    }

    func write(_ r: FieldReader) throws {
        let p = try parser.parse(r)
        findProduct.bind(1, p.externalId)
        let existed = try findProduct.run() != nil
        upsert.bind(1, p.externalId)
        for (k, column) in parser.setColumns.enumerated() {
            let i = Int32(k + 2)
            switch column {
            case "title": upsert.bind(i, p.title)
            case "category": upsert.bind(i, p.category)
            case "brand": upsert.bind(i, p.brand)
            case "price": upsert.bind(i, p.price)
            default: upsert.bind(i, p.replenishDays)
            }
        }
        guard let id = try upsert.run() else { throw StoreError.invalidArgument("upsert returned no id") }
        keys.remember(product: p.externalId, id: id)
        parser.accepted(p, line: r.line)
        if existed { updated += 1 } else { inserted += 1 }
    }
}

final class NoteWriter: RowWriter {
    private let parser: NoteParser
    private let keys: KeyResolver
    private let insert: RawStatement
    /// A note already stored: same customer and text, and the same time when the file gives one.
    private let existing: RawStatement
    private(set) var inserted = 0
    var updated: Int { 0 }
    /// Notes already stored (a file imported again): skipped, not added twice.
    private(set) var duplicates = 0
    var createdCustomers: Int { 0 }
    var createdProducts: Int { 0 }

    init(_ db: Database, columns: Columns, keys: KeyResolver, analyst: String, now: Int64) throws {
        parser = NoteParser(columns: columns, defaultAnalyst: analyst, now: now)
        self.keys = keys
        insert = try RawStatement(db, "INSERT INTO notes(customer_id, time, analyst, text) VALUES (?,?,?,?)")
        existing = try RawStatement(
            db, "SELECT 1 FROM notes WHERE customer_id = ?1 AND text = ?2 AND (?3 IS NULL OR time = ?3) LIMIT 1")
    }

    func write(_ r: FieldReader) throws {
        let n = try parser.parse(r)
        guard let id = try keys.existingCustomer(n.customer) else {
            throw RowError(line: r.line, field: "customer_id", reason: "unknown customer '\(n.customer)'")
        }
        existing.bind(1, id)
        existing.bind(2, n.text)
        existing.bind(3, n.stated)
        if try existing.run() != nil {
            duplicates += 1
            return
        }
        insert.bind(1, id)
        insert.bind(2, n.time)
        insert.bind(3, n.analyst)
        insert.bind(4, n.text)
        try insert.run()
        inserted += 1
    }
}

/// An upsert by external id that updates only the columns the file has.
func upsertStatement(_ db: Database, table: String, columns: [String]) throws -> RawStatement {
    let all = ["external_id"] + columns
    let updates =
        columns.isEmpty
        ? "external_id = excluded.external_id"
        : columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    return try RawStatement(
        db,
        """
        INSERT INTO \(table)(\(all.joined(separator: ","))) VALUES (\(Array(repeating: "?", count: all.count).joined(separator: ",")))
        ON CONFLICT(external_id) DO UPDATE SET \(updates) RETURNING id
        """)
}

/// Reads a row's id column, refusing an empty id or one seen earlier in the same file.
func firstOccurrence(_ r: FieldReader, _ index: Int?, _ column: String, noun: String, seen: [String: Int]) throws
    -> String
{
    guard let ext = try r.text(index, column, structural: true) else {
        throw RowError(line: r.line, field: column, reason: "is empty")
    }
    if let first = seen[ext] {
        throw RowError(line: r.line, field: column, reason: "duplicate \(noun) id '\(ext)' (also on line \(first))")
    }
    return ext
}

/// FNV-1a over fields separated by a unit separator: identifies an event without an id.
enum ContentHash {
    static func of(_ parts: String...) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (k, p) in parts.enumerated() {
            if k > 0 { h = (h ^ 0x1F) &* 0x100_0000_01b3 }
            for b in p.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        return Int64(bitPattern: h)
    }

    /// The identity of the k-th row (from 0) with this content. Occurrence 0 is the content
    /// hash itself, so stores written before occurrences counted keep their identities.
    static func occurrence(of content: Int64, _ k: Int) -> Int64 {
        guard k > 0 else { return content }
        var h = UInt64(bitPattern: content)
        h = (h ^ 0x1E) &* 0x100_0000_01b3
        for b in String(k).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: h)
    }
}

/// A customer column's value before it is bound.
enum BoundValue {
    case text(String?)
    case int(Int64?)
    case bool(Bool?)
}

/// Extra customer columns as a JSON object with sorted keys, written directly: the import's
/// per-row cost, where `JSONSerialization` took a fifth of a customer row's time.
enum AttributesJSON {
    static func encode(_ attributes: [String: String]) -> String {
        var out = "{"
        for (n, key) in attributes.keys.sorted().enumerated() {
            if n > 0 { out += "," }
            append(key, to: &out)
            out += ":"
            append(attributes[key]!, to: &out)
        }
        return out + "}"
    }

    private static func append(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
