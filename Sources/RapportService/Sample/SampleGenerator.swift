import Foundation

/// Writes a realistic, deterministic sample of customers, products, events and notes as
/// CSV files. The same seed and sizes always give the same bytes.
///
/// The data exercises what Rapport shows: steady tastes, December gift spikes (parents who
/// buy jazz for themselves and toys in December), replenishment cycles (coffee, pet food,
/// contact lenses), customers who lapse, customers without personalization consent, stated
/// channels that differ from engagement, stated likes and dislikes, agent notes, names with
/// accents and CJK characters, and one name carrying a terminal escape sequence.
public struct SampleGenerator: Sendable {
    public var customers: Int
    /// Average events per customer over the two years.
    public var eventsPerCustomer: Double
    public var seed: UInt64
    /// The last day of the sample (Unix seconds, midnight UTC): data covers the two years before.
    public var end: Int64

    public static let defaultEnd: Int64 = 1_793_404_800 // 2026-10-31T00:00:00Z

    public init(customers: Int, eventsPerCustomer: Double = 50, seed: UInt64 = 42, end: Int64 = SampleGenerator.defaultEnd) {
        self.customers = customers; self.eventsPerCustomer = eventsPerCustomer; self.seed = seed; self.end = end
    }

    public struct Output: Sendable {
        public var directory: String
        public var customers: Int
        public var products: Int
        public var events: Int
        public var notes: Int
        public var files: [String] { ["customers.csv", "products.csv", "events.csv", "notes.csv"].map { directory + "/" + $0 } }
    }

    struct Item {
        var id: String
        var title: String
        var category: String
        var brand: String
        var price: Double
        var replenishDays: Int?
    }

    static let catalogue: [(category: String, brands: [String], nouns: [String], price: ClosedRange<Double>, replenish: Int?)] = [
        ("Coffee", ["Bean & Co", "Roastery North", "Café Lumière"], ["Ethiopian Yirgacheffe", "Colombian Supremo", "Sumatra Mandheling", "Kenya AA", "Espresso Blend", "Decaf House Blend", "Guatemala Antigua", "Costa Rica Tarrazú"], 8...24, 30),
        ("Pet Food", ["Happy Paws", "Whisker Feast", "Canis Prime"], ["Salmon Kibble", "Chicken Pâté", "Grain-free Dry Food", "Senior Formula", "Puppy Starter", "Indoor Cat Mix"], 12...45, 28),
        ("Health/Contact Lenses", ["ClearSight", "Optiva"], ["Daily Lenses 30-pack", "Monthly Lenses 6-pack", "Toric Dailies", "Multifocal Monthlies"], 25...60, 90),
        ("Music/Jazz", ["Blue Room Records", "Vanguard Press"], ["Kind of Blue Reissue", "Late Night Trio", "Bebop Sessions", "Smoky Standards", "Modal Explorations", "Big Band Live"], 12...35, nil),
        ("Music/Classical", ["Deutsche Klang", "Aurora Classics"], ["Goldberg Variations", "Four Seasons", "Nocturnes", "Symphony No. 9", "Cello Suites"], 10...30, nil),
        ("Music/Rock", ["Amp & Fuzz", "Garage Tapes"], ["Loud Summer", "Basement Demos", "Arena Nights", "Riff Anthology"], 10...28, nil),
        ("Toys", ["Tiny Giants", "Blocktopia", "Wonderworks"], ["Wooden Train Set", "Building Blocks 500", "Plush Dragon", "Puzzle Globe", "Remote Car", "Doll House", "Science Kit"], 15...80, nil),
        ("Books/Fiction", ["Harbor Books", "Quill & Ink"], ["The Quiet Harbor", "Northern Lights", "A Year in Kyoto", "The Last Orchard", "Glass Cities"], 9...25, nil),
        ("Books/Cooking", ["Harbor Books", "Pantry Press"], ["Weeknight Vegetarian", "Bread at Home", "The Spice Route", "One-Pot Suppers"], 15...35, nil),
        ("Outdoor", ["TrailMark", "Fjellgear"], ["Trail Runners", "Rain Shell", "Trekking Poles", "Down Vest", "Headlamp", "Water Filter"], 20...180, nil),
        ("Kitchen", ["Cuisinova", "Ferro"], ["Cast Iron Skillet", "Chef's Knife", "Pour-over Kettle", "Burr Grinder", "Dutch Oven"], 18...150, nil),
        ("Beauty", ["Lumen Skin", "Nordic Care"], ["Daily Moisturiser", "Vitamin C Serum", "Hand Cream", "Sunscreen SPF50", "Lip Balm"], 6...40, 60),
        ("Electronics", ["Voltaic", "Pixelwright"], ["Wireless Earbuds", "USB-C Charger", "E-reader", "Smart Speaker", "Power Bank"], 20...250, nil),
    ]

