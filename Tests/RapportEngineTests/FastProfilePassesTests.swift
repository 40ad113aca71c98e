import Foundation
import Testing

@testable import RapportEngine

/// Issue 23, fastprofile: the preference keys kept with the catalogue, the channel totals without
/// a dictionary per event, the recommender's history weights by product number and the reasons'
/// words gathered for the sources a reason can name. Each must give exactly what the code it
/// replaced gave, on histories in time order and shuffled.
struct FastProfilePassesTests {
    typealias Fixture = InsightPassesTests

    /// A catalogue with a product key far from the others (numbered through the sparse table),
    /// and histories that also name products the catalogue lacks (keys 61 and 62).
    static let products: [Int64: Product] = {
        var out = Fixture.products
        out[90_000] = Product(
            id: 90_000, externalId: "FAR", title: "Far", category: "Tea/Green", brand: "Brand 1", price: 20)
        return out
    }()

    static func history(seed: UInt64, count: Int, shuffled: Bool) -> [Event] {
        var rng = SeededRandom(state: seed + 7)
        var events = Fixture.history(seed: seed, count: count)
        for i in events.indices where i % 97 == 0 { events[i].product = 90_000 }
        for i in events.indices { events[i].channel = ["web", "email", "store", nil][(i / 13) % 4] }
        return shuffled ? events.shuffled(using: &rng) : events
    }

    @Test(arguments: [(11, false), (12, true), (13, false), (14, true)])
    func keptKeysInferWhatPerCallKeysInfer(seed: UInt64, shuffled: Bool) {
        let events = Self.history(seed: seed, count: 3_000, shuffled: shuffled)
        let now = events.map(\.time).max()!
        let keys = PreferenceKeys(products: Self.products)
        for settings in [PreferenceSettings(), PreferenceSettings(tauDays: 30)] {
            let kept = Preferences.infer(
                events: events, products: Self.products, now: now, settings: settings, keys: keys)
            let perCall = Preferences.infer(events: events, products: Self.products, now: now, settings: settings)
            #expect(kept.count > 8)
            // Scores, confidences, evidence and raw totals bit for bit, in the same order.
            #expect(kept == perCall)
        }
    }

    @Test func keptKeysNameEveryProductOnce() {
        let keys = PreferenceKeys(products: Self.products)
        #expect(keys.keys(of: 61) == nil)
        #expect(keys.keys(of: -5) == nil)
        let far = keys.keys(of: 90_000).map { $0.map { keys.list[$0].value } }
        #expect(far == ["Tea/Green", "Tea", "Brand 1", "mid"])
        #expect(Set(keys.list.map { "\($0.attribute)|\($0.value)" }).count == keys.list.count)
    }

