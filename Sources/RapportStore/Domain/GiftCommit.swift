import Foundation

// A gift flag and what it changes, written in one transaction (issue 23): the flag with its
// audit and action-log entries, then the customer's metrics row and affinity vector, which the
// service computed beforehand from the customer's events with the flag applied in memory (the
// same code as the preview).

/// The customer's figures after a gift flag, as the service computed them.
public struct GiftConsequences: Sendable {
    /// The events they were computed from were read after this mark: a change to the customer
    /// since (another analyst, an import) leaves them unwritten.
    public var mark: ChangeMark
    public var metrics: MetricsRecord
    /// Whether vectors are kept (`affinities` model state), and this customer's (nil: none,
    /// they refused personalization).
    public var keepsAffinity: Bool
    public var affinity: [String: Double]?

    public init(mark: ChangeMark, metrics: MetricsRecord, keepsAffinity: Bool, affinity: [String: Double]?) {
        self.mark = mark
        self.metrics = metrics
        self.keepsAffinity = keepsAffinity
        self.affinity = affinity
    }
}

extension StoreBackend {
    /// Flags or unflags a purchase and writes `consequences` in the same transaction. Returns
    /// whether they were written: false when the customer changed after their mark, and the
    /// flag is written alone (the caller recomputes from the store).
    public func setGift(
        event displayId: String, isGift: Bool, note: String?, expecting token: String? = nil, by actor: Actor,
        writing consequences: GiftConsequences
    ) throws -> (change: GiftChange, consequencesWritten: Bool) {
        try writeSQL(.analyst) { db in
            // Read before the flag's own audit entry, which would count as a change.
            let changed = try ChangedCustomers.since(consequences.mark, db)
            let change = try Self.flagGift(
                db, event: displayId, isGift: isGift, note: note, expecting: token, by: actor)
            guard !changed.contains(change.customerKey), consequences.metrics.customerId == change.customerKey else {
                return (change, false)
            }
            try Self.upsert(db, "customer_metrics", MetricsRows.columns, MetricsRows.values(consequences.metrics))
            if consequences.keepsAffinity {
                let key = change.customerKey
                try db.execute("DELETE FROM customer_affinities WHERE customer_id = ?", [.int64(key)])
                if let vector = consequences.affinity, !vector.isEmpty {
                    try Self.upsert(
                        db, "customer_affinities", ["customer_id", "vector"],
                        [.int64(key), .bytes([UInt8](AffinityBlob.encode(vector)))])
                }
            }
            return (change, true)
        }
    }

    /// One row written by its key (the first column): one statement on both stores, where a
    /// bulk write stages a COPY on PostgreSQL.
    static func upsert(_ db: any SQLDatabase, _ table: String, _ columns: [String], _ values: [SQLValue]) throws {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try db.execute(
            """
            INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(marks))
            ON CONFLICT (\(columns[0])) DO UPDATE SET \(updates)
            """, values)
    }
}
