import Foundation

/// Settings of preference inference.
public struct PreferenceSettings: Sendable, Equatable, Codable {
    /// Recency scale τ in days: an event of age d weighs exp(−d/τ).
    public var tauDays: Double = 90
    /// Most one 24-hour window (opened by an event of the customer) adds to one value, in purchase-equivalents.
    public var dailyCap: Double = 5
    /// Saturation of one 30-day window's total (anchored to the customer's events): a window adds at most this much.
    public var monthlyCap: Double = 6
    /// Extra factor for a burst in a category, brand or price band the customer never touched before.
    public var noveltyFactor: Double = 0.5
    public init(tauDays: Double = 90) { self.tauDays = tauDays }

    /// The caps as the shared damping: 24-hour and 30-day windows anchored to the customer's events.
    public var damping: SpikeDamping {
        SpikeDamping(dailyCap: dailyCap, windowCap: monthlyCap, windowDays: 30, noveltyFactor: noveltyFactor)
    }

    /// How much an event of each type says about taste. Returns pull the other way.
    public static func weight(_ e: Event) -> Double {
        switch e.type {
        case .purchase: 5
        case .cart: 3
        case .click: 1.5
        case .view: 1
        case .rating: e.amount >= 4 ? 4 : e.amount >= 3 ? 1 : -2
        case .return: -3
        case .search, .open, .recImpression, .recClick: 0
        }
    }
}

public enum PreferenceAttribute: String, Sendable, Codable, CaseIterable {
    case category, brand, priceBand = "price_band"
}

/// One inferred preference with its evidence.
public struct InferredPreference: Sendable, Equatable, Codable {
    public var attribute: PreferenceAttribute
    public var value: String
    /// 0...1, relative to the customer's strongest preference of the same attribute.
    public var score: Double
    /// 0...1: how much evidence there is (distinct days with events), not how strong.
    public var confidence: Double
    /// Store keys of the events that contributed most, strongest first.
    public var evidence: [Int64]
    /// The undamped weighted total, for diagnostics and tests.
    public var raw: Double
}

public enum PriceBand {
    /// Bands by list price: budget < 15, mid 15–50, premium 50–150, luxury ≥ 150.
    public static func of(_ price: Double) -> String {
        switch price {
        case ..<15: "budget"
        case ..<50: "mid"
        case ..<150: "premium"
        default: "luxury"
        }
    }
}

public enum Preferences {
    /// Events that shape the profile: not gift purchases, and not the gift's shopping
    /// session either (other events on the same product within a day of a gift purchase).
    public static func shapingEvents(_ events: [Event]) -> [Event] {
        let gifts = events.filter { $0.isGift }
        guard !gifts.isEmpty else { return events }
        var giftWindows: [Int64: [Int64]] = [:]
        for g in gifts { if let p = g.product { giftWindows[p, default: []].append(g.time) } }
        return events.filter { e in
            if e.isGift { return false }
            guard let p = e.product, let times = giftWindows[p] else { return true }
            return !times.contains { abs($0 - e.time) <= 86_400 }
        }
    }

    /// Category values an event counts for: the full path and its top level.
    static func categories(_ c: String) -> [String] {
        guard !c.isEmpty else { return [] }
        if let slash = c.firstIndex(of: "/") { return [c, String(c[..<slash])] }
        return [c]
    }

    /// Affinities for categories, brands and price bands from one customer's events.
    public static func infer(
        events: [Event], products: [Int64: Product], now: Int64,
        settings: PreferenceSettings = PreferenceSettings(),
        evidenceCount: Int = 5, keys: PreferenceKeys? = nil
    ) -> [InferredPreference] {
        // The spikes are not wanted here: describing them is skipped.
        inferWithSpikes(
            events: events, products: products, now: now, settings: settings,
            evidenceCount: evidenceCount, reportingSpikes: false, keys: keys
        ).preferences
    }

    /// Per attribute value: decayed totals (damped and raw), positive days and the strongest contributions.
    struct Accumulator {
        var damped = 0.0
        var raw = 0.0
        /// Distinct days counted as they come: a history is in time order, so a key's days
        /// only grow and a new one is a new day (no set of days to hash into).
        var dayCount = 0
        var lastDay: Int64?
        /// A day came before the last one (events not in time order): counted again with a set.
        var unordered = false
        var top: [(key: Int64, weight: Double)] = []

