import Foundation
import Testing

@testable import RapportEngine

/// Issue 23: the insight's passes that no longer hash, sort or format what they need not: the
/// distinct days behind a preference's confidence counted in time order, the products a
/// customer has consumed found in one pass, and a spike's figures written without Foundation's
/// formatter. Each is compared with what it replaced, on histories in time order and shuffled.
struct InsightPassesTests {
    static let categories = ["Coffee", "Tea", "Music/Jazz", "Music/Rock", "Books", "Toys"]

    static func product(_ i: Int) -> Product {
        let brand = i % 4 == 0 ? "" : "Brand \(i % 3)"
        let category: String = categories[i % categories.count]
        return Product(
            id: Int64(i), externalId: "P\(i)", title: "Product \(i)", category: category, brand: brand,
            price: Double(i % 7) * 9)
    }

    static let products: [Int64: Product] = {
        var out: [Int64: Product] = [:]
        for i in 1...60 { out[Int64(i)] = product(i) }
        return out
    }()

    /// A history in time order: purchases, views, ratings and returns, some days busy, a few gifts.
    static func history(seed: UInt64, count: Int) -> [Event] {
        var rng = SeededRandom(state: seed)
        let types: [EventType] = [.purchase, .view, .view, .view, .cart, .rating, .return]
        var t: Int64 = 1_750_000_000
        return (0..<count).map { i in
            t += Int64.random(in: 0..<(i % 50 < 10 ? 3_000 : 200_000), using: &rng)
            return Event(
                id: Int64(1_000 + i), customer: 1, product: Int64.random(in: 1...62, using: &rng),
                type: types.randomElement(using: &rng)!, time: t, amount: Double.random(in: 1..<80, using: &rng),
                isGift: Int.random(in: 0..<40, using: &rng) == 0)
        }
    }

    /// Distinct days of each category's weighted events, counted with a set (as before).
    static func categoryDays(_ events: [Event]) -> [String: Int] {
        var days: [String: Set<Int64>] = [:]
        for e in Preferences.shapingEvents(events) where PreferenceSettings.weight(e) > 0 {
            guard let p = e.product.flatMap({ products[$0] }) else { continue }
            for c in Preferences.categories(p.category) { days[c, default: []].insert(Day.of(e.time)) }
        }
        return days.mapValues(\.count)
    }

    @Test(arguments: [(1, false), (2, true), (3, false), (4, true)])
    func confidenceFromTheDistinctDays(seed: UInt64, shuffled: Bool) {
        var rng = SeededRandom(state: seed + 100)
        let ordered = Self.history(seed: seed, count: 2_000)
        let events = shuffled ? ordered.shuffled(using: &rng) : ordered
        let now = ordered.last!.time
        let inferred = Preferences.infer(events: events, products: Self.products, now: now)
        let days = Self.categoryDays(ordered)
        let categories = inferred.filter { $0.attribute == .category }
        #expect(categories.count >= 4)
        for p in categories {
            #expect(p.confidence == 1 - exp(-Double(days[p.value] ?? -1) / 4), "\(p.value)")
        }
        // The same confidences whichever order the events come in.
        let other = Preferences.infer(events: ordered, products: Self.products, now: now)
        #expect(
            Dictionary(uniqueKeysWithValues: inferred.map { ("\($0.attribute)|\($0.value)", $0.confidence) })
                == Dictionary(uniqueKeysWithValues: other.map { ("\($0.attribute)|\($0.value)", $0.confidence) }))
    }

    /// `Recommender.consumed` as it was written before: filtered copies and a sort of every time.
    static func consumedBefore(_ shaping: [Event], settings: RecommendationSettings) -> Set<Int64> {
        var owned = Set(shaping.filter { $0.type == .purchase || $0.type == .rating }.compactMap(\.product))
        let views = shaping.filter { $0.type == .view && $0.product != nil }
        if settings.ownedAfterViews > 0 {
            var counts: [Int64: Int] = [:]
            for v in views { counts[v.product!, default: 0] += 1 }
            for (p, n) in counts where n >= settings.ownedAfterViews { owned.insert(p) }
        }
        let times = shaping.map(\.time).sorted(by: >)
        if settings.lastSessionViewsOwned, var start = times.first {
            for t in times.dropFirst() {
                guard start - t <= settings.sessionGap else { break }
                start = t
            }
            for v in views where v.time >= start { owned.insert(v.product!) }
        }
        return owned
    }

    @Test(arguments: [(5, false), (6, true)])
    func consumedAsBefore(seed: UInt64, shuffled: Bool) {
        var rng = SeededRandom(state: seed)
        let ordered = Self.history(seed: seed, count: 1_500)
        let events = shuffled ? ordered.shuffled(using: &rng) : ordered
        var settings = RecommendationSettings()
        for (afterViews, lastSession) in [(3, true), (0, true), (2, false)] {
            settings.ownedAfterViews = afterViews
            settings.lastSessionViewsOwned = lastSession
            let now = Recommender.consumed(events, settings: settings)
            #expect(now == Self.consumedBefore(events, settings: settings))
            #expect(!now.isEmpty)
        }
        // The last session: a burst of views at the end, minutes apart, all count as seen.
        let end = ordered.last!.time
        let session = (0..<5).map {
            Event(id: 9_000 + Int64($0), customer: 1, product: 61, type: .view, time: end + 600 * Int64($0 + 1))
        }
        settings = RecommendationSettings()
        #expect(Recommender.consumed(ordered + session, settings: settings).contains(61))
        #expect(
            Recommender.lastSessionStart(ordered + session, gap: 1_800)
                == Recommender.lastSessionStart(
                    (ordered + session).shuffled(using: &rng), gap: 1_800))
    }

    @Test func oneDecimalAsFoundationWritesIt() {
        var values: [Double] = [
            0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.25, 2.45, 2.5, 9.95, 99.95, -0.04, -0.05, -1.25, 1e15 + 0.25,
            1e300, -1e308, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, 123_456.789
        ]
        var rng = SeededRandom(state: 7)
        for _ in 0..<2_000 { values.append(Double.random(in: -50..<50, using: &rng)) }
        for _ in 0..<500 { values.append(Double(Int.random(in: -2_000..<2_000, using: &rng)) / 20) }
        // Near-ties at every magnitude the exact path takes, and past its edge (2^48).
        for _ in 0..<2_000 {
            let scale = pow(10, Double(Int.random(in: -3...15, using: &rng)))
            values.append(Double(Int.random(in: -20_000..<20_000, using: &rng)) / 20 * scale)
            values.append(Double.random(in: -1..<1, using: &rng) * scale)
        }
        values += [0x1p48 - 0.25, 0x1p48, -0x1p48 - 1, 0.95, 0.05000000000000001, 0.04999999999999999]
        for x in values {
            #expect(OneDecimal.text(x) == String(format: "%.1f", x), "\(x)")
        }
    }
}
