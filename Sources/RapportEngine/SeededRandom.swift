/// SplitMix64 (Steele, Lea & Flood 2014): the project's one small seeded generator, so the
/// sample, the intervals, the fuzz tests and the benchmarks draw the same numbers on every
/// machine. It lives here, the lowest module that draws; the service's sample adds its own
/// draws (`int`, `pick`, `weighted`…) in an extension.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var state: UInt64

    /// Starts one step past `seed`, as the sample generator has always seeded it (changing
    /// this would change every sample's bytes).
    public init(seed: UInt64) { state = seed &+ Self.gamma }

    /// Starts at `state` itself, as the fuzz tests, the intervals and the benchmarks seed it.
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mixed(state)
    }

    /// A uniform draw in [0, 1) from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// SplitMix64's finaliser: a fixed, well-spread number for `z` (a hash that, unlike Swift's
    /// Hasher, is the same in every process).
    public static func mixed(_ z: UInt64) -> UInt64 {
        var z = z
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
