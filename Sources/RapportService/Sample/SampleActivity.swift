import RapportEngine

/// One customer as the generator sees them: who they are decides what they do.
struct Persona {
    /// 2 is the jazz-loving parent, 3 buys presents, 5 is very active, 7-8 lapse, 9 joins late.
    var archetype: Int
    var signup: Int64
    var activeUntil: Int64
    /// Index into `SampleWords.channels`.
    var engaged: Int
    var consentEmail: Bool
    var favourites: [Int]
    var habit: Int?
}

/// One row of events.csv, kept small: ids and names are looked up when the row is written.
struct SampleEvent {
    enum Kind: Int {
        case view, search, cart, purchase, refund, rating, open, click, recImpression, recClick
        static let names = [
            "view", "search", "cart", "purchase", "return", "rating", "open", "click", "rec_impression", "rec_click"
        ]
        .map { Array($0.utf8) }
    }

    var time: Int64
    var kind: Kind
    /// Index into the catalogue, or -1 for none.
    var item: Int
    var quantity: Int
    var amount: Double
    var channel: Int
    var gift = false
    /// Index into `SampleWords.giftNotes`, or -1 for none.
    var giftNote = -1
    /// An order line exported without an event id (the shop's identical same-day lines).
    var unnumbered = false
}

/// Makes a customer's events over the two years: browsing sessions, purchases, replenishment
/// cycles and December presents. The order of random draws is part of the output: the classic
/// catalogue draws exactly as the generator always has, and shop-only behaviour draws only
/// for shop catalogues.
struct SampleActivity {
    let catalogue: SampleCatalogue
    let scale: Double
    static let day: Int64 = 86_400
    static let web = 0
    static let email = 2

    func events(_ p: Persona, _ rng: inout SeededRandom, into events: inout [SampleEvent]) {
        sessions(p, &rng, &events)
        if let habit = p.habit { replenishment(p, habit, &rng, &events) }
        if p.archetype == 2 || (p.archetype == 3 && rng.chance(0.6)) || rng.chance(0.08) {
            december(p, &rng, &events)
        }
        events.sort { $0.time < $1.time }
    }

    /// Sessions at a customer-specific rate, exponential gaps between them.
    private func sessions(_ p: Persona, _ rng: inout SeededRandom, _ events: inout [SampleEvent]) {
        let activity = (p.archetype == 5 ? 2.0 : 1.0) * (0.5 + rng.unit()) * scale
        let gapDays = 40.0 / activity
        var t = Double(p.signup) + rng.exponential(mean: gapDays) * Double(Self.day)
        while t < Double(p.activeUntil) {
            session(Int64(t), p, &rng, &events)
            t += rng.exponential(mean: gapDays) * Double(Self.day)
        }
    }

    private func session(_ time: Int64, _ p: Persona, _ rng: inout SeededRandom, _ events: inout [SampleEvent]) {
        let channel = rng.chance(0.75) ? p.engaged : rng.index(SampleWords.channels.count)
        let category = sessionCategory(p, &rng)
        let views = rng.int(1...4)
        var last = catalogue.pick(category, &rng)
        for v in 0..<views {
            last = catalogue.pick(category, &rng)
            events.append(
                SampleEvent(
                    time: time + Int64(v * 45), kind: .view, item: last, quantity: 1, amount: 0,
                    channel: channel))
        }
        if rng.chance(0.15) {
            events.append(
                SampleEvent(
                    time: time - 30, kind: .search, item: -1, quantity: 1, amount: 0,
                    channel: channel))
        }
        if rng.chance(0.35) {
            // Messages do not sell: a purchase from an email, SMS or push link happens on the web.
            let buyChannel = [2, 4, 5].contains(channel) ? Self.web : channel
            events.append(
                SampleEvent(
                    time: time + 300, kind: .cart, item: last, quantity: 1, amount: 0,
                    channel: buyChannel))
            if rng.chance(0.75) { purchase(time + 420, last, buyChannel, &rng, &events) }
        }
        if p.consentEmail && rng.chance(0.3) {
            events.append(
                SampleEvent(
                    time: time - 3600, kind: .open, item: -1, quantity: 1, amount: 0,
                    channel: Self.email))
            if rng.chance(0.4) {
                events.append(
                    SampleEvent(
                        time: time - 3500, kind: .click, item: catalogue.pick(category, &rng),
                        quantity: 1, amount: 0, channel: Self.email))
            }
        }
    }

    /// Mostly a favourite; in a shop, often whatever the home page's bestsellers showed.
    private func sessionCategory(_ p: Persona, _ rng: inout SeededRandom) -> Int {
        if catalogue.isShop && p.archetype != 2 && rng.chance(0.3) {
            return catalogue.items[catalogue.bestseller(&rng)].category
        }
        return p.archetype == 2 || rng.chance(0.8) ? rng.pick(p.favourites) : rng.pick(catalogue.tasteCategories)
    }

