import Foundation
import GRDB
import GRDBSQLite

/// Which customers business metrics cover.
public enum MetricScope: Sendable, Equatable {
    case all
    case rfmSegment(String)
    case stage(String)
    case ruleSegment(String)
}

/// Counts per channel from open, click and purchase events in the window.
public struct ChannelCounts: Sendable, Equatable {
    public var opens = 0
    public var clicks = 0
    public var purchases = 0
}

/// One customer's RFM inputs at a moment, as the refresh computes them: distinct purchase
/// days, purchases plus returns, days since the last purchase.
public struct RFMInputs: Sendable, Equatable {
    public var orders: Int
    public var spend: Double
    public var recencyDays: Int
}

/// What one pass over the events finds for business metrics. Figures are for customers in
/// scope; `rfmAtStart`/`rfmAtEnd` cover every buyer, because RFM cut points are population-wide.
public struct MetricFacts: Sendable {
    public var customers = 0
    public var buyers = 0
    public var orders = 0
    public var revenue = 0.0
    public var returns = 0.0
    public var repeatBuyers = 0
    /// Cohort month (months since 1970-01) → number of customers with a purchase in month + k.
    public var cohorts: [Int: [Int]] = [:]
    public var carts = 0
    public var abandonedCarts = 0
    public var channels: [String: ChannelCounts] = [:]
    /// Customer key → inputs, for buyers only.
    public var rfmAtStart: [Int64: RFMInputs] = [:]
    public var rfmAtEnd: [Int64: RFMInputs] = [:]
    /// Customer keys in scope with their window revenue, RFM segment, CLV and P(alive).
    public var scoped: [ScopedCustomer] = []
}

public struct ScopedCustomer: Sendable {
    public var key: Int64
    public var revenue: Double
    public var segment: String?
    public var clv12m: Double?
    public var pAlive: Double?
}

enum MetricCalendar {
    static let day: Int64 = 86_400

    static func dayOf(_ t: Int64) -> Int64 { t >= 0 ? t / day : (t - day + 1) / day }

    /// Months since 1970-01 (UTC) of a Unix time.
    static func month(_ t: Int64) -> Int {
        let (y, m) = civil(dayOf(t))
        return (y - 1970) * 12 + (m - 1)
    }

    /// Year and month of a day number (Howard Hinnant's civil_from_days).
    static func civil(_ days: Int64) -> (Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m))
    }
}

/// Per-customer running figures of the scan, in arrays indexed by customer key.
private struct ScanState {
    var inScope: [Bool]
    var firstPurchase: [Int64]
    var windowRevenue: [Double]
    var ordersInWindow: [Int32]
    var spendBefore: [Double]
    var spendAll: [Double]
    var lastDayBefore: [Int32]
    var lastDayAll: [Int32]
    var orderKeys = Set<Int64>()
    var purchaseMonths = Set<Int64>()
    var purchaseDays = Set<Int64>()
    /// (customer << 24 | product, time) of purchases and of carts in the window.
    var purchases: [(Int64, Int64)] = []
    var carts: [(Int64, Int64)] = []

    init(size: Int) {
        inScope = Array(repeating: false, count: size)
        firstPurchase = Array(repeating: Int64.max, count: size)
        windowRevenue = Array(repeating: 0, count: size)
        ordersInWindow = Array(repeating: 0, count: size)
        spendBefore = Array(repeating: 0, count: size)
        spendAll = Array(repeating: 0, count: size)
        lastDayBefore = Array(repeating: -1, count: size)
        lastDayAll = Array(repeating: -1, count: size)
    }
}

