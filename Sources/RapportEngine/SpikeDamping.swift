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
    /// `names` turns a key number into the text a `DampedSpike` shows.
    func factors(_ items: [Item], names: (Int) -> String) -> (factors: [Double], spikes: [DampedSpike]) {
        var factor = [Double](repeating: 1, count: items.count)
        var spikes: [DampedSpike] = []
        var byKey: [Int: [Int]] = [:]
        for i in items.indices { byKey[items[i].key, default: []].append(i) }
        for key in byKey.keys.sorted() {
            let order = byKey[key]!.sorted { items[$0].time < items[$1].time }
            spikes += dampKey(order, items: items, factor: &factor, name: names(key))
        }
        return (factor, spikes.sorted { $0.start != $1.start ? $0.start < $1.start : $0.key < $1.key })
    }

    /// Windows of one key, in time order: each opens at an event and covers `length` seconds.
    static func anchoredWindows(_ order: ArraySlice<Int>, times: (Int) -> Int64, length: Int64) -> [ArraySlice<Int>] {
        var out: [ArraySlice<Int>] = []
        var start = order.startIndex
        while start < order.endIndex {
            let end = times(order[start]) + length
            var next = start
            while next < order.endIndex && times(order[next]) < end { next += 1 }
            out.append(order[start..<next])
            start = next
        }
        return out
    }

    private func dampKey(_ order: [Int], items: [Item], factor: inout [Double], name: String) -> [DampedSpike] {
        let time = { (i: Int) in items[i].time }
        var spikes: [DampedSpike] = []
        let windowLength = Int64(windowDays * 86_400)
        let windows = Self.anchoredWindows(order[...], times: time, length: windowLength)
        for (n, window) in windows.enumerated() {
            // Cap each 24-hour window first, so one day of shopping counts as at most one purchase.
            var m = 0.0
            var arrived = 0.0
            for day in Self.anchoredWindows(window, times: time, length: 86_400) {
                let total = day.reduce(0.0) { $0 + items[$1].weight }
                let cap = capRatio(total)
                for i in day { factor[i] *= cap }
                m += total * cap
                arrived += total
            }
            // Novel: the key's first window and nothing since. A first window the customer kept
            // coming back to began a habit; it is not an anomaly.
            let novel = n == 0 && windows.count == 1
            var ratio = m > 0 ? saturated(m) / m : 1
            if novel && m > windowCap { ratio *= noveltyFactor }
            for i in window { factor[i] *= ratio }
            // Judged on what arrived, before the 24-hour caps: a one-day burst capped to 5 was
            // never reported although its weight was cut to a fraction.
            if isSpike(arrived, novel: novel) && m * ratio < arrived {
                spikes.append(spike(name, window: window, items: items, raw: arrived, counted: m * ratio, novel: novel))
            }
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

    private func format(_ x: Double) -> String { String(format: "%.1f", x) }
}

/// "1 day", "2 days": counts in reason texts.
enum Plural {
    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
