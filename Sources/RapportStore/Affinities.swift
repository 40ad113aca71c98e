import Foundation
import GRDB

/// Per-customer affinity vectors (attribute value, lowercased → score 0–1), computed by the
/// service at refresh from the customer's events and stored here, so rules with `affinity(...)`
/// read them instead of recomputing every customer's preferences. Customers who refused
/// personalization have no row.
extension ProfileStore {
    /// Stores the vectors of some customers (all of them with `replacingAll`). Customers in
    /// `skipping` (changed by someone else meanwhile: their caller recomputes them) are left
    /// as they are; customers erased meanwhile are not written back.
    public func writeAffinities(
        _ vectors: [(customer: Int64, vector: [String: Double])], covering keys: [Int64]? = nil,
        replacingAll: Bool, skipping: Set<Int64> = []
    ) throws {
        try requireWritable()
        try pool.write { db in
            if replacingAll {
                if skipping.isEmpty {
                    try db.execute(sql: "DELETE FROM customer_affinities")
                } else {
                    let keep = skipping.map(String.init).joined(separator: ",")
                    try db.execute(sql: "DELETE FROM customer_affinities WHERE customer_id NOT IN (\(keep))")
                }
            } else if let keys {
                let remove = try RawStatement(db, "DELETE FROM customer_affinities WHERE customer_id = ?")
                for k in keys where !skipping.contains(k) {
                    remove.bind(1, k)
                    try remove.run()
                }
            }
            let insert = try RawStatement(
                db,
                """
                INSERT OR REPLACE INTO customer_affinities(customer_id, vector)
                SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM customers WHERE id = ?1)
                """)
            for (customer, vector) in vectors where !skipping.contains(customer) && !vector.isEmpty {
                insert.bind(1, customer)
                insert.bind(2, AffinityBlob.encode(vector))
                try insert.run()
            }
        }
    }

}

/// A vector packed as (UTF-8 length: UInt16 LE, bytes, score: Float64 LE) entries, sorted by name.
enum AffinityBlob {
    static func encode(_ vector: [String: Double]) -> Data {
        var data = Data()
        for (name, score) in vector.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(name.utf8.prefix(Int(UInt16.max)))
            withUnsafeBytes(of: UInt16(bytes.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: bytes)
            withUnsafeBytes(of: score.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [String: Double] {
        var out: [String: Double] = [:]
        data.withUnsafeBytes { raw in
            var at = 0
            while at + 2 <= raw.count {
                let n = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                at += 2
                guard at + n + 8 <= raw.count else { return }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<at + n]), as: UTF8.self)
                at += n
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                at += 8
                out[name] = Double(bitPattern: bits)
            }
        }
        return out
    }
}
