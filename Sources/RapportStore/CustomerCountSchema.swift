/// Counts the store keeps as it is written (`CustomerTally`): the same table on both databases,
/// seeded from the rows already there.
enum CustomerCountSchema {
    static let sql = """
        CREATE TABLE store_counts(name text PRIMARY KEY, value bigint NOT NULL);
        INSERT INTO store_counts(name, value) SELECT 'customers', COUNT(*) FROM customers;
        """
}
