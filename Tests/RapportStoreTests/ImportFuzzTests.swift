import Foundation
import RapportEngine
import Testing
@testable import RapportStore

/// Valid files, mutated at random with a fixed seed: an import either succeeds or is refused
/// whole with `file:line: field: reason` errors, and a refused file leaves every table as it was.
@Suite("Mutated import files")
struct ImportFuzzTests {
    static let seeds: [(name: String, text: String)] = [
        ("customers.csv", TempStore.customersCSV),
        ("products.csv", TempStore.productsCSV),
        ("events.csv", TempStore.eventsCSV),
        (
            "events2.csv",
            "customer_id,timestamp,type,product_id,quantity,amount\nC1,2026-01-01,purchase,P1,1,9.5\n"
                + "C1,2026-01-01,purchase,P1,1,9.5\n\"C2\",\"2026-01-02T10:00:00Z\",\"view\",\"P2\",,\n"
        ),
        ("notes.csv", "customer_id,timestamp,analyst,text\nC1,2026-01-01,ana,\"called, twice\"\nC2,,,hi\n"),
        (
            "events.jsonl",
            """
            {"event_id":"J1","customer_id":"C9","timestamp":"2026-03-01","type":"purchase","product_id":"P7","amount":9.5}
            {"event_id":"J2","customer_id":12345678901234567890,"timestamp":1772409600,"type":"view","gift":false}
            """
        ),
        (
            "customers.jsonl",
            """
            {"customer_id":"C1","name":"Zo\\u00eb","email":"zoe@example.com","consent_email":true,"city":null}
            {"customer_id":"C5","name":"Li","likes":"Music/Jazz;brand:Bean & Co"}
            """
        )
    ]

    static let inserts: [[UInt8]] = [
        Array("\"".utf8), Array("\n".utf8), Array("\r\n".utf8), [0], Array(",".utf8), Array("{".utf8),
        Array("}".utf8), Array("\\u0000".utf8), [0xFF], [0xEF, 0xBB, 0xBF], [0x1B], Array("1735689600000".utf8),
        Array("1.7e308".utf8), Array("123456789012345678901234".utf8), Array(",text".utf8),
        Array(repeating: UInt8(ascii: "x"), count: 70_000)
    ]

    @Test(arguments: Backend.available)
    func mutatedFilesAreImportedWholeOrRefusedWhole(_ backend: Backend) throws {
        let t = try TempStore(backend)
        for seed in Self.seeds where !seed.name.hasPrefix("notes") {
            _ = try t.importFile(try t.file(seed.name, seed.text))
        }
        var rng = SeededRandom(state: 0x5EED_1111)
        var outcomes = (imported: 0, refused: 0)
        // PostgreSQL answers each case over a socket with a whole-database snapshot around it:
        // the first 300 of the same sequence keep the suite's time within CI's budget.
        let cases = backend == .postgres ? 300 : 1_000
        for n in 0..<cases {
            let seed = Self.seeds.randomElement(using: &rng)!
            var bytes = Array(seed.text.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                Self.mutate(&bytes, &rng)
            }
            let ext = (seed.name as NSString).pathExtension
            let path = try t.file("case\(n).\(ext)", bytes: bytes)
            let before = try snapshot(t)
            do {
                _ = try t.importFile(path)
                outcomes.imported += 1
            } catch let failure as ImportFailure {
                outcomes.refused += 1
                check(failure, case: n)
                #expect(try snapshot(t) == before, "case \(n): a refused file changed the store")
            } catch {
                Issue.record("case \(n) (\(seed.name)): not an ImportFailure: \(error)")
            }
        }
        // Both paths must be exercised, or the test proves little.
        #expect(outcomes.imported > cases / 20 && outcomes.refused > cases / 2, "\(outcomes)")
    }

    /// Every error names a line, a field and a reason, each on one line.
    func check(_ failure: ImportFailure, case n: Int) {
        #expect(!failure.errors.isEmpty && failure.badRows >= failure.errors.count, "case \(n)")
        for e in failure.errors {
            let rendered = "\(e.line): \(e.field): \(e.reason)"
            #expect(e.line >= 1 && !e.field.isEmpty && !e.reason.isEmpty, "case \(n): \(rendered)")
            #expect(!rendered.contains(where: { $0.isNewline }), "case \(n): \(rendered.debugDescription)")
        }
    }

    /// Every table's row count.
    func snapshot(_ t: TempStore) throws -> [String: Int] { try t.rowCounts() }

    static func mutate(_ bytes: inout [UInt8], _ rng: inout SeededRandom) {
        let at = Int.random(in: 0...bytes.count, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &rng) }
        case 1:
            bytes = Array(bytes[..<at])
        case 2:
            let end = min(bytes.count, at + Int.random(in: 1...80, using: &rng))
            bytes.insert(contentsOf: bytes[at..<end], at: at)
        case 3:
            if at < bytes.count { bytes.remove(at: at) }
        default:
            bytes.insert(contentsOf: inserts.randomElement(using: &rng)!, at: at)
        }
    }
}