        mutating func addDay(_ day: Int64) {
            guard day != lastDay else { return }
            if let last = lastDay, day < last { unordered = true }
            dayCount += 1
            lastDay = day
        }

        /// Keeps the strongest `limit` contributions (ties: the later event first).
        mutating func offer(_ id: Int64, _ weight: Double, limit: Int) {
            func before(_ x: (key: Int64, weight: Double), _ y: (key: Int64, weight: Double)) -> Bool {
                x.weight != y.weight ? x.weight > y.weight : x.key > y.key
            }
            let c = (key: id, weight: weight)
            guard top.count < limit || before(c, top[top.count - 1]) else { return }
            let i = top.firstIndex { before(c, $0) } ?? top.count
            top.insert(c, at: i)
            if top.count > limit { top.removeLast() }
        }
    }

    struct Key: Hashable {
        var attribute: PreferenceAttribute
        var value: String
    }

    /// Attribute values numbered once per product, so the per-event work does not hash strings.
    /// Built per call for the products a history touches; `PreferenceKeys` is the same numbering
    /// kept for a whole catalogue.
    struct KeyTable {
        var keysOf: [Int64: [Int]] = [:]
        var index: [Key: Int] = [:]
        var list: [Key] = []

        mutating func keys(_ pid: Int64, _ products: [Int64: Product]) -> [Int]? {
            if let k = keysOf[pid] { return k }
            guard let p = products[pid] else { return nil }
            var k = categories(p.category).map { Key(attribute: .category, value: $0) }
            if !p.brand.isEmpty { k.append(Key(attribute: .brand, value: p.brand)) }
            if p.price > 0 { k.append(Key(attribute: .priceBand, value: PriceBand.of(p.price))) }
            let numbers = k.map { key in
                if let i = index[key] { return i }
                index[key] = list.count
                list.append(key)
                return list.count - 1
            }
            keysOf[pid] = numbers
            return numbers
        }
    }

    /// Preferences and the bursts whose weight was cut. Caps and saturation act on undecayed
    /// weights in windows anchored to the customer's own events; decay comes after, per event.
    public static func inferWithSpikes(
        events: [Event], products: [Int64: Product], now: Int64,
        settings: PreferenceSettings = PreferenceSettings(), evidenceCount: Int = 5
    )
        -> (preferences: [InferredPreference], spikes: [DampedSpike])
    {
        inferWithSpikes(
            events: events, products: products, now: now, settings: settings, evidenceCount: evidenceCount,
            reportingSpikes: true)
    }

