import Foundation

/// What the last refresh says of one customer, as business metrics use it.
public struct RefreshedFigures: Sendable, Equatable {
    public var segment: RFMSegment?
    public var clv12m: Double?
    public var pAlive: Double?

    public init(segment: RFMSegment? = nil, clv12m: Double? = nil, pAlive: Double? = nil) {
        self.segment = segment
        self.clv12m = clv12m
        self.pAlive = pAlive
    }
}

/// Business metrics over a window of whole UTC days (docs/metrics.md), before they are named
/// and divided for output. Sums and counts only: ratios over zero are the caller's nulls.
public struct BusinessFigures: Sendable, Equatable {
    public struct ChannelCounts: Sendable, Equatable {
        public var opens = 0
        public var clicks = 0
        public var purchases = 0
        public init() {}
    }

    public struct SegmentTotals: Sendable, Equatable {
        public var customers = 0
        public var revenue = 0.0
        public var clv12m = 0.0
        public init() {}
    }

    public struct MigrationCell: Sendable, Equatable, Hashable {
        /// Nil for customers without a purchase before the window.
        public var from: RFMSegment?
        public var to: RFMSegment
    }

    public var customers = 0
    public var buyers = 0
    public var orders = 0
    public var revenue = 0.0
    public var returns = 0.0
    public var repeatBuyers = 0
    /// Cohort month (months since 1970-01) → customers of the cohort with a purchase in month + k.
    public var cohorts: [Int: [Int]] = [:]
    public var carts = 0
    public var abandonedCarts = 0
    /// Cart sessions begun in the window, and those without a purchase after their first cart.
    public var cartSessions = 0
    public var abandonedCartSessions = 0
    /// Recommendation impressions and clicks in the window.
    public var recImpressions = 0
    public var recClicks = 0
    public var channels: [String: ChannelCounts] = [:]
    public var clvTotal = 0.0
    /// Customers in scope with a CLV, and with P(alive) below 0.5.
    public var clvValued = 0
    public var clvCounts: [Int] = []
    public var atRisk = 0
    public var segments: [RFMSegment: SegmentTotals] = [:]
    public var migration: [MigrationCell: Int] = [:]
    /// Customers in scope with a purchase in the window and on at least two days by its end:
    /// those whose last purchase in the window can be held out to test recommendations.
    public var holdoutCandidates: [Int64] = []
    /// Per calendar month the window touches, from its first: orders and revenue in the window.
    public var monthOrders: [Int] = []
    public var monthRevenue: [Double] = []
    public var firstMonth = 0
}

/// A cell of the figures whose customers can be listed: a cohort (months since 1970-01) or
/// a migration from one RFM segment (nil: no purchase before the window) to another.
public enum MetricsCell: Sendable, Equatable, Hashable {
    case cohort(month: Int)
    case migration(from: RFMSegment?, to: RFMSegment)
}

/// RFM inputs of one customer at a moment: distinct purchase days, spend (purchases plus
/// returns as recorded), days since the last purchase.
struct RFMInputs: Sendable {
    var orders: Int32
    var spend: Double
    var recencyDays: Int32
}

/// Folds customers' activity (`CustomerActivity.encoded()` bytes, read in place) into the
/// business figures of one window. Feed every customer: migration scores each buyer against
/// RFM cut points fitted over all buyers, in scope or not.
public struct BusinessMetricsAccumulator: Sendable {
    let sinceDay: Int64
    let untilDay: Int64
    let clvEdges: [Double]
    var figures = BusinessFigures()
    var revenueCents: Int64 = 0
    var revenueOther = 0.0
    var returnsCents: Int64 = 0
    var returnsOther = 0.0
    var channelNames: [[UInt8]] = []
    var channelCounts: [BusinessFigures.ChannelCounts] = []
    var segmentTotals = [BusinessFigures.SegmentTotals](repeating: .init(), count: RFMSegment.allCases.count)
    var segmentCents = [Int64](repeating: 0, count: RFMSegment.allCases.count)
    var segmentOther = [Double](repeating: 0, count: RFMSegment.allCases.count)
    /// Every buyer's inputs before the window and at its end; `scoped` marks those in scope.
    var atStart: [RFMInputs?] = []
    var atEnd: [RFMInputs] = []
    var endSegment: [RFMSegment?] = []
    var scoped: [Bool] = []
    /// Cohort (month - first month of the window) × k → customers, row-major.
    let firstMonth: Int
    let months: Int
    var cohortCells: [Int]
    var monthOrders: [Int]
    var monthRevenue: [Money]
    var local: [Int] = []
    /// Keys of the buyers in `atEnd` (same order) and of the cohort members in scope.
    var buyerKeys: [Int64] = []
    var cohortMembers: [(key: Int64, month: Int)] = []
    /// CLV sums in whole cents where the values allow: the same total whatever the order.
    var clvSum = Money()
    var segmentClv = [Money](repeating: Money(), count: RFMSegment.allCases.count)

