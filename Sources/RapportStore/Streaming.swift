import GRDB

extension ProfileStore {
    /// A customer's events one at a time from a cursor, oldest first (or newest first), so a
    /// customer with millions of events is never held in memory. Runs inside one read
    /// transaction: `body` sees a consistent snapshot.
    public func forEachEvent(customer key: Int64, newestFirst: Bool = false, _ body: (EventRow) throws -> Void)
        throws
    {
        try pool.read { db in
            let order = newestFirst ? "e.time DESC, e.id DESC" : "e.time, e.id"
            let rows = try EventRow.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM events e LEFT JOIN products p ON p.id = e.product_id
                    WHERE e.customer_id = ? ORDER BY \(order)
                    """, arguments: [key])
            while let row = try rows.next() { try body(row) }
        }
    }
}