    /// `Channels.infer` as it was written: a dictionary entry per event's channel.
    static func channelsBefore(events: [Event], stated: String?, now: Int64) -> ChannelPreference {
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

    @Test(arguments: [(21, false), (22, true)])
    func channelTotalsAsBefore(seed: UInt64, shuffled: Bool) {
        let events = Self.history(seed: seed, count: 2_000, shuffled: shuffled)
        let now = events.map(\.time).max()!
        let after = Channels.infer(events: events, stated: "web", now: now)
        let before = Self.channelsBefore(events: events, stated: "web", now: now)
        #expect(after.inferred == before.inferred)
        #expect(after.shares.keys.sorted() == ["email", "store", "web"])
        for (c, share) in before.shares {
            // The totals are bit for bit; the shares divide by a sum whose order a dictionary picks.
            #expect(abs(after.shares[c]! - share) <= 1e-12, "\(c)")
        }
    }

    /// `Recommender.history` as it was written: a dictionary of weights by product key.
    static func historyWeightsBefore(_ events: [Event], now: Int64, settings: RecommendationSettings)
        -> [(Int64, Double)]
    {
        var keyOf: [String: Int] = [:]
        var names: [String] = []
        var items: [SpikeDamping.Item] = []
        var productOf: [Int64] = []
        for e in events {
            guard let p = e.product else { continue }
            let w = Recommender.historyWeight(e)
            guard w > 0 else { continue }
            let name = Recommender.categoryKey(p, products)
            let key = keyOf[name] ?? names.count
            if key == names.count {
                keyOf[name] = key
                names.append(name)
            }
            items.append(SpikeDamping.Item(key: key, time: e.time, weight: w))
            productOf.append(p)
        }
        let (factors, _) = settings.damping.factors(items) { names[$0] }
        var weight: [Int64: Double] = [:]
        let anchor = min(now, items.map(\.time).max() ?? now)
        for (i, item) in items.enumerated() {
            let decay = exp(-max(0, Double(anchor - item.time)) / 86_400 / settings.tauDays)
            weight[productOf[i], default: 0] += item.weight * factors[i] * decay
        }
        let ranked = weight.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return ranked.prefix(settings.historyLength).map { ($0.key, $0.value) }
    }

    @Test(arguments: [(31, false), (32, true)])
    func historyWeightsAsBefore(seed: UInt64, shuffled: Bool) {
        let events = Self.history(seed: seed, count: 3_000, shuffled: shuffled)
        let now = events.map(\.time).max()!
        let settings = RecommendationSettings()
        let after = Recommender.history(events, products: Self.products, now: now, settings: settings).items
        let before = Self.historyWeightsBefore(events, now: now, settings: settings)
        #expect(after.count == before.count)
        #expect(after.map(\.product) == before.map(\.0))
        #expect(after.map(\.weight) == before.map(\.1))
    }

    /// The reasons' words gathered for the candidates' top sources only say what they said when
    /// gathered for every product.
    @Test func reasonsWordsForTheSourcesAsForEveryProduct() {
        let events = Self.history(seed: 41, count: 1_500, shuffled: false)
        let shaping = Preferences.shapingEvents(events)
        let sources: Set<Int64> = [3, 7, 90_000, 61]
        let some = ListBuilder.doneWith(shaping, sources: sources)
        let all = ListBuilder.doneWith(shaping, sources: Set(shaping.compactMap(\.product)))
        #expect(!some.types.isEmpty)
        for p in sources {
            #expect(some.types[p] == all.types[p])
            #expect(some.lastSeen[p] == all.lastSeen[p])
        }
    }

    /// The series summed side by side give each series' own sum to the bit, including ones that
    /// stop at once, run long (a customer with hundreds of repeat days) or never converge.
    @Test func seriesSideBySideAsOneByOne() {
        var rng = SeededRandom(state: 51)
        var args: [(a: Double, b: Double, c: Double, z: Double)] = []
        for i in 0..<300 {
            let x = Double([0, 1, 3, 40, 700][i % 5])
            let r = Double.random(in: 0.1..<3, using: &rng), b = Double.random(in: 0.5..<4, using: &rng)
            let a = Double.random(in: 0.2..<3, using: &rng)
            args.append((r + x, b + x, a + b + x - 1, Double.random(in: 0..<0.6, using: &rng)))
        }
        args.append((1, 1, 2, 0))
        args.append((1, 1, 1, 1.5)) // diverges: both stop at 10,000 terms
        args.append((.nan, 1, 1, 0.5))
        let together = Hypergeometric.f21(args)
        for (i, x) in args.enumerated() {
            let alone = Hypergeometric.f21(x.a, x.b, x.c, x.z)
            #expect(together[i].bitPattern == alone.bitPattern, "\(i)")
        }
    }

    /// A profile's intervals as they were computed, one draw's series at a time.
    @Test(arguments: [BGNBD.Variant.classic, .modified])
    func intervalsAsOneDrawAtATime(_ variant: BGNBD.Variant) throws {
        let bg = BGNBD(
            r: 0.24, alpha: 4.4, a: 0.79, b: 2.4, unitDays: 7, variant: variant,
            covariance: [0.01, 0.002, 0, 0, 0.002, 0.04, 0, 0, 0, 0, 0.03, 0.01, 0, 0, 0.01, 0.05])
        for s in [RFMSummary(x: 690, tx: 103, T: 104), RFMSummary(x: 3, tx: 20, T: 60), RFMSummary(x: 0, tx: 0, T: 9)] {
            let u = try #require(
                ValueUncertainty.compute(s, meanSpend: 40, bgnbd: bg, gammaGamma: nil, pAliveShown: true, draws: 200))
            let draws = try #require(
                Laplace.draws(mean: bg.logParameters, covariance: bg.covariance!, count: 200, seed: 0x5EED_B6))
            let clv = draws.map { bg.with(logParameters: $0).expectedPurchases(s, t: 365 / 7) * 40 }
                .filter(\.isFinite).sorted()
            #expect(u.clv12m?.low == clv[Int((Double(clv.count - 1) * 0.05).rounded())], "\(s)")
            #expect(u.clv12m?.high == clv[Int((Double(clv.count - 1) * 0.95).rounded())], "\(s)")
        }
    }

    /// Neighbours from 300 other customers' baskets of the catalogue's products.
    static let neighbours: ItemModel = {
        var rng = SeededRandom(state: 99)
        return ItemModel.build(
            baskets: (0..<300).map { _ in (0..<6).map { _ in Int64.random(in: 1...60, using: &rng) } })
    }()

    /// What `Insights.compute` is given for one long history: those neighbours, a fitted-looking
    /// BG/NBD (so the intervals are drawn) and popularity.
    static func insight(events: [Event], stated: [StatedPreference], sideBySide: Bool) -> CustomerInsight {
        let now = events.map(\.time).max()!
        let model = EngineModel(
            asOf: now,
            bgnbd: BGNBD(
                r: 0.6, alpha: 40, a: 0.9, b: 3, unitDays: 7,
                covariance: [0.02, 0, 0, 0, 0, 0.03, 0, 0, 0, 0, 0.05, 0, 0, 0, 0, 0.04]),
            gammaGamma: GammaGamma(p: 6, q: 4, gamma: 15),
            rfm: RFMThresholds(recency: [10, 30, 60, 120], frequency: [1, 2, 4, 8], monetary: [20, 50, 100, 300]),
            popularity: Popularity(overall: Array(1...40), bySegment: [:], trending: [7, 19, 33]))
        return Insights.compute(
            facts: CustomerFacts(
                key: 1, consent: Consent(personalization: true), stated: stated, statedChannel: "email", signup: nil),
            events: events, products: Self.products, model: model, itemModel: Self.neighbours,
            settings: InsightSettings(), preferenceKeys: PreferenceKeys(products: Self.products),
            sideBySide: sideBySide)
    }

    /// The two halves of a long history's insight run side by side on two threads: what they
    /// give is what running them one after the other gives, every field.
    @Test(arguments: [(31, false), (32, true)])
    func sideBySideGivesWhatOneAfterTheOtherGives(seed: UInt64, shuffled: Bool) throws {
        let events = Self.history(seed: seed, count: 3_000, shuffled: shuffled)
        let dislike = [StatedPreference(polarity: .dislike, kind: .category, value: "Toys")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for stated in [[], dislike] {
            let apart = Self.insight(events: events, stated: stated, sideBySide: false)
            let together = Self.insight(events: events, stated: stated, sideBySide: true)
            #expect(!apart.recommendations.isEmpty)
            #expect(!apart.inferred.isEmpty)
            #expect(apart.uncertainty != nil)
            #expect(try encoder.encode(together) == encoder.encode(apart))
        }
    }

    /// The ranking as it was written: every candidate's contributions listed, then summed.
    static func rankedBefore(
        history: [(product: Int64, weight: Double)], model: any NeighborLookup, keep: (Int64) -> Bool
    ) -> [ScoredCandidate] {
        var scored: [ScoredCandidate] = []
        for (p, c) in Recommender.score(history: history, model: model) where keep(p) {
            scored.append(
                ScoredCandidate(product: p, score: c.reduce(0.0) { $0 + $1.1 }, sources: c.sorted { $0.1 > $1.1 }))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.product < $1.product }
        return scored
    }

    /// The ranking cut at a list's length is the whole ranking's first part, sources included,
    /// and the whole ranking is what listing every candidate's contributions gave.
    @Test func aRankingCutShortIsTheWholeRankingsStart() {
        let events = Self.history(seed: 41, count: 2_000, shuffled: false)
        let history = Recommender.history(
            events, products: Self.products, now: events.last!.time, settings: RecommendationSettings()
        ).items
        let model = Self.neighbours
        let whole = Recommender.rank(history: history, model: model) { $0 % 5 != 0 }
        let cut = Recommender.rank(history: history, model: model, limit: 10) { $0 % 5 != 0 }
        #expect(whole.count > 20)
        #expect(cut.count == 10)
        let before = Self.rankedBefore(history: history, model: model) { $0 % 5 != 0 }
        #expect(before.count == whole.count)
        for (c, w) in Array(zip(cut, whole)) + Array(zip(whole, before)) {
            #expect(c.product == w.product && c.score == w.score)
            #expect(c.sources.map(\.0) == w.sources.map(\.0) && c.sources.map(\.1) == w.sources.map(\.1))
        }
    }
}
