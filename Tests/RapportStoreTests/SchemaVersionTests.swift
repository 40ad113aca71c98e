import Foundation
import GRDB
import Testing

@testable import RapportStore

@Suite("Schema versions")
struct SchemaVersionTests {
    /// One versioned list for both backends: PostgreSQL has a migration under every name SQLite
    /// has, in the same order, so a store of either kind at version N means the same tables.
    @Test func bothBackendsMigrateThroughTheSameVersions() {
        #expect(Schema.migrator.migrations == PostgresSchema.migrations.map(\.name))
    }

    /// Every table an erasure must empty by hand (no foreign key cascades there) is one the
    /// schema keys by customer.
    @Test func erasureKnowsTheTablesWithoutForeignKeys() {
        let v1 = PostgresSchema.migrations[0].sql + PostgresSchema.migrations[4].sql + PostgresSchema.migrations[5].sql
        for table in PostgresSchema.unreferencedCustomerTables {
            #expect(v1.contains("CREATE TABLE \(table)("), "\(table)")
        }
    }

    /// A store made before `v18-account-since`: its accounts get no since (NULL) and so are
    /// there on every past day, with their memberships.
    @Test func accountsFromBeforeTheMigrationAreThereOnEveryDay() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-v17-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: AccountChangesSchema.name)
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO customers(id, external_id, name) VALUES (1, 'C1', 'Ann');
                    INSERT INTO accounts(id, external_id, name, kind) VALUES (1, 'ACME', 'Acme', 'company');
                    INSERT INTO memberships(customer_id, account_id, role, is_primary) VALUES (1, 1, 'buyer', 1);
                    """)
        }
        try old.close()
        let store = try ProfileStore(path: path)
        defer { try? store.closeStore() }
        #expect(try store.account(externalId: "ACME")?.since == nil)
        let early = try store.accountStructure(stoodOn: 0)
        #expect(early.isToday && early.existed(1))
        #expect(try store.accounts(on: early).map(\.externalId) == ["ACME"])
        #expect(try store.memberships(customers: [1], on: early).map(\.role) == ["buyer"])
        #expect(try store.accountCount(filter: nil, existedAt: 0) == 1)
    }
}