    static let firstNames = ["Anna", "Ben", "Chloé", "David", "Elena", "Farid", "Greta", "Hiro", "Inés", "Jonas", "Kemal", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tamsin", "Ugo", "Vera", "Wen", "Ximena", "Yusuf", "Zoë", "José", "François", "Łukasz", "Søren", "Ayşe", "Björn", "Renée", "Noémie"]
    static let lastNames = ["Álvarez", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen", "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi", "Schmidt", "Takahashi", "Ueda", "Virtanen", "Wiśniewski", "Yılmaz", "Zhang", "Côté", "Øvergaard"]
    static let cjkNames = ["山田 太郎", "王芳", "김민준", "李娜", "佐藤 花子", "陈伟", "박서연", "鈴木 一郎"]
    static let cities: [(String, String)] = [("Lisbon", "PT"), ("Berlin", "DE"), ("Paris", "FR"), ("Madrid", "ES"), ("Oslo", "NO"), ("Tokyo", "JP"), ("Seoul", "KR"), ("São Paulo", "BR"), ("Kraków", "PL"), ("Zürich", "CH"), ("London", "GB"), ("Toronto", "CA"), ("Montréal", "CA"), ("Shanghai", "CN")]
    static let engagementChannels = ["web", "app", "email", "store", "sms", "push"]
    static let noteTexts = ["Vegetarian; no meat samples please", "Prefers aisle seat at events", "Shirt size M, shoe size 42", "Allergic to nuts", "Call after 6pm only", "Asked not to receive catalogues by post", "Buys gifts for two nieces every December", "Hard of hearing: prefers chat to phone", "Loyal since the first store opened", "Complained about late delivery in March"]

    /// Writes the four CSV files into `directory` (created if needed).
    public func write(to directory: String) throws -> Output {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: seed)
        let day: Int64 = 86_400
        let start = end - 730 * day

        // Catalogue: 300 products when the store is small, spread over every category.
        var items: [Item] = []
        let productCount = 300
        var k = 0
        while items.count < productCount {
            let spec = Self.catalogue[k % Self.catalogue.count]
            let noun = spec.nouns[(k / Self.catalogue.count) % spec.nouns.count]
            let edition = k / (Self.catalogue.count * spec.nouns.count)
            let brand = spec.brands[(k / Self.catalogue.count + edition) % spec.brands.count]
            let title = edition == 0 ? noun : "\(noun) \(["Deluxe", "Mini", "Classic", "Limited", "XL", "Organic", "Travel", "Pro"][edition % 8])"
            let price = (spec.price.lowerBound + rng.unit() * (spec.price.upperBound - spec.price.lowerBound)).rounded(toPlaces: 2)
            items.append(Item(id: String(format: "P%04d", items.count + 1), title: title, category: spec.category,
                              brand: brand, price: price, replenishDays: spec.replenish))
            k += 1
        }
        let byCategory = Dictionary(grouping: items.indices, by: { items[$0].category })
        let categories = Self.catalogue.map(\.category)
        let tasteCategories = categories.filter { !["Toys", "Coffee", "Pet Food", "Health/Contact Lenses"].contains($0) }
        let replenishCategories = ["Coffee", "Pet Food", "Health/Contact Lenses"]

        let products = try CSVWriter(path: directory + "/products.csv", header: ["product_id", "title", "category", "brand", "price", "replenish_days"])
        for it in items {
            products.row([it.id, it.title, it.category, it.brand, String(format: "%.2f", it.price), it.replenishDays.map(String.init) ?? ""])
        }
        try products.close()

        let customersOut = try CSVWriter(path: directory + "/customers.csv", header: [
            "customer_id", "name", "email", "phone", "birth_year", "gender", "city", "country", "signup_date",
            "stated_channel", "consent_personalization", "consent_email", "consent_sms", "consent_push",
            "likes", "dislikes", "loyalty_tier"])
        let eventsOut = try CSVWriter(path: directory + "/events.csv", header: [
            "event_id", "customer_id", "timestamp", "type", "product_id", "quantity", "amount", "channel", "gift"])
        let notesOut = try CSVWriter(path: directory + "/notes.csv", header: ["customer_id", "timestamp", "analyst", "text"])
        var eventCount = 0
        var noteCount = 0
        let scale = eventsPerCustomer / 50

        for c in 0..<customers {
            let cid = String(format: "C%05d", c + 1)
            // Identity.
            var name: String
            if c == 6 {
                name = "Mallory \u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mEvil\u{1B}[0m"
            } else if rng.chance(0.08) {
                name = rng.pick(Self.cjkNames)
            } else {
                name = "\(rng.pick(Self.firstNames)) \(rng.pick(Self.lastNames))"
            }
            if c == 0 { name = "Margot Lindqvist" }
            let emailLocal = name.folding(options: [.diacriticInsensitive], locale: nil).lowercased()
                .unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0)) }.map(String.init).joined()
            let email = "\(emailLocal.isEmpty ? "customer" : emailLocal).\(c + 1)@example.com"
            let (city, country) = rng.pick(Self.cities)
            let birthYear = 1950 + rng.int(0...55)
            let archetype = c == 0 ? 2 : rng.int(0...9) // 2: jazz parent
            let lapses = archetype == 7 || archetype == 8 && rng.chance(0.5)
            let joinedLate = archetype == 9 && rng.chance(0.5)
            let signup = c == 0 ? start + 2 * day : joinedLate ? end - Int64(rng.int(10...80)) * day : start + Int64(rng.int(0...300)) * day
            let activeUntil = lapses ? signup + Int64(rng.int(120...420)) * day : end
            let engaged = rng.pick(["web", "app", "email", "store"])
            let stated = rng.chance(0.25) ? rng.pick(Self.engagementChannels.filter { $0 != engaged }) : engaged
            let consentPersonalization = c == 0 ? true : !rng.chance(0.08)
            let consentEmail = rng.chance(0.7), consentSms = rng.chance(0.3), consentPush = rng.chance(0.4)

