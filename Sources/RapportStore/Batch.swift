import Foundation
import GRDB
import GRDBSQLite

/// A compact event for batch passes over the whole store (model fits, metric refresh).
public struct EventFact: Sendable, Equatable {
    public var key: Int64
    public var customer: Int64
    /// Product key, or nil for a purchase of unknown items.
    public var product: Int64?
    public var type: Int
    public var time: Int64
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var isGift: Bool
    /// The account a purchase names (`account_id`); read by the full scan only (the refresh's
    /// account attribution), nil elsewhere.
    public var account: Int64? = nil
    /// The gift's note: read by one customer's read only (`eventFacts(customer:)`), where a
    /// preview binds itself to the flags and notes it was computed from; nil elsewhere.
    public var giftNote: String? = nil
}

extension ProfileStore {
    /// Streams every event ordered by customer then time (then file order), without
    /// materialising them: memory stays flat on stores of tens of millions of events.
    /// With `customers`, only the events of customers whose key is in that range: separate
    /// ranges can be read at once on separate connections.
    public func scanEvents(customers: ClosedRange<Int64>? = nil, _ body: (EventFact) throws -> Void) throws {
        try pool.read { db in
            guard let conn = db.sqliteConnection else { return }
            var stmt: OpaquePointer?
            let sql = """
                SELECT id, customer_id, product_id, type, time, quantity, amount, channel, is_gift, account_id
                FROM events \(customers == nil ? "" : "WHERE customer_id BETWEEN ?1 AND ?2")
                ORDER BY customer_id, time, id
                """
            guard sqlite3_prepare_v2(conn, sql, -1, &stmt, nil) == SQLITE_OK else {
                throw DatabaseError(message: String(cString: sqlite3_errmsg(conn)))
            }
            defer { sqlite3_finalize(stmt) }
            if let customers {
                sqlite3_bind_int64(stmt, 1, customers.lowerBound)
                sqlite3_bind_int64(stmt, 2, customers.upperBound)
            }
            var channels: [String: String] = [:]
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw DatabaseError(message: String(cString: sqlite3_errmsg(conn))) }
                var channel: String?
                if let p = sqlite3_column_text(stmt, 7) {
                    let s = String(cString: p)
                    if let c = channels[s] {
                        channel = c
                    } else {
                        channels[s] = s
                        channel = s
                    }
                }
                try body(
                    EventFact(
                        key: sqlite3_column_int64(stmt, 0), customer: sqlite3_column_int64(stmt, 1),
                        product: sqlite3_column_type(stmt, 2) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, 2),
                        type: Int(sqlite3_column_int(stmt, 3)), time: sqlite3_column_int64(stmt, 4),
                        quantity: Int(sqlite3_column_int(stmt, 5)), amount: sqlite3_column_double(stmt, 6),
                        channel: channel, isGift: sqlite3_column_int(stmt, 8) != 0,
                        account: sqlite3_column_type(stmt, 9) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, 9)))
            }
        }
    }

}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// A product's neighbours packed as little-endian (key: Int64, weight: Float64) pairs.
enum NeighborBlob {
    static func encode(_ list: [(Int64, Double)]) -> Data {
        var data = Data(capacity: list.count * 16)
        for (key, weight) in list {
            withUnsafeBytes(of: key.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: weight.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [(Int64, Double)] {
        data.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - 15, by: 16).map { at in
                let key = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
                return (key, Double(bitPattern: bits))
            }
        }
    }
}
