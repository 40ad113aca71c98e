import Foundation
import RapportVocabulary

// Reading and checking the rows of an accounts file and a memberships file (docs/data-format.md),
// the same for both stores; `AccountFileWriter` stores them.

enum AccountColumns {
    static let accounts = [
        "account_id", "name", "parent_id", "kind", "domain", "industry", "tier", "reporting_cadence", "sla", "since"
    ]
    static let memberships = ["customer_id", "account_id", "role", "primary", "title", "since", "until"]
    static let kinds = ["company", "subsidiary", "department"]
    /// How deep the tree may go: a root and 14 levels below it.
    static let maxDepth = 15

    /// A header with `account_id` and no event column: accounts, or memberships when it names a
    /// customer too (a customers file with an `account_id` extra column says so with `--kind`).
    static func detect(_ h: Set<String>) -> ImportFileKind.Detection {
        guard h.contains("customer_id") else { return .kind(.accounts) }
        let customers = ImportFileKind.customerColumns.filter(h.contains)
        if customers.isEmpty { return .kind(.memberships) }
        return .ambiguous([(.memberships, ["customer_id", "account_id"]), (.customers, customers)])
    }
}

/// An accounts row that passed every check. Ids are still the file's.
struct ParsedAccount {
    var line: Int
    var externalId: String
    var name: String
    var parent: String?
    var kind: String
    var domain: String?, industry: String?, tier: String?, reportingCadence: String?, sla: String?
    /// The day the firm became a client (nil: always).
    var since: Int64?
}

/// A memberships row that passed every check.
struct ParsedMembership {
    var line: Int
    var customer: String
    var account: String
    var role: String
    var primary: Bool
    var title: String?
    var since: Int64?
    var until: Int64?
    /// A Segment group call: the account's traits, and whether `primary` was said.
    var groupCall = false
    var primaryGiven = true
    var accountName: String? = nil
    var industry: String? = nil
    var tier: String? = nil
    var domain: String? = nil
}

struct AccountParser {
    let columns: Columns
    var droppedColumns: [String] {
        columns.names.filter { !AccountColumns.accounts.contains($0) && $0 != "_error" && !$0.isEmpty }
    }

    func parse(_ r: FieldReader, seen: [String: Int]) throws -> ParsedAccount {
        let ext = try firstOccurrence(r, columns["account_id"], "account_id", noun: "account", seen: seen)
        let parent = try r.text(columns["parent_id"], "parent_id", structural: true)
        if parent == ext {
            throw RowError(line: r.line, field: "parent_id", reason: "account '\(ext)' cannot be its own parent")
        }
        let kindText = try r.text(columns["kind"], "kind", structural: true)?.lowercased()
        let kind = kindText ?? (parent == nil ? "company" : "department")
        guard AccountColumns.kinds.contains(kind) else {
            throw RowError(
                line: r.line, field: "kind",
                reason: "'\(kind)' is not a kind of account (expected company, subsidiary or department)")
        }
        return ParsedAccount(
            line: r.line, externalId: ext, name: try r.text(columns["name"], "name") ?? ext, parent: parent,
            kind: kind, domain: try r.text(columns["domain"], "domain", structural: true),
            industry: try r.text(columns["industry"], "industry"), tier: try r.text(columns["tier"], "tier"),
            reportingCadence: try r.text(columns["reporting_cadence"], "reporting_cadence"),
            sla: try r.text(columns["sla"], "sla"), since: try r.timestamp(columns["since"], "since"))
    }
}

struct MembershipParser {
    let columns: Columns
    var droppedColumns: [String] {
        columns.names.filter {
            !AccountColumns.memberships.contains($0) && !SegmentGroupCalls.accountColumns.contains($0)
                && $0 != "_error" && !$0.isEmpty
        }
    }

    func parse(_ r: FieldReader) throws -> ParsedMembership {
        guard let customer = try r.text(columns["customer_id"], "customer_id", structural: true) else {
            throw RowError(line: r.line, field: "customer_id", reason: "is empty")
        }
        guard let account = try r.text(columns["account_id"], "account_id", structural: true) else {
            throw RowError(line: r.line, field: "account_id", reason: "is empty")
        }
        let role = try r.text(columns["role"], "role", structural: true)?.lowercased() ?? "member"
        let since = try r.timestamp(columns["since"], "since")
        let until = try r.timestamp(columns["until"], "until")
        if let since, let until, until < since {
            throw RowError(line: r.line, field: "until", reason: "is before since")
        }
        let primary = try r.bool(columns["primary"], "primary")
        var m = ParsedMembership(
            line: r.line, customer: customer, account: account, role: role, primary: primary ?? false,
            title: try r.text(columns["title"], "title"), since: since, until: until)
        if columns.has("group_call") {
            m.groupCall = true
            m.primaryGiven = primary != nil
            m.accountName = try r.text(columns["account_name"], "traits.name")
            m.industry = try r.text(columns["industry"], "traits.industry")
            m.tier = try r.text(columns["tier"], "traits.plan")
            m.domain = try r.text(columns["domain"], "traits.domain", structural: true)
        }
        return m
    }
}
