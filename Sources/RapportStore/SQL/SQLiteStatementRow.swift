import GRDB
import GRDBSQLite

/// The row a statement is stepped to, read with SQLite's column functions: no copy of the row
/// into GRDB values and no conversion through `DatabaseValue` per cell (a 10,000-event history
/// is 110,000 cells). Valid until the statement steps again.
struct SQLiteStatementRow: SQLRow {
    let statement: SQLiteStatement

    private func isNull(_ c: Int32) -> Bool { sqlite3_column_type(statement, c) == SQLITE_NULL }

    func int64(_ i: Int) throws -> Int64? {
        let c = Int32(i)
        return isNull(c) ? nil : sqlite3_column_int64(statement, c)
    }

    func double(_ i: Int) throws -> Double? {
        let c = Int32(i)
        return isNull(c) ? nil : sqlite3_column_double(statement, c)
    }

    func string(_ i: Int) throws -> String? {
        let c = Int32(i)
        // The type is asked first: reading the text may convert the stored value.
        guard !isNull(c), let text = sqlite3_column_text(statement, c) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, c))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Any non-zero number is true, as GRDB reads a `Bool`.
    func bool(_ i: Int) throws -> Bool? {
        let c = Int32(i)
        switch sqlite3_column_type(statement, c) {
        case SQLITE_NULL: return nil
        case SQLITE_FLOAT: return sqlite3_column_double(statement, c) != 0
        default: return sqlite3_column_int64(statement, c) != 0
        }
    }

    /// A blob's bytes, or a text's UTF-8 (older stores kept model state as text), as `SQLiteRow`.
    func bytes(_ i: Int) throws -> [UInt8]? {
        let c = Int32(i)
        switch sqlite3_column_type(statement, c) {
        case SQLITE_NULL: return nil
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, c))
            guard count > 0, let blob = sqlite3_column_blob(statement, c) else { return [] }
            return [UInt8](UnsafeRawBufferPointer(start: blob, count: count))
        case SQLITE_INTEGER: return Array(String(sqlite3_column_int64(statement, c)).utf8)
        case SQLITE_FLOAT: return Array(String(sqlite3_column_double(statement, c)).utf8)
        default: return Array((try string(i) ?? "").utf8)
        }
    }
}
