import Foundation
import RapportPostgres

// What a refresh reads and writes on PostgreSQL. Reads of customer ranges run on separate
// pooled connections, so the service's parallel slices read in parallel; the final writes
// hold the exclusive write lock, so an analyst's change waits for them and is never
// overwritten by figures computed before it.

extension PostgresStore {
    static let factColumns = "id, customer_id, product_id, type, time, quantity, amount, channel, is_gift, account_id"

    static func fact(_ r: PGRow) throws -> EventFact {
        EventFact(
            key: try r.int64(0) ?? 0, customer: try r.int64(1) ?? 0, product: try r.int64(2), type: try r.int(3) ?? 0,
            time: try r.int64(4) ?? 0, quantity: try r.int(5) ?? 1, amount: try r.double(6) ?? 0,
            channel: try r.string(7), isGift: try r.bool(8) ?? false, account: try r.int64(9))
    }

    public func scanEvents(customers: ClosedRange<Int64>?, _ body: (EventFact) throws -> Void) throws {
        let range = customers.map { [PGValue.int64($0.lowerBound), .int64($0.upperBound)] } ?? []
        try read { c in
            try c.forEachRow(
                """
                SELECT \(Self.factColumns) FROM events
                \(customers == nil ? "" : "WHERE customer_id BETWEEN $1 AND $2") ORDER BY customer_id, time, id
                """, range
            ) { try body(try Self.fact($0)) }
        }
    }

    /// bytea in COPY's text form (hex).
    static func byteaText<D: Sequence<UInt8>>(_ bytes: D) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func scanActivity(
        customers: ClosedRange<Int64>,
        _ body: (_ customer: Int64, _ segment: Int?, _ clv12m: Double?, _ pAlive: Double?, UnsafeRawBufferPointer)
            throws -> Void
    ) throws {
        try read { c in
            try c.forEachRow(
                """
                SELECT customer_id, rfm_segment, clv_12m, p_alive, days FROM customer_activity
                WHERE customer_id BETWEEN $1 AND $2 ORDER BY customer_id
                """, [.int64(customers.lowerBound), .int64(customers.upperBound)]
            ) { r in
                let bytes = try r.bytes(4) ?? []
                try bytes.withUnsafeBytes { raw in
                    try body(try r.int64(0) ?? 0, try r.int(1), try r.double(2), try r.double(3), raw)
                }
            }
        }
    }

}
