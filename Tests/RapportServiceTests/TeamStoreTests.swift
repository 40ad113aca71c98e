import Foundation
import RapportPostgres
import RapportStore
import Testing
@testable import RapportService

/// Issue 20 on a shared PostgreSQL store (skipped without `RAPPORT_TEST_POSTGRES`).
@Suite("A team store that holds", .serialized, .enabled(if: Backend.serverURL != nil))
struct TeamStoreTests {
    func rows(_ location: String, _ sql: String) throws -> Int64 {
        let c = try PGConnection.connect(try PostgresURL(location), password: nil)
        defer { c.close() }
        return try c.scalarInt64(sql) ?? -1
    }

    /// `store_activity` is keyed by the backend that wrote the row; the announcement's end may
    /// come on another pooled connection. Before, that left one orphan row per import or refresh.
    @Test func announcementsLeaveNoOrphanRow() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        defer { cleanup() }
        let store = try PostgresStore(url: location)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("team-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try SmallShop.write(to: dir)
        let ws = Workspace(store: store, analyst: "ana", clock: { 1_730_000_000 })
        _ = try ws.importFiles(files, options: ImportOptions(analyst: "ana", now: 1_730_000_000))
        try ws.refresh()
        let c1 = try #require(try store.customerKey(externalId: "C1"))
        // Begun on one connection and ended on another, both ways round.
        try store.forEachEvent(customer: c1) { _ in store.announce(StoreActivity(analyst: "ana", action: "import")) }
        store.announce(nil)
        store.announce(StoreActivity(analyst: "ana", action: "refresh"))
        try store.forEachEvent(customer: c1) { _ in store.announce(nil) }
        #expect(try rows(location, "SELECT COUNT(*) FROM store_activity") == 0)
        try store.closeStore()
    }

