import Foundation
import RapportEngine

/// Writes a realistic, deterministic sample of customers, products, events and notes as
/// CSV files. The same seed and sizes always give the same bytes.
///
/// The data exercises what Rapport shows: steady tastes, December gift spikes (parents who
/// buy jazz for themselves and toys in December), replenishment cycles (coffee, pet food,
/// contact lenses), customers who lapse, customers without personalization consent, stated
/// channels that differ from engagement, stated likes and dislikes, agent notes, names with
/// accents and CJK characters, and one name carrying a terminal escape sequence.
///
/// With `products` set, the catalogue is shaped like a shop's (see `SampleCatalogue.shop`):
/// a category tree, long-tail popularity, presents with gift notes, and identical order
/// lines without event ids. Without it, the classic catalogue of the bundled sample.
public struct SampleGenerator: Sendable {
    public var customers: Int
    /// Average events per customer over the two years.
    public var eventsPerCustomer: Double
    public var seed: UInt64
    /// The last day of the sample (Unix seconds, midnight UTC): data covers the two years before.
    public var end: Int64
    /// Products in a shop-shaped catalogue; nil for the classic 300-product catalogue.
    public var products: Int?
    /// Generated B2B accounts beyond the few every sample has (`SampleAccounts`).
    public var accounts = 0
    /// Members of the first generated account (a benchmark's large account), primary ones, drawn
    /// from the first customers; 0: as many as the others.
    public var largeAccountMembers = 0

    public static let defaultEnd: Int64 = 1_793_404_800 // 2026-10-31T00:00:00Z
    /// The smallest shop catalogue: one product on every shelf of the category tree.
    public static var minimumProducts: Int { SampleCatalogue.shopMinimum }

    public init(
        customers: Int, eventsPerCustomer: Double = 50, seed: UInt64 = 42,
        end: Int64 = SampleGenerator.defaultEnd, products: Int? = nil
    ) {
        self.customers = customers
        self.eventsPerCustomer = eventsPerCustomer
        self.seed = seed
        self.end = end
        self.products = products
    }

    public struct Output: Sendable {
        public var directory: String
        public var customers: Int
        public var products: Int
        /// The rows of `events.csv` and `b2b-orders.csv`: every event the files hold.
        public var events: Int
        public var notes: Int
        /// B2B accounts written (the sample's few plus any generated).
        public var accounts = 0
        public var summary: String {
            "\(customers) customers, \(products) products, \(events) events, \(notes) notes"
        }
        public var files: [String] {
            [
                "customers.csv", "products.csv", "accounts.csv", "memberships.csv", "events.csv", "notes.csv",
                "b2b-orders.csv"
            ].map {
                directory + "/" + $0
            }
        }
    }

    /// Writes the six CSV files (with accounts and memberships) into `directory` (created if needed), streaming: one
    /// customer's events at a time. `progress` hears how many customers are done, now and then.
    public func write(to directory: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Output {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: seed)
        let catalogue = products.map { SampleCatalogue.shop(count: $0, &rng) } ?? SampleCatalogue.classic(&rng)
        try writeProducts(catalogue, to: directory + "/products.csv")
        var writer = try SampleWriter(directory: directory, catalogue: catalogue, start: end - 730 * 86_400, end: end)
        let b2b = SampleAccounts(
            extra: accounts, customers: customers, seed: seed, largeAccountMembers: largeAccountMembers)
        let orders = try b2b.write(to: directory, catalogue: catalogue, end: end)
        let activity = SampleActivity(catalogue: catalogue, scale: eventsPerCustomer / 50)
        var events: [SampleEvent] = []
        for c in 0..<customers {
            let persona = writer.customer(c, &rng)
            events.removeAll(keepingCapacity: true)
            activity.events(persona, &rng, into: &events)
            activity.recommendations(seed: seed ^ (0x5EC0_0000 &+ UInt64(c) &* 0x9E37_79B9), into: &events)
            writer.events(events)
            if c % 4096 == 4095 { progress?(c + 1, customers) }
        }
        progress?(customers, customers)
        try writer.close()
        return Output(
            directory: directory, customers: customers, products: catalogue.items.count,
            // The B2B orders are events too (`b2b-orders.csv`): the summary counts every file.
            events: writer.eventCount + orders, notes: writer.noteCount, accounts: b2b.accounts.count)
    }

    private func writeProducts(_ catalogue: SampleCatalogue, to path: String) throws {
        let out = try CSVWriter(
            path: path,
            header: [
                "product_id", "title", "category", "brand", "price",
                "replenish_days"
            ])
        for it in catalogue.items {
            out.row([
                it.id, it.title, catalogue.categories[it.category], it.brand, SampleWriter.money(it.price),
                it.replenishDays.map(String.init) ?? ""
            ])
        }
        try out.close()
    }
}
