import ArgumentParser
import Foundation
import RapportService

// `rapport accounts`, `rapport account …` and `rapport attribute`: B2B accounts (docs/accounts.md).
// Each parses, calls the service and prints; every change is audited by the service.

struct Accounts: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List B2B accounts with their figures.")
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var list: ListOptions
    @Option(help: "Only accounts whose name or id contains this text.") var filter = ""
    @Option(help: "Sort column.") var sort: AccountListSort = .revenue
    @Option(
        help: """
            Only this customer's accounts, with their role in each (with --as-of: their memberships \
            and accounts as they stood then).
            """) var customer: String?
    @OptionGroup var past: StoodOnOptions

    mutating func run() throws {
        let ws = try past.open(storeOptions)
        if let customer {
            let all =
                try past.pointInTime.map { try ws.personAccounts(customer: customer, stoodOn: $0) }
                ?? ws.personAccounts(customer: customer)
            let listing = list.listing(list.page(all), total: all.count)
            if output.json {
                try Out.json(listing)
                return
            }
            let table = TextTable(headers: ["ID", "NAME", "KIND", "ROLE", "PRIMARY", "CURRENT"])
            for p in listing.items {
                table.add([
                    p.account.id, p.account.name, p.account.kind, p.role, p.primary ? "yes" : "",
                    p.current ? "yes" : "ended"
                ])
            }
            table.print()
            Out.line(listing.footer("accounts"))
            return
        }
        let page: (items: [AccountListItem], total: Int)
        if let p = past.pointInTime {
            // By name: the other sorts need every firm's figures of then.
            if let note = AccountListStoodOn.sortNote(sort, p) { ErrorReporting.printError("rapport: \(note)") }
            page = try ws.accounts(filter: filter, limit: list.limit, offset: list.offset, stoodOn: p)
        } else {
            page = try ws.accounts(filter: filter, sort: sort, limit: list.limit, offset: list.offset)
        }
        let listing = list.listing(page.items, total: page.total)
        if output.json {
            try Out.json(listing)
            return
        }
        let table = TextTable(headers: ["ID", "NAME", "KIND", "PARENT", "MEMBERS", "REVENUE", "12M", "TREND", "COVER"])
        for r in page.items {
            table.add([
                r.id, r.name, r.kind, r.parent ?? "", String(r.members), String(format: "%.2f", r.revenue),
                String(format: "%.2f", r.revenue12m), r.trend ?? "",
                r.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? ""
            ])
        }
        table.print()
        Out.line(listing.footer("accounts"))
    }
}

extension AccountListSort: ExpressibleByArgument {}