    private func purchase(
        _ time: Int64, _ item: Int, _ channel: Int, _ rng: inout SeededRandom,
        _ events: inout [SampleEvent]
    ) {
        let price = catalogue.items[item].price
        let qty = rng.chance(0.85) ? 1 : 2
        let at = events.count
        events.append(
            SampleEvent(
                time: time, kind: .purchase, item: item, quantity: qty,
                amount: price * Double(qty), channel: channel))
        if rng.chance(0.04) {
            events.append(
                SampleEvent(
                    time: time + 20 * Self.day, kind: .refund, item: item, quantity: 1,
                    amount: -price, channel: channel))
        }
        if rng.chance(0.2) {
            events.append(
                SampleEvent(
                    time: time + 10 * Self.day, kind: .rating, item: item, quantity: 1,
                    amount: Double(rng.int(3...5)), channel: Self.web))
        }
        if catalogue.isShop { orderLine(at, &rng, &events) }
    }

    /// Shop purchases are order lines: some are presents, and some appear twice, identical,
    /// because the customer added the same thing twice and the export has no line ids.
    private func orderLine(_ at: Int, _ rng: inout SeededRandom, _ events: inout [SampleEvent]) {
        if rng.chance(Self.isDecember(events[at].time) ? 0.2 : 0.04) { giftWrap(&events[at], &rng) }
        if rng.chance(0.03) {
            events[at].unnumbered = true
            events.append(events[at])
        }
    }

    private func giftWrap(_ line: inout SampleEvent, _ rng: inout SeededRandom) {
        line.gift = true
        if rng.chance(0.5) { line.giftNote = rng.index(SampleWords.giftNotes.count) }
    }

    /// The same product bought on a cycle with jitter (coffee, pet food, contact lenses).
    private func replenishment(
        _ p: Persona, _ habit: Int, _ rng: inout SeededRandom,
        _ events: inout [SampleEvent]
    ) {
        let item = catalogue.pick(habit, &rng)
        let cycle = Double(catalogue.items[item].replenishDays ?? 30) * (0.8 + 0.4 * rng.unit())
        var r = Double(p.signup) + rng.unit() * cycle * Double(Self.day)
        let channel = p.engaged == Self.email ? Self.web : p.engaged
        while r < Double(p.activeUntil) {
            events.append(
                SampleEvent(
                    time: Int64(r), kind: .purchase, item: item, quantity: 1,
                    amount: catalogue.items[item].price, channel: channel))
            r += max(5, rng.normal(mean: cycle, sd: cycle * 0.12)) * Double(Self.day)
        }
    }

    /// The December spike: toys bought for others in 2024 and 2025.
    private func december(_ p: Persona, _ rng: inout SeededRandom, _ events: inout [SampleEvent]) {
        for year in [2024, 2025] {
            guard let dec = ByteDate.days(year, 12, 1) else { continue }
            let decStart = dec * Self.day
            guard decStart > p.signup, decStart < p.activeUntil else { continue }
            for _ in 0..<rng.int(2...4) {
                let toy = catalogue.pick(catalogue.giftCategory(&rng), &rng)
                let when = decStart + Int64(rng.int(0...20)) * Self.day + Int64(rng.int(32_400...72_000))
                let price = catalogue.items[toy].price
                events.append(
                    SampleEvent(
                        time: when - 200, kind: .view, item: toy, quantity: 1, amount: 0,
                        channel: Self.web))
                var line = SampleEvent(
                    time: when, kind: .purchase, item: toy, quantity: 1, amount: price,
                    channel: Self.web, gift: p.archetype == 3 && rng.chance(0.5))
                if line.gift && catalogue.isShop && rng.chance(0.5) {
                    line.giftNote = rng.index(SampleWords.giftNotes.count)
                }
                events.append(line)
            }
        }
    }

    /// Recommendation widgets: a quarter of the web and app sessions show two recommended
    /// products of the category the session opened on (`rec_impression`, 10 s after its first
    /// view), and 6% of those are clicked (`rec_click`, 15 s later). They are drawn from a stream
    /// of their own (`seed`), and merged in after the rest, so the sample's other events (and
    /// their ids) are the same with or without them.
    func recommendations(seed: UInt64, into events: inout [SampleEvent]) {
        var rng = SeededRandom(seed: seed)
        var added: [SampleEvent] = []
        var previous = Int64.min
        for e in events {
            defer { previous = e.time }
            guard e.kind == .view, previous == .min || e.time - previous > 1800, e.channel <= 1, e.item >= 0,
                rng.chance(0.25)
            else {
                continue
            }
            let category = catalogue.items[e.item].category
            for slot in 0..<2 {
                let item = catalogue.pick(category, &rng)
                let shown = e.time + 10 + Int64(slot)
                added.append(
                    SampleEvent(
                        time: shown, kind: .recImpression, item: item, quantity: 1, amount: 0, channel: e.channel))
                if rng.chance(0.06) {
                    added.append(
                        SampleEvent(
                            time: shown + 15, kind: .recClick, item: item, quantity: 1, amount: 0, channel: e.channel))
                }
            }
        }
        guard !added.isEmpty else { return }
        added.sort { $0.time < $1.time }
        // A stable merge: on equal times the customer's other events come first.
        var merged: [SampleEvent] = []
        merged.reserveCapacity(events.count + added.count)
        var j = 0
        for e in events {
            while j < added.count && added[j].time < e.time {
                merged.append(added[j])
                j += 1
            }
            merged.append(e)
        }
        merged += added[j...]
        events = merged
    }

    static func isDecember(_ t: Int64) -> Bool { ByteDate.civil(fromDays: SampleText.floorDays(t)).1 == 12 }
}
