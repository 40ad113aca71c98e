import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// The store's half of "as it stood on D": gift corrections read back from the audit log, the
/// gift state they give on a day, and kept model fits found by the day they were in force.
@Suite("As it stood on a past day: the store")
struct StoodOnStoreTests {
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        _ = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        _ = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        return t
    }

    @Test(arguments: Backend.available)
    func giftCorrectionsGiveTheStateInForceOnEachDay(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1")
        let day: Int64 = 86_400
        let jan10 = DateParsing.timestamp("2026-01-10")!
        // E1 flagged on 10 January, unflagged on the 20th; E3 (imported as a gift) unflagged on the 15th.
        try s.setGift(event: "E1", isGift: true, note: "for her son", by: Actor(analyst: "a", now: jan10))
        try s.setGift(event: "E3", isGift: false, note: nil, by: Actor(analyst: "a", now: jan10 + 5 * day))
        try s.setGift(event: "E1", isGift: false, note: nil, by: Actor(analyst: "a", now: jan10 + 10 * day))
        let corrections = try s.giftCorrections(customer: c1)
        #expect(corrections.values.map(\.count).sorted() == [1, 2])
        #expect(try s.giftCorrections(customer: nil).count == 2)
        #expect(try s.giftCorrections(customer: try s.requireCustomer("C2")).isEmpty)

        func gifts(_ moment: Int64, _ basis: CorrectionsBasis = .then) throws -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: try s.events(customer: c1, stoodOn: moment, corrections: basis)
                    .filter(\.isGift).map { ($0.externalId ?? "", $0.giftNote ?? "-") })
        }
        // Before any correction: as imported (E3 a gift, E1 not).
        #expect(try gifts(jan10 - 1) == ["E3": "-"])
        #expect(try gifts(jan10) == ["E1": "for her son", "E3": "-"])
        #expect(try gifts(jan10 + 5 * day) == ["E1": "for her son"])
        #expect(try gifts(jan10 + 10 * day).isEmpty)
        // Today's corrections applied to the events up to the 5th: nothing is a gift today.
        #expect(try gifts(jan10 - 1, .today).isEmpty)
        // Only the events up to the moment.
        #expect(
            try s.events(customer: c1, stoodOn: DateParsing.timestamp("2026-01-05")!, corrections: .then).count == 1)
    }

    @Test(arguments: Backend.available)
    func anUndoneOrRepeatedGiftFlagGivesTheStateOfEachDay(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1")
        let day: Int64 = 86_400
        let jan10 = DateParsing.timestamp("2026-01-10")!
        // E3 was imported as a gift: flagging it again on the 10th changes nothing, so before the
        // 10th it was still a gift. E1 flagged on the 12th, the flag undone on the 14th, redone on the 16th.
        try s.setGift(event: "E3", isGift: true, note: "again", by: Actor(analyst: "a", now: jan10))
        try s.setGift(event: "E1", isGift: true, note: "for her son", by: Actor(analyst: "a", now: jan10 + 2 * day))
        #expect(try s.undoLast(by: Actor(analyst: "a", now: jan10 + 4 * day))?.kind == .giftFlag)
        #expect(try s.redoLast(by: Actor(analyst: "a", now: jan10 + 6 * day))?.kind == .giftFlag)
        func gifts(_ moment: Int64) throws -> [String] {
            try s.events(customer: c1, stoodOn: moment, corrections: .then).filter(\.isGift)
                .compactMap(\.externalId).sorted()
        }
        #expect(try gifts(jan10 - 1) == ["E3"])
        #expect(try gifts(jan10 + 3 * day) == ["E1", "E3"])
        #expect(try gifts(jan10 + 5 * day) == ["E3"])
        #expect(try gifts(jan10 + 7 * day) == ["E1", "E3"])
        #expect(
            try s.events(customer: c1, stoodOn: jan10 + 7 * day, corrections: .then).first { $0.externalId == "E1" }?
                .giftNote == "for her son")
    }

    @Test(arguments: Backend.available)
    func notesWrittenAfterTheMomentAreAbsent(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        let c1 = try s.requireCustomer("C1")
        try s.addNote(customer: c1, text: "first", by: Actor(analyst: "a", now: 1_000))
        try s.addNote(customer: c1, text: "second", by: Actor(analyst: "a", now: 2_000))
        #expect(try s.notes(customer: c1, stoodOn: 1_500).map(\.text) == ["first"])
        #expect(try s.notes(customer: c1, stoodOn: 2_000).map(\.text) == ["second", "first"])
    }

    @Test(arguments: Backend.available)
    func keptFitsAreFoundByTheDayTheyWereInForce(_ backend: Backend) throws {
        let t = try loaded(backend)
        let s = t.store
        func fit(_ basis: ModelFitBasis, asOf: Int64, at: Int64, key: Int64 = 0) -> StoredModelFit {
            StoredModelFit(
                basis: basis, moment: basis == .refresh ? at : asOf + 50, asOf: asOf, fittedAt: at, events: 5,
                lastEventKey: key, engine: Data("{\(at)}".utf8),
                items: Data([1, 2, 3]))
        }
        #expect(try s.modelFitInForce(at: 5_000) == nil)
        let first = try s.appendModelFit(fit(.refresh, asOf: 900, at: 1_000))
        let second = try s.appendModelFit(fit(.refresh, asOf: 1_900, at: 2_000))
        _ = try s.appendModelFit(fit(.then, asOf: 500, at: 3_000, key: try s.lastEventKey()))
        #expect(try s.modelFitInForce(at: 999) == nil)
        #expect(try s.modelFitInForce(at: 1_500)?.id == first)
        let inForce = try #require(try s.modelFitInForce(at: 2_500))
        #expect(inForce.id == second && inForce.engine == Data("{2000}".utf8) && inForce.items == Data([1, 2, 3]))
        #expect(try s.modelFitMadeFor(550, basis: .then)?.fittedAt == 3_000)
        #expect(try s.modelFitMadeFor(550, basis: .today) == nil && s.modelFitMadeFor(500, basis: .then) == nil)
        #expect(try s.modelFitHistory().map(\.basis) == [.refresh, .refresh, .then])
        // Events up to a moment that arrived after a fit's last key: none yet, then one.
        let last = try s.lastEventKey()
        let feb1 = DateParsing.timestamp("2026-02-01")!
        #expect(try !s.eventsArrived(after: last, through: feb1))
        #expect(try s.eventsArrived(after: last - 1, through: feb1))
        #expect(try !s.eventsArrived(after: last - 1, through: feb1 - 1))
        #expect(try s.eventCount(after: 0, through: feb1 - 1) == 4)
        let through = try s.eventCount(through: feb1 - 1)
        #expect(through.events == 4 && through.newest == DateParsing.timestamp("2026-01-06T09:00:00Z"))
        #expect(try s.newestEventTime(after: 0, through: feb1) == feb1)
        #expect(try s.newestEventTime(after: last, through: feb1) == nil)
    }

    @Test func anItemModelSurvivesItsPacking() {
        let lists: [Int64: [(product: Int64, weight: Double)]] = [3: [(7, 0.25), (9, -1e-9)], 1: [], 8: [(3, 1.0 / 3)]]
        let (back, flags) = ModelFitItems.decode(ModelFitItems.encode(lists, boughtTogether: Data([9, 8])))
        #expect(flags == Data([9, 8]))
        #expect(back.mapValues { $0.map(\.product) } == lists.mapValues { $0.map(\.product) })
        #expect(back.mapValues { $0.map(\.weight) } == lists.mapValues { $0.map(\.weight) })
    }

    @Test func theFirstCorrectionAfterTheMomentTellsTheImportedState() {
        let flagged = GiftCorrection(customer: 1, event: 1, time: 100, isGift: true, note: "n")
        #expect(GiftStateOn.state(today: (true, "n"), corrections: [flagged], moment: 99) == (false, nil))
        #expect(GiftStateOn.state(today: (true, "n"), corrections: [flagged], moment: 100) == (true, "n"))
        #expect(GiftStateOn.state(today: (false, nil), corrections: [], moment: 0) == (false, nil))
    }
}
