import Foundation
import RapportEngine

/// The sample's B2B accounts (docs/accounts.md): a few written by hand that every sample has
/// (a firm with subsidiaries and departments, a second firm, a contact shared by the two, an
/// order bought for another department), and with `--accounts N` as many more, drawn from their
/// own seed so the rest of the sample stays byte for byte the same.
struct SampleAccounts {
    struct Account {
        var id, name: String
        var parent: String?
        var kind: String
        var domain = "", industry = "", tier = "", cadence = "", sla = ""
    }

    struct Membership {
        var customer: Int
        var account: String
        var role: String
        var primary: Bool
        var title = ""
        var since = ""
        var until = ""
    }

    var accounts: [Account] = []
    var memberships: [Membership] = []
    /// Orders bought for an account other than the buyer's own: (customer index, account, days before the end).
    var orders: [(customer: Int, account: String, daysBefore: Int)] = []

    static let roles = ["decision_maker", "buyer", "user"]

    init(extra: Int, customers: Int, seed: UInt64, largeAccountMembers: Int = 0) {
        func a(_ id: String, _ name: String, _ parent: String?, _ kind: String, cadence: String = "", sla: String = "")
            -> Account
        {
            Account(
                id: id, name: name, parent: parent, kind: kind,
                domain: parent == nil ? id.lowercased() + ".example" : "",
                industry: parent == nil ? "Wholesale" : "", tier: parent == nil ? "enterprise" : "", cadence: cadence,
                sla: sla)
        }
        accounts = [
            a("NW", "Northwind Holdings", nil, "company", cadence: "quarterly"),
            a("NW-RETAIL", "Northwind Retail", "NW", "subsidiary"),
            a("NW-LOG", "Northwind Logistics", "NW", "subsidiary"),
            a("NW-RETAIL-FIN", "Finance", "NW-RETAIL", "department", cadence: "monthly", sla: "48h"),
            a("NW-RETAIL-OPS", "Operations", "NW-RETAIL", "department", cadence: "weekly", sla: "24h"),
            a("NW-RETAIL-LEGAL", "Legal", "NW-RETAIL", "department", cadence: "quarterly", sla: "5 days"),
            a("NW-LOG-OPS", "Operations", "NW-LOG", "department", cadence: "weekly", sla: "24h"),
            a("CONTOSO", "Contoso", nil, "company", cadence: "monthly"),
            a("CONTOSO-PROC", "Purchasing", "CONTOSO", "department", cadence: "monthly", sla: "72h")
        ]
        let fixed: [Membership] = [
            Membership(customer: 1, account: "NW-RETAIL-FIN", role: "buyer", primary: true, title: "Finance Manager"),
            Membership(customer: 2, account: "NW-RETAIL-FIN", role: "decision_maker", primary: true, title: "CFO"),
            Membership(customer: 3, account: "NW-RETAIL-OPS", role: "buyer", primary: true),
            Membership(customer: 3, account: "NW", role: "decision_maker", primary: false, title: "Group buyer"),
            // Shared by two firms: buys for Northwind, and for Contoso only when an order says so.
            Membership(customer: 4, account: "NW-RETAIL-OPS", role: "user", primary: true),
            Membership(customer: 4, account: "CONTOSO-PROC", role: "buyer", primary: false, title: "Consultant"),
            Membership(customer: 5, account: "NW-RETAIL-LEGAL", role: "user", primary: true, title: "Counsel"),
            Membership(customer: 7, account: "NW-LOG-OPS", role: "buyer", primary: true),
            Membership(
                customer: 8, account: "NW-LOG-OPS", role: "decision_maker", primary: true, since: "2025-01-01",
                until: "2026-06-30"),
            Membership(customer: 9, account: "CONTOSO-PROC", role: "decision_maker", primary: true),
            Membership(customer: 10, account: "CONTOSO-PROC", role: "user", primary: true)
        ]
        memberships = fixed.filter { $0.customer < customers }
        // The CFO (Finance) bought one order for Legal; the shared contact one for Contoso.
        if customers > 2 { orders.append((2, "NW-RETAIL-LEGAL", 11)) }
        if customers > 4 { orders.append((4, "CONTOSO-PROC", 44)) }
        guard extra > 0 else { return }
        var rng = SeededRandom(seed: seed ^ 0xACC0_0000_0000_0000)
        var depth: [Int] = []
        let roots = max(1, extra / 20)
        for i in 0..<extra {
            let id = "A" + SampleText.padded(i + 1, 6)
            var parent: Int?
            if i >= roots {
                // A parent among the accounts made so far that is less than six levels deep.
                for _ in 0..<8 {
                    let p = rng.index(i)
                    if depth[p] < 5 {
                        parent = p
                        break
                    }
                }
            }
            let d = parent.map { depth[$0] + 1 } ?? 0
            depth.append(d)
            let kind = d == 0 ? "company" : d == 1 ? "subsidiary" : "department"
            let name =
                d == 0
                ? rng.pick(SampleWords.lastNames) + " " + rng.pick(["Group", "Holdings", "Ltd", "AG"])
                : rng.pick(["Finance", "Operations", "Legal", "Purchasing", "IT", "Marketing", "Facilities"])
            accounts.append(
                Account(
                    id: id, name: name, parent: parent.map { "A" + SampleText.padded($0 + 1, 6) }, kind: kind,
                    cadence: rng.pick(["", "weekly", "monthly", "quarterly"]), sla: rng.pick(["", "24h", "48h"])))
            for m in 0..<rng.int(1...3) where customers > 0 {
                memberships.append(
                    Membership(
                        customer: rng.index(customers), account: id, role: Self.roles[m % Self.roles.count],
                        primary: m == 0))
            }
        }
        // A large account for the benchmarks: the first customers its members, after the rest
        // were drawn, so the rest of the sample stays the same.
        for c in 0..<min(largeAccountMembers, customers) {
            memberships.append(
                Membership(
                    customer: c, account: "A" + SampleText.padded(1, 6), role: Self.roles[c % Self.roles.count],
                    primary: true))
        }
        // One person, one role per account: the file may not say it twice.
        var seen = Set<String>()
        memberships = memberships.filter { seen.insert("\($0.customer) \($0.account) \($0.role)").inserted }
    }

