import Foundation
import GRDB

/// Per-customer affinity vectors (attribute value, lowercased → score 0–1), computed by the
/// service at refresh from the customer's events and stored here, so rules with `affinity(...)`
/// read them instead of recomputing every customer's preferences. Customers who refused
/// personalization have no row.
extension ProfileStore {

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
