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
}
