import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// What a refresh reads and writes, the bookkeeping around it, and copying a store: the same
/// answers from each store.
@Suite("Refresh reads and bookkeeping")
struct RefreshBookkeepingTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        return t
    }

    @Test(arguments: Backend.available)
    func aRefreshReadsEveryCustomerAndEvent(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1"), c2 = try s.requireCustomer("C2"), c3 = try s.requireCustomer("C3")
        #expect(try s.allCustomers().map(\.externalId) == ["C1", "C2", "C3"])
        let keys = try s.customerKeys()
        #expect(keys == [c1, c2, c3] && keys == keys.sorted())
        _ = try s.customerKeyBounds()
        #expect(try s.existingCustomers([c3, c1, c3 + 1000]).sorted() == [c1, c3])
        #expect(try s.statedPreferenceValues() == ["Music/Jazz", "Bean & Co", "Music/Rock"])
        #expect(try s.allStatedPreferences().map(\.customerId) == [c1, c1, c1])

        var facts: [EventFact] = []
        try s.scanEvents { facts.append($0) }
        #expect(facts.count == 5 && Set(facts.map(\.customer)) == [c1, c2, c3])
        #expect(facts.filter(\.isGift).count == 1 && facts.map(\.amount).reduce(0, +) == 67.5)
        var ofC1: [EventFact] = []
        try s.scanEvents(customers: c1...c1) { ofC1.append($0) }
        #expect(ofC1.map(\.time).sorted() == [1_767_571_200, 1_767_607_200, 1_767_690_000])
        var perCustomer: [Int64: Int] = [:]
        try s.eventFacts(customers: keys[...]) { key, facts in perCustomer[key, default: 0] += facts.count }
        #expect(perCustomer == [c1: 3, c2: 1, c3: 1])

        let last = try s.lastEventKey()
        #expect(Set(facts.map(\.key)).contains(last) && facts.allSatisfy { $0.key <= last })
        #expect(try s.eventCount(after: 0) == 5 && s.eventCount(after: last) == 0)
        #expect(try s.latestEventTime() == DateParsing.timestamp("2026-02-01"))

        let rules = try s.ruleFacts(customers: [c1, c2])
        #expect(rules.customers.map(\.externalId).sorted() == ["C1", "C2"])
        #expect(rules.stated[c1]?.map(\.value) == ["Music/Jazz", "Bean & Co", "Music/Rock"])
        #expect(rules.metrics.isEmpty)
    }

    @Test(arguments: Backend.available)
    func figuresAndTheirCounts(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1"), c2 = try s.requireCustomer("C2"), c3 = try s.requireCustomer("C3")
        #expect(try s.customersWithoutMetrics() == [c1, c2, c3])
        _ = try s.writeMetrics(
            [
                MetricsRecord(
                    customerId: c1, orders: 2, recencyDays: 3, rfmSegment: "Champions", stage: "active", updatedAt: 1),
                MetricsRecord(
                    customerId: c3, orders: 1, recencyDays: 40, rfmSegment: "Champions", stage: "new", updatedAt: 1),
                MetricsRecord(customerId: c2, rfmSegment: "Lost", stage: "active", updatedAt: 1)
            ], replacingAll: true)
        #expect(try s.customersWithoutMetrics().isEmpty)
        var stored: [Int64] = []
        try s.forEachStoredMetrics { stored.append($0.customerId) }
        #expect(stored == [c1, c2, c3])
        #expect(try s.allMetrics().map(\.customerId) == [c1, c2, c3])
        #expect(try s.metrics(customer: c1)?.rfmSegment == "Champions")
        let counts = try s.segmentCounts()
        #expect(counts.rfm.map { "\($0.0)=\($0.1)" } == ["Champions=2", "Lost=1"])
        #expect(counts.stages.map { "\($0.0)=\($0.1)" } == ["active=2", "new=1"])
        #expect(try s.unknownRecencyCount(ListQuery()) == 1)
        #expect(
            try s.customerPage(ListQuery(sort: .recency), offset: 0, limit: 10).map(\.externalId) == [
                "C1", "C3", "C2"
            ])

        #expect(try s.scopeKeys(.all).sorted() == [c1, c2, c3])
        #expect(try s.scopeKeys(.rfmSegment("Champions")).sorted() == [c1, c3])
        #expect(try s.scopeKeys(.stage("new")) == [c3])
        try s.saveSegment(name: "coffee", rule: "likes category Coffee", memberCount: nil, by: t.actor)
        try s.replaceSegmentMembers(segment: "coffee", customers: [c2])
        #expect(try s.scopeKeys(.ruleSegment("coffee")) == [c2])
    }

    @Test(arguments: Backend.available)
    func activityAndAffinitiesRoundTrip(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1"), c2 = try s.requireCustomer("C2")
        #expect(try !s.hasActivity())
        let rows = [
            ActivityRow(customer: c1, segment: 3, clv12m: 12.5, pAlive: 0.25, bytes: [0, 1, 255]),
            ActivityRow(customer: c2, segment: nil, clv12m: nil, pAlive: nil, bytes: [])
        ]
        try s.writeActivity(rows, replacingAll: true, unlessChangedSince: nil)
        var back: [ActivityRow] = []
        try s.scanActivity { key, segment, clv, pAlive, bytes in
            back.append(ActivityRow(customer: key, segment: segment, clv12m: clv, pAlive: pAlive, bytes: Array(bytes)))
        }
        #expect(back == rows)
        var onlyC2: [Int64] = []
        try s.scanActivity(customers: c2...c2) { key, _, _, _, _ in onlyC2.append(key) }
        #expect(onlyC2 == [c2])
        #expect(try s.writeChangedActivity(rows) == 0)

        try s.writeAffinities([(c1, ["Coffee": 0.5]), (c2, ["Toys": -1])], replacingAll: true)
        #expect(try s.affinities() == [c1: ["Coffee": 0.5], c2: ["Toys": -1]])
        #expect(try s.affinities(customers: [c2]) == [c2: ["Toys": -1]])
        try s.writeModelState(["affinities_flag": Data("1".utf8)], now: t.actor.now)
        try s.clearAffinities(flag: "affinities_flag")
        #expect(try s.affinities().isEmpty && s.modelState("affinities_flag") == nil)
    }

    @Test(arguments: Backend.available)
    func importsLeaveRefreshMarksUntilARefreshClearsThem(_ backend: Backend) throws {
        let t = try loaded(backend)
        let marks = try t.store.refreshPendingAll()
        #expect(marks.map(\.file).sorted() == ["customers.csv", "events.csv", "products.csv"])
        #expect(marks.allSatisfy { $0.time == t.actor.now })
        #expect(try t.store.refreshPending() == marks.first)
        try t.store.clearRefreshPending(Array(marks.prefix(2)))
        #expect(try t.store.refreshPendingAll() == [marks[2]])
        try t.store.clearRefreshPending(try t.store.refreshPendingAll())
        #expect(try t.store.refreshPendingAll().isEmpty)
    }

    @Test(arguments: Backend.available)
    func segmentsModelStateAndTheirAudit(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        try s.saveSegment(name: "zeta", rule: "orders >= 1", memberCount: 2, by: t.actor)
        try s.saveSegment(name: "alpha", rule: "orders >= 2", memberCount: nil, by: t.actor)
        #expect(try s.segments().map(\.name) == ["alpha", "zeta"])
        #expect(try s.segment(named: "zeta")?.memberCount == 2)
        try s.deleteSegment(name: "alpha", by: t.actor)
        #expect(try s.segments().map(\.name) == ["zeta"] && s.segment(named: "alpha") == nil)
        #expect(try s.counts().segments == 1)

        try s.setModelState("tuning", Data([1, 2, 3]), action: .tuneRecommender, details: ["k": "v"], by: t.actor)
        #expect(try s.modelState("tuning") == Data([1, 2, 3]))
        let actions = try s.auditEntries().map(\.action)
        #expect(Array(actions.prefix(3)) == ["tune_recommender", "segment.delete", "segment.save"])
        #expect(try s.auditCount(customer: nil) == actions.count)
    }

    /// Copying a store: its notes and audit log go over as they are, in order.
    @Test(arguments: Backend.available)
    func notesAndAuditCopyAcross(_ backend: Backend) throws {
        let t = try loaded(backend)
        let c1 = try t.store.requireCustomer("C1"), c2 = try t.store.requireCustomer("C2")
        let n1 = try t.store.addNote(customer: c2, text: "first", by: t.actor)
        let n2 = try t.store.addNote(customer: c1, text: "second", by: t.actor)
        #expect(try t.store.allNotes().map(\.id) == [n1, n2])
        #expect(try t.store.auditCount(customer: c1) == t.store.auditEntries(customer: c1).count)
        #expect(try t.store.auditCount(customer: c1) == 1)

        let copy = try TempStore(backend)
        let entries = try t.store.auditEntries()
        try copy.store.appendAudit(entries.reversed())
        let copied = try copy.store.auditEntries()
        #expect(copied.map(\.action) == entries.map(\.action))
        #expect(copied.map(\.analyst) == entries.map(\.analyst) && copied.map(\.details) == entries.map(\.details))
        #expect(copied.map(\.customerRef) == entries.map(\.customerRef))
        #expect(try copy.store.auditCount(customer: nil) == entries.count)
    }

    @Test(arguments: Backend.available)
    func lifecycle(_ backend: Backend) throws {
        let t = try loaded(backend)
        #expect(!t.store.isReadOnly)
        t.store.onBusy {}
        let other = try t.open()
        let busy = StoreActivity(analyst: "ana", action: "import", fraction: 0.5)
        t.store.announce(busy)
        #expect(other.currentActivity()?.action == "import")
        t.store.announce(nil)
        #expect(other.currentActivity() == nil)
        try other.closeStore()

        try t.store.compact()
        try t.store.checkpointAndClose()
        let reopened = try t.open(readOnly: true)
        #expect(reopened.isReadOnly && reopened.path == t.store.path)
        #expect(try reopened.counts().events == 5)
        #expect(throws: StoreError.readOnly) { try reopened.compact() }
    }
}
