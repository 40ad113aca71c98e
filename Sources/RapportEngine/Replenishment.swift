import Foundation

public struct ReplenishmentDue: Sendable, Equatable, Codable {
    public var product: Int64
    public var lastPurchase: Int64
    /// Typical days between purchases: the customer's own median, else the product's.
    public var intervalDays: Double
    public var dueAt: Int64
    /// Days until due (negative when overdue).
    public var daysUntilDue: Int
    public var basis: String

    enum CodingKeys: String, CodingKey {
        case product, lastPurchase = "last_purchase", intervalDays = "interval_days", dueAt = "due_at"
        case daysUntilDue = "days_until_due", basis
    }
}

public enum Replenishment {
    /// Due dates for replenishable products the customer buys (not as gifts), soonest first.
    public static func due(events: [Event], products: [Int64: Product], now: Int64) -> [ReplenishmentDue] {
        var times: [Int64: [Int64]] = [:]
        for e in events where e.type == .purchase && !e.isGift {
            if let p = e.product { times[p, default: []].append(e.time) }
        }
        var out: [ReplenishmentDue] = []
        for (pid, ts) in times {
            guard let product = products[pid] else { continue }
            let days = Array(Set(ts.map(Day.of))).sorted()
            var interval: Double?
            var basis = ""
            if days.count >= 3 {
                let gaps = zip(days.dropFirst(), days).map { Double($0 - $1) }.sorted()
                interval = gaps[gaps.count / 2]
                basis = "your median of \(gaps.count) intervals"
            } else if let d = product.replenishDays {
                interval = Double(d)
                basis = "usual interval for this product"
                if days.count == 2 { interval = (Double(days[1] - days[0]) + Double(d)) / 2; basis = "your last interval and the usual one" }
            }
            guard let interval, interval > 0, product.replenishDays != nil || days.count >= 4 else { continue }
            let last = ts.max()!
            let due = last + Int64(interval * 86_400)
            let until = Int((Double(due - now) / 86_400).rounded())
            // Long past due twice over: the habit has stopped, not merely slipped.
            if until < -Int(interval * 2) { continue }
            out.append(ReplenishmentDue(product: pid, lastPurchase: last, intervalDays: interval, dueAt: due,
                                        daysUntilDue: until, basis: basis))
        }
        return out.sorted { $0.dueAt < $1.dueAt }
    }
}

public struct ChannelPreference: Sendable, Equatable, Codable {
    public var stated: String?
    public var inferred: String?
    /// Recency-weighted engagement share per channel.
    public var shares: [String: Double]
    public var differs: Bool { stated != nil && inferred != nil && stated != inferred }
}

public enum Channels {
    /// The channel the customer engages on: opens, clicks and purchases by channel, weighted
    /// by recency (τ = 180 days).
    public static func infer(events: [Event], stated: String?, now: Int64) -> ChannelPreference {
        var score: [String: Double] = [:]
        for e in events {
            guard let c = e.channel, !c.isEmpty else { continue }
            let w: Double
            switch e.type {
            case .purchase: w = 3
            case .click: w = 2
            case .open: w = 1
            case .cart, .view: w = 0.5
            default: w = 0
            }
            if w == 0 { continue }
            score[c, default: 0] += w * exp(-max(0, Double(now - e.time)) / 86_400 / 180)
        }
        let total = score.values.reduce(0, +)
        let shares = total > 0 ? score.mapValues { $0 / total } : [:]
        let best = shares.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        return ChannelPreference(stated: stated, inferred: best, shares: shares)
    }
}

public struct Milestone: Sendable, Equatable, Codable {
    public var kind: String
    public var label: String
    public var reached: Bool
    /// For the next milestone of a kind: how far (orders, money or days).
    public var distance: Double?
    public var date: Int64?
}

public enum Milestones {
    static let orderSteps = [1, 5, 10, 25, 50, 100, 250, 500, 1000]
    static let spendSteps: [Double] = [100, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000]

    /// Reached and next milestones: nth order, spend tiers, anniversary of signup or first purchase.
    public static func compute(events: [Event], signup: Int64?, now: Int64) -> [Milestone] {
        let purchases = events.filter { $0.type == .purchase }
        let orders = Set(purchases.map { Day.of($0.time) }).count
        let spend = purchases.reduce(0) { $0 + $1.amount } + events.filter { $0.type == .return }.reduce(0) { $0 + $1.amount }
        var out: [Milestone] = []
        if let reached = orderSteps.last(where: { $0 <= orders }) {
            out.append(Milestone(kind: "orders", label: "\(ordinal(reached)) order", reached: true, distance: nil, date: nil))
        }
        if let next = orderSteps.first(where: { $0 > orders }) {
            out.append(Milestone(kind: "orders", label: "\(ordinal(next)) order", reached: false, distance: Double(next - orders), date: nil))
        }
        if let reached = spendSteps.last(where: { $0 <= spend }) {
            out.append(Milestone(kind: "spend", label: "spent \(Int(reached))", reached: true, distance: nil, date: nil))
        }
        if let next = spendSteps.first(where: { $0 > spend }) {
            out.append(Milestone(kind: "spend", label: "spend \(Int(next))", reached: false, distance: (next - spend).rounded(), date: nil))
        }
        let start = signup ?? purchases.map(\.time).min()
        if let start, start <= now {
            let years = Int((now - start) / (365 * 86_400)) + 1
            let anniversary = start + Int64(years) * 365 * 86_400 + Int64(years / 4) * 86_400
            out.append(Milestone(kind: "anniversary", label: "\(ordinal(years)) anniversary", reached: false,
                                 distance: Double(Day.of(anniversary) - Day.of(now)), date: anniversary))
        }
        return out
    }

    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }
}