            // Tastes: two or three favourite categories, a favourite brand, maybe a replenishable habit.
            var favourites = [rng.pick(tasteCategories), rng.pick(tasteCategories)]
            if rng.chance(0.4) { favourites.append(rng.pick(tasteCategories)) }
            if archetype == 2 { favourites = ["Music/Jazz"] }
            let habit: String? = archetype == 1 || archetype == 2 || rng.chance(0.25) ? rng.pick(replenishCategories) : nil
            var likes: [String] = []
            var dislikes: [String] = []
            if rng.chance(0.35) { likes.append(favourites[0]) }
            if rng.chance(0.15) {
                let d = rng.pick(tasteCategories.filter { !favourites.contains($0) })
                dislikes.append(d)
            }
            if c == 0 { likes = ["Music/Jazz", "brand:Bean & Co"]; dislikes = ["Music/Rock"] }

            customersOut.row([
                cid, name, email, String(format: "+351 9%02d %03d %03d", rng.int(10...99), rng.int(0...999), rng.int(0...999)),
                String(birthYear), rng.pick(["f", "m", "x", ""]), city, country, isoDate(signup), stated,
                String(consentPersonalization), String(consentEmail), String(consentSms), String(consentPush),
                likes.joined(separator: ";"), dislikes.joined(separator: ";"), rng.pick(["bronze", "silver", "gold", ""]),
            ])
            if rng.chance(0.07) || c == 0 {
                let n = c == 0 ? 2 : rng.int(1...2)
                for j in 0..<n {
                    let text = c == 0 ? (j == 0 ? "Buys toys for her grandchildren every December" : "Prefers email; no phone calls") : rng.pick(Self.noteTexts)
                    notesOut.row([cid, isoDate(signup + Int64(rng.int(30...300)) * day), rng.pick(["ana.s", "tom.k", "li.w"]), text])
                    noteCount += 1
                }
            }