extension ProfileStore {
    /// The customer keys a scope covers.
    static func scopeSQL(_ scope: MetricScope) -> (String, StatementArguments) {
        switch scope {
        case .all: ("SELECT id FROM customers", [])
        case .rfmSegment(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE rfm_segment = ?", [s])
        case .stage(let s): ("SELECT customer_id AS id FROM customer_metrics WHERE stage = ?", [s])
        case .ruleSegment(let s):
            (
                "SELECT sm.customer_id AS id FROM segment_members sm JOIN segments s ON s.id = sm.segment_id WHERE s.name = ?",
                [s]
            )
        }
    }

    /// Business-metric facts for the window `since...until` (Unix seconds, both inclusive;
    /// `since` should start a UTC day). One scan of the events table: a table scan is read in
    /// file order, which is several times faster cold than many aggregate queries or an index walk.
    public func metricFacts(since: Int64, until: Int64, scope: MetricScope) throws -> MetricFacts {
        try pool.read { db in
            let size = Int(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM customers") ?? 0) + 1
            var st = ScanState(size: size)
            var facts = MetricFacts()
            let (scopeSQL, scopeArgs) = Self.scopeSQL(scope)
            let keys = try Int64.fetchCursor(db, sql: scopeSQL, arguments: scopeArgs)
            while let key = try keys.next() {
                guard key >= 0 && key < size else { continue }
                if !st.inScope[Int(key)] { facts.customers += 1 }
                st.inScope[Int(key)] = true
            }
            try Self.scanMetricEvents(db, since: since, until: until, state: &st, facts: &facts)
            Self.finishOrders(&st, facts: &facts)
            Self.finishCohorts(st, since: since, facts: &facts)
            Self.finishCarts(&st, facts: &facts)
            Self.finishRFM(st, since: since, until: until, facts: &facts)
            facts.scoped = try Self.scopedCustomers(db, scope: scope, revenue: st.windowRevenue)
            return facts
        }
    }

    private static func scanMetricEvents(
        _ db: Database, since: Int64, until: Int64, state st: inout ScanState, facts: inout MetricFacts
    ) throws {
        guard let conn = db.sqliteConnection else { return }
        var stmt: OpaquePointer?
        // purchase 0, cart 3, return 4, open 6, click 7; purchases a week past the window
        // decide whether the window's last carts were bought.
        let sql = """
            SELECT customer_id, product_id, type, time, amount, channel FROM events
            WHERE type IN (0, 3, 4, 6, 7) AND time <= ?1
            """
        guard sqlite3_prepare_v2(conn, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw DatabaseError(message: String(cString: sqlite3_errmsg(conn)))
        }
        defer { sqlite3_finalize(stmt) }
        sqlite3_bind_int64(stmt, 1, until + 7 * MetricCalendar.day)
        let sinceDay = MetricCalendar.dayOf(since)
        var channelNames: [[UInt8]] = []
        func channelIndex() -> Int? {
            guard let p = sqlite3_column_blob(stmt, 5) else { return nil }
            let n = Int(sqlite3_column_bytes(stmt, 5))
            let bytes = UnsafeRawBufferPointer(start: p, count: n)
            if let i = channelNames.firstIndex(where: { $0.elementsEqual(bytes) }) { return i }
            channelNames.append(Array(bytes))
            return channelNames.count - 1
        }
        var counts: [ChannelCounts] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw DatabaseError(message: String(cString: sqlite3_errmsg(conn))) }
            let c = sqlite3_column_int64(stmt, 0)
            let ci = Int(c)
            guard ci >= 0 && ci < st.inScope.count else { continue }
            let type = sqlite3_column_int(stmt, 2)
            let time = sqlite3_column_int64(stmt, 3)
            let product = sqlite3_column_type(stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 1)
            let scoped = st.inScope[ci]
            let inWindow = time >= since && time <= until
            if type == 0 && scoped && product >= 0 { st.purchases.append((c << 24 | product, time)) }
            guard time <= until else { continue }
            let amount = sqlite3_column_double(stmt, 4)
            let day = MetricCalendar.dayOf(time)
            switch type {
            case 0, 4:
                // RFM inputs are kept for every customer: cut points are population-wide.
                st.spendAll[ci] += amount
                if time < since { st.spendBefore[ci] += amount }
                guard type == 0 else {
                    if scoped && inWindow { facts.returns += abs(amount) }
                    continue
                }
                st.lastDayAll[ci] = max(st.lastDayAll[ci], Int32(day))
                if day < sinceDay { st.lastDayBefore[ci] = max(st.lastDayBefore[ci], Int32(day)) }
                st.purchaseDays.insert(c << 24 | day)
                st.firstPurchase[ci] = min(st.firstPurchase[ci], time)
                guard scoped && inWindow else { continue }
                facts.revenue += amount
                st.windowRevenue[ci] += amount
                st.orderKeys.insert(c << 32 | (time - since))
                st.purchaseMonths.insert(c << 24 | Int64(MetricCalendar.month(time)))
                if let i = channelIndex() {
                    while counts.count <= i { counts.append(ChannelCounts()) }
                    counts[i].purchases += 1
                }
            case 3:
                if scoped && inWindow && product >= 0 { st.carts.append((c << 24 | product, time)) }
            default:
                guard scoped && inWindow, let i = channelIndex() else { continue }
                while counts.count <= i { counts.append(ChannelCounts()) }
                if type == 6 { counts[i].opens += 1 } else { counts[i].clicks += 1 }
            }
        }
        for (i, name) in channelNames.enumerated() where i < counts.count {
            facts.channels[String(decoding: name, as: UTF8.self)] = counts[i]
        }
    }