    static func inferWithSpikes(
        events: [Event], products: [Int64: Product], now: Int64, settings: PreferenceSettings, evidenceCount: Int,
        reportingSpikes: Bool, keys kept: PreferenceKeys? = nil
    )
        -> (preferences: [InferredPreference], spikes: [DampedSpike])
    {
        // `kept` numbers the whole catalogue `products` once; without it, the products seen here.
        var table = KeyTable()
        var items: [SpikeDamping.Item] = []
        // Per item, what its event gives: id, decay and day are taken once per event, not once per key.
        var sourceId: [Int64] = []
        var decayOf: [Double] = []
        var dayOf: [Int64] = []
        for e in shapingEvents(events) {
            guard let pid = e.product else { continue }
            let w = PreferenceSettings.weight(e)
            guard w != 0 else { continue }
            let found: ArraySlice<Int>?
            if let kept { found = kept.keys(of: pid) } else { found = table.keys(pid, products)?[...] }
            guard let keys = found else { continue }
            let decay = exp(-max(0, Double(now - e.time)) / 86_400 / settings.tauDays)
            let day = Day.of(e.time)
            for k in keys {
                items.append(SpikeDamping.Item(key: k, time: e.time, weight: w))
                sourceId.append(e.id)
                decayOf.append(decay)
                dayOf.append(day)
            }
        }
        let names = kept?.list ?? table.list
        let (factors, spikes) = settings.damping.factors(items, reportingSpikes: reportingSpikes) { names[$0].value }
        var accs = [Accumulator](repeating: Accumulator(), count: names.count)
        for (i, item) in items.enumerated() {
            let decay = decayOf[i]
            let counted = item.weight * factors[i] * decay
            accs[item.key].damped += counted
            accs[item.key].raw += item.weight * decay
            if item.weight > 0 { accs[item.key].addDay(dayOf[i]) }
            if counted > 0 { accs[item.key].offer(sourceId[i], counted, limit: evidenceCount) }
        }
        if accs.contains(where: \.unordered) {
            var days: [Int: Set<Int64>] = [:]
            for (i, item) in items.enumerated() where item.weight > 0 && accs[item.key].unordered {
                days[item.key, default: []].insert(dayOf[i])
            }
            for (key, set) in days { accs[key].dayCount = set.count }
        }
        var out: [InferredPreference] = []
        for (key, a) in zip(names, accs) where a.damped > 0.05 {
            out.append(
                InferredPreference(
                    attribute: key.attribute, value: key.value, score: a.damped,
                    confidence: 1 - exp(-Double(a.dayCount) / 4),
                    evidence: a.top.map(\.key), raw: a.raw))
        }
        normalise(&out)
        // Brands and price bands repeat the category's burst: the category names it.
        guard !spikes.isEmpty else { return (out.sorted(by: ranksBefore), []) }
        let categories = Set(names.filter { $0.attribute == .category }.map(\.value))
        return (out.sorted(by: ranksBefore), spikes.filter { categories.contains($0.key) })
    }

    /// Within each attribute the strongest value scores 1.
    static func normalise(_ out: inout [InferredPreference]) {
        for attr in PreferenceAttribute.allCases {
            let top = out.filter { $0.attribute == attr }.map(\.score).max() ?? 1
            for i in out.indices where out[i].attribute == attr { out[i].score = out[i].score / top }
        }
    }

    static func order(_ a: PreferenceAttribute) -> Int { PreferenceAttribute.allCases.firstIndex(of: a)! }

    static func ranksBefore(_ x: InferredPreference, _ y: InferredPreference) -> Bool {
        if x.attribute != y.attribute { return order(x.attribute) < order(y.attribute) }
        if x.score != y.score { return x.score > y.score }
        return x.value < y.value
    }
}

/// The attribute values of every product of a catalogue, numbered once (in product key order, so
/// the numbering does not depend on a dictionary's order): what `Preferences` looks up per event,
/// kept with the catalogue instead of built again on every profile. Valid for the catalogue it
/// was built from only; its holder builds it again when the catalogue changes.
public struct PreferenceKeys: Sendable {
    let list: [Preferences.Key]
    /// Per product key (a store's keys are dense), where its values' numbers lie in `numbers`;
    /// nil: no such product. Keys outside the array go through `sparse`.
    private let slots: [Range<Int32>?]
    private let numbers: [Int]
    private let sparse: [Int64: [Int]]

    public init(products: [Int64: Product]) {
        var table = Preferences.KeyTable()
        let ids = products.keys.sorted()
        let denseEnd = ids.last.map { $0 < Int64(2 * ids.count + 1024) ? Int($0) + 1 : 0 } ?? 0
        var slots = [Range<Int32>?](repeating: nil, count: denseEnd)
        var numbers: [Int] = []
        var sparse: [Int64: [Int]] = [:]
        for id in ids {
            let keys = table.keys(id, products) ?? []
            if id >= 0 && id < Int64(denseEnd) {
                slots[Int(id)] = Int32(numbers.count)..<Int32(numbers.count + keys.count)
                numbers += keys
            } else {
                sparse[id] = keys
            }
        }
        self.list = table.list
        self.slots = slots
        self.numbers = numbers
        self.sparse = sparse
    }

    /// The numbers of product `pid`'s values, nil when the catalogue has no such product.
    func keys(of pid: Int64) -> ArraySlice<Int>? {
        guard pid >= 0, pid < Int64(slots.count) else { return sparse[pid].map { $0[...] } }
        return slots[Int(pid)].map { numbers[Int($0.lowerBound)..<Int($0.upperBound)] }
    }
}
