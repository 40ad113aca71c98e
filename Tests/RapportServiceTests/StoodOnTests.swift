import Foundation
import RapportEngine
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// A clock the test moves: corrections are made "on" chosen days.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ now: Int64) { value = now }
    var now: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// The bundled sample's files, read from the source tree.
enum SampleFiles {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData")

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: dir.appendingPathComponent("\(name).csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Event rows: (id, customer, time, type, gift).
    static func events() throws -> [(line: String, id: String, customer: String, time: Int64, type: String, gift: Bool)]
    {
        try lines("events").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (line, f[0], f[1], Dates.timestamp(f[2])!, f[3], f[8] == "true")
        }
    }
}

/// One gift correction or note made by an analyst on a day, replayed into the reference stores.
enum Correction {
    case gift(event: String, isGift: Bool, note: String?, at: Int64)
    case note(customer: String, text: String, at: Int64)

    var time: Int64 {
        switch self {
        case .gift(_, _, _, let at), .note(_, _, let at): at
        }
    }

    func apply(_ ws: Workspace, _ clock: TestClock) throws {
        clock.now = time
        switch self {
        case .gift(let event, let isGift, let note, _): _ = try ws.setGift(event: event, isGift: isGift, note: note)
        case .note(let customer, let text, _): try ws.addNote(customer: try ws.customerKey(customer), text: text)
        }
    }
}

/// `profile --as-of D` is the profile of a store into which only the events up to D were
/// imported, with the corrections made by D replayed (issue 22's known answer): every field,
/// reasons and evidence included, but the `as_stood_on` block that says which it is.
@Suite("Profiles as they stood on a past day", .serialized)
struct StoodOnTests {
    /// After every correction and every event: fits made "now" are in force on no past day.
    static let late: Int64 = 1_900_000_000

    static func workspace(_ backend: Backend, _ clock: TestClock) throws -> (Workspace, () -> Void) {
        let (location, cleanup) = try backend.makeStore()
        let ws = Workspace(store: try backend.open(location), analyst: "tester", clock: { clock.now })
        ws.autoTune = false
        return (ws, cleanup)
    }

    /// Seeded corrections: gifts flagged (some unflagged again later) and sample gifts unflagged,
    /// each some days after its purchase, and notes.
    static func corrections(
        _ events: [(line: String, id: String, customer: String, time: Int64, type: String, gift: Bool)],
        _ rng: inout SeededRandom
    ) -> [Correction] {
        let purchases = events.filter { $0.type == "purchase" }
        var out: [Correction] = []
        // Each event is corrected by one chain only, so the state before its first correction
        // is the imported one.
        var used = Set<String>()
        for _ in 0..<40 {
            let e = purchases[Int(rng.next() % UInt64(purchases.count))]
            guard used.insert(e.id).inserted else { continue }
            let at = e.time + Int64(rng.next() % (60 * 86_400))
            out.append(.gift(event: e.id, isGift: !e.gift, note: e.gift ? nil : "for a friend", at: at))
            if rng.next() % 3 == 0 {
                out.append(.gift(event: e.id, isGift: e.gift, note: nil, at: at + Int64(rng.next() % (90 * 86_400))))
            }
        }
        for _ in 0..<20 {
            let e = events[Int(rng.next() % UInt64(events.count))]
            out.append(.note(customer: e.customer, text: "called about an order", at: e.time + 3_600))
        }
        return out.sorted { $0.time < $1.time }
    }

