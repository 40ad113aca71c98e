import Foundation

// `rapport copy` is all or nothing: the target carries a mark while it is being filled, a copy
// that fails empties it again, and a copy that died (killed, the server gone) leaves the mark
// so the next copy may start over and nobody mistakes the half-filled store for the source.

/// The mark of a copy under way: where it came from and when it started.
public struct UnfinishedCopy: Codable, Sendable, Equatable {
    public var source: String
    public var started: Int64

    public init(source: String, started: Int64) {
        self.source = source
        self.started = started
    }

    static let stateName = "copy_unfinished"
}

extension StoreBackend {
    /// The mark of a copy into this store that has not finished, if any.
    public func unfinishedCopy() throws -> UnfinishedCopy? {
        try modelState(UnfinishedCopy.stateName).flatMap { try? JSONDecoder().decode(UnfinishedCopy.self, from: $0) }
    }

    /// Marks this (empty) store as the target of a copy under way.
    public func markCopyStarted(_ mark: UnfinishedCopy) throws {
        try writeModelState([UnfinishedCopy.stateName: try JSONEncoder().encode(mark)], now: mark.started)
    }

    /// Removes the mark: the copy is complete.
    public func markCopyFinished() throws {
        try writeSQL(.analyst) { db in
            _ = try db.execute("DELETE FROM model_state WHERE name = ?", [.string(UnfinishedCopy.stateName)])
        }
    }

    /// Empties every table of Rapport's data (not the schema's own bookkeeping), in one
    /// transaction: what a failed or dead copy had written is gone, and the store is as new.
    public func discardUnfinishedCopy() throws {
        try writeSQL(.exclusive) { db in
            let tables = try db.all(db.dialect.dataTablesQuery) { try $0.string(0) ?? "" }
                .filter { !$0.isEmpty && !Self.bookkeepingTables.contains($0) }
            // Rows that others point at go last, so no foreign key is ever left dangling.
            let referenced: Set<String> = ["customers", "products", "segments", "accounts"]
            for table in tables.filter({ !referenced.contains($0) }) + tables.filter(referenced.contains) {
                try db.execute("DELETE FROM \(table)")
            }
            try CustomerTally.recount(db)
        }
    }

    /// Tables that say how the schema was made or who is at work, not what the store holds.
    static var bookkeepingTables: Set<String> { ["grdb_migrations", "rapport_migrations", "store_activity"] }
}