    /// `since` and `until` are Unix times; the window is their UTC days, both included.
    public init(since: Int64, until: Int64, clvEdges: [Double]) {
        sinceDay = Calendar.dayNumber(since)
        untilDay = Calendar.dayNumber(until)
        self.clvEdges = clvEdges
        figures.clvCounts = Array(repeating: 0, count: clvEdges.count)
        firstMonth = Calendar.monthNumber(day: sinceDay)
        months = max(0, Calendar.monthNumber(day: untilDay) - firstMonth) + 1
        cohortCells = Array(repeating: 0, count: months * months)
        monthOrders = Array(repeating: 0, count: months)
        monthRevenue = Array(repeating: Money(), count: months)
    }

    /// One customer's refreshed figures and activity bytes. Bytes not in the stored form count
    /// as no activity.
    public mutating func add(
        customer key: Int64, inScope: Bool, refreshed: RefreshedFigures, activity: UnsafeRawBufferPointer
    ) {
        if inScope { addRefreshed(refreshed) }
        var r = ActivityReader(activity)
        // Channel names of this customer, mapped to the accumulator's.
        local.removeAll(keepingCapacity: true)
        for _ in 0..<max(0, r.int()) {
            guard let name = r.bytes(r.int()) else { return }
            local.append(channelIndex(name))
        }
        var windowOrders = 0
        var windowCents: Int64 = 0
        var windowOther = 0.0
        var firstPurchase: Int64?
        var cohort: Int?
        var lastMonth = -1
        var start = RFMInputs(orders: 0, spend: 0, recencyDays: 0)
        var end = RFMInputs(orders: 0, spend: 0, recencyDays: 0)
        var lastBefore: Int64 = 0
        var lastUntil: Int64 = 0
        var day: Int64 = 0
        let count = r.int()
        for i in 0..<max(0, count) {
            day = i == 0 ? r.signed() : day + Int64(r.int())
            let flags = r.byte()
            let inWindow = day >= sinceDay && day <= untilDay
            let counted = inScope && inWindow
            if flags & CustomerActivity.hasPurchases != 0 {
                let orders = r.int()
                let revenue = r.money()
                if orders > 0 && firstPurchase == nil {
                    firstPurchase = day
                    if inScope && inWindow {
                        let month = Calendar.monthNumber(day: day)
                        cohort = month
                        cohortMembers.append((key, month))
                    }
                }
                if day <= untilDay {
                    end.spend += revenue.value
                    if orders > 0 {
                        end.orders += 1
                        lastUntil = day
                    }
                    if day < sinceDay {
                        start.spend += revenue.value
                        if orders > 0 {
                            start.orders += 1
                            lastBefore = day
                        }
                    }
                }
                if counted {
                    let mi = Calendar.monthNumber(day: day) - firstMonth
                    if mi >= 0 && mi < months {
                        monthOrders[mi] += orders
                        monthRevenue[mi].add(revenue)
                    }
                    windowOrders += orders
                    windowCents += revenue.cents
                    windowOther += revenue.other
                    if let cohort, orders > 0 {
                        let month = Calendar.monthNumber(day: day)
                        if month != lastMonth {
                            lastMonth = month
                            let row = cohort - firstMonth
                            let k = month - cohort
                            if row >= 0 && row < months && k >= 0 && k < months {
                                cohortCells[row * months + k] += 1
                            }
                        }
                    }
                }
            }
            if flags & CustomerActivity.hasReturns != 0 {
                let positive = r.money()
                let recorded = r.money()
                if day <= untilDay { end.spend += recorded.value }
                if day < sinceDay { start.spend += recorded.value }
                if counted {
                    returnsCents += positive.cents
                    returnsOther += positive.other
                }
            }
            if flags & CustomerActivity.hasCarts != 0 {
                let carts = r.int()
                let abandoned = r.int()
                if counted {
                    figures.carts += carts
                    figures.abandonedCarts += abandoned
                }
            }
            if flags & CustomerActivity.hasChannels != 0 {
                for _ in 0..<max(0, r.int()) {
                    let c = r.int()
                    let purchases = r.int()
                    let opens = r.int()
                    let clicks = r.int()
                    guard counted, c < local.count else { continue }
                    channelCounts[local[c]].purchases += purchases
                    channelCounts[local[c]].opens += opens
                    channelCounts[local[c]].clicks += clicks
                }
            }
            if flags & CustomerActivity.hasCartSessions != 0 {
                let sessions = r.int()
                let abandoned = r.int()
                if counted {
                    figures.cartSessions += sessions
                    figures.abandonedCartSessions += abandoned
                }
            }
            if flags & CustomerActivity.hasRecommendations != 0 {
                let impressions = r.int()
                let clicks = r.int()
                if counted {
                    figures.recImpressions += impressions
                    figures.recClicks += clicks
                }
            }
            if r.failed { return }
        }
        if inScope {
            if windowOrders > 0 {
                figures.buyers += 1
                figures.orders += windowOrders
                if windowOrders >= 2 { figures.repeatBuyers += 1 }
            }
            revenueCents += windowCents
            revenueOther += windowOther
            if let s = refreshed.segment {
                let i = RFMSegment.allCases.firstIndex(of: s)!
                segmentCents[i] += windowCents
                segmentOther[i] += windowOther
            }
        }
        guard end.orders > 0 else { return }
        if inScope && windowOrders > 0 && end.orders >= 2 { figures.holdoutCandidates.append(key) }
        end.recencyDays = Int32(untilDay - lastUntil)
        start.recencyDays = Int32(sinceDay - 1 - lastBefore)
        atEnd.append(end)
        buyerKeys.append(key)
        atStart.append(start.orders > 0 ? start : nil)
        scoped.append(inScope)
    }