    /// The reference: a new store with the sample's customers and products, its events and notes
    /// up to `moment`, and the corrections made by then, replayed on their days; then refreshed.
    static func reference(
        _ backend: Backend, moment: Int64, corrections: [Correction], clock: TestClock, dir: URL
    ) throws -> (Workspace, () -> Void) {
        let (ws, cleanup) = try workspace(backend, clock)
        let events = try SampleFiles.lines("events")
        let kept =
            [events[0]]
            + events.dropFirst().filter { line in
                Dates.timestamp(String(line.split(separator: ",", omittingEmptySubsequences: false)[2]))! <= moment
            }
        let notes = try SampleFiles.lines("notes")
        let keptNotes =
            [notes[0]]
            + notes.dropFirst().filter { line in
                Dates.timestamp(String(line.split(separator: ",", omittingEmptySubsequences: false)[1]))! <= moment
            }
        let eventsPath = dir.appendingPathComponent("events.csv")
        let notesPath = dir.appendingPathComponent("notes.csv")
        try (kept.joined(separator: "\n") + "\n").write(to: eventsPath, atomically: true, encoding: .utf8)
        try (keptNotes.joined(separator: "\n") + "\n").write(to: notesPath, atomically: true, encoding: .utf8)
        clock.now = late
        _ = try ws.importFiles(
            [
                SampleFiles.dir.appendingPathComponent("customers.csv").path,
                SampleFiles.dir.appendingPathComponent("products.csv").path, eventsPath.path, notesPath.path
            ], options: ImportOptions(analyst: "tester", keepColumns: ["loyalty_tier"]))
        for c in corrections where c.time <= moment { try c.apply(ws, clock) }
        clock.now = late
        try ws.refresh()
        return (ws, cleanup)
    }

    static func json(_ p: ProfileReport) throws -> String {
        var p = p
        p.asStoodOn = nil
        // A note's key is the store's own number: the reference store, holding fewer notes, numbers them apart.
        for i in p.notes.indices { p.notes[i].key = nil }
        return String(decoding: try JSONEncoder.pretty.encode(p), as: UTF8.self)
    }

    /// 5 seeded calendar days × 20 customers with events by then = 100 pairs on SQLite (each day
    /// needs its own reference store, the costly part); 1 day × 10 on PostgreSQL, where loading
    /// the sample three times takes minutes.
    @Test(arguments: Backend.available)
    func aProfileAsOfADayIsTheProfileOfAStoreWithOnlyWhatWasKnownThen(_ backend: Backend) throws {
        let clock = TestClock(Self.late)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-stood-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (main, cleanup) = try Self.workspace(backend, clock)
        defer { cleanup() }
        try main.loadBundledSample()
        var rng = SeededRandom(seed: 20_261_207)
        let events = try SampleFiles.events()
        let corrections = Self.corrections(events, &rng)
        for c in corrections { try c.apply(main, clock) }
        clock.now = Self.late
        let days = backend == .sqlite ? 5 : 1
        let perDay = backend == .sqlite ? 20 : 10
        var compared = 0
        for _ in 0..<days {
            // A calendar day in the sample's span, as `--as-of YYYY-MM-DD` gives it (its last second).
            let first = events.map(\.time).min()!, last = events.map(\.time).max()!
            let day = first + Int64(rng.next() % UInt64(last - first))
            let moment = try #require(PointInTime.parse(Dates.isoDate(day))).moment
            let (reference, done) = try Self.reference(
                backend, moment: moment, corrections: corrections, clock: clock, dir: dir)
            defer { done() }
            let known = Array(Set(events.filter { $0.time <= moment }.map(\.customer))).sorted()
            let corrected = corrections.compactMap { c -> String? in
                guard case .gift(let event, _, _, let at) = c, at <= moment else { return nil }
                return events.first { $0.id == event }?.customer
            }
            var chosen = Array(Set(corrected)).sorted().prefix(perDay / 2).map { $0 }
            while chosen.count < perDay { chosen.append(known[Int(rng.next() % UInt64(known.count))]) }
            for customer in chosen {
                let past = try main.profile(try main.customerKey(customer), stoodOn: PointInTime(moment: moment))
                #expect(past.asStoodOn?.corrections == .then)
                let expected = try reference.profile(try reference.customerKey(customer))
                let (a, b) = (try Self.json(past), try Self.json(expected))
                if a != b {
                    let (la, lb) = (a.split(separator: "\n"), b.split(separator: "\n"))
                    let i = zip(la, lb).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                    let said = i < la.count ? String(la[i]) : "(end)"
                    let wanted = i < lb.count ? String(lb[i]) : "(end)"
                    Issue.record(
                        "\(customer) as of \(Dates.isoDateTime(moment)), line \(i): \(said) / reference: \(wanted)")
                }
                compared += 1
            }
        }
        #expect(compared == days * perDay)
    }
}

