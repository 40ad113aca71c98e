import Foundation
import RapportPostgres
import RapportStore
import Testing
@testable import RapportService

/// Issue 20, item 1: an export is audited before any data is read, is written aside and moved
/// into place only when complete, and a refusal leaves nothing behind.
@Suite("Audited exports", .serialized)
struct ExportAuditTests {
    let actor = Actor(analyst: "ana", now: 1_730_000_000)

    func shop(_ backend: Backend) throws -> (location: String, dir: URL, cleanup: () -> Void) {
        let (location, dropStore) = try backend.makeStore()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID())")
        let store = try backend.open(location)
        for path in try SmallShop.write(to: dir.appendingPathComponent("in")) {
            _ = try store.importFile(path, options: ImportOptions(analyst: "ana", now: actor.now))
        }
        try store.closeStore()
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        return (
            location, dir,
            {
                dropStore()
                try? FileManager.default.removeItem(at: dir)
            }
        )
    }

    func listing(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test(arguments: Backend.available)
    func anExportIsAuditedAndWrittenWhole(_ backend: Backend) throws {
        let (location, dir, cleanup) = try shop(backend)
        defer { cleanup() }
        let ws = Workspace(store: try backend.open(location), analyst: "ana", clock: { 1_730_000_000 })
        let out = dir.appendingPathComponent("out/c1.json").path
        let key = try ws.customerKey("C1")
        try ws.exportToFile(key, path: out)
        #expect(listing(dir.appendingPathComponent("out")) == ["c1.json"], "no temporary file left")
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"events\"") && text.hasSuffix("}\n"))
        let audit = try ws.audit(customer: "C1").map(\.action)
        #expect(audit.filter { $0 == "customer.export" }.count == 1)
        // Without --force an existing file is refused, and left as it was.
        #expect(throws: (any Error).self) { try ws.exportCustomer(key, toFile: out, replace: false) }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == text)
    }

    /// A store open read-only cannot audit: the export is refused and no file appears. Before,
    /// the file was written and the audit entry silently skipped.
    @Test(arguments: Backend.available)
    func aReadOnlyStoreRefusesTheExportAndLeavesNothing(_ backend: Backend) throws {
        let (location, dir, cleanup) = try shop(backend)
        defer { cleanup() }
        let ws = Workspace(
            store: try backend.open(location, readOnly: true), analyst: "ana", clock: { 1_730_000_000 })
        let out = dir.appendingPathComponent("out/c1.json").path
        do {
            try ws.exportToFile(try ws.customerKey("C1"), path: out)
            Issue.record("an unaudited export was written")
        } catch {
            #expect(ServiceFailure.message(error)?.contains("read-only") == true, "\(error)")
        }
        #expect(listing(dir.appendingPathComponent("out")).isEmpty)
    }

    /// A folder that cannot take the file: refused before any data is read, nothing left, and
    /// the refusal is in the audit log.
    @Test(arguments: Backend.available)
    func aDestinationThatCannotBeWrittenIsARefusalAudited(_ backend: Backend) throws {
        let (location, dir, cleanup) = try shop(backend)
        defer { cleanup() }
        let ws = Workspace(store: try backend.open(location), analyst: "ana", clock: { 1_730_000_000 })
        let out = dir.appendingPathComponent("missing/c1.json").path
        do {
            try ws.exportToFile(try ws.customerKey("C1"), path: out)
            Issue.record("exported into a missing folder")
        } catch {
            let words = ServiceFailure.message(error) ?? ""
            #expect(words.contains("no such folder") && words.contains("nothing was exported"), "\(words)")
            #expect(!words.contains("NSCocoaErrorDomain"))
        }
        let audit = try ws.audit(customer: "C1").map(\.action)
        #expect(audit.contains("customer.export.failed") && !audit.contains("customer.export"))
    }

    /// A PostgreSQL role that may read but not write the audit log gets no file: the audit
    /// entry is written first, and its refusal stops the export. Before, a 36 KB file with
    /// email, phone and notes stayed beside the error.
    @Test(.enabled(if: Backend.serverURL != nil))
    func aReaderRoleOnPostgreSQLGetsNoFile() throws {
        let (location, dir, cleanup) = try shop(.postgres)
        defer { cleanup() }
        let url = try PostgresURL(location)
        let role = "rapport_reader_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PGConnection.connect(url, password: nil)
        _ = try admin.execute("CREATE ROLE \(role) LOGIN")
        _ = try admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)")
        defer {
            _ = try? admin.execute("DROP OWNED BY \(role)")
            _ = try? admin.execute("DROP ROLE IF EXISTS \(role)")
            admin.close()
        }
        let asReader = location.replacingOccurrences(of: "://\(url.user)@", with: "://\(role)@")
        #expect(asReader != location)
        let ws = Workspace(store: try PostgresStore(url: asReader), analyst: role, clock: { 1_730_000_000 })
        let out = dir.appendingPathComponent("out/c1.json").path
        do {
            try ws.exportToFile(try ws.customerKey("C1"), path: out)
            Issue.record("the reader exported")
        } catch {
            #expect(ServiceFailure.message(error)?.contains("may not do this") == true, "\(error)")
        }
        #expect(listing(dir.appendingPathComponent("out")).isEmpty)
    }
}
