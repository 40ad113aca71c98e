import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The rows `all` and `forEachRow` hand over without copying them (on SQLite, read from the
/// statement as it steps) read every cell as the copied rows of `rows` do: nulls, numbers,
/// text with accents, flags and blobs, on each store.
@Suite("Rows read as the statement steps")
struct RowReaderTests {
    /// One cell read every way a row offers (a cell is read as the type its column holds).
    struct Cells: Equatable {
        var int: [Int64?] = []
        var double: [Double?] = []
        var string: [String?] = []
        var bool: [Bool?] = []

        init(_ r: any SQLRow, ints: [Int], doubles: [Int], strings: [Int], bools: [Int]) throws {
            int = try ints.map { try r.int64($0) }
            double = try doubles.map { try r.double($0) }
            string = try strings.map { try r.string($0) }
            bool = try bools.map { try r.bool($0) }
        }
    }

    static let sql = """
        SELECT e.id, e.customer_id, e.product_id, e.type, e.time, e.quantity, e.amount, e.external_id, e.channel,
            e.gift_note, e.is_gift, c.name
        FROM events e JOIN customers c ON c.id = e.customer_id ORDER BY e.id
        """

    static func cells(_ r: any SQLRow) throws -> Cells {
        try Cells(r, ints: [0, 1, 2, 3, 4, 5], doubles: [6], strings: [7, 8, 9, 11], bools: [10])
    }

    @Test(arguments: Backend.available)
    func everyCellAsTheCopiedRowsReadIt(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        try t.store.setGift(event: "E1", isGift: true, note: "pour sa nièce ☕", by: t.actor)
        try t.store.readSQL { db in
            let copied = try db.rows(Self.sql, []).map(Self.cells)
            #expect(copied.count == 5)
            #expect(try db.all(Self.sql, [], Self.cells) == copied)
            var streamed: [Cells] = []
            try db.forEachRow(Self.sql, []) { streamed.append(try Self.cells($0)) }
            #expect(streamed == copied)
            // The cells themselves: a null product, a note with accents, a name, a flag.
            #expect(copied.contains { $0.int[2] == nil })
            #expect(copied.contains { $0.string[2] == "pour sa nièce ☕" && $0.bool == [true] })
            #expect(copied.contains { $0.string[3] == "Zoë Müller" })
            #expect(copied.filter { $0.bool == [false] }.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func blobsAsTheCopiedRowsReadThem(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let bytes: [UInt8] = [0, 1, 2, 250, 255, 0]
        try t.store.writeSQL(.analyst) { db in
            try db.execute(
                "INSERT INTO model_state(name, value, updated_at) VALUES (?, ?, ?), (?, ?, ?)",
                [
                    .string("row-reader-test"), .bytes(bytes), .int64(1), .string("row-reader-empty"), .bytes([]),
                    .int64(2)
                ])
        }
        try t.store.readSQL { db in
            let sql = "SELECT value FROM model_state WHERE name LIKE 'row-reader-%' ORDER BY name"
            let copied = try db.rows(sql, []).map { try $0.bytes(0) }
            #expect(copied == [[], bytes])
            #expect(try db.all(sql, []) { try $0.bytes(0) } == copied)
        }
    }
}
