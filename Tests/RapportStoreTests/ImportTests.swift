import Foundation
import Testing
@testable import RapportStore

@Suite("Importing files")
struct ImportTests {
    @Test(arguments: Backend.available)
    func customersProductsAndEventsImport(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let c = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        #expect(c.kind == .customers && c.inserted == 2)
        let p = try t.importFile(try t.file("products.csv", TempStore.productsCSV))
        #expect(p.kind == .products && p.inserted == 2)
        let e = try t.importFile(try t.file("events.csv", TempStore.eventsCSV))
        #expect(e.kind == .events && e.inserted == 5 && e.createdCustomers == 1)

        let zoe = try #require(try t.store.customer(try t.store.requireCustomer("C1")))
        #expect(zoe.name == "Zoë Müller")
        #expect(zoe.consentPersonalization == true && zoe.consentEmail == false && zoe.consentSms == nil)
        #expect(zoe.attributeDictionary == ["loyalty_tier": "gold"])
        let prefs = try t.store.statedPreferences(customer: zoe.id!)
        // In the file's order, likes before dislikes, on both stores.
        #expect(
            prefs.map { "\($0.polarity):\($0.kind):\($0.value)" } == [
                "like:category:Music/Jazz", "like:brand:Bean & Co", "dislike:category:Music/Rock"
            ])

