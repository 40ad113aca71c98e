import Foundation
import Testing

@Suite("--redact on the commands that print personal data", .serialized)
struct CLIRedactTests {
    static let email = "margotlindqvist.1@example.com"
    static let phone = "+351 929 334 958"

    /// Issue 20: an email or phone written into a name or a city is masked by every command's
    /// --redact too. Before, only the email and phone fields were.
    @Test func anEmailOrPhoneInsideANameOrCityIsMasked() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let file = cli.dir.appendingPathComponent("odd.csv").path
        try Data("customer_id,name,city\nC9,Zed zed@leak.example,Call +44 7700 900999\n".utf8).write(
            to: URL(fileURLWithPath: file))
        #expect(try cli.run(["import", file, "--store", store]).status == 0)
        for args in [
            ["customers", "--filter", "Zed", "--json"], ["profile", "C9"], ["profile", "C9", "--json"],
            ["export", "C9"]
        ] {
            let plain = try cli.run(args + ["--store", store])
            let masked = try cli.run(args + ["--store", store, "--redact"])
            #expect(plain.status == 0 && masked.status == 0, "\(args): \(masked.err)")
            #expect(plain.out.contains("zed@leak.example"), "\(args)")
            for s in ["zed@leak.example", "7700 900999"] {
                #expect(!masked.out.contains(s), "\(args) --redact shows \(s)")
            }
        }
    }

    @Test func readCommandsMaskEmailsAndPhones() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        #expect(try cli.run(["note", "C00001", "New number +44 7700 900123", "--store", store]).status == 0)
        let history = try #require(try cli.items(["history", "C00001", "--store", store]))
        let purchase = try #require(history.first { $0["type"] as? String == "purchase" }?["event_id"] as? String)
        #expect(
            try cli.run(["gift", purchase, "--note", "ring her on +44 7700 900456", "--store", store]).status == 0)
        let commands: [[String]] = [
            ["customers", "--filter", Self.email, "--json"],
            ["profile", "C00001"], ["profile", "C00001", "--json"], ["history", "C00001", "--json"],
            ["segment", "members", "champions", "--limit", "2000", "--json"], ["export", "C00001"],
            ["audit", "--customer", "C00001"], ["audit", "--customer", "C00001", "--json"]
        ]
        for args in commands {
            let plain = try cli.run(args + ["--store", store])
            let masked = try cli.run(args + ["--store", store, "--redact"])
            #expect(plain.status == 0 && masked.status == 0, "\(args): \(masked.err)")
            let secrets = [Self.email, Self.phone, "7700 900123", "7700 900456"]
            // Each command shows some of them without --redact, and none with it.
            #expect(secrets.contains { plain.out.contains($0) }, "\(args) shows no personal data to hide")
            for s in secrets { #expect(!masked.out.contains(s), "\(args) --redact shows \(s)") }
        }
        // The filter by email still finds the row.
        let found = try #require(
            try cli.items(["customers", "--filter", Self.email, "--redact", "--store", store]))
        #expect(found.count == 1 && found.first?["id"] as? String == "C00001")
        #expect(found.first?["email"] as? String == "m***@example.com")
        // An export written to a file is masked too.
        let file = cli.dir.appendingPathComponent("c1.json").path
        #expect(try cli.run(["export", "C00001", "--out", file, "--redact", "--store", store]).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains(Self.email) && !text.contains(Self.phone) && text.contains("m***@example.com"))
    }
}
