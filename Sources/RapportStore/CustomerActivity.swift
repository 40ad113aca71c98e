import Foundation
import GRDB
import GRDBSQLite

/// One customer's row of `customer_activity`: the bytes the engine folded from their events
/// and three figures of the refresh that wrote them. The store keeps them as given.
public struct ActivityRow: Sendable, Equatable {
    public var customer: Int64
    /// A small number the service gives for the RFM segment, nil for none.
    public var segment: Int?
    public var clv12m: Double?
    public var pAlive: Double?
    public var bytes: [UInt8]

    public init(customer: Int64, segment: Int?, clv12m: Double?, pAlive: Double?, bytes: [UInt8]) {
        self.customer = customer
        self.segment = segment
        self.clv12m = clv12m
        self.pAlive = pAlive
        self.bytes = bytes
    }
}

extension ProfileStore {
    /// The model-state entry a full refresh writes once every customer has an activity row.
    public static let activityStateName = "activity"

    /// Every activity row in key order, its bytes lent for the call only: a million rows are
    /// read without copying one.
    public func scanActivity(
        customers: ClosedRange<Int64> = Int64.min...Int64.max,
        _ body: (_ customer: Int64, _ segment: Int?, _ clv12m: Double?, _ pAlive: Double?, UnsafeRawBufferPointer)
            throws -> Void
    ) throws {
        try pool.read { db in
            guard let conn = db.sqliteConnection else { return }
            var stmt: OpaquePointer?
            let sql = """
                SELECT customer_id, rfm_segment, clv_12m, p_alive, days FROM customer_activity
                WHERE customer_id BETWEEN ?1 AND ?2
                """
            guard sqlite3_prepare_v2(conn, sql, -1, &stmt, nil) == SQLITE_OK else {
                throw DatabaseError(message: String(cString: sqlite3_errmsg(conn)))
            }
            defer { sqlite3_finalize(stmt) }
            sqlite3_bind_int64(stmt, 1, customers.lowerBound)
            sqlite3_bind_int64(stmt, 2, customers.upperBound)
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw DatabaseError(message: String(cString: sqlite3_errmsg(conn))) }
                let segment = sqlite3_column_type(stmt, 1) == SQLITE_NULL ? nil : Int(sqlite3_column_int(stmt, 1))
                let clv = sqlite3_column_type(stmt, 2) == SQLITE_NULL ? nil : sqlite3_column_double(stmt, 2)
                let alive = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? nil : sqlite3_column_double(stmt, 3)
                let p = sqlite3_column_blob(stmt, 4)
                let n = Int(sqlite3_column_bytes(stmt, 4))
                try body(sqlite3_column_int64(stmt, 0), segment, clv, alive, UnsafeRawBufferPointer(start: p, count: n))
            }
        }
    }

}
