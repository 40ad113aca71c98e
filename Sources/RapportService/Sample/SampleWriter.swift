import Foundation
import RapportEngine

/// Streams customers, notes and events to their CSV files as they are made.
struct SampleWriter {
    let catalogue: SampleCatalogue
    let start: Int64
    let end: Int64
    private let customersOut: CSVWriter
    private let eventsOut: CSVWriter
    private let notesOut: CSVWriter
    private var dates = DateTimeWriter()
    private var emailNames: [String: String] = [:]
    private let productIds: [[UInt8]]
    private var customerId: [UInt8] = []
    private(set) var eventCount = 0
    /// Events other than recommendation impressions and clicks, which are numbered apart
    /// (`R0000001`) so adding them left every other event's id as it was.
    private var numbered = 0
    private var recNumbered = 0
    private(set) var noteCount = 0
    static let day: Int64 = 86_400

    init(directory: String, catalogue: SampleCatalogue, start: Int64, end: Int64) throws {
        self.catalogue = catalogue
        self.start = start
        self.end = end
        productIds = catalogue.items.map { Array($0.id.utf8) }
        customersOut = try CSVWriter(
            path: directory + "/customers.csv",
            header: [
                "customer_id", "name", "email", "phone", "birth_year", "gender", "city", "country", "signup_date",
                "stated_channel", "consent_personalization", "consent_email", "consent_sms", "consent_push",
                "likes", "dislikes", "loyalty_tier"
            ])
        // Only shops write gift notes; the bundled sample's header stays as it was.
        let giftNote = catalogue.isShop ? ["gift_note"] : []
        eventsOut = try CSVWriter(
            path: directory + "/events.csv",
            header: [
                "event_id", "customer_id", "timestamp", "type", "product_id", "quantity", "amount", "channel",
                "gift"
            ] + giftNote)
        notesOut = try CSVWriter(
            path: directory + "/notes.csv",
            header: [
                "customer_id", "timestamp", "analyst",
                "text"
            ])
    }

    func close() throws {
        try customersOut.close()
        try eventsOut.close()
        try notesOut.close()
    }

    /// Draws customer `c`, writes their row and notes, and returns who they are for their events.
    mutating func customer(_ c: Int, _ rng: inout SeededRandom) -> Persona {
        let cid = "C" + SampleText.padded(c + 1, 5)
        customerId = Array(cid.utf8)
        var draw = CustomerDraw(c: c, start: start, end: end, catalogue: catalogue)
        let persona = draw.persona(&rng)
        let name = draw.name
        let email = "\(emailName(name)).\(c + 1)@example.com"
        customersOut.row([
            cid, name, email, draw.phone(&rng), String(draw.birthYear), rng.pick(["f", "m", "x", ""]),
            draw.city.0, draw.city.1, SampleText.isoDate(persona.signup), draw.stated,
            String(draw.consentPersonalization), String(persona.consentEmail), String(draw.consentSms),
            String(draw.consentPush), draw.likes.joined(separator: ";"), draw.dislikes.joined(separator: ";"),
            rng.pick(["bronze", "silver", "gold", ""])
        ])
        notes(cid, c, persona.signup, &rng)
        return persona
    }

    private mutating func notes(_ cid: String, _ c: Int, _ signup: Int64, _ rng: inout SeededRandom) {
        guard rng.chance(0.07) || c == 0 else { return }
        let margot = ["Buys toys for her grandchildren every December", "Prefers email; no phone calls"]
        let n = c == 0 ? 2 : rng.int(1...2)
        for j in 0..<n {
            let text = c == 0 ? margot[j] : rng.pick(SampleWords.noteTexts)
            notesOut.row([
                cid, SampleText.isoDate(signup + Int64(rng.int(30...300)) * Self.day),
                rng.pick(["ana.s", "tom.k", "li.w"]), text
            ])
            noteCount += 1
        }
    }

    /// The ASCII letters and digits of a name for its email address; names repeat, so remember them.
    private mutating func emailName(_ name: String) -> String {
        if let local = emailNames[name] { return local }
        let local = name.folding(options: [.diacriticInsensitive], locale: nil).lowercased()
            .unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
            .map(String.init).joined()
        emailNames[name] = local.isEmpty ? "customer" : local
        return emailNames[name]!
    }

    /// Writes the events of the current customer that fall inside the sample's two years.
    mutating func events(_ events: [SampleEvent]) {
        for e in events where e.time >= start && e.time < end + Self.day {
            eventCount += 1
            event(e)
        }
    }

    private mutating func event(_ e: SampleEvent) {
        let out = eventsOut
        let isRec = e.kind == .recImpression || e.kind == .recClick
        if isRec { recNumbered += 1 } else { numbered += 1 }
        if !e.unnumbered {
            out.byte(UInt8(ascii: isRec ? "R" : "E"))
            out.number(isRec ? recNumbered : numbered, width: 7)
        }
        out.comma()
        out.plain(customerId)
        out.comma()
        dates.write(e.time, to: out)
        out.comma()
        out.plain(SampleEvent.Kind.names[e.kind.rawValue])
        out.comma()
        if e.item >= 0 { out.plain(productIds[e.item]) }
        out.comma()
        out.number(e.quantity)
        out.comma()
        amount(e.amount, to: out)
        out.comma()
        out.field(SampleWords.channels[e.channel])
        out.comma()
        if e.gift { out.field("true") }
        if catalogue.isShop {
            out.comma()
            if e.giftNote >= 0 { out.field(SampleWords.giftNotes[e.giftNote]) }
        }
        out.endRow()
    }

