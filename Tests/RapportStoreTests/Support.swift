import Foundation
import GRDB
@testable import RapportStore

/// A fresh directory and store per test, removed afterwards.
final class TempStore {
    let dir: URL
    let path: String
    private(set) var store: ProfileStore
    let actor = Actor(analyst: "tester", now: 1_790_000_000)

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("store.sqlite").path
        store = try ProfileStore(path: path)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    /// Writes `text` to a file in the test directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func importFile(_ path: String, rejects: String? = nil) throws -> ImportSummary {
        try store.importFile(
            path,
            options: ImportOptions(
                rejectsPath: rejects, analyst: "tester", now: actor.now, keepColumns: ["loyalty_tier"]))
    }

    /// The main database file's bytes after folding the WAL into it.
    func fileBytes() throws -> Data {
        _ = try store.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func count(_ table: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    static let customersCSV = """
        customer_id,name,email,consent_personalization,consent_email,likes,dislikes,loyalty_tier
        C1,Zoë Müller,zoe@example.com,true,false,Music/Jazz;brand:Bean & Co,Music/Rock,gold
        C2,山田 太郎,taro@example.com,false,,,,
        """
    static let productsCSV = """
        product_id,title,category,brand,price,replenish_days
        P1,Ethiopian Yirgacheffe,Coffee,Bean & Co,12.50,30
        P2,Wooden Train,Toys,Tiny Giants,35,
        """
    static let eventsCSV = """
        event_id,customer_id,timestamp,type,product_id,quantity,amount,channel,gift
        E1,C1,2026-01-05,purchase,P1,1,12.50,web,
        E2,C1,2026-01-05T10:00:00Z,view,P2,1,0,app,
        E3,C1,2026-01-06T10:00:00+01:00,purchase,P2,1,35,web,true
        E4,C2,1767225600,view,P1,1,0,email,
        E5,C3,2026-02-01,purchase,,1,20,store,
        """
}