    /// Writes `accounts.csv`, `memberships.csv` and `b2b-orders.csv` (purchases that name their
    /// account; an events file of its own, so the customers' events file stays as it was).
    /// Returns how many orders it wrote: they are events too.
    func write(to directory: String, catalogue: SampleCatalogue, end: Int64) throws -> Int {
        let a = try CSVWriter(
            path: directory + "/accounts.csv",
            header: [
                "account_id", "name", "parent_id", "kind", "domain", "industry", "tier", "reporting_cadence", "sla"
            ])
        for x in accounts {
            a.row([x.id, x.name, x.parent ?? "", x.kind, x.domain, x.industry, x.tier, x.cadence, x.sla])
        }
        try a.close()
        let m = try CSVWriter(
            path: directory + "/memberships.csv",
            header: ["customer_id", "account_id", "role", "primary", "title", "since", "until"])
        for x in memberships {
            m.row([
                "C" + SampleText.padded(x.customer + 1, 5), x.account, x.role, x.primary ? "true" : "false", x.title,
                x.since, x.until
            ])
        }
        try m.close()
        var written = 0
        let o = try CSVWriter(
            path: directory + "/b2b-orders.csv",
            header: ["event_id", "customer_id", "timestamp", "type", "product_id", "quantity", "amount", "account_id"])
        for (n, x) in orders.enumerated() where !catalogue.items.isEmpty {
            let item = catalogue.items[(7 + 13 * n) % catalogue.items.count]
            o.row([
                "B" + SampleText.padded(n + 1, 7), "C" + SampleText.padded(x.customer + 1, 5),
                SampleText.isoDate(end - Int64(x.daysBefore) * 86_400), "purchase", item.id, "2",
                SampleWriter.money(2 * item.price), x.account
            ])
            written += 1
        }
        try o.close()
        return written
    }
}