    /// Money with two decimals (`%.2f`), and a bare 0 for events without an amount.
    private func amount(_ a: Double, to out: CSVWriter) {
        if a == 0 {
            out.byte(UInt8(ascii: "0"))
            return
        }
        let cents = Int((abs(a) * 100).rounded())
        if a < 0 { out.byte(UInt8(ascii: "-")) }
        out.number(cents / 100)
        out.byte(UInt8(ascii: "."))
        out.number(cents % 100, width: 2)
    }

    static func money(_ a: Double) -> String {
        let cents = Int((abs(a) * 100).rounded())
        return (a < 0 ? "-" : "") + String(cents / 100) + "." + SampleText.padded(cents % 100, 2)
    }
}

/// The random draws that make one customer, in the order the sample has always drawn them.
struct CustomerDraw {
    let c: Int
    let start: Int64
    let end: Int64
    let catalogue: SampleCatalogue
    var name = ""
    var city = ("", "")
    var birthYear = 0
    var stated = ""
    var consentPersonalization = true
    var consentSms = false
    var consentPush = false
    var likes: [String] = []
    var dislikes: [String] = []
    static let day: Int64 = 86_400

    mutating func persona(_ rng: inout SeededRandom) -> Persona {
        name = drawName(&rng)
        city = rng.pick(SampleWords.cities)
        birthYear = 1950 + rng.int(0...55)
        let archetype = c == 0 ? 2 : rng.int(0...9)
        let (signup, activeUntil) = lifetime(archetype, &rng)
        let engaged = rng.index(4)
        let others = SampleWords.channels.indices.filter { $0 != engaged }
        stated = SampleWords.channels[rng.chance(0.25) ? rng.pick(others) : engaged]
        consentPersonalization = c == 0 ? true : !rng.chance(0.08)
        let consentEmail = rng.chance(0.7)
        consentSms = rng.chance(0.3)
        consentPush = rng.chance(0.4)
        let favourites = tastes(archetype, &rng)
        let habit =
            archetype == 1 || archetype == 2 || rng.chance(0.25)
            ? rng.pick(catalogue.replenishCategories) : nil
        statedPreferences(favourites, &rng)
        return Persona(
            archetype: archetype, signup: signup, activeUntil: activeUntil, engaged: engaged,
            consentEmail: consentEmail, favourites: favourites, habit: habit)
    }

    /// A Western name, sometimes a CJK one; C00001 is Margot and C00007 carries an escape sequence.
    private func drawName(_ rng: inout SeededRandom) -> String {
        if c == 6 { return "Mallory \u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mEvil\u{1B}[0m" }
        let drawn =
            rng.chance(0.08)
            ? rng.pick(SampleWords.cjkNames)
            : "\(rng.pick(SampleWords.firstNames)) \(rng.pick(SampleWords.lastNames))"
        return c == 0 ? "Margot Lindqvist" : drawn
    }

    /// Signup and the day activity stops: some customers join late, some lapse.
    private func lifetime(_ archetype: Int, _ rng: inout SeededRandom) -> (Int64, Int64) {
        let lapses = archetype == 7 || archetype == 8 && rng.chance(0.5)
        let joinedLate = archetype == 9 && rng.chance(0.5)
        let signup =
            c == 0
            ? start + 2 * Self.day
            : joinedLate ? end - Int64(rng.int(10...80)) * Self.day : start + Int64(rng.int(0...300)) * Self.day
        let activeUntil = lapses ? signup + Int64(rng.int(120...420)) * Self.day : end
        return (signup, activeUntil)
    }

    /// Two or three favourite categories; the jazz parent loves jazz only.
    private func tastes(_ archetype: Int, _ rng: inout SeededRandom) -> [Int] {
        let taste = catalogue.tasteCategories
        var favourites = [rng.pick(taste), rng.pick(taste)]
        if rng.chance(0.4) { favourites.append(rng.pick(taste)) }
        return archetype == 2 ? catalogue.jazzCategories : favourites
    }

    private mutating func statedPreferences(_ favourites: [Int], _ rng: inout SeededRandom) {
        if rng.chance(0.35) { likes.append(catalogue.categories[favourites[0]]) }
        if rng.chance(0.15) {
            let d = rng.pick(catalogue.tasteCategories.filter { !favourites.contains($0) })
            dislikes.append(catalogue.categories[d])
        }
        if c == 0 {
            likes = catalogue.firstLikes
            dislikes = catalogue.firstDislikes
        }
    }

    func phone(_ rng: inout SeededRandom) -> String {
        let a = rng.int(10...99)
        let b = rng.int(0...999)
        let d = rng.int(0...999)
        return "+351 9\(SampleText.padded(a, 2)) \(SampleText.padded(b, 3)) \(SampleText.padded(d, 3))"
    }
}
