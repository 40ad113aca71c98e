import Foundation
@testable import RapportService
import RapportVocabulary
@testable import RapportApp

/// What a fixture client was not given: a test that reaches it sees this failure on screen.
struct NotInFixture: Error, CustomStringConvertible {
    let operation: String
    var description: String { "not in this fixture: \(operation)" }
}

extension ExplorerClient {
    /// A client whose every operation fails as not in the fixture; a test sets what it uses.
    static var unimplemented: ExplorerClient {
        @Sendable func missing(_ name: String) -> NotInFixture { NotInFixture(operation: name) }
        return ExplorerClient(
            customerCount: { _, _ in throw missing("customerCount") },
            customerPage: { _, _, _, _ in throw missing("customerPage") },
            findCustomer: { _ in throw missing("findCustomer") },
            customerExists: { _ in throw missing("customerExists") },
            profile: { _ in throw missing("profile") },
            history: { _ in throw missing("history") },
            evidence: { _, _, _ in throw missing("evidence") },
            countHistory: { _, _ in throw missing("countHistory") },
            setGift: { _, _, _, _ in throw missing("setGift") },
            clearHistory: { _, _ in throw missing("clearHistory") },
            addNote: { _, _ in throw missing("addNote") },
            exportToFile: { _, _, _ in throw missing("exportToFile") },
            forget: { _ in throw missing("forget") },
            refresh: { _ in throw missing("refresh") },
            segmentSummaries: { throw missing("segmentSummaries") },
            parseRule: { _ in throw missing("parseRule") },
            countMembers: { _ in throw missing("countMembers") },
            ruleWarnings: { _ in throw missing("ruleWarnings") },
            createSegment: { _, _ in throw missing("createSegment") },
            updateSegment: { _, _ in throw missing("updateSegment") },
            deleteSegment: { _ in throw missing("deleteSegment") },
            metrics: { _ in throw missing("metrics") },
            cachedMetrics: { throw missing("cachedMetrics") },
            metricsList: { _, _, _, _, _ in throw missing("metricsList") },
            writeStamp: { throw missing("writeStamp") })
    }

    /// A store-free client over canned view models: the list (in name order, filtered and sorted
    /// in memory), profiles, histories and segments; the write stamp never changes. Writes,
    /// rules, evidence and metrics are not in it (set them on the result when a test needs them).
    static func fixture(
        customers: [CustomerListItem], profiles: [Int64: ProfileReport] = [:], histories: [Int64: [HistoryEvent]] = [:],
        segments: [SegmentSummary] = []
    ) -> ExplorerClient {
        @Sendable func listed(_ q: ListQuery) -> [CustomerListItem] {
            let text = q.text.trimmingCharacters(in: .whitespaces)
            let rows = customers.filter { c in
                // As the store: three characters or more anywhere in a name, email or id; one or
                // two at the start of the name.
                (text.isEmpty
                    || (text.count < 3
                        ? c.name?.range(of: text, options: [.caseInsensitive, .anchored]) != nil
                        : [c.name, c.email, c.externalId].contains {
                            $0?.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
                        }))
                    && (q.segment == nil || c.segment == q.segment) && (q.stage == nil || c.stage == q.stage)
                    && (q.keys == nil || q.keys?.contains(c.key) == true)
            }
            // Ties in key order, as the store's indexes break them; segments and stages by key
            // (the store ranks them: not modelled here).
            func by<T: Comparable>(_ f: (CustomerListItem) -> T) -> [CustomerListItem] {
                rows.sorted { (f($0), $0.key) < (f($1), $1.key) }
            }
            let sorted: [CustomerListItem]
            switch q.sort {
            case .name: sorted = rows
            case .id: sorted = by(\.externalId)
            case .spend: sorted = by { -($0.spend ?? 0) }
            case .orders: sorted = by { -($0.orders ?? 0) }
            case .recency: sorted = by { $0.recencyDays ?? .max }
            case .clv: sorted = by { -($0.clv ?? 0) }
            case .segment, .stage: sorted = by(\.key)
            }
            // Never-bought customers (no recency) come last both ways, as the store lists them.
            if q.sort == .recency && q.reversed {
                return sorted.filter { $0.recencyDays != nil }.reversed() + sorted.filter { $0.recencyDays == nil }
            }
            return q.reversed ? sorted.reversed() : sorted
        }
        var c = ExplorerClient.unimplemented
        c.customerCount = { q, cap in min(listed(q).count, cap ?? .max) }
        c.customerPage = { q, offset, limit, _ in Array(listed(q).dropFirst(offset).prefix(limit)) }
        c.findCustomer = { id in customers.first { $0.externalId == id }?.key }
        c.customerExists = { key in customers.contains { $0.key == key } }
        c.profile = { key in
            guard let p = profiles[key] else { throw NotInFixture(operation: "profile \(key)") }
            return p
        }
        c.history = { key in
            guard let h = histories[key] else { throw NotInFixture(operation: "history \(key)") }
            return h
        }
        c.countHistory = { key, window in
            guard let h = histories[key] else { throw NotInFixture(operation: "history \(key)") }
            return h.filter { window.holds($0) }.count
        }
        c.segmentSummaries = { segments }
        c.writeStamp = { "fixture" }
        return c
    }
}

