import Foundation
import Testing

@testable import RapportEngine

/// Issue 23: spike damping walks each key's items once. These cases compare it with the
/// damping as it was written before (a list of windows per key, kept below as the reference),
/// bit for bit, on histories of every shape: in time order and shuffled, bursts and habits,
/// negative weights, sparse key numbers, and the caps of `off` and of tuned settings.
struct SpikeDampingOnePassTests {
    static let weights: [Double] = [5, 3, 1.5, 1, 4, 1, -2, -3]

    /// A seeded history: habits over two years, a few bursts, and keys numbered by `key`.
    static func items(seed: UInt64, count: Int, keys: Int, key: (Int) -> Int, shuffled: Bool) -> [SpikeDamping.Item] {
        var rng = SeededRandom(state: seed)
        var out: [SpikeDamping.Item] = []
        var t: Int64 = 1_700_000_000
        while out.count < count {
            let burst = Int.random(in: 0..<20, using: &rng) == 0
            let k = key(Int.random(in: 0..<keys, using: &rng))
            for _ in 0..<(burst ? Int.random(in: 5..<60, using: &rng) : 1) where out.count < count {
                t += burst ? Int64.random(in: 0..<7_200, using: &rng) : Int64.random(in: 0..<400_000, using: &rng)
                out.append(SpikeDamping.Item(key: k, time: t, weight: weights.randomElement(using: &rng)!))
            }
        }
        return shuffled ? out.shuffled(using: &rng) : out
    }

    static let dampings: [SpikeDamping] = [
        SpikeDamping(), .off, SpikeDamping(dailyCap: 2, windowCap: 3, windowDays: 7, noveltyFactor: 0.25),
        PreferenceSettings(tauDays: 36).damping
    ]

    @Test(arguments: [(1, false), (2, true), (3, false), (4, true)])
    func sameFactorsAndSpikesAsTheWindowLists(seed: UInt64, shuffled: Bool) {
        let keyings: [(Int) -> Int] = [{ $0 }, { $0 * 1_000_003 - 7 }]
        for (n, keyOf) in keyings.enumerated() {
            let items = Self.items(seed: seed * 10 + UInt64(n), count: 3_000, keys: 12, key: keyOf, shuffled: shuffled)
            for damping in Self.dampings {
                let name = { (k: Int) in "key \(k % 5)" }
                let now = damping.factors(items, names: name)
                let before = Reference.factors(damping, items, names: name)
                #expect(now.factors == before.factors)
                // The reference leaves the reason text out; everything else must match.
                #expect(now.spikes.map { Self.unreasoned($0) } == before.spikes)
                #expect(now.spikes.allSatisfy { !$0.reason.isEmpty })
            }
        }
    }

    @Test func theSameDataFindsSpikes() {
        // So the comparison above compares something: the default damping reports bursts here.
        let items = Self.items(seed: 1, count: 3_000, keys: 12, key: { $0 }, shuffled: false)
        #expect(!SpikeDamping().factors(items, names: { "\($0)" }).spikes.isEmpty)
        #expect(SpikeDamping().factors(items, names: { "\($0)" }).factors.contains { $0 < 1 })
    }

    @Test func unreportedSpikesLeaveTheFactorsAsTheyAre() {
        let items = Self.items(seed: 5, count: 2_000, keys: 8, key: { $0 }, shuffled: false)
        let reported = SpikeDamping().factors(items, names: { "\($0)" })
        let unreported = SpikeDamping().factors(items, reportingSpikes: false, names: { "\($0)" })
        #expect(!reported.spikes.isEmpty)
        #expect(unreported.spikes.isEmpty)
        #expect(unreported.factors == reported.factors)
    }

    @Test func emptyAndSingleItems() {
        #expect(SpikeDamping().factors([], names: { "\($0)" }).factors.isEmpty)
        let one = [SpikeDamping.Item(key: 3, time: 10, weight: 5)]
        #expect(
            SpikeDamping().factors(one, names: { "\($0)" }).factors
                == Reference.factors(SpikeDamping(), one, names: { "\($0)" }).factors)
    }

    static func unreasoned(_ s: DampedSpike) -> DampedSpike {
        var s = s
        s.reason = ""
        return s
    }

    /// The damping before issue 23, unchanged.
    enum Reference {
        static func factors(_ d: SpikeDamping, _ items: [SpikeDamping.Item], names: (Int) -> String)
            -> (factors: [Double], spikes: [DampedSpike])
        {
            var factor = [Double](repeating: 1, count: items.count)
            var spikes: [DampedSpike] = []
            var byKey: [Int: [Int]] = [:]
            for i in items.indices { byKey[items[i].key, default: []].append(i) }
            for key in byKey.keys.sorted() {
                let order = byKey[key]!.sorted { items[$0].time < items[$1].time }
                spikes += dampKey(d, order, items: items, factor: &factor, name: names(key))
            }
            return (factor, spikes.sorted { $0.start != $1.start ? $0.start < $1.start : $0.key < $1.key })
        }

        static func windows(_ order: ArraySlice<Int>, times: (Int) -> Int64, length: Int64) -> [ArraySlice<Int>] {
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

        static func dampKey(
            _ d: SpikeDamping, _ order: [Int], items: [SpikeDamping.Item], factor: inout [Double], name: String
        ) -> [DampedSpike] {
            let time = { (i: Int) in items[i].time }
            var spikes: [DampedSpike] = []
            let windowList = windows(order[...], times: time, length: Int64(d.windowDays * 86_400))
            for (n, window) in windowList.enumerated() {
                var m = 0.0
                var arrived = 0.0
                for day in windows(window, times: time, length: 86_400) {
                    let total = day.reduce(0.0) { $0 + items[$1].weight }
                    let cap = d.capRatio(total)
                    for i in day { factor[i] *= cap }
                    m += total * cap
                    arrived += total
                }
                let novel = n == 0 && windowList.count == 1
                var ratio = m > 0 ? d.saturated(m) / m : 1
                if novel && m > d.windowCap { ratio *= d.noveltyFactor }
                for i in window { factor[i] *= ratio }
                if d.isSpike(arrived, novel: novel) && m * ratio < arrived {
                    spikes.append(
                        DampedSpike(
                            key: name, start: items[window.first!].time, end: items[window.last!].time,
                            events: window.count, raw: arrived, counted: m * ratio, novel: novel, reason: ""))
                }
            }
            return spikes
        }
    }
}