    /// Adds what another accumulator of the same window read; `other` read larger keys.
    public mutating func merge(_ other: BusinessMetricsAccumulator) {
        let o = other.figures
        figures.customers += o.customers
        figures.buyers += o.buyers
        figures.orders += o.orders
        figures.repeatBuyers += o.repeatBuyers
        figures.carts += o.carts
        figures.abandonedCarts += o.abandonedCarts
        figures.cartSessions += o.cartSessions
        figures.abandonedCartSessions += o.abandonedCartSessions
        figures.recImpressions += o.recImpressions
        figures.recClicks += o.recClicks
        clvSum.add(other.clvSum)
        figures.clvValued += o.clvValued
        figures.atRisk += o.atRisk
        for i in figures.clvCounts.indices { figures.clvCounts[i] += o.clvCounts[i] }
        figures.holdoutCandidates += o.holdoutCandidates
        revenueCents += other.revenueCents
        revenueOther += other.revenueOther
        returnsCents += other.returnsCents
        returnsOther += other.returnsOther
        for (i, name) in other.channelNames.enumerated() {
            let j = channelIndex(name)
            channelCounts[j].opens += other.channelCounts[i].opens
            channelCounts[j].clicks += other.channelCounts[i].clicks
            channelCounts[j].purchases += other.channelCounts[i].purchases
        }
        for i in segmentTotals.indices {
            segmentTotals[i].customers += other.segmentTotals[i].customers
            segmentClv[i].add(other.segmentClv[i])
            segmentCents[i] += other.segmentCents[i]
            segmentOther[i] += other.segmentOther[i]
        }
        atStart += other.atStart
        atEnd += other.atEnd
        buyerKeys += other.buyerKeys
        cohortMembers += other.cohortMembers
        scoped += other.scoped
        for i in cohortCells.indices { cohortCells[i] += other.cohortCells[i] }
        for i in monthOrders.indices {
            monthOrders[i] += other.monthOrders[i]
            monthRevenue[i].add(other.monthRevenue[i])
        }
    }

    private mutating func channelIndex(_ name: [UInt8]) -> Int {
        name.withUnsafeBytes { channelIndex($0) }
    }

    private mutating func addRefreshed(_ f: RefreshedFigures) {
        figures.customers += 1
        if let p = f.pAlive, p < 0.5 { figures.atRisk += 1 }
        if let v = f.clv12m {
            clvSum.add(v)
            figures.clvValued += 1
            let i = clvEdges.lastIndex { $0 <= v } ?? 0
            if i < figures.clvCounts.count { figures.clvCounts[i] += 1 }
        }
        if let s = f.segment {
            let i = RFMSegment.allCases.firstIndex(of: s)!
            segmentTotals[i].customers += 1
            if let v = f.clv12m { segmentClv[i].add(v) }
        }
    }

