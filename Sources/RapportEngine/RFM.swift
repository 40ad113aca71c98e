import Foundation

/// Quintile cut points of recency, frequency and monetary value over a population, so one
/// customer can be scored without rescanning everyone.
public struct RFMThresholds: Sendable, Equatable, Codable {
    /// Four ascending cut points each (20th, 40th, 60th, 80th percentiles).
    public var recency: [Double]
    public var frequency: [Double]
    public var monetary: [Double]

    public init(recency: [Double], frequency: [Double], monetary: [Double]) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    public static func fit(recencyDays: [Double], frequency: [Double], monetary: [Double]) -> RFMThresholds {
        RFMThresholds(recency: cuts(recencyDays), frequency: cuts(frequency), monetary: cuts(monetary))
    }

    static func cuts(_ values: [Double]) -> [Double] {
        guard !values.isEmpty else { return [0, 0, 0, 0] }
        let s = values.sorted()
        return [0.2, 0.4, 0.6, 0.8].map { q in s[min(s.count - 1, Int(q * Double(s.count)))] }
    }

    /// 1...5 where 5 is the top fifth. Values equal to a cut point fall in the lower band.
    static func score(_ v: Double, _ cuts: [Double]) -> Int { 1 + cuts.filter { v > $0 }.count }

    public func score(recencyDays: Double, frequency f: Double, monetary m: Double) -> RFMScore {
        let r = 6 - Self.score(recencyDays, recency) // recent is good: reversed
        let fs = Self.score(f, frequency)
        let ms = Self.score(m, monetary)
        return RFMScore(r: r, f: fs, m: ms, segment: RFMSegment.of(r: r, f: fs))
    }
}

public struct RFMScore: Sendable, Equatable, Codable {
    public var r: Int
    public var f: Int
    public var m: Int
    public var segment: RFMSegment
}

/// Named segments from the R × F grid (rows R = 5…1, columns F = 1…5):
///
/// | R\F | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | 5 | new customers | potential loyalists | potential loyalists | champions | champions |
/// | 4 | promising | potential loyalists | potential loyalists | loyal customers | champions |
/// | 3 | about to sleep | need attention | need attention | loyal customers | loyal customers |
/// | 2 | hibernating | hibernating | at risk | at risk | can't lose them |
/// | 1 | lost | lost | hibernating | at risk | can't lose them |
public enum RFMSegment: String, Sendable, Codable, CaseIterable {
    case champions, loyalCustomers = "loyal customers", potentialLoyalists = "potential loyalists"
    case newCustomers = "new customers", promising, needAttention = "need attention"
    case aboutToSleep = "about to sleep", atRisk = "at risk", cantLoseThem = "can't lose them"
    case hibernating, lost

    static let grid: [[RFMSegment]] = [
        [.lost, .lost, .hibernating, .atRisk, .cantLoseThem], // R1
        [.hibernating, .hibernating, .atRisk, .atRisk, .cantLoseThem], // R2
        [.aboutToSleep, .needAttention, .needAttention, .loyalCustomers, .loyalCustomers], // R3
        [.promising, .potentialLoyalists, .potentialLoyalists, .loyalCustomers, .champions], // R4
        [.newCustomers, .potentialLoyalists, .potentialLoyalists, .champions, .champions] // R5
    ]

    public static func of(r: Int, f: Int) -> RFMSegment {
        grid[max(1, min(5, r)) - 1][max(1, min(5, f)) - 1]
    }
}
