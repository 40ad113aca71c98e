import Foundation

/// How bursts are held down, shared by preferences and the recommender's history. Windows are
/// anchored to the customer's own events (a window opens at the first event after the previous
/// one closed), never to buckets counted from 1970, so the same burst scores the same whichever
/// calendar day or month it falls in. Caps and saturation act on undecayed weights; time decay is
/// applied afterwards, per event, so ageing scales a spike and a habit alike and a damped spike
/// never wins back its weight just by getting older.
public struct SpikeDamping: Sendable, Equatable, Codable {
    /// Most one 24-hour window can add to one key, in purchase-equivalents.
    public var dailyCap: Double = 5
    /// A window's capped total saturates as `windowCap × (1 − exp(−m / windowCap))`.
    public var windowCap: Double = 6
    /// Length of the saturation window, in days.
    public var windowDays: Double = 30
    /// Extra factor for a burst (more than a window's worth) in a key never seen before or since.
    public var noveltyFactor: Double = 0.5

    public init(dailyCap: Double = 5, windowCap: Double = 6, windowDays: Double = 30, noveltyFactor: Double = 0.5) {
        self.dailyCap = dailyCap
        self.windowCap = windowCap
        self.windowDays = windowDays
        self.noveltyFactor = noveltyFactor
    }

    /// No caps, no saturation: every event counts in full (for comparisons and evaluation grids).
    public static let off = SpikeDamping(dailyCap: .infinity, windowCap: .infinity, noveltyFactor: 1)
}

/// A window whose weight was cut because it was a burst, kept so the profile can say so.
public struct DampedSpike: Sendable, Equatable, Codable {
    /// The category (or attribute value) the burst was in.
    public var key: String
    /// First and last event of the window (Unix seconds).
    public var start: Int64
    public var end: Int64
    public var events: Int
    /// Undecayed weight that arrived (before the daily caps), and what it counts for after the caps,
    /// saturation and novelty.
    public var raw: Double
    public var counted: Double
    /// True when the key had no events before this window.
    public var novel: Bool
    public var reason: String
}

extension SpikeDamping {
    /// One weighted event of one key, for `factors`.
    struct Item {
        var key: Int
        var time: Int64
        var weight: Double
    }

    /// A multiplier per item (daily cap × window saturation × novelty) and the spikes that were damped.
    /// `names` turns a key number into the text a `DampedSpike` shows. One pass per key over its
    /// items in time order: the items are grouped by key with a counting sort (no dictionary of
    /// arrays, no sort when the items arrive in time order, as a history does) and each window
    /// and 24-hour window is walked in place, without building lists of windows.
    /// With `reportingSpikes` false no spike is described (their texts cost more than the damping
    /// when a caller only wants the factors).
    func factors(_ items: [Item], reportingSpikes: Bool = true, names: (Int) -> String)
        -> (factors: [Double], spikes: [DampedSpike])
    {
        var factor = [Double](repeating: 1, count: items.count)
        guard !items.isEmpty else { return (factor, []) }
        let (order, bounds) = Self.groupedByKey(items)
        var spikes: [DampedSpike] = []
        for (key, range) in bounds {
            spikes += dampKey(
                order[range], items: items, factor: &factor, name: reportingSpikes ? names(key) : nil)
        }
        return (factor, spikes.sorted { $0.start != $1.start ? $0.start < $1.start : $0.key < $1.key })
    }

    /// Item positions grouped by key (keys ascending), each group in time order (ties: item order),
    /// and each key's range in the returned order.
    static func groupedByKey(_ items: [Item]) -> (order: [Int], bounds: [(key: Int, range: Range<Int>)]) {
        // Keys are numbered densely by their callers; anything else is numbered densely here first.
        var low = Int.max
        var high = Int.min
        for item in items {
            low = min(low, item.key)
            high = max(high, item.key)
        }
        let dense = low >= 0 && high < 4 * items.count + 1024
        var slotOf: [Int: Int] = [:]
        var keyOfSlot: [Int] = []
        if !dense {
            keyOfSlot = Set(items.map(\.key)).sorted()
            for (slot, key) in keyOfSlot.enumerated() { slotOf[key] = slot }
        }
        let slots = dense ? high + 1 : keyOfSlot.count
        let slot = { (key: Int) in dense ? key : slotOf[key]! }
        var start = [Int](repeating: 0, count: slots + 1)
        for item in items { start[slot(item.key) + 1] += 1 }
        for s in 0..<slots { start[s + 1] += start[s] }
        var next = start
        var order = [Int](repeating: 0, count: items.count)
        for i in items.indices {
            let s = slot(items[i].key)
            order[next[s]] = i
            next[s] += 1
        }
        var bounds: [(key: Int, range: Range<Int>)] = []
        for s in 0..<slots where start[s] < start[s + 1] {
            let range = start[s]..<start[s + 1]
            var inTimeOrder = true
            for p in range.dropFirst() where items[order[p - 1]].time > items[order[p]].time {
                inTimeOrder = false
                break
            }
            if !inTimeOrder {
                order[range].sort { items[$0].time != items[$1].time ? items[$0].time < items[$1].time : $0 < $1 }
            }
            bounds.append((dense ? s : keyOfSlot[s], range))
        }
        return (order, bounds)
    }