struct Account: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a B2B account, its tree, and correct its members and parent.",
        subcommands: [Show.self, Tree.self, Link.self, Unlink.self, SetParent.self, Note.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One account: tree, members, figures, cadence, coverage, recommendations.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var past: StoodOnOptions
        @Argument(help: "Account id.") var id: String

        mutating func run() throws {
            let ws = try past.open(storeOptions)
            let a = try past.pointInTime.map { try ws.account(id, stoodOn: $0) } ?? ws.account(id)
            if output.json {
                try Out.json(a)
                return
            }
            if let s = a.asStoodOn { Out.line(StoodOnText.heading(s)) }
            Out.line((a.pathNames + [a.name]).joined(separator: " › ") + "  [\(a.id)] \(a.kind)")
            let details = [
                a.domain.map { "domain \($0)" }, a.industry.map { "industry \($0)" }, a.tier.map { "tier \($0)" },
                a.since.map { "client since \($0)" }
            ].compactMap { $0 }
            if !details.isEmpty { Out.line(details.joined(separator: " · ")) }
            if !a.children.isEmpty { Out.line("children: \(a.children.joined(separator: ", "))") }
            for (label, s) in [
                ("individual", a.figures.individual), ("children", a.figures.children),
                ("total", a.figures.total)
            ] {
                Out.line(
                    "\(label): \(s.orders) orders, revenue \(String(format: "%.2f", s.revenue)), "
                        + "\(s.customers) buyers, \(s.activeMembers90d) of \(s.members) members active in 90 days")
            }
            let pAlive = a.pAlive.map { String(format: "%.2f", $0) } ?? "n/a"
            let clv = a.clv.map { String(format: "%.2f", $0) } ?? "n/a"
            Out.line("P(alive) \(pAlive)  CLV 12m \(clv)  engagement \(a.engagement) (\(a.trend))")
            let coverage = a.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? "n/a"
            let missing = a.missingRoles.isEmpty ? "" : " (missing: \(a.missingRoles.joined(separator: ", ")))"
            Out.line("committee coverage \(coverage)\(missing)")
            // Departments of one name recur across a firm's subsidiaries: the id tells them apart.
            for c in a.cadence { Out.line("cadence \(c.name) [\(c.id)]: \(c.sentence)") }
            Out.line("members:")
            for m in a.members {
                let when = [m.since.map { "since \($0)" }, m.until.map { "until \($0)" }].compactMap { $0 }
                Out.line(
                    "  \(m.id) \(m.name ?? "") — \(m.role)\(m.primary ? " (primary)" : "")"
                        + (when.isEmpty ? "" : ", " + when.joined(separator: " ")))
            }
            Out.line("recommendations:")
            for r in a.recommendations { Out.line("  \(r.productId) \(r.title): \(r.reason)") }
            for n in a.notes { Out.line("note \(n.time) \(n.analyst): \(n.text)") }
            if !a.computed { Out.line("figures not computed yet: run 'rapport refresh'") }
        }
    }

    struct Tree: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account and everything below it.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var past: StoodOnOptions
        @Argument(help: "Account id.") var id: String

        mutating func run() throws {
            let ws = try past.open(storeOptions)
            let lines = try past.pointInTime.map { try ws.accountTree(id, stoodOn: $0) } ?? ws.accountTree(id)
            if output.json {
                try Out.json(lines)
                return
            }
            for l in lines {
                let revenue = l.revenue.map { "  " + String(format: "%.2f", $0) } ?? ""
                Out.line(String(repeating: "  ", count: l.depth) + "\(l.name) [\(l.id)] \(l.kind)\(revenue)")
            }
        }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a customer a member of an account.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The member's role, e.g. buyer.") var role: String
        @Flag(help: "Their purchases count for this account (ends other primaries).") var primary = false
        @Option(help: "Their job title.") var title: String?
        @Argument(help: "Customer id.") var customer: String
        @Argument(help: "Account id.") var account: String

        mutating func run() throws {
            let ws = try storeOptions.open()
            try ws.linkMember(customer: customer, account: account, role: role, primary: primary, title: title)
            Out.line("\(customer) is \(role) of \(account)\(primary ? " (primary)" : "")")
        }
    }

    struct Unlink: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a membership (its history stays), or --delete it.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Only this role (default: every role).") var role: String?
        @Option(help: "End it on this date (default: now).", transform: DateArgument.parse) var until: DateArgument?
        @Flag(help: "Delete the membership instead of ending it.") var delete = false
        @Argument(help: "Customer id.") var customer: String
        @Argument(help: "Account id.") var account: String

        mutating func run() throws {
            let ws = try storeOptions.open()
            let n = try ws.unlinkMember(
                customer: customer, account: account, role: role, until: until?.seconds, delete: delete)
            Out.line("\(n) membership\(n == 1 ? "" : "s") of \(customer) in \(account) \(delete ? "deleted" : "ended")")
        }
    }

    struct SetParent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-parent", abstract: "Move an account under another, or --clear its parent.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Make it a root (no parent).") var clear = false
        @Flag(name: .customLong("dry-run"), help: "Say whose totals would change; change nothing.")
        var dryRun = false
        @Argument(help: "Account id.") var id: String
        @Argument(help: "New parent's account id.") var parent: String?

        func validate() throws {
            if clear == (parent != nil) { throw ValidationError("give a new parent, or --clear") }
        }

        mutating func run() throws {
            let ws = try storeOptions.open()
            let change = try ws.setAccountParent(id, parent: parent, dryRun: dryRun)
            if output.json {
                try Out.json(change)
                return
            }
            let verb = change.applied ? "moved" : "would move"
            Out.line("\(id) \(verb) from \(change.from ?? "(root)") to \(change.to ?? "(root)"): \(change.sentence)")
        }
    }
}

extension Account {
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to an account.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Account id.") var id: String
        @Argument(help: "The note's text.") var text: String

        mutating func run() throws {
            let ws = try storeOptions.open()
            try ws.addAccountNote(id, text: text)
            Out.line("note added to \(id)")
        }
    }
}

struct Attribute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark a purchase as made for an account (the B2B twin of the gift flag).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The account it was bought for.") var account: String?
    @Flag(help: "Return it to the attribution rule.") var clear = false
    @Argument(help: "Event id (as shown by 'rapport history').") var eventId: String

    func validate() throws {
        if clear == (account != nil) { throw ValidationError("give --account ID, or --clear") }
    }

    mutating func run() throws {
        let ws = try storeOptions.open()
        try ws.attribute(event: eventId, account: account)
        Out.line(account.map { "\(eventId) now counts for \($0)" } ?? "\(eventId) follows the attribution rule again")
    }
}
