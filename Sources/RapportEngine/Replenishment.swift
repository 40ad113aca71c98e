import Foundation

public struct ReplenishmentDue: Sendable, Equatable, Codable {
    public var product: Int64
    public var lastPurchase: Int64
    /// The customer's own median days between purchases of the product.
    public var intervalDays: Double
    public var dueAt: Int64
    /// Days until due (negative when overdue).
    public var daysUntilDue: Int
    public var basis: String
    /// Purchase days the interval rests on.
    public var purchases: Int = 0
    /// Overdue by more than twice the interval: the habit has stopped, not merely slipped.
    public var lapsed: Bool = false
    /// Set when the habit is the category's (several replenishable products of it bought
    /// regularly), not one product's; `product` is then the one bought last.
    public var category: String? = nil

    enum CodingKeys: String, CodingKey {
        case product, lastPurchase = "last_purchase", intervalDays = "interval_days", dueAt = "due_at"
        case daysUntilDue = "days_until_due", basis, purchases, lapsed, category
    }

    /// "due in 1 day", "due today", "overdue by 3 days", "lapsed: overdue by 90 days".
    public var whenText: String {
        if lapsed { return "lapsed: overdue by \(Plural.count(-daysUntilDue, "day"))" }
        if daysUntilDue < 0 { return "overdue by \(Plural.count(-daysUntilDue, "day"))" }
        return daysUntilDue == 0 ? "due today" : "due in \(Plural.count(daysUntilDue, "day"))"
    }
}

public enum Replenishment {
    /// Gaps this irregular (standard deviation over mean) or worse make no habit.
    public static let maxVariation = 0.5
    /// Products without a replenish_days prior need this many purchase days to count as a habit.
    public static let purchasesWithoutPrior = 4

    /// Due dates for products the customer buys regularly (not as gifts), soonest first; lapsed
    /// habits are left out (see `habits` for them).
    public static func due(events: [Event], products: [Int64: Product], now: Int64) -> [ReplenishmentDue] {
        habits(events: events, products: products, now: now).filter { !$0.lapsed }
    }

    /// Every regular habit, lapsed ones included. A due date rests on the customer's own purchases
    /// only: at least two purchase days (four without a replenish_days prior) and gaps with a
    /// coefficient of variation ≤ 0.5. A product's replenish_days only says it is the kind of
    /// thing people rebuy; it is never the interval.
    public static func habits(events: [Event], products: [Int64: Product], now: Int64) -> [ReplenishmentDue] {
        var times: [Int64: [Int64]] = [:]
        // Purchases of replenishable products by category: coffee bought as a different bean each
        // month is still a coffee habit.
        var byCategory: [String: [(time: Int64, product: Int64)]] = [:]
        for e in events where e.type == .purchase && !e.isGift {
            guard let p = e.product else { continue }
            times[p, default: []].append(e.time)
            if products.isReplenishableWithCategory(p), let category = products.category(of: p) {
                byCategory[category, default: []].append((e.time, p))
            }
        }
        // Products of one kind bought in turn (two coffees alternating, each bought at least
        // twice): one habit of the category at the combined interval, when the combined buying is
        // regular, instead of one habit per product at twice (or more) the real pace.
        var inTurn = Set<String>()
        for (category, buys) in byCategory {
            let days = Dictionary(grouping: buys, by: \.product).mapValues { Set($0.map { Day.of($0.time) }).count }
            guard days.values.filter({ $0 >= 2 }).count >= 2, let last = buys.map(\.product).last,
                let product = products[last],
                habit(buys.map(\.time), product: product, key: last, now: now) != nil
            else { continue }
            inTurn.insert(category)
        }
        var out: [ReplenishmentDue] = []
        for (pid, ts) in times {
            guard let product = products[pid] else { continue }
            if product.replenishDays != nil && inTurn.contains(product.category) { continue }
            guard let habit = habit(ts, product: product, key: pid, now: now) else { continue }
            out.append(habit)
        }
        let covered = Set(out.compactMap { products[$0.product]?.category })
        for (category, buys) in byCategory
        where inTurn.contains(category) || (!covered.contains(category) && Set(buys.map(\.product)).count > 1) {
            // The category's habit is offered as the product bought last.
            let last = buys.max { $0.time != $1.time ? $0.time < $1.time : $0.product < $1.product }!
            guard let product = products[last.product],
                var h = habit(buys.map(\.time), product: product, key: last.product, now: now, label: category)
            else { continue }
            h.category = category
            out.append(h)
        }
        return out.sorted { $0.dueAt != $1.dueAt ? $0.dueAt < $1.dueAt : $0.product < $1.product }
    }