        let events = try t.store.events(customer: zoe.id!)
        #expect(events.map(\.displayId) == ["E1", "E2", "E3"])
        #expect(events[0].time == 1_767_571_200) // 2026-01-05 midnight UTC
        #expect(events[2].time == 1_767_690_000) // 10:00+01:00 is 09:00Z
        #expect(events[2].isGift)
        let c3 = try t.store.events(customer: try t.store.requireCustomer("C3"))
        #expect(c3.count == 1 && c3[0].productId == nil)
    }

    /// One set of value bounds on both stores (issue 20 item 7): a quantity or a replenishment
    /// interval past 32 bits is the row's error, named by line and field, never a database error
    /// on one store and a silently truncated number on the other.
    @Test(arguments: Backend.available)
    func numbersPastThirtyTwoBitsAreTheRowsError(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let events = try t.file(
            "events.csv",
            "event_id,customer_id,timestamp,type,product_id,quantity,amount\n"
                + "E1,C1,2026-01-05,purchase,P1,2,10\nE2,C1,2026-01-06,purchase,P1,3000000000,10\n")
        #expect {
            try t.importFile(events)
        } throws: { error in
            guard let failure = error as? ImportFailure, let e = failure.errors.first else { return false }
            return e.line == 3 && e.field == "quantity" && e.reason.contains("2147483647")
        }
        #expect(try t.count("events") == 0)
        let products = try t.file("products.csv", "product_id,title,replenish_days\nP1,Tea,99999999999\n")
        #expect {
            try t.importFile(products)
        } throws: { error in
            (error as? ImportFailure)?.errors.first.map { $0.line == 2 && $0.field == "replenish_days" } ?? false
        }
        let fits = try t.file(
            "fits.csv",
            "event_id,customer_id,timestamp,type,product_id,quantity\nE3,C1,2026-01-05,purchase,P1,2147483647\n")
        _ = try t.importFile(fits)
        let stored = try t.store.events(customer: try t.store.requireCustomer("C1"))
        #expect(stored.map(\.quantity) == [2_147_483_647])
    }

    @Test(arguments: Backend.available)
    func jsonLinesImport(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "events.jsonl",
            """
            {"event_id":"J1","customer_id":"C9","timestamp":"2026-03-01","type":"purchase","product_id":"P7","amount":9.5}
            {"event_id":"J2","customer_id":"C9","timestamp":1772409600,"type":"view","product_id":"P7","gift":false}
            """)
        let s = try t.importFile(path)
        #expect(s.kind == .events && s.inserted == 2 && s.createdProducts == 1)
    }

    @Test(arguments: Backend.available)
    func reimportingDoesNotDuplicate(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file("events.csv", TempStore.eventsCSV)
        _ = try t.importFile(path)
        let again = try t.importFile(path)
        #expect(again.inserted == 0 && again.duplicates == 5)
        #expect(try t.count("events") == 5)
        // Without event ids, events are recognised by their content.
        let noIds = try t.file(
            "noids.csv", "customer_id,timestamp,type,product_id\nC1,2026-01-01,view,P1\nC1,2026-01-02,view,P1\n")
        _ = try t.importFile(noIds)
        let second = try t.importFile(noIds)
        #expect(second.inserted == 0 && second.duplicates == 2)
    }

    /// An event id names an event within its customer's history: two customers' exports may
    /// both say E1, and each keeps theirs; the same file again adds nothing.
    @Test(arguments: Backend.available)
    func eventIdsAreUniquePerCustomer(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let header = "event_id,customer_id,timestamp,type\n"
        // An event id names one event of one customer, on both stores.
        #expect(try t.importFile(try t.file("a.csv", header + "E1,C1,2026-01-01,view\n")).inserted == 1)
        let other = try t.file(
            "b.csv", header + "E1,C2,2026-01-02,view\nE2,C1,2026-01-03,view\nE2,C2,2026-01-03,view\n")
        let s = try t.importFile(other)
        #expect(s.inserted == 3 && s.duplicates == 0)
        for customer in ["C1", "C2"] {
            let ids = try t.store.events(customer: try t.store.requireCustomer(customer)).map(\.displayId)
            #expect(ids == ["E1", "E2"], "\(customer)")
        }
        let again = try t.importFile(other)
        #expect(again.inserted == 0 && again.duplicates == 3)
    }

    @Test(arguments: Backend.available)
    func identicalRowsAreSeparateEvents(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let header = "customer_id,timestamp,type,product_id,quantity,amount\n"
        let line = "C1,2026-01-01,purchase,P1,1,9.5\n"
        let other = "C1,2026-01-02,purchase,P2,1,4\n"
        // Given yesterday's export with one order line, and today's with a second identical one.
        let yesterday = try t.file("yesterday.csv", header + line + other)
        let today = try t.file("today.csv", header + line + other + line + line)
        // When yesterday's file is imported twice and then today's.
        #expect(try t.importFile(yesterday).inserted == 2)
        let again = try t.importFile(yesterday)
        #expect(again.inserted == 0 && again.duplicates == 2)
        let longer = try t.importFile(today)
        // Then only today's two new lines were added, and a re-import of today's adds nothing.
        #expect(longer.inserted == 2 && longer.duplicates == 2)
        #expect(longer.touchedCustomers == [try t.store.requireCustomer("C1")])
        #expect(try t.importFile(today).inserted == 0)
        #expect(try t.count("events") == 4)
    }

    @Test(arguments: Backend.available)
    func identicalRowsInOneNewFileAreAllKept(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "e.csv", "customer_id,timestamp,type\nC1,2026-01-01,view\nC1,2026-01-01,view\nC1,2026-01-01,view\n")
        let s = try t.importFile(path)
        #expect(s.inserted == 3 && s.duplicates == 0)
        #expect(try t.importFile(path).duplicates == 3)
        #expect(try t.count("events") == 3)
    }

    @Test(arguments: Backend.available)
    func equalTimestampsKeepFileOrder(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(
            try t.file("e.csv", "event_id,customer_id,timestamp,type\nB,C1,2026-01-01,view\nA,C1,2026-01-01,view\n"))
        let ev = try t.store.events(customer: try t.store.requireCustomer("C1"))
        #expect(ev.map(\.displayId) == ["B", "A"])
        #expect(ev[0].id < ev[1].id)
    }

    @Test(arguments: Backend.available)
    func headerOnlyImportsNothingAndSucceeds(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let s = try t.importFile(try t.file("h.csv", "customer_id,timestamp,type\n"))
        #expect(s.rows == 0 && s.inserted == 0)
    }

    @Test(arguments: Backend.available)
    func skipBadWritesRejects(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "e.csv",
            "event_id,customer_id,timestamp,type\nE1,C1,2026-01-01,view\nE2,C1,not-a-date,view\nE3,C1,2026-01-02,buy\n")
        let rejects = t.dir.appendingPathComponent("rejects.csv").path
        let s = try t.importFile(path, rejects: rejects)
        #expect(s.inserted == 1 && s.rejected == 2)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "event_id,customer_id,timestamp,type,_error")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("E2,C1,not-a-date,view,") && lines[1].contains("timestamp"))
        // The rejects file can be imported again once fixed (its _error column is ignored).
        let fixed = text.replacingOccurrences(of: "not-a-date", with: "2026-01-03").replacingOccurrences(
            of: ",buy,", with: ",view,")
        let again = try t.importFile(try t.file("fixed.csv", fixed))
        #expect(again.inserted == 2)
    }

    @Test(arguments: Backend.available)
    func escapeInFreeTextIsKept(_ backend: Backend) throws {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("c.csv", "customer_id,name\nC7,\"Mallory \u{1B}[31mEvil\"\n"))
        let c = try #require(try t.store.customer(try t.store.requireCustomer("C7")))
        #expect(c.name == "Mallory \u{1B}[31mEvil")
    }
}

