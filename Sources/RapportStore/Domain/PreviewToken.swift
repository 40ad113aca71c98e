import Crypto
import RapportVocabulary
import Foundation

/// What a preview of a correction is bound to: a hash of the customer's events with their gift
/// flags and notes, and of the population model's version. The commit recomputes it in its own
/// transaction; any difference (an import, another analyst's gift or clear, a refit) refuses it.
enum PreviewToken {
    static func compute(_ db: any SQLDatabase, customer key: Int64) throws -> String {
        var lines: [UInt8] = []
        try db.forEachRow(
            "SELECT id, is_gift, gift_note FROM events WHERE customer_id = ? ORDER BY id", [.int64(key)]
        ) { r in add(&lines, try r.int64(0) ?? 0, try r.bool(1) ?? false, try r.string(2)) }
        return try finish(lines, db)
    }

    /// The same token from the customer's events already read (in any order), so a preview
    /// reads them once.
    static func compute(_ db: any SQLDatabase, events rows: [EventRow]) throws -> String {
        try compute(db, count: rows.count) { (rows[$0].id, rows[$0].isGift, rows[$0].giftNote) }
    }

    /// The same token from the customer's lean rows (`eventFacts(customer:)`, which read the
    /// flags and notes), so a gift's preview reads the events once and only their facts.
    static func compute(_ db: any SQLDatabase, facts: [EventFact]) throws -> String {
        try compute(db, count: facts.count) { (facts[$0].key, facts[$0].isGift, facts[$0].giftNote) }
    }

    /// The token of `count` events given by position, hashed in id order.
    private static func compute(
        _ db: any SQLDatabase, count: Int, _ event: (Int) -> (id: Int64, isGift: Bool, note: String?)
    ) throws -> String {
        var lines: [UInt8] = []
        // Events come oldest first, so usually almost in id order: sorted only when they are not.
        var ordered = true
        for i in stride(from: 1, to: count, by: 1) where event(i - 1).id > event(i).id {
            ordered = false
            break
        }
        // Positions sorted, not the events: an event row is a large value to move.
        let order = ordered ? Array(0..<count) : (0..<count).sorted { event($0).id < event($1).id }
        for i in order {
            let e = event(i)
            add(&lines, e.id, e.isGift, e.note)
        }
        return try finish(lines, db)
    }

    /// One event's line, `id|isGift|note`, appended to the bytes hashed at once (a hash update
    /// and a `Data` per event cost more than the hashing).
    private static func add(_ lines: inout [UInt8], _ id: Int64, _ isGift: Bool, _ note: String?) {
        lines.append(contentsOf: String(id).utf8)
        lines.append(contentsOf: isGift ? "|true|".utf8 : "|false|".utf8)
        if let note { lines.append(contentsOf: note.utf8) }
        lines.append(UInt8(ascii: "\n"))
    }

    private static func finish(_ lines: [UInt8], _ db: any SQLDatabase) throws -> String {
        var hash = SHA256()
        hash.update(data: lines)
        let model = try db.int64("SELECT updated_at FROM model_state WHERE name = 'engine'") ?? 0
        hash.update(data: Data("model|\(model)".utf8))
        return hash.finalize().prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    static func check(_ db: any SQLDatabase, customer key: Int64, expected: String?) throws {
        guard let expected else { return }
        guard try compute(db, customer: key) == expected else {
            throw StoreError.invalidArgument("changed since the preview: look again")
        }
    }
}

extension StoreBackend {
    /// The token a preview of a correction to this customer is bound to (`PreviewToken`).
    public func previewToken(customer key: Int64) throws -> String {
        try readSQL { db in try PreviewToken.compute(db, customer: key) }
    }

    /// The same token from all of a customer's events as just read (`events(customer:)` or
    /// `eventsWithoutNames`): only the model's version is read.
    public func previewToken(events rows: [EventRow]) throws -> String {
        try readSQL { db in try PreviewToken.compute(db, events: rows) }
    }

    /// The same token from the customer's lean rows as just read (`eventFacts(customer:)`).
    public func previewToken(facts: [EventFact]) throws -> String {
        try readSQL { db in try PreviewToken.compute(db, facts: facts) }
    }

    /// The newest event time the store would have once `range` of the customer's events is
    /// cleared (a clear's preview, when the clear takes the store's newest events).
    public func latestEventTime(clearing range: HistoryWindow, of key: Int64) throws -> Int64? {
        try readSQL { db in
            let (filter, args) = try Self.historyFilter(db.dialect, customer: key, range: range)
            return try db.int64("SELECT MAX(time) FROM events WHERE NOT (\(filter))", args)
        }
    }
}
