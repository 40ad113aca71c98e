import Foundation
import GRDB
import GRDBSQLite

/// A thin wrapper over a prepared `sqlite3_stmt` for the import hot path, where GRDB's
/// per-statement argument handling would cost more than the insert itself.
/// Only used inside a GRDB write transaction, on GRDB's connection.
final class RawStatement {
    private var stmt: OpaquePointer?
    private let db: OpaquePointer
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ database: Database, _ sql: String) throws {
        guard let conn = database.sqliteConnection else { throw StoreError.invalidArgument("database closed") }
        db = conn
        let rc = sqlite3_prepare_v2(conn, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(conn)), sql: sql)
        }
    }

    deinit { sqlite3_finalize(stmt) }

    func bind(_ i: Int32, _ v: String?) {
        guard let v else {
            sqlite3_bind_null(stmt, i)
            return
        }
        var s = v
        s.withUTF8 { p in
            _ = sqlite3_bind_text(
                stmt, i, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(p.count), RawStatement.transient)
        }
    }

    /// Binds bytes that stay valid until the statement runs (the mapped input file), without a copy.
    func bindStatic(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes, let base = bytes.baseAddress else {
            sqlite3_bind_null(stmt, i)
            return
        }
        sqlite3_bind_text(stmt, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    /// Runs a statement that returns no rows; returns whether it changed a row.
    func execute() throws -> Bool {
        defer { sqlite3_reset(stmt) }
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db)))
        }
        return sqlite3_changes(db) > 0
    }

    func bind(_ i: Int32, _ v: Int64?) {
        if let v { sqlite3_bind_int64(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
    }

    func bind(_ i: Int32, _ v: Int?) { bind(i, v.map(Int64.init)) }

    func bind(_ i: Int32, _ v: Double?) {
        if let v { sqlite3_bind_double(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
    }

    func bind(_ i: Int32, _ v: Bool?) { bind(i, v.map { $0 ? Int64(1) : Int64(0) }) }

    func bind(_ i: Int32, _ v: Data) {
        v.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(stmt, i, raw.baseAddress, Int32(raw.count), RawStatement.transient)
        }
    }

    func bind(_ i: Int32, _ v: [UInt8]) {
        guard !v.isEmpty else {
            sqlite3_bind_zeroblob(stmt, i, 0)
            return
        }
        v.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(stmt, i, raw.baseAddress, Int32(raw.count), RawStatement.transient)
        }
    }

    /// Runs the statement; returns the first column of the first row, if any (for RETURNING
    /// and look-ups), then resets it.
    @discardableResult
    func run() throws -> Int64? {
        defer { sqlite3_reset(stmt) }
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return sqlite3_column_int64(stmt, 0) }
        if rc == SQLITE_DONE { return nil }
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db)))
    }

    /// Rows changed by the last INSERT/UPDATE on this connection.
    var changes: Int32 { sqlite3_changes(db) }
}
