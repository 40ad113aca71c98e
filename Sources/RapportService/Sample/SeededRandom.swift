import Foundation
import RapportEngine

/// The sample's draws over the engine's seeded generator (SplitMix64), so the sample is the
/// same on every machine.
extension SeededRandom {
    mutating func chance(_ p: Double) -> Bool { unit() < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[index(items.count)] }
    /// A position in a collection of `count` things, drawn exactly as `pick` draws.
    mutating func index(_ count: Int) -> Int { Int.random(in: 0..<count, using: &self) }
    /// Exponentially distributed with the given mean.
    mutating func exponential(mean: Double) -> Double { -mean * log(max(1e-12, 1 - unit())) }
    /// Roughly normal (sum of uniforms), cheap and deterministic.
    mutating func normal(mean: Double, sd: Double) -> Double {
        var s = 0.0
        for _ in 0..<6 { s += unit() }
        return mean + (s - 3) * sd / 0.7071
    }

    /// An index drawn with probability proportional to its weight, given running totals
    /// (`cumulative[i]` is the sum of the weights up to and including `i`). Binary search
    /// keeps a draw from a 50,000-product catalogue cheap.
    mutating func weighted(_ cumulative: [Double]) -> Int {
        let x = unit() * cumulative[cumulative.count - 1]
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