@Suite("Rejecting bad files")
struct BadInputTests {
    /// A store that already holds data. A refused file changes nothing, so one store serves a
    /// whole test.
    func loaded(_ backend: Backend) throws -> TempStore {
        let t = try TempStore(backend)
        _ = try t.importFile(try t.file("customers.csv", TempStore.customersCSV))
        return t
    }

    /// Imports `bytes` as a file named `name` into `t`, and checks that it fails with `expected`
    /// in the message and leaves the store untouched.
    func rejects(_ t: TempStore, _ name: String, _ bytes: [UInt8], expected: [String]) throws {
        let before = try t.contents()
        let path = try t.file(name, bytes: bytes)
        do {
            _ = try t.importFile(path)
            Issue.record("import of \(name) should have failed")
        } catch let f as ImportFailure {
            let text = f.description
            for e in expected { #expect(text.contains(e), "\(text)") }
            #expect(text.contains("nothing imported"))
        }
        #expect(try t.contents() == before, "the store changed after a rejected import")
        #expect(try t.count("events") == 0)
    }

    func rejects(_ t: TempStore, _ name: String, _ text: String, expected: [String]) throws {
        try rejects(t, name, Array(text.utf8), expected: expected)
    }

    @Test(arguments: Backend.available)
    func missingColumn(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "customer_id,type\nC1,view\n", expected: ["e.csv:1: timestamp: required column is missing"])
        try rejects(
            t, "e2.csv", "customer_id,timestamp,product_id\nC1,2026-01-01,P1\n",
            expected: ["e2.csv:1: type: required column is missing"])
    }