    private mutating func channelIndex(_ name: UnsafeRawBufferPointer) -> Int {
        if let i = channelNames.firstIndex(where: { $0.elementsEqual(name) }) { return i }
        channelNames.append(Array(name))
        channelCounts.append(.init())
        return channelNames.count - 1
    }

    /// The figures, with the migration between RFM segments scored as a refresh would have
    /// scored every buyer just before the window and at its end.
    public func finish() -> BusinessFigures {
        var f = figures
        f.revenue = Double(revenueCents) / 100 + revenueOther
        f.returns = Double(returnsCents) / 100 + returnsOther
        f.clvTotal = clvSum.value
        f.firstMonth = firstMonth
        f.monthOrders = monthOrders
        f.monthRevenue = monthRevenue.map(\.value)
        for (i, name) in channelNames.enumerated() where channelCounts[i] != .init() {
            f.channels[String(decoding: name, as: UTF8.self)] = channelCounts[i]
        }
        for (i, s) in RFMSegment.allCases.enumerated() {
            var t = segmentTotals[i]
            t.revenue = Double(segmentCents[i]) / 100 + segmentOther[i]
            t.clv12m = segmentClv[i].value
            f.segments[s] = t
        }
        for row in 0..<months {
            let cells = cohortCells[(row * months)..<(row * months + months)]
            guard let last = cells.lastIndex(where: { $0 > 0 }) else { continue }
            f.cohorts[firstMonth + row] = Array(cells[cells.startIndex...last])
        }
        let starts = atStart.compactMap { $0 }
        let startCuts = Self.thresholds(starts)
        let endCuts = Self.thresholds(atEnd)
        for i in atEnd.indices where scoped[i] {
            let from = atStart[i].map { Self.segment($0, startCuts) }
            f.migration[.init(from: from, to: Self.segment(atEnd[i], endCuts)), default: 0] += 1
        }
        return f
    }

    /// Buyers whose last purchase in the window can be held out (see `BusinessFigures`).
    public var holdoutCandidates: [Int64] { figures.holdoutCandidates }

    /// The customers in scope behind one cell of the figures, ascending.
    public func members(_ cell: MetricsCell) -> [Int64] {
        switch cell {
        case .cohort(let month):
            return cohortMembers.filter { $0.month == month }.map(\.key).sorted()
        case .migration(let from, let to):
            let startCuts = Self.thresholds(atStart.compactMap { $0 })
            let endCuts = Self.thresholds(atEnd)
            return atEnd.indices.filter { i in
                scoped[i] && Self.segment(atEnd[i], endCuts) == to
                    && atStart[i].map { Self.segment($0, startCuts) } == from
            }
            .map { buyerKeys[$0] }.sorted()
        }
    }

    /// The cut points `RFMThresholds.fit` gives, found by selection instead of sorting.
    static func thresholds(_ inputs: [RFMInputs]) -> RFMThresholds {
        var r = inputs.map { Double($0.recencyDays) }
        var f = inputs.map { Double($0.orders) }
        var m = inputs.map(\.spend)
        return RFMThresholds(recency: cuts(&r), frequency: cuts(&f), monetary: cuts(&m))
    }

    /// `s[min(n - 1, Int(q * n))]` of the sorted values for q = 0.2, 0.4, 0.6, 0.8.
    static func cuts(_ v: inout [Double]) -> [Double] {
        guard !v.isEmpty else { return [0, 0, 0, 0] }
        var lo = 0
        return [0.2, 0.4, 0.6, 0.8].map { q in
            let k = min(v.count - 1, Int(q * Double(v.count)))
            let x = select(&v, k, from: lo)
            lo = k
            return x
        }
    }

    /// The k-th smallest of `v[from...]` (Hoare's selection; `v` is reordered so that
    /// everything before k is no larger).
    static func select(_ v: inout [Double], _ k: Int, from: Int) -> Double {
        var lo = from
        var hi = v.count - 1
        while lo < hi {
            let pivot = Swift.max(Swift.min(v[lo], v[hi]), Swift.min(Swift.max(v[lo], v[hi]), v[(lo + hi) / 2]))
            var i = lo
            var j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    v.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return v[k]
            }
        }
        return v[k]
    }

    static func segment(_ i: RFMInputs, _ t: RFMThresholds) -> RFMSegment {
        func score(_ v: Double, _ cuts: [Double]) -> Int {
            var s = 1
            for c in cuts where v > c { s += 1 }
            return s
        }
        return RFMSegment.of(
            r: 6 - score(Double(i.recencyDays), t.recency), f: score(Double(i.orders), t.frequency))
    }
}
