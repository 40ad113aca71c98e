import Foundation

// What every import writes in its own transaction besides its rows, once for both importers:
// the as-of date raised to its newest event, its audit entry, the mark that says a refresh is
// due, and the customer count the first screen reads.

enum ImportBookkeeping {
    /// Writes the bookkeeping of the import `s` and returns it with its refresh mark.
    static func commit(_ db: any SQLDatabase, _ s: ImportSummary, latestEventTime: Int64?, options: ImportOptions)
        throws -> ImportSummary
    {
        if s.kind == .events, let latest = latestEventTime {
            let stored = try AsOfDate.stored(db) ?? Int64.min
            if latest > stored { try ModelState.put(db, AsOfDate.name, Data(String(latest).utf8), now: options.now) }
        }
        let details = try JSONEncoder.sorted.encode(
            AuditImportDetails(
                file: s.file, kind: s.kind.rawValue, rows: s.rows, inserted: s.inserted, updated: s.updated,
                duplicates: s.duplicates, rejected: s.rejected))
        try AuditLog.append(
            db, Actor(analyst: options.analyst, now: options.now), .import, customer: nil, customerRef: nil,
            json: String(decoding: details, as: UTF8.self))
        try CustomerTally.recount(db)
        var committed = s
        // Until a refresh covers this file, the store says a refresh is needed (kept if the
        // process dies between this commit and the end of its refresh).
        let mark = RefreshPending(name: RefreshPending.newName(), file: s.file, time: options.now)
        try ModelState.put(db, mark.name, mark.value, now: options.now)
        committed.refreshMark = mark.name
        return committed
    }
}

/// The number of customers, kept in `store_counts` by the transactions that add or remove
/// customers (imports, erasures), so the list's first screen reads one row instead of counting
/// a whole index. A store emptied of its rows (a failed copy) has no row: the count is counted.
enum CustomerTally {
    static let name = "customers"

    static func stored(_ db: any SQLDatabase) throws -> Int? {
        try db.first("SELECT value FROM store_counts WHERE name = ?", [.string(name)]) { try $0.int(0) } ?? nil
    }

    /// Counted again (an import: it knows the customers it made, not those a merge found).
    /// `WHERE` keeps SQLite from reading `ON CONFLICT` as a join's.
    static func recount(_ db: any SQLDatabase) throws {
        try db.execute(
            """
            INSERT INTO store_counts(name, value) SELECT ?, COUNT(*) FROM customers WHERE 1 = 1
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """, [.string(name)])
    }

    /// One customer fewer (an erasure).
    static func removeOne(_ db: any SQLDatabase) throws {
        try db.execute("UPDATE store_counts SET value = value - 1 WHERE name = ?", [.string(name)])
    }
}