/// The rules of a past view on a small shop: gift flags made later are not applied, the fit in
/// force is used (and a fit is made and kept where none was), erased customers stay erased.
@Suite("As it stood on a past day: the rules")
struct StoodOnRuleTests {
    static func shop(_ backend: Backend, _ clock: TestClock) throws -> (Workspace, URL, () -> Void) {
        let (ws, cleanup) = try StoodOnTests.workspace(backend, clock)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (
            ws, dir,
            {
                cleanup()
                try? FileManager.default.removeItem(at: dir)
            }
        )
    }

    static func importEvents(_ ws: Workspace, _ dir: URL, _ rows: [String]) throws {
        let path = dir.appendingPathComponent("events-\(UUID()).csv").path
        let text = "event_id,customer_id,timestamp,type,product_id,amount\n" + rows.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        _ = try ws.importFiles([path], options: ImportOptions(analyst: "tester"))
    }

    /// 25 customers, four purchases each, a month apart (January to April 2026).
    static let base = (1...25).flatMap { c in
        (0..<4).map { k in "E\(c)-\(k),C\(c),2026-0\(k + 1)-\(10 + c % 9),purchase,P\(k % 2),\(10 + c)" }
    }

    @Test(arguments: Backend.available)
    func aGiftFlaggedAfterTheDayWasNotYetAGiftOnIt(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2026-05-01")!)
        let (ws, dir, done) = try Self.shop(backend, clock)
        defer { done() }
        try Self.importEvents(ws, dir, Self.base)
        clock.now = Dates.timestamp("2026-05-20")!
        _ = try ws.setGift(event: "E1-0", isGift: true, note: "for her son")
        let c1 = try ws.customerKey("C1")
        let before = try #require(PointInTime.parse("2026-05-19"))
        let after = try #require(PointInTime.parse("2026-05-20"))
        func gift(_ p: PointInTime) throws -> Bool {
            try ws.history(c1, stoodOn: p).first { $0.eventId == "E1-0" }!.gift
        }
        #expect(try !gift(before))
        #expect(try gift(after))
        #expect(try gift(PointInTime(moment: before.moment, corrections: .today)))
        #expect(try ws.history(c1).first { $0.eventId == "E1-0" }!.gift)
        let then = try ws.profile(c1, stoodOn: before)
        // The analysis date as it stood then: the newest event by then (18 April).
        #expect(then.asOf?.description == "2026-04-18" && then.asStoodOn?.corrections == .then)
        #expect(then.rfm?.orders == 4)
    }

