import Crypto
import RapportVocabulary
import Foundation

/// What a preview of a correction is bound to: a hash of the customer's events with their gift
/// flags and notes, and of the population model's version. The commit recomputes it in its own
/// transaction; any difference (an import, another analyst's gift or clear, a refit) refuses it.
enum PreviewToken {
    static func compute(_ db: any SQLDatabase, customer key: Int64) throws -> String {
        var hash = SHA256()
        try db.forEachRow(
            "SELECT id, is_gift, gift_note FROM events WHERE customer_id = ? ORDER BY id", [.int64(key)]
        ) { r in
            let line = "\(try r.int64(0) ?? 0)|\(try r.bool(1) ?? false)|\(try r.string(2) ?? "")\n"
            hash.update(data: Data(line.utf8))
        }
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

    /// The newest event time the store would have once `range` of the customer's events is
    /// cleared (a clear's preview, when the clear takes the store's newest events).
    public func latestEventTime(clearing range: HistoryWindow, of key: Int64) throws -> Int64? {
        try readSQL { db in
            let (filter, args) = try Self.historyFilter(db.dialect, customer: key, range: range)
            return try db.int64("SELECT MAX(time) FROM events WHERE NOT (\(filter))", args)
        }
    }
}