    /// One product's habit from its purchase times, or nil when the customer has none.
    static func habit(_ ts: [Int64], product: Product, key: Int64, now: Int64, label: String? = nil)
        -> ReplenishmentDue?
    {
        let days = Array(Set(ts.map(Day.of))).sorted()
        let needed = product.replenishDays == nil ? purchasesWithoutPrior : 2
        guard days.count >= max(2, needed) else { return nil }
        let gaps = zip(days.dropFirst(), days).map { Double($0 - $1) }
        guard variation(gaps) <= maxVariation else { return nil }
        let sorted = gaps.sorted()
        let interval =
            sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        guard interval > 0 else { return nil }
        let last = ts.max()!
        let due = last + Int64(interval * 86_400)
        let until = Int((Double(due - now) / 86_400).rounded())
        let basis =
            "you buy \(label ?? "it") about every \(Plural.count(Int(interval.rounded()), "day"))"
            + " (\(Plural.count(days.count, "purchase")))"
        return ReplenishmentDue(
            product: key, lastPurchase: last, intervalDays: interval, dueAt: due,
            daysUntilDue: until, basis: basis, purchases: days.count,
            lapsed: Double(-until) > 2 * interval)
    }

    /// Coefficient of variation: standard deviation over mean (0 for a single gap).
    static func variation(_ gaps: [Double]) -> Double {
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        guard mean > 0 else { return .infinity }
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
        return variance.squareRoot() / mean
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
    /// The channel the customer engages on: purchases, clicks, opens, carts and views by channel,
    /// weighted by recency (τ = 180 days).
    public static func infer(events: [Event], stated: String?, now: Int64) -> ChannelPreference {
        // Totals per channel in a short list, the last one used checked first: a history runs on
        // a few channels, and hashing each event's channel text was most of this pass. Each
        // channel's total adds its events in the same order as a dictionary would.
        var channels: [String] = []
        var totals: [Double] = []
        var last = -1
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
            if last < 0 || channels[last] != c {
                last = channels.firstIndex(of: c) ?? channels.count
                if last == channels.count {
                    channels.append(c)
                    totals.append(0)
                }
            }
            totals[last] += w * exp(-max(0, Double(now - e.time)) / 86_400 / 180)
        }
        let score = Dictionary(uniqueKeysWithValues: zip(channels, totals))
        // Summed in the channels' name order: a dictionary's order differs from one instance to
        // the next, and so did the last digit of every share from one profile to the next.
        let total = zip(channels, totals).sorted { $0.0 < $1.0 }.reduce(0) { $0 + $1.1 }
        let shares = total > 0 ? score.mapValues { $0 / total } : [:]
        let best = shares.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        return ChannelPreference(stated: stated, inferred: best, shares: shares)
    }
}

public struct Milestone: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case orders, spend, anniversary }
    public var kind: Kind
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
        let spend =
            purchases.reduce(0) { $0 + $1.amount } + events.filter { $0.type == .return }.reduce(0) { $0 + $1.amount }
        var out: [Milestone] = []
        if let reached = orderSteps.last(where: { $0 <= orders }) {
            out.append(
                Milestone(kind: .orders, label: "\(ordinal(reached)) order", reached: true, distance: nil, date: nil))
        }
        if let next = orderSteps.first(where: { $0 > orders }) {
            out.append(
                Milestone(
                    kind: .orders, label: "\(ordinal(next)) order", reached: false, distance: Double(next - orders),
                    date: nil))
        }
        if let reached = spendSteps.last(where: { $0 <= spend }) {
            out.append(
                Milestone(kind: .spend, label: "spent \(Int(reached))", reached: true, distance: nil, date: nil))
        }
        if let next = spendSteps.first(where: { $0 > spend }) {
            out.append(
                Milestone(
                    kind: .spend, label: "spend \(Int(next))", reached: false, distance: (next - spend).rounded(),
                    date: nil))
        }
        let start = signup ?? purchases.map(\.time).min()
        if let start, start <= now, let next = nextAnniversary(of: start, now: now) {
            out.append(
                Milestone(
                    kind: .anniversary, label: "\(ordinal(next.years)) anniversary", reached: false,
                    distance: Double(Day.of(next.date) - Day.of(now)), date: next.date))
        }
        return out
    }

    /// The next calendar anniversary on or after today's date (UTC): on the day itself it is that
    /// day's anniversary, and 29 February falls on 28 February in other years.
    static func nextAnniversary(of start: Int64, now: Int64) -> (years: Int, date: Int64)? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let origin = Date(timeIntervalSince1970: TimeInterval(start))
        let today = Day.of(now)
        for years in 1...1000 {
            guard let date = calendar.date(byAdding: .year, value: years, to: origin) else { return nil }
            let t = Int64(date.timeIntervalSince1970)
            if Day.of(t) >= today { return (years, t) }
        }
        return nil
    }

    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }
}