    /// One key's items (positions in `items`, in time order): caps, saturation and novelty
    /// multiplied into `factor`, and the windows reported as spikes (none without a `name`).
    private func dampKey(_ order: ArraySlice<Int>, items: [Item], factor: inout [Double], name: String?)
        -> [DampedSpike]
    {
        var spikes: [DampedSpike] = []
        let windowLength = Int64(windowDays * 86_400)
        // Novel: the key's first window and nothing since. A first window the customer kept
        // coming back to began a habit; it is not an anomaly.
        let novel = items[order.last!].time < items[order.first!].time + windowLength
        var windowStart = order.startIndex
        while windowStart < order.endIndex {
            let closes = items[order[windowStart]].time + windowLength
            var windowEnd = windowStart
            while windowEnd < order.endIndex && items[order[windowEnd]].time < closes { windowEnd += 1 }
            // Cap each 24-hour window first, so one day of shopping counts as at most one purchase.
            var m = 0.0
            var arrived = 0.0
            var dayStart = windowStart
            while dayStart < windowEnd {
                let dayCloses = items[order[dayStart]].time + 86_400
                var dayEnd = dayStart
                var total = 0.0
                while dayEnd < windowEnd && items[order[dayEnd]].time < dayCloses {
                    total += items[order[dayEnd]].weight
                    dayEnd += 1
                }
                let cap = capRatio(total)
                for p in dayStart..<dayEnd { factor[order[p]] *= cap }
                m += total * cap
                arrived += total
                dayStart = dayEnd
            }
            var ratio = m > 0 ? saturated(m) / m : 1
            if novel && m > windowCap { ratio *= noveltyFactor }
            for p in windowStart..<windowEnd { factor[order[p]] *= ratio }
            // Judged on what arrived, before the 24-hour caps: a one-day burst capped to 5 was
            // never reported although its weight was cut to a fraction.
            if let name, isSpike(arrived, novel: novel) && m * ratio < arrived {
                spikes.append(
                    spike(
                        name, window: order[windowStart..<windowEnd], items: items, raw: arrived, counted: m * ratio,
                        novel: novel))
            }
            windowStart = windowEnd
        }
        return spikes
    }

    func capRatio(_ total: Double) -> Double {
        abs(total) > dailyCap ? dailyCap / abs(total) : 1
    }

    func saturated(_ m: Double) -> Double {
        windowCap.isFinite ? windowCap * (1 - exp(-m / windowCap)) : m
    }

    /// More than two windows' worth arrived at once, or more than one in a key the customer
    /// never touched before or since (`arrived` is the weight before the 24-hour caps).
    func isSpike(_ arrived: Double, novel: Bool) -> Bool {
        guard windowCap.isFinite || dailyCap.isFinite else { return false }
        return arrived > 2 * windowCap || (novel && arrived > windowCap)
    }

    private func spike(
        _ name: String, window: ArraySlice<Int>, items: [Item], raw: Double, counted: Double,
        novel: Bool
    ) -> DampedSpike {
        let start = items[window.first!].time
        let end = items[window.last!].time
        let days = max(1, Int((Double(end - start) / 86_400).rounded(.up)))
        let what = novel ? "a burst in \(name), new to this customer" : "a burst in \(name)"
        let reason =
            "\(what): \(Plural.count(window.count, "event")) in \(Plural.count(days, "day"))"
            + " counted as \(format(counted)) instead of \(format(raw))"
        return DampedSpike(
            key: name, start: start, end: end, events: window.count, raw: raw, counted: counted,
            novel: novel, reason: reason)
    }

    /// `String(format: "%.1f", x)`, by the C library's formatter that it calls: without
    /// Foundation's locale and argument boxing, which were most of the recommender's damping.
    private func format(_ x: Double) -> String { OneDecimal.text(x) }
}

/// "1 day", "2 days": counts in reason texts.
enum Plural {
    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
