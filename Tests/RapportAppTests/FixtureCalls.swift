import Foundation
import RapportEngine
@testable import RapportService
import RapportStore
import RapportVocabulary
@testable import RapportApp

/// What a fixture client was asked to do, in order: the writes a screen test checks were made
/// (shared between the effect's worker thread and the test).
final class FixtureCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [String] = []

    func add(_ call: String) { lock.withLock { calls.append(call) } }
    var all: [String] { lock.withLock { calls } }
}

/// Rule segments a fixture client saved, listed after the shop's segments.
final class SavedSegments: @unchecked Sendable {
    private let lock = NSLock()
    private var saved: [SegmentSummary] = []

    func add(_ s: SegmentSummary) { lock.withLock { saved.append(s) } }
    var all: [SegmentSummary] { lock.withLock { saved } }
}

extension Fixtures {
    /// The shop's client with rule segments: a rule parses as the service parses it (the
    /// engine's parser, its error prefixed `rule:`), selects `members` customers and carries
    /// `warnings`; a new segment saves with those and is listed after the shop's. Saves are
    /// recorded in `calls`.
    static func withRules(members: Int = 2, warnings: [String] = [], calls: FixtureCalls = FixtureCalls())
        -> ExplorerClient
    {
        var c = client
        c.parseRule = { text in
            do { return try Rule(parsing: text) } catch { throw StoreError.invalidArgument("rule: \(error)") }
        }
        c.countMembers = { _ in members }
        c.ruleWarnings = { _ in warnings }
        let saved = SavedSegments()
        c.segmentSummaries = { shop.segments + saved.all }
        c.createSegment = { name, rule in
            calls.add("createSegment \(name): \(rule)")
            saved.add(
                SegmentSummary(
                    name: name, kind: .rule, rule: rule, members: members,
                    share: Double(members) / Double(shop.customers.count)))
            return SegmentSaved(members: members, replaced: false, warnings: warnings)
        }
        return c
    }

    /// The shop's list with one more customer, as an import of `row` would add it (no events:
    /// no recency, orders or spend) and in name order, and that customer's profile: `profile` edits a copy of
    /// Anna Côté's (C4) with the new key and id.
    static func withCustomer(
        _ row: CustomerListItem, profile edit: (inout ProfileReport) -> Void = { _ in }
    ) -> ExplorerClient {
        var profiles = Dictionary(uniqueKeysWithValues: shop.profiles.map { (Int64($0.key)!, $0.value) })
        var p = profiles[key("C4")]!
        p.customer.key = row.key
        p.customer.id = row.externalId
        p.customer.name = row.name
        p.customer.email = row.email
        p.customer.phone = nil
        p.customer.city = nil
        p.notes = []
        edit(&p)
        profiles[row.key] = p
        // In name order, where the store lists it.
        var customers = shop.customers
        customers.insert(row, at: customers.firstIndex { ($0.name ?? "") > (row.name ?? "") } ?? customers.count)
        return .fixture(
            customers: customers, profiles: profiles,
            histories: Dictionary(uniqueKeysWithValues: shop.histories.map { (Int64($0.key)!, $0.value) }),
            segments: shop.segments)
    }

    /// The shop's client with one customer's history edited (`id`: their external id).
    static func client(editingHistoryOf id: String, _ edit: (inout [HistoryEvent]) -> Void) -> ExplorerClient {
        var histories = Dictionary(uniqueKeysWithValues: shop.histories.map { (Int64($0.key)!, $0.value) })
        edit(&histories[key(id), default: []])
        return .fixture(
            customers: shop.customers,
            profiles: Dictionary(uniqueKeysWithValues: shop.profiles.map { (Int64($0.key)!, $0.value) }),
            histories: histories, segments: shop.segments)
    }

    /// An account as `rapport account ID --json` gives it, with what a test sets; figures empty.
    static func accountView(
        _ id: String, _ name: String, children: [String] = [], path: [(id: String, name: String)] = [],
        members: [AccountMemberView] = [], coverage: Double? = nil, missingRoles: [String] = [],
        cadence: [AccountCadenceView] = []
    ) -> AccountView {
        let none = AccountScopeView(AccountScopeFigures())
        return AccountView(
            id: id, name: name, kind: path.isEmpty ? "company" : "department", parent: path.last?.id,
            path: path.map(\.id), pathNames: path.map(\.name), children: children, domain: nil, industry: nil,
            tier: nil, reportingCadence: nil, sla: nil, members: members,
            figures: AccountFiguresView(individual: none, children: none, total: none), revenue12m: 0, pAlive: nil,
            expectedOrders90d: nil, clv: nil, engagement: 0, engagementPrevious: 0, trend: "flat",
            coverage: coverage, missingRoles: missingRoles, requiredRoles: ["buyer", "decision_maker"],
            cadence: cadence, recommendations: [], computed: true, notes: [])
    }
}
