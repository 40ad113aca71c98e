import Foundation
import RapportVocabulary

/// What each driver does its own way around the SQL seam: opening and closing, telling other
/// sessions what it does and hearing of their changes, and making erased data unreadable in its
/// files. SQLite keeps these in the file and beside it; PostgreSQL in the server.
public protocol StoreDriver: AnyObject, Sendable, SQLTransactions {
    /// Where the store is, for people: a file path, or a URL without any password.
    var path: String { get }
    var isReadOnly: Bool { get }

    // MARK: Lifecycle
    /// Called when a write waits for another process's or session's write, so a command can
    /// say it is waiting rather than look frozen.
    func onBusy(_ report: @escaping @Sendable () -> Void)
    /// Closes every connection; `checkpointing` first folds SQLite's WAL into the file.
    func closeStore(checkpointing: Bool) throws
    /// Makes deleted data unreadable in the store's own files (SQLite: VACUUM and WAL
    /// truncation; PostgreSQL: VACUUM of the customer tables, where the role may).
    func compact() throws
    /// Says what this process is doing (an import, a refresh), for another one kept waiting.
    func announce(_ activity: StoreActivity?)
    func currentActivity() -> StoreActivity?

    // MARK: The change feed
    /// A value that changes whenever anything is written by anyone (SQLite: polled from the
    /// newest audit entry, model state and event; PostgreSQL: the NOTIFYs heard).
    func writeStamp() throws -> String
    /// `read`'s answer, kept until a change of `scope` is announced (PostgreSQL hears of every
    /// write); nil when the driver keeps nothing (SQLite: the read runs again in-process, and a
    /// history joins its products instead of a kept map).
    func keptUntilChange<T>(_ scope: ChangeScope, _ read: () throws -> T) throws -> T?

    // MARK: Erasure: what only the driver knows
    /// Inside the erasure's transaction, after the customer's rows are gone: the driver's own
    /// traces of them (SQLite: the search index, and a marker that resumes an interrupted
    /// scrub; PostgreSQL: the key map).
    func eraseDriverTraces(_ db: any SQLDatabase, customer key: Int64, now: Int64) throws
    /// After the erasure committed: makes the deleted rows unreadable in the store's files.
    func scrubErasedData() throws
}

/// Reading and loading the whole store, each driver at its own speed: SQLite through raw
/// prepared statements over mapped files, PostgreSQL through COPY and server-side staging.
public protocol BulkData {
    func importFile(_ path: String, options: ImportOptions, progress: (@Sendable (ImportProgressReport) -> Void)?)
        throws -> ImportSummary
    /// Every event (of the customers in `customers`, if given) ordered by customer, time and
    /// key, streamed: memory stays flat on tens of millions of events.
    func scanEvents(customers: ClosedRange<Int64>?, _ body: (EventFact) throws -> Void) throws
    /// Every activity row of the customers in `customers`, in key order, its bytes lent for the call.
    func scanActivity(
        customers: ClosedRange<Int64>,
        _ body: (_ customer: Int64, _ segment: Int?, _ clv12m: Double?, _ pAlive: Double?, UnsafeRawBufferPointer)
            throws -> Void) throws
}