/// The shop of `Harness` (four customers) as canned view models: what its store answers after
/// the import, recorded in Tests/Fixtures/explorer-shop.json (`FixtureTests` checks the two agree).
enum Fixtures {
    struct Shop: Decodable {
        var customers: [CustomerListItem]
        var profiles: [String: ProfileReport]
        var histories: [String: [HistoryEvent]]
        var segments: [SegmentSummary]
        /// Everyone's figures (`everyone`) and one segment's, as the segments screen names it.
        var metrics: [String: BusinessMetrics]
        /// The customers of each cohort and migration cell of everyone's figures.
        var cohortMembers: [String: [Int64]]
        var migrationMembers: [Migration]

        struct Migration: Decodable {
            var from: String?
            var to: String
            var keys: [Int64]
        }
    }

    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/explorer-shop.json")

    static let shop: Shop = {
        do {
            return try JSONDecoder().decode(Shop.self, from: try Data(contentsOf: path))
        } catch { fatalError("\(path.path): \(error)") }
    }()

    /// The key of a customer of the shop.
    static func key(_ id: String) -> Int64 { shop.customers.first { $0.externalId == id }!.key }

    /// The time of the shop's latest event (the store's as-of).
    static var asOf: Int64 { shop.histories.values.flatMap { $0.map(\.time.seconds) }.max()! }

    /// The shop's client: the list, every profile and history, the segments. `notes`: notes on
    /// the profiles as if added by the harness analyst at the harness clock (numbered from 1,
    /// as the first notes of an empty store's note table are, in the order of `notes`' keys).
    static func client(notes: [String: [String]]) -> ExplorerClient {
        var profiles = shop.profiles
        var number: Int64 = 0
        for (id, texts) in notes.sorted(by: { $0.key < $1.key }) {
            let k = String(key(id))
            profiles[k]?.notes += texts.map {
                number += 1
                return NoteView(time: Timestamp(Harness.now), analyst: "tester", text: $0, key: number)
            }
        }
        return .fixture(
            customers: shop.customers,
            profiles: Dictionary(uniqueKeysWithValues: profiles.map { (Int64($0.key)!, $0.value) }),
            histories: Dictionary(uniqueKeysWithValues: shop.histories.map { (Int64($0.key)!, $0.value) }),
            segments: shop.segments)
    }

    static var client: ExplorerClient { client(notes: [:]) }

    /// The shop's client with its business metrics: everyone's (also the cached figures) and
    /// rfm:champions', and the customers of everyone's cells over the default window.
    static var withMetrics: ExplorerClient {
        var c = client
        let everyone = shop.metrics["everyone"]!
        c.metrics = { segment in
            guard let m = shop.metrics[segment ?? "everyone"] else {
                throw NotInFixture(operation: "metrics of \(segment ?? "")")
            }
            return m
        }
        c.cachedMetrics = { everyone }
        c.metricsList = { cell, since, until, segment, sort in
            // The default window, named or not, as the screen asks for it.
            let window = (Dates.timestamp(everyone.since), Dates.timestamp(everyone.until))
            guard since == nil || since == window.0, until == nil || until == window.1, segment == nil else {
                throw NotInFixture(operation: "metricsList of another window or a segment")
            }
            switch cell {
            case .segment(let name): return ListQuery(segment: name, sort: sort)
            case .cohort(let month):
                guard let keys = shop.cohortMembers[month] else { throw NotInFixture(operation: "cohort \(month)") }
                return ListQuery(sort: sort, keys: keys, keysLabel: "first purchase in \(month)")
            case .migration(let from, let to):
                guard let m = shop.migrationMembers.first(where: { $0.from == from && $0.to == to }) else {
                    throw NotInFixture(operation: "migration \(from ?? "new buyers") → \(to)")
                }
                return ListQuery(sort: sort, keys: m.keys, keysLabel: "\(from ?? "new buyers") → \(to)")
            }
        }
        return c
    }
}

extension HistoryWindow {
    /// Whether the window takes this event, as the store counts and clears it.
    func holds(_ e: HistoryEvent) -> Bool {
        since.map { e.time.seconds >= $0 } ?? true && types.map { $0.contains(e.type.rawValue) } ?? true
    }
}
