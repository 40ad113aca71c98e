import Foundation

/// What a profile says about where a customer stands, in words that agree with every label
/// beside it: the stage, the RFM segment and P(alive) are different views (the stage follows
/// this customer's own pace, RFM ranks them against everyone), so where they read differently
/// the sentence says why both hold.
public enum LifecycleStory {
    static let sleepingSegments: Set<RFMSegment> = [.lost, .hibernating, .atRisk, .cantLoseThem, .aboutToSleep]
    static let thrivingSegments: Set<RFMSegment> = [
        .champions, .loyalCustomers, .potentialLoyalists, .newCustomers, .promising
    ]

    public static func explain(_ f: CustomerFigures, asOf: Int64) -> String {
        let today = Day.of(asOf)
        guard let first = f.firstPurchase, let s = f.summary else {
            guard let seen = f.firstEvent else { return "no events yet" }
            return "no purchase yet; first seen \(Plural.count(Int(today - Day.of(seen)), "day")) ago"
        }
        let recency = f.recencyDays ?? 0
        var text: String
        if f.stage == .new {
            text = "first order \(Plural.count(Int(today - Day.of(first)), "day")) ago"
        } else if s.x == 0, let p = f.pAlive {
            text =
                "one order, \(Plural.count(recency, "day")) ago: P(alive) \(String(format: "%.2f", p)) (the modified"
                + " BG/NBD lets a one-time buyer drop out); the stage follows the time since it"
        } else if s.x == 0 {
            text =
                "one order, \(Plural.count(recency, "day")) ago: P(alive) needs a repeat purchase,"
                + " so the stage follows the time since it"
        } else {
            let pace = Int((s.tx * 7 / Double(s.x)).rounded())
            let orders =
                "\(Plural.count(f.orders, "order")) about every \(Plural.count(pace, "day")),"
                + " the last \(Plural.count(recency, "day")) ago"
            if let p = f.pAlive {
                text = "P(alive) \(String(format: "%.2f", p)) from \(orders)"
            } else {
                text =
                    "\(orders); no population model yet (too few customers), so the stage compares the gap with that pace"
            }
            if recency > 365, (f.pAlive ?? 1) >= 0.4 {
                text += "; over a year without an order counts as lapsing whatever the model expects"
            }
        }
        guard let segment = f.rfm?.segment else { return text }
        let ownPaceStages: Set<LifecycleStage> = [.new, .active]
        if ownPaceStages.contains(f.stage), sleepingSegments.contains(segment) {
            text +=
                "; RFM says \"\(segment.rawValue)\" because it ranks recency and orders against all"
                + " customers, the stage follows this customer's own pace"
        } else if f.stage == .lapsing || f.stage == .lost, thrivingSegments.contains(segment) {
            text +=
                "; RFM says \"\(segment.rawValue)\" because it ranks against all customers,"
                + " while this customer's own pace has slowed"
        }
        return text
    }
}
