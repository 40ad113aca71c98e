import Foundation

/// What one scope of one account adds up of its orders, in a form that merges: an account's
/// `children` scope is its children's totals merged, its `total` that plus its own. Orders of
/// different accounts are distinct (an order is one person's lines for one account at one
/// second), so counts and sums add; buyers, days and weeks are unions. Members are counted
/// apart (`AccountMemberCounts`). Merging each child into the parent
/// once (the smaller side into the larger) replaces adding every purchase to every ancestor.
struct AccountRollup {
    var orders = 0
    /// Sums of order amounts; rounded to cents when shown.
    var revenue = 0.0
    var revenue12m = 0.0
    var lastOrder: Int64?
    /// Orders per buyer.
    var perBuyer: [Int64: Int] = [:]
    /// How many of `perBuyer` have two orders or more: counted as orders come and scopes
    /// merge, so a scope's repeat rate needs no pass over its buyers (each buyer would be
    /// passed once for every account above theirs).
    var repeatBuyers = 0
    /// Order amounts per UTC day: all the lifecycle figures read of an order stream.
    var days: [Int64: Double] = [:]
    /// Weeks (counted back from the window's end, 0–12) with an order, in the last window and
    /// the one before: bit w set for week w (a set of 13 numbers without a hash table).
    var recentWeeks: UInt32 = 0
    var previousWeeks: UInt32 = 0

    /// Adds one order of `amount` by `customer` at `time`.
    mutating func addOrder(customer: Int64, time: Int64, amount: Double, asOf: Int64) {
        let day = AccountFiguresBuilder.day
        let span = AccountFiguresBuilder.windowDays * day
        orders += 1
        revenue += amount
        if time > asOf - 365 * day { revenue12m += amount }
        lastOrder = max(lastOrder ?? time, time)
        if Self.add(1, to: &perBuyer[customer, default: 0]) { repeatBuyers += 1 }
        days[Day.of(time), default: 0] += amount
        // A time in the window is less than 90 days before its end: its week is 0–12.
        if time <= asOf && time > asOf - span { recentWeeks |= 1 << UInt32((asOf - time) / (7 * day)) }
        let end = asOf - span
        if time <= end && time > end - span { previousWeeks |= 1 << UInt32((end - time) / (7 * day)) }
    }

    /// Merges another scope's figures into this one. Taken, not borrowed: when the larger
    /// table is swapped in from `other`, no one else holds it, so adding to it copies nothing.
    mutating func absorb(_ other: consuming AccountRollup) {
        orders += other.orders
        revenue += other.revenue
        revenue12m += other.revenue12m
        if let t = other.lastOrder { lastOrder = max(lastOrder ?? t, t) }
        if other.perBuyer.count > perBuyer.count {
            swap(&perBuyer, &other.perBuyer)
            swap(&repeatBuyers, &other.repeatBuyers)
        }
        for (k, v) in other.perBuyer {
            if Self.add(v, to: &perBuyer[k, default: 0]) { repeatBuyers += 1 }
        }
        if other.days.count > days.count { swap(&days, &other.days) }
        for (k, v) in other.days { days[k, default: 0] += v }
        recentWeeks |= other.recentWeeks
        previousWeeks |= other.previousWeeks
    }

    /// Adds `n` orders to a buyer's count (in place: one lookup); true when the buyer becomes a repeat buyer.
    private static func add(_ n: Int, to count: inout Int) -> Bool {
        let was = count
        count += n
        return was < 2 && count >= 2
    }

    /// The scope's figures of its orders (its members' are `AccountMemberCounts`').
    func figures() -> AccountScopeFigures {
        var f = AccountScopeFigures()
        f.orders = orders
        f.revenue = (revenue * 100).rounded() / 100
        f.customers = perBuyer.count
        f.aov = f.orders > 0 ? f.revenue / Double(f.orders) : nil
        if !perBuyer.isEmpty { f.repeatRate = Double(repeatBuyers) / Double(perBuyer.count) }
        f.lastOrder = lastOrder
        return f
    }

    /// 0–100: half the share of current members active in the window, half the share of the
    /// window's 13 weeks with an order (the previous window: the 90 days before it).
    func engagement(recent: Bool, members: Int, active: Int) -> Int {
        let activeShare = members == 0 ? 0 : Double(active) / Double(members)
        let weekShare = min(1, Double((recent ? recentWeeks : previousWeeks).nonzeroBitCount) / 13)
        return Int((50 * activeShare + 50 * weekShare).rounded())
    }

    /// The lifecycle figures' statistics of the scope's orders, read as one purchase a day with
    /// the day's amount, from the days themselves (no event stream built).
    func purchaseStatistics(asOf: Int64) -> PurchaseStatistics {
        PurchaseStatistics.of(
            dailyTotals: days.sorted { $0.key < $1.key }.lazy.map { (day: $0.key, total: $0.value) }, asOf: asOf)
    }
}
