import Foundation

/// Counts with their unit, singular or plural: "1 order", "81 orders", as every screen and
/// command writes them.
public enum Units {
    public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(plural ?? noun + "s")"
    }
}

extension MilestoneView {
    /// How far the next milestone is, with its unit: "14 orders to go", "181 more to spend",
    /// "2 days to go"; nil for one reached.
    public var toGo: String? {
        guard let distance, !reached else { return nil }
        let n = Int(distance.rounded())
        switch kind {
        case .orders: return "\(Units.count(n, "order")) to go"
        case .spend: return "\(n) more to spend"
        case .anniversary: return "\(Units.count(n, "day")) to go"
        }
    }
}