    /// A write kept waiting by another session's write says who it waits for, as on SQLite
    /// (issue 20 item 3: "waiting for ana's refresh…"). Before, PostgreSQL waited in silence.
    @Test func aWriteKeptWaitingSaysWhoItWaitsFor() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("team-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ana = Workspace(store: try PostgresStore(url: location), analyst: "ana", clock: { 1_730_000_000 })
        _ = try ana.importFiles(
            try SmallShop.write(to: dir), options: ImportOptions(analyst: "ana", now: 1_730_000_000))
        let ben = Workspace(store: try PostgresStore(url: location), analyst: "ben", clock: { 1_730_000_000 })
        let said = Said()
        ben.onBusy { said.add($0) }
        let key = try ben.customerKey("C1")

        // Ana's refresh holds the write lock until Ben's note has been kept waiting.
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let anaDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            ana.store.announce(StoreActivity(analyst: "ana", action: "refresh", fraction: 0.4))
            _ = try? ana.store.writeSQL(.exclusive) { _ in
                holding.signal()
                _ = release.wait(timeout: .now() + 60)
            }
            ana.store.announce(nil)
            anaDone.signal()
        }
        holding.wait()
        let benDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? ben.addNote(customer: key, text: "called back")
            benDone.signal()
        }
        let deadline = Date().addingTimeInterval(30)
        while said.all.isEmpty && Date() < deadline { usleep(10_000) }
        release.signal()
        anaDone.wait()
        benDone.wait()
        #expect(said.all.first?.contains("ana") == true && said.all.first?.contains("refresh") == true, "\(said.all)")
        #expect(try ben.notes(key).contains { $0.text == "called back" }, "the note is written once the lock is free")
        try ana.store.closeStore()
        try ben.store.closeStore()
    }

    /// A `.pgpass` others may read is ignored, as libpq does, and said (issue 20 item 3: it was
    /// ignored without a word).
    @Test func aPgpassOthersMayReadIsIgnoredAndSaid() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pgpass").path
        try "*:*:*:*:not-the-password\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        let store = try PostgresStore(url: location, create: true, environment: ["PGPASSFILE": file])
        #expect(
            store.openWarnings.contains { $0.contains("ignored") && $0.contains("chmod 0600") }, "\(store.openWarnings)"
        )
        let ws = Workspace(store: store, analyst: "ana")
        #expect(ws.openWarnings == store.openWarnings)
        try store.closeStore()
        chmod(file, 0o600)
        let quiet = try PostgresStore(url: location, environment: ["PGPASSFILE": file])
        #expect(quiet.openWarnings.isEmpty)
        try quiet.closeStore()
    }

    final class Said: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ s: String) { lock.withLock { lines.append(s) } }
        var all: [String] { lock.withLock { lines } }
    }

    /// The store URL connecting as `role` instead of the test server's superuser.
    func url(_ location: String, as role: String) throws -> String {
        let user = try PostgresURL(location).user
        return location.replacingOccurrences(of: "://\(user)@", with: "://\(role)@")
    }

    /// A read command pointed at a database without Rapport's tables says the store is not
    /// there and creates nothing. Before, it created about 80 tables in it.
    @Test func aReadOnAnEmptyDatabaseCreatesNothing() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        defer { cleanup() }
        do {
            _ = try Workspace.open(StoreLocation(path: location, isDefault: false), analyst: "ana", create: false)
            Issue.record("opened a store that is not there")
        } catch {
            #expect(ServiceFailure.message(error)?.contains("there is no Rapport store") == true, "\(error)")
        }
        #expect(try rows(location, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
    }

    /// `admin init-roles`, then the owner makes the store: an analyst acts and is recorded as
    /// their role (a different --analyst beside it), may add to the audit log but not change or
    /// delete it (an erasure's rewrite still works); a reader reads and may not write.
    @Test func rolesMadeByTheProgramHold() throws {
        let (location, cleanup) = try Backend.postgres.makeStore()
        let tag = UUID().uuidString.prefix(6).lowercased()
        let (owner, analysts, readers) = ("own_\(tag)", "ana_grp_\(tag)", "rdr_grp_\(tag)")
        let (ana, ben) = ("ana_\(tag)", "ben_\(tag)")
        defer {
            cleanup()
            if let admin = try? PGConnection.connect(try PostgresURL(location), password: nil) {
                for role in [ana, ben, owner, analysts, readers] {
                    _ = try? admin.execute("DROP ROLE IF EXISTS \(role)")
                }
                admin.close()
            }
        }
        let done = try Workspace.initRoles(
            StoreLocation(path: location, isDefault: false), owner: owner, analyst: analysts, reader: readers)
        #expect(done.contains { $0.hasPrefix("ALTER DEFAULT PRIVILEGES") })
        let admin = try PGConnection.connect(try PostgresURL(location), password: nil)
        _ = try admin.execute("CREATE ROLE \(ana) LOGIN IN ROLE \(analysts)")
        _ = try admin.execute("CREATE ROLE \(ben) LOGIN IN ROLE \(readers)")
        admin.close()

        // The owner makes the store (the first import runs the migrations).
        let asOwner = try PostgresStore(url: try url(location, as: owner))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        for path in try SmallShop.write(to: dir) {
            _ = try asOwner.importFile(path, options: ImportOptions(analyst: owner, now: 1_730_000_000))
        }
        try asOwner.closeStore()

        // An analyst: acts, recorded as the role with the claimed name beside it.
        let asAna = try PostgresStore(url: try url(location, as: ana), create: false)
        let c1 = try #require(try asAna.customerKey(externalId: "C1"))
        _ = try asAna.addNote(customer: c1, text: "called", by: Actor(analyst: "the.boss", now: 1_730_000_000))
        let entry = try #require(try asAna.auditEntries(customer: c1, limit: 1, offset: 0).first)
        #expect(entry.action == "note.add" && entry.analyst == ana, "\(entry.analyst)")
        #expect(entry.details.contains("the.boss"), "\(entry.details)")
        let raw = try PGConnection.connect(try PostgresURL(try url(location, as: ana)), password: nil)
        for sql in [
            "UPDATE audit_log SET analyst = 'nobody'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            "UPDATE audit_log SET details = '{}' WHERE customer_id = \(c1)"
        ] {
            #expect(throws: (any Error).self, "\(sql)") { try raw.execute(sql) }
        }
        raw.close()
        // An erasure's rewrite of the erased customer's entries is still allowed.
        let c2 = try #require(try asAna.customerKey(externalId: "C2"))
        try asAna.forget(customer: c2, by: Actor(analyst: ana, now: 1_730_000_000))
        #expect(try asAna.customerKey(externalId: "C2") == nil)
        try asAna.closeStore()

        // A reader reads, and a write is refused in words.
        let asBen = try PostgresStore(url: try url(location, as: ben), create: false)
        #expect(try asBen.counts().customers == 2)
        do {
            _ = try asBen.addNote(customer: c1, text: "no", by: Actor(analyst: ben, now: 1_730_000_000))
            Issue.record("a reader wrote")
        } catch {
            #expect("\(error)".contains("may not do this"), "\(error)")
        }
        try asBen.closeStore()
    }
}
