import Crypto
import Foundation
import GRDB

/// Reading the audit log for people: pages with a count, note texts by id, and an erased
/// customer's entries found again by the id the analyst knew.
///
/// An erasure's audit row never holds the external id. It holds `id_hash`: HMAC-SHA-256 of the
/// id under a random key kept in this store (`model_state.audit_key`, made at the first
/// erasure). Whoever knows the id can find the erasure; the row alone does not give the id
/// back. It is a pseudonym, not anonymity: anyone with the store file and a guess can test it.
extension ProfileStore {

    static func idHash(_ externalId: String, secret: [UInt8]) -> String {
        AuditKey.hex(hmac(key: secret, message: Array(externalId.utf8)))
    }

    /// HMAC-SHA-256, from swift-crypto.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

}

/// The audit key as both stores keep it: 32 random bytes, written as lower-case hex.
enum AuditKey {
    static func random() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count - 1, by: 2).compactMap { i in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
        }
    }
}

extension ProfileStore {
}

extension ProfileStore {
}
