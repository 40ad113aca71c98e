import Foundation
import Testing

@testable import RapportStore

@Suite("HMAC of the erasure id hash")
struct ErasureIdHashTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func knownHMACs() {
        // RFC 4231, test cases 2 and 6 (a key longer than the block is hashed first).
        #expect(
            Self.hex(ProfileStore.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            Self.hex(
                ProfileStore.hmac(
                    key: [UInt8](repeating: 0xaa, count: 131),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        // The id hash is the hex of that code.
        #expect(
            ProfileStore.idHash("what do ya want for nothing?", secret: Array("Jefe".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}

/// Issue 20 item 4: an import that brings an erased customer's id back says so (the store only
/// knows the keyed hash the erasure wrote), on both stores.
@Suite("Erased customers brought back")
struct ErasedAgainTests {
    @Test(arguments: Backend.available)
    func anImportOfAnErasedIdIsFound(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        // Nothing erased yet: nothing to report, whatever was created.
        #expect(try t.store.erasedAgain(after: 0).isEmpty)
        let erased = try t.store.requireCustomer("C1")
        try t.store.forget(customer: erased, by: t.actor)
        let before = try t.store.newestCustomerKey()
        #expect(before > 0)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        let again = try t.store.erasedAgain(after: before)
        #expect(again.map(\.externalId) == ["C1"] && again.first?.erasedAt == t.actor.now)
        // Customers that were already there before the import are not reported.
        #expect(try t.store.erasedAgain(after: t.store.newestCustomerKey()).isEmpty)
    }
}
