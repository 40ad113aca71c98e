import Foundation
import Testing
@testable import RapportStore
import RapportVocabulary

/// Values a careless export or an attacker can put in a file: each is refused with
/// `file:line: field: reason`, and a refused file changes nothing.
@Suite("Values in range")
struct HostileInputTests {
    /// The file's row errors as `line: field: reason`, with the store left as it was.
    func rejection(_ t: TempStore, _ path: String, kind: ImportFileKind? = nil) throws -> [String] {
        let before = try counts(t)
        let options = ImportOptions(kind: kind, analyst: "tester", now: t.actor.now)
        let failure = try #require(throws: ImportFailure.self) { try t.store.importFile(path, options: options) }
        #expect(try counts(t) == before)
        return failure.errors.map { "\($0.line): \($0.field): \($0.reason)" }
    }

    func counts(_ t: TempStore) throws -> [String: Int] { try t.rowCounts() }

    @Test(arguments: Backend.available)
    func timestampsOutsideTheRangeAreRefusedWithAUnitHint(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "events.csv",
            """
            customer_id,timestamp,type
            C1,1735689600000,view
            C1,1735689600000000,view
            C1,2200-01-01,view
            C1,-1,view
            C1,1969-12-31T23:59:59Z,view
            C1,2026-01-01,view
            """)
        #expect(
            try rejection(t, path) == [
                "2: timestamp: '1735689600000' is outside 1970-01-01..2100-01-01; looks like milliseconds; divide by 1000",
                "3: timestamp: '1735689600000000' is outside 1970-01-01..2100-01-01; "
                    + "looks like microseconds; divide by 1000000",
                "4: timestamp: '2200-01-01' is outside 1970-01-01..2100-01-01",
                "5: timestamp: '-1' is outside 1970-01-01..2100-01-01",
                "6: timestamp: '1969-12-31T23:59:59Z' is outside 1970-01-01..2100-01-01"
            ])
        // The ends of the range are times like any other.
        let ends = try t.file("ends.csv", "customer_id,timestamp,type\nC1,1970-01-01,view\nC1,2100-01-01,view\n")
        #expect(try t.importFile(ends).inserted == 2)
    }

    @Test(arguments: Backend.available)
    func signupDatesAndNoteTimesAreCheckedToo(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let customers = try t.file("customers.csv", "customer_id,signup_date\nC1,1735689600000\n")
        #expect(
            try rejection(t, customers) == [
                "2: signup_date: '1735689600000' is outside 1970-01-01..2100-01-01; "
                    + "looks like milliseconds; divide by 1000"
            ])
    }

    @Test(arguments: Backend.available)
    func amountsAndPricesMustBeFiniteAndBounded(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let events = try t.file(
            "events.csv",
            """
            customer_id,timestamp,type,amount
            C1,2026-01-01,purchase,1.7e308
            C1,2026-01-01,purchase,-1000000000000.5
            C1,2026-01-01,purchase,1e999
            C1,2026-01-01,purchase,inf
            C1,2026-01-02,purchase,1000000000000
            """)
        #expect(
            try rejection(t, events) == [
                "2: amount: '1.7e308' is too large (the limit is 1000000000000 either way)",
                "3: amount: '-1000000000000.5' is too large (the limit is 1000000000000 either way)",
                "4: amount: '1e999' is not a number",
                "5: amount: 'inf' is not a number"
            ])
        let products = try t.file("products.csv", "product_id,price\nP1,2e12\n")
        #expect(
            try rejection(t, products) == [
                "2: price: '2e12' is too large (the limit is 1000000000000 either way)"
            ])
        let limit = try t.file("limit.csv", "customer_id,timestamp,type,amount\nC1,2026-01-02,return,-1e12\n")
        #expect(try t.importFile(limit).inserted == 1)
    }

    @Test(arguments: Backend.available)
    func theAsOfDateGoesDownWhenItsEventsGo(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "events.csv",
            """
            customer_id,timestamp,type
            C1,2026-01-01,view
            C1,2026-03-01,view
            C2,2026-02-01,view
            C3,2099-01-01,view
            """)
        _ = try t.importFile(path)
        let march = try #require(DateParsing.timestamp("2026-03-01"))
        #expect(try t.store.latestEventTime() == DateParsing.timestamp("2099-01-01"))
        // Erasing the customer with the newest event lowers the date in the same write.
        try t.store.forget(customer: try t.store.requireCustomer("C3"), by: t.actor)
        #expect(try storedLatest(t) == march)
        // So does clearing the history that held it.
        let c1 = try t.store.requireCustomer("C1")
        try t.store.clearHistory(customer: c1, range: HistoryWindow(since: march), by: t.actor)
        #expect(try storedLatest(t) == DateParsing.timestamp("2026-02-01"))
        // No events left: no as-of date.
        try t.store.clearHistory(customer: c1, range: HistoryWindow(), by: t.actor)
        try t.store.forget(customer: try t.store.requireCustomer("C2"), by: t.actor)
        #expect(try storedLatest(t) == nil)
        #expect(try t.store.latestEventTime() == nil)
    }

    @Test(arguments: Backend.available)
    func aPoisonedAsOfDateCanBeRecomputed(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("events.csv", "customer_id,timestamp,type\nC1,2026-01-01,view\n"))
        // A store that took a millisecond time before imports checked the range.
        try t.store.writeModelState(["latest_event_time": Data("1735689600000".utf8)], now: t.actor.now)
        #expect(try storedLatest(t) == 1_735_689_600_000)
        #expect(try t.store.recomputeLatestEventTime(now: t.actor.now) == DateParsing.timestamp("2026-01-01"))
        #expect(try storedLatest(t) == DateParsing.timestamp("2026-01-01"))
    }

    /// The as-of date as stored (`latestEventTime` falls back on the events when there is none).
    func storedLatest(_ t: TempStore) throws -> Int64? {
        try t.store.modelState("latest_event_time").flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
    }

    @Test(arguments: Backend.available)
    func jsonNumbersAndIdsAreKeptAsWritten(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "customers.jsonl",
            """
            {"customer_id":12345678901234567890,"name":"A"}
            {"customer_id":12345678901234567891,"name":"B"}
            {"customer_id":1.50,"name":"C"}
            {"customer_id":"007","name":"D\\u00e9 \\ud83d\\ude00"}
            """)
        #expect(try t.importFile(path).inserted == 4)
        let ids = try t.texts("SELECT external_id FROM customers ORDER BY id")
        #expect(ids == ["12345678901234567890", "12345678901234567891", "1.50", "007"])
        let d = try #require(try t.store.customer(try t.store.requireCustomer("007")))
        #expect(d.name == "Dé 😀")
    }

    @Test(arguments: Backend.available)
    func jsonKeysThatDifferOnlyInCaseAreAnError(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "customers.jsonl",
            """
            {"customer_id":"C1","name":"Ann"}
            {"customer_id":"C2","Name":"Bo","NAME":"Bob"}
            {"customer_id":"C3","city":"Oslo","city":"Bergen"}
            {"customer_id":"C4","name":{"first":"Di"}}
            """)
        #expect(
            try rejection(t, path) == [
                "2: name: keys 'Name' and 'NAME' differ only in case",
                "3: city: key 'city' appears twice",
                "4: (line): is not a JSON object of strings, numbers, booleans or null "
                    + "(byte 28: nested objects and arrays are not columns)"
            ])
    }

    @Test(arguments: Backend.available)
    func aHeaderThatFitsTwoKindsNeedsKind(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        let events = try t.file("events.csv", "customer_id,timestamp,type,amount,text\nC1,2026-01-01,purchase,5,hi\n")
        #expect(
            try rejection(t, events) == [
                "1: (header): the columns fit notes (customer_id, text) and events (type, amount); "
                    + "say which with --kind notes or --kind events"
            ])
        let customers = try t.file("people.csv", "customer_id,name,text\nC1,Ann,hello\n")
        #expect(
            try rejection(t, customers) == [
                "1: (header): the columns fit notes (customer_id, text) and customers (name); "
                    + "say which with --kind notes or --kind customers"
            ])
        // Told the kind, the same file imports.
        let options = ImportOptions(kind: .events, analyst: "tester", now: t.actor.now)
        #expect(try t.store.importFile(events, options: options).inserted == 1)
        // A notes file keeps its optional timestamp and analyst.
        let notes = try t.file("notes.csv", "customer_id,timestamp,analyst,text\nC1,2026-01-01,ana,called\n")
        let s = try t.importFile(notes)
        #expect(s.kind == .notes && s.inserted == 1)
    }

    @Test(arguments: Backend.available)
    func specialFilesAreNotRegularFiles(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let fifo = t.dir.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases = [
            ("/dev/null", "a character device"), ("/dev/zero", "a character device"),
            (fifo, "a FIFO"), (t.dir.path, "a directory")
        ]
        for (path, type) in cases {
            #expect(
                throws: StoreError.invalidArgument(
                    "\(path): not a regular file (\(type)); only regular files can be imported")
            ) {
                try t.importFile(path)
            }
        }
    }
}
