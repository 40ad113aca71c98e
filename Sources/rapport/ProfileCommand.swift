import ArgumentParser
import Foundation
import RapportService
import RapportStore

struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One customer: identity, consent, stated preferences, notes and insights.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Customer id.") var id: String

    mutating func run() throws {
        let ws = try storeOptions.open()
        let report = try ws.profile(try ws.customerKey(id))
        if output.json { try Out.json(report); return }
        let c = report.customer
        Out.line("\(c.name ?? "(no name)")  [\(c.id)]")
        let place = [c.city, c.country].compactMap { $0 }.joined(separator: ", ")
        if !place.isEmpty { Out.line("  location: \(place)") }
        if let e = c.email { Out.line("  email:    \(e)") }
        if let p = c.phone { Out.line("  phone:    \(p)") }
        func flag(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "not recorded" }
        Out.line("  consent:  personalization \(flag(c.consent.personalization)), email \(flag(c.consent.email)), sms \(flag(c.consent.sms)), push \(flag(c.consent.push))")
        for s in report.stated { Out.line("  \(s.polarity)s:    \(s.kind) \(s.value)") }
        for n in report.notes { Out.line("  note:     \(n.time) \(n.analyst): \(n.text)") }
    }
}