    @Test(arguments: Backend.available)
    func badNumber(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "customer_id,timestamp,type,amount\nC1,2026-01-01,view,12\nC1,2026-01-01,purchase,12,5\n",
            expected: ["e.csv:3: (row): has 5 fields"])
        try rejects(
            t, "e2.csv", "customer_id,timestamp,type,amount\nC1,2026-01-01,purchase,twelve\n",
            expected: ["e2.csv:2: amount: 'twelve' is not a number"])
        try rejects(
            t, "e3.csv", "customer_id,timestamp,type,quantity\nC1,2026-01-01,purchase,1.5\n",
            expected: ["e3.csv:2: quantity: '1.5' is not a whole number"])
    }

    @Test(arguments: Backend.available)
    func badDate(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "customer_id,timestamp,type\nC1,2026-02-30,view\nC1,yesterday,view\n",
            expected: [
                "e.csv:2: timestamp: '2026-02-30' is not a date", "e.csv:3: timestamp: 'yesterday' is not a date"
            ])
    }

    @Test(arguments: Backend.available)
    func unknownType(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "customer_id,timestamp,type\nC1,2026-01-01,buy\n",
            expected: ["e.csv:2: type: unknown event type 'buy'"])
    }

    @Test(arguments: Backend.available)
    func invalidUTF8(_ backend: Backend) throws {
        let t = try loaded(backend)
        var bytes = Array("customer_id,name\nC9,Bad ".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        try rejects(t, "c.csv", bytes, expected: ["c.csv:2: name: is not valid UTF-8"])
    }

    @Test(arguments: Backend.available)
    func nulByte(_ backend: Backend) throws {
        let t = try loaded(backend)
        var bytes = Array("customer_id,name\nC9,Nul".utf8)
        bytes += [0x00, 0x41, 0x0A]
        try rejects(t, "c.csv", bytes, expected: ["c.csv:2: name: contains a NUL byte"])
    }

    @Test(arguments: Backend.available)
    func escapeInAnId(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "customer_id,timestamp,type\nC\u{1B}[2J,2026-01-01,view\n",
            expected: ["e.csv:2: customer_id: contains control character U+001B"])
    }

    @Test(arguments: Backend.available)
    func duplicatedRows(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "e.csv", "event_id,customer_id,timestamp,type\nE1,C1,2026-01-01,view\nE1,C1,2026-01-02,view\n",
            expected: ["e.csv:3: event_id: duplicate event id 'E1'"])
        try rejects(
            t, "c.csv", "customer_id,name\nC5,A\nC5,B\n",
            expected: ["c.csv:3: customer_id: duplicate customer id 'C5' (also on line 2)"])
    }

    @Test(arguments: Backend.available)
    func emptyFile(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(t, "e.csv", "", expected: ["e.csv:1: (file): is empty"])
    }

    @Test(arguments: Backend.available)
    func unterminatedQuote(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "c.csv", "customer_id,name\nC1,\"Open\n", expected: ["c.csv:2: (row): a quoted field is never closed"])
    }

    @Test(arguments: Backend.available)
    func hugeField(_ backend: Backend) throws {
        let t = try loaded(backend)
        try rejects(
            t, "c.csv", "customer_id,name\nC1," + String(repeating: "x", count: 70_000) + "\n",
            expected: ["c.csv:2: name: field is 70000 bytes"])
    }

    @Test(arguments: Backend.available)
    func everyBadRowIsCountedAndListed(_ backend: Backend) throws {
        let t = try TempStore(backend)
        var text = "customer_id,timestamp,type\n"
        for i in 0..<120 { text += "C\(i),bad,view\n" }
        do {
            _ = try t.importFile(try t.file("e.csv", text))
            Issue.record("should fail")
        } catch let f as ImportFailure {
            #expect(f.badRows == 120)
            #expect(f.errors.count == 50)
            #expect(f.description.contains("70 more bad rows not shown"))
        }
    }
}

@Suite("Data minimisation")
struct DataMinimisationTests {
    @Test(arguments: Backend.available)
    func undeclaredCustomerColumnsAreNotStored(_ backend: Backend) throws {
        let t = try TempStore(backend)
        let path = try t.file(
            "c.csv", "customer_id,name,national_id,health_note,loyalty_tier\nC1,Ann,123-45,asthma,gold\n")
        // Given a configuration that declares only loyalty_tier.
        let s = try t.store.importFile(
            path, options: ImportOptions(analyst: "tester", now: t.actor.now, keepColumns: ["Loyalty_Tier"]))
        #expect(s.droppedColumns == ["national_id", "health_note"])
        let ann = try #require(try t.store.customer(try t.store.requireCustomer("C1")))
        #expect(ann.attributeDictionary == ["loyalty_tier": "gold"])
        // And nothing of the dropped columns is anywhere in the store: no row holds it, and on
        // SQLite not even a byte of the file.
        #expect(try t.tablesMentioning("asthma").isEmpty)
        if backend == .sqlite { #expect(try t.fileBytes().range(of: Data("asthma".utf8)) == nil) }
    }
}