    private static func finishOrders(_ st: inout ScanState, facts: inout MetricFacts) {
        facts.orders = st.orderKeys.count
        for key in st.orderKeys { st.ordersInWindow[Int(key >> 32)] += 1 }
        for n in st.ordersInWindow where n > 0 {
            facts.buyers += 1
            if n >= 2 { facts.repeatBuyers += 1 }
        }
    }

    /// Cohorts of customers whose first purchase ever falls in the window.
    private static func finishCohorts(_ st: ScanState, since: Int64, facts: inout MetricFacts) {
        for key in st.purchaseMonths {
            let c = Int(key >> 24)
            guard st.firstPurchase[c] >= since else { continue }
            let month = Int(key & 0xFF_FFFF)
            let cohort = MetricCalendar.month(st.firstPurchase[c])
            let k = month - cohort
            guard k >= 0 else { continue }
            var row = facts.cohorts[cohort] ?? []
            while row.count <= k { row.append(0) }
            row[k] += 1
            facts.cohorts[cohort] = row
        }
    }

    /// A cart is abandoned unless the same customer bought the same product within 7 days after it.
    private static func finishCarts(_ st: inout ScanState, facts: inout MetricFacts) {
        st.purchases.sort { $0 < $1 }
        st.carts.sort { $0 < $1 }
        facts.carts = st.carts.count
        var j = 0
        for cart in st.carts {
            while j < st.purchases.count && st.purchases[j] < cart { j += 1 }
            let bought =
                j < st.purchases.count && st.purchases[j].0 == cart.0
                && st.purchases[j].1 <= cart.1 + 7 * MetricCalendar.day
            if !bought { facts.abandonedCarts += 1 }
        }
    }

    /// RFM inputs just before the window and at its end, for every buyer.
    private static func finishRFM(_ st: ScanState, since: Int64, until: Int64, facts: inout MetricFacts) {
        let sinceDay = MetricCalendar.dayOf(since)
        var daysBefore = [Int32](repeating: 0, count: st.inScope.count)
        var daysAll = [Int32](repeating: 0, count: st.inScope.count)
        for key in st.purchaseDays {
            let c = Int(key >> 24)
            daysAll[c] += 1
            if key & 0xFF_FFFF < sinceDay { daysBefore[c] += 1 }
        }
        let startDay = Int(sinceDay - 1)
        let endDay = Int(MetricCalendar.dayOf(until))
        for c in 0..<st.inScope.count where daysAll[c] > 0 {
            facts.rfmAtEnd[Int64(c)] = RFMInputs(
                orders: Int(daysAll[c]), spend: st.spendAll[c], recencyDays: endDay - Int(st.lastDayAll[c]))
            if daysBefore[c] > 0 {
                facts.rfmAtStart[Int64(c)] = RFMInputs(
                    orders: Int(daysBefore[c]), spend: st.spendBefore[c],
                    recencyDays: startDay - Int(st.lastDayBefore[c]))
            }
        }
    }

    private static func scopedCustomers(_ db: Database, scope: MetricScope, revenue: [Double]) throws
        -> [ScopedCustomer]
    {
        let (scopeSQL, args) = scopeSQL(scope)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT s.id, m.rfm_segment, m.clv_12m, m.p_alive
                FROM (\(scopeSQL)) s
                LEFT JOIN customer_metrics m ON m.customer_id = s.id
                """, arguments: args)
        var out: [ScopedCustomer] = []
        while let row = try rows.next() {
            let key: Int64 = row[0]
            out.append(
                ScopedCustomer(
                    key: key, revenue: key < revenue.count ? revenue[Int(key)] : 0, segment: row[1], clv12m: row[2],
                    pAlive: row[3]))
        }
        return out
    }
}