            // Activity over time: sessions at a customer-specific rate.
            var events: [(time: Int64, type: String, product: String, qty: Int, amount: Double, channel: String, gift: Bool)] = []
            let activity = (archetype == 5 ? 2.0 : 1.0) * (0.5 + rng.unit()) * scale
            let sessionGapDays = 40.0 / activity
            var t = Double(signup) + rng.exponential(mean: sessionGapDays) * Double(day)
            func pickItem(_ category: String) -> Int { rng.pick(byCategory[category]!) }
            while t < Double(activeUntil) {
                let time = Int64(t)
                let channel = rng.chance(0.75) ? engaged : rng.pick(Self.engagementChannels)
                let category = archetype == 2 || rng.chance(0.8) ? rng.pick(favourites) : rng.pick(tasteCategories)
                let views = rng.int(1...4)
                var last = pickItem(category)
                for v in 0..<views {
                    last = pickItem(category)
                    events.append((time + Int64(v * 45), "view", items[last].id, 1, 0, channel, false))
                }
                if rng.chance(0.15) { events.append((time - 30, "search", "", 1, 0, channel, false)) }
                if rng.chance(0.35) {
                    let buyChannel = channel == "email" || channel == "sms" || channel == "push" ? "web" : channel
                    events.append((time + 300, "cart", items[last].id, 1, 0, buyChannel, false))
                    if rng.chance(0.75) {
                        let qty = rng.chance(0.85) ? 1 : 2
                        events.append((time + 420, "purchase", items[last].id, qty, items[last].price * Double(qty), buyChannel, false))
                        if rng.chance(0.04) { events.append((time + 420 + 20 * day, "return", items[last].id, 1, -items[last].price, buyChannel, false)) }
                        if rng.chance(0.2) { events.append((time + 420 + 10 * day, "rating", items[last].id, 1, Double(rng.int(3...5)), "web", false)) }
                    }
                }
                if consentEmail && rng.chance(0.3) {
                    events.append((time - 3600, "open", "", 1, 0, "email", false))
                    if rng.chance(0.4) { events.append((time - 3500, "click", items[pickItem(category)].id, 1, 0, "email", false)) }
                }
                t += rng.exponential(mean: sessionGapDays) * Double(day)
            }
            // Replenishment: the same product bought on a cycle with jitter.
            if let habit {
                let item = pickItem(habit)
                let cycle = Double(items[item].replenishDays ?? 30) * (0.8 + 0.4 * rng.unit())
                var r = Double(signup) + rng.unit() * cycle * Double(day)
                while r < Double(activeUntil) {
                    let ch = engaged == "email" ? "web" : engaged
                    events.append((Int64(r), "purchase", items[item].id, 1, items[item].price, ch, false))
                    r += max(5, rng.normal(mean: cycle, sd: cycle * 0.12)) * Double(day)
                }
            }
            // December gift spike: toys bought for others.
            if archetype == 2 || (archetype == 3 && rng.chance(0.6)) || rng.chance(0.08) {
                for year in [2024, 2025] {
                    guard let dec = ByteDate.days(year, 12, 1) else { continue }
                    let decStart = dec * day
                    guard decStart > signup, decStart < activeUntil else { continue }
                    for _ in 0..<rng.int(2...4) {
                        let toy = pickItem("Toys")
                        let when = decStart + Int64(rng.int(0...20)) * day + Int64(rng.int(32_400...72_000))
                        events.append((when - 200, "view", items[toy].id, 1, 0, "web", false))
                        events.append((when, "purchase", items[toy].id, 1, items[toy].price, "web", archetype == 3 && rng.chance(0.5)))
                    }
                }
            }
            events.sort { $0.time < $1.time }
            for e in events where e.time >= start && e.time < end + day {
                eventCount += 1
                eventsOut.row([String(format: "E%07d", eventCount), cid, isoDateTime(e.time), e.type, e.product,
                               String(e.qty), e.amount == 0 ? "0" : String(format: "%.2f", e.amount), e.channel,
                               e.gift ? "true" : ""])
            }
        }
        try customersOut.close()
        try eventsOut.close()
        try notesOut.close()
        return Output(directory: directory, customers: customers, products: items.count, events: eventCount, notes: noteCount)
    }

    func isoDate(_ t: Int64) -> String {
        let (y, m, d) = ByteDate.civil(fromDays: t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    func isoDateTime(_ t: Int64) -> String {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = Int(t - days * 86_400)
        let (y, m, d) = ByteDate.civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian, UTC).
enum ByteDate {
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int64? {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        return Int64(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
    }

    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = Int(z0) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let f = pow(10.0, Double(p))
        return (self * f).rounded() / f
    }
}