    @Test(arguments: Backend.available)
    func theFitInForceOnTheDayIsUsedAndAFitMadeForADayIsKept(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2026-05-01")!)
        let (ws, dir, done) = try Self.shop(backend, clock)
        defer { done() }
        try Self.importEvents(ws, dir, Self.base)
        clock.now = Dates.timestamp("2026-06-01")!
        try Self.importEvents(ws, dir, (1...25).map { "F\($0),C\($0),2026-05-10,purchase,P1,30" })
        try ws.refresh()
        let fits = try ws.store.modelFitHistory()
        #expect(fits.map(\.basis).allSatisfy { $0 == .refresh } && fits.count >= 2)
        let c2 = try ws.customerKey("C2")
        // On 15 May the fit of 1 May was in force; the events of the 10th arrived after it.
        let may = try ws.profile(c2, stoodOn: try #require(PointInTime.parse("2026-05-15")))
        #expect(may.asStoodOn?.models == "refresh")
        #expect(may.model?.fittedAt == Timestamp(Dates.timestamp("2026-05-01")!))
        #expect(may.model?.eventsSinceFit == 25)
        #expect(may.rfm?.orders == 5)
        let june = try ws.profile(c2, stoodOn: try #require(PointInTime.parse("2026-06-02")))
        #expect(june.model?.fittedAt == Timestamp(Dates.timestamp("2026-06-01")!))
        // On 1 March no fit had been made: one is made from the events up to then, and kept.
        let march = try #require(PointInTime.parse("2026-03-01"))
        let early = try ws.profile(c2, stoodOn: march)
        #expect(early.asStoodOn?.models == "then" && early.model?.fittedAsOf.description == "2026-02-18")
        #expect(early.rfm?.orders == 2)
        let kept = try ws.store.modelFitHistory().filter { $0.basis == .then }
        #expect(kept.map(\.moment) == [march.moment])
        // Asked again (by another session), the kept fit is used, not made again.
        let other = Workspace(store: ws.store, analyst: "tester", clock: { clock.now })
        _ = try other.profile(c2, stoodOn: march)
        #expect(try ws.store.modelFitHistory().filter { $0.basis == .then }.count == 1)
    }

    @Test(arguments: Backend.available)
    func anErasedCustomerStaysErased(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2026-05-01")!)
        let (ws, dir, done) = try Self.shop(backend, clock)
        defer { done() }
        try Self.importEvents(ws, dir, Self.base)
        let c3 = try ws.customerKey("C3")
        try ws.forget(customer: c3)
        #expect(throws: (any Error).self) { try ws.customerKey("C3") }
        #expect(throws: (any Error).self) { try ws.profile(c3, stoodOn: PointInTime.parse("2026-03-01")!) }
        #expect(try ws.history(c3, stoodOn: PointInTime.parse("2026-03-01")!).isEmpty)
    }

    @Test(arguments: Backend.available)
    func segmentsAsOfADayAgreeWithEachProfileOfThatDay(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2026-05-01")!)
        let (ws, dir, done) = try Self.shop(backend, clock)
        defer { done() }
        try Self.importEvents(ws, dir, Self.base)
        _ = try ws.createSegment(name: "regulars", rule: "orders >= 3")
        // As of the newest event, the segments are today's.
        let newest = try #require(try ws.store.latestEventTime())
        let now = try ws.segmentSummaries().map { "\($0.kind) \($0.name) \($0.members)" }
        #expect(
            try ws.segmentSummaries(stoodOn: PointInTime(moment: newest)).map { "\($0.kind) \($0.name) \($0.members)" }
                == now)
        // As of 20 March, each customer is where their profile of that day puts them.
        let march = try #require(PointInTime.parse("2026-03-20"))
        let summaries = try ws.segmentSummaries(stoodOn: march)
        #expect(summaries.first { $0.name == "regulars" }?.members == 25, "three purchases by 19 March each")
        var stages: [String: Int] = [:]
        var regulars = 0
        for c in 1...25 {
            let p = try ws.profile(try ws.customerKey("C\(c)"), stoodOn: march)
            stages[p.lifecycle?.stage ?? "", default: 0] += 1
            if (p.rfm?.orders ?? 0) >= 3 { regulars += 1 }
        }
        for s in summaries where s.kind == .stage { #expect(s.members == stages[s.name] ?? 0, "\(s.name)") }
        let members = try ws.segmentMembers(SegmentRef(kind: .rule, name: "regulars"), stoodOn: march)
        #expect(members.count == regulars)
        #expect(
            try ws.segmentMembers(SegmentRef(kind: .rule, name: "regulars"), stoodOn: PointInTime.parse("2026-02-01")!)
                .isEmpty)
    }

    @Test(arguments: Backend.available)
    func metricsAsOfTheNewestEventAreTodaysAndEarlierOnesCountOnlyWhatHadHappened(_ backend: Backend) throws {
        let clock = TestClock(Dates.timestamp("2026-05-01")!)
        let (ws, dir, done) = try Self.shop(backend, clock)
        defer { done() }
        try Self.importEvents(ws, dir, Self.base)
        let newest = PointInTime(moment: try #require(try ws.store.latestEventTime()))
        func json(_ m: BusinessMetrics) throws -> String {
            String(decoding: try JSONEncoder.pretty.encode(m), as: UTF8.self)
        }
        #expect(try json(ws.metrics(stoodOn: newest)) == json(ws.metrics()))
        #expect(try json(ws.metrics(stoodOn: newest, segment: "champions")) == json(ws.metrics(segment: "champions")))
        // On 20 March three of the four purchases had happened.
        let march = try ws.metrics(stoodOn: try #require(PointInTime.parse("2026-03-20")))
        #expect(march.orders == 75 && march.until.description == "2026-03-18")
    }
}
