import Foundation
import RapportVocabulary

/// Imports an accounts or memberships file, written once over the SQL seam: rows are checked
/// as they are read and kept (account files are small beside events), then `finish` checks the
/// tree as a whole and writes them inside the import's transaction, so a cycle or an unknown
/// parent refuses the whole file and changes nothing.
final class AccountFileWriter: RowWriter {
    private let db: any SQLDatabase
    private let path: String
    private let kind: ImportFileKind
    private let accountParser: AccountParser?
    private let membershipParser: MembershipParser?
    private var accounts: [ParsedAccount] = []
    private var seenAccounts: [String: Int] = [:]
    private var memberships: [ParsedMembership] = []
    private var seenMemberships: [String: Int] = [:]
    private(set) var inserted = 0
    private(set) var updated = 0
    var duplicates: Int { 0 }
    var createdCustomers: Int { 0 }
    var createdProducts: Int { 0 }
    var droppedColumns: [String] { accountParser?.droppedColumns ?? membershipParser?.droppedColumns ?? [] }

    init(_ db: any SQLDatabase, kind: ImportFileKind, columns: Columns, path: String) {
        self.db = db
        self.kind = kind
        self.path = path
        accountParser = kind == .accounts ? AccountParser(columns: columns) : nil
        membershipParser = kind == .memberships ? MembershipParser(columns: columns) : nil
    }

    func write(_ r: FieldReader) throws {
        if let accountParser {
            let a = try accountParser.parse(r, seen: seenAccounts)
            seenAccounts[a.externalId] = r.line
            accounts.append(a)
        } else if let membershipParser {
            let m = try membershipParser.parse(r)
            let key = "\(m.customer)\u{1F}\(m.account)\u{1F}\(m.role)"
            // Segment repeats group calls: a later call updates the membership, from its first time on.
            if m.groupCall,
                let earlier = memberships.firstIndex(where: {
                    "\($0.customer)\u{1F}\($0.account)\u{1F}\($0.role)" == key
                })
            {
                var later = m
                let first = memberships[earlier]
                later.since = [first.since, m.since].compactMap { $0 }.min()
                later.accountName = m.accountName ?? first.accountName
                later.industry = m.industry ?? first.industry
                later.tier = m.tier ?? first.tier
                later.domain = m.domain ?? first.domain
                memberships.remove(at: earlier)
                memberships.append(later)
                return
            }
            if let first = seenMemberships[key] {
                throw RowError(
                    line: r.line, field: "role",
                    reason: "'\(m.customer)' is '\(m.role)' of '\(m.account)' already (line \(first))")
            }
            seenMemberships[key] = r.line
            memberships.append(m)
        }
    }

    func finish() throws {
        if kind == .accounts { try storeAccounts() } else { try storeMemberships() }
    }

    private func fail(_ errors: [RowError]) throws {
        guard !errors.isEmpty else { return }
        throw ImportFailure(file: path, errors: Array(errors.prefix(50)), badRows: errors.count)
    }

    private func storeAccounts() throws {
        let stored = try AccountTree.stored(db)
        let extByKey = Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0.ext) })
        var parentOf: [String: String] = [:]
        for s in stored { if let p = s.parent, let pe = extByKey[p] { parentOf[s.ext] = pe } }
        let storedExts = Set(stored.map(\.ext))
        var errors: [RowError] = []
        for a in accounts {
            if let p = a.parent, !storedExts.contains(p), seenAccounts[p] == nil {
                errors.append(RowError(line: a.line, field: "parent_id", reason: "unknown account '\(p)'"))
            }
            parentOf[a.externalId] = a.parent
        }
        try fail(errors)
        for a in accounts {
            if let why = AccountTree.problem(a.externalId, parent: { parentOf[$0] }) {
                errors.append(RowError(line: a.line, field: "parent_id", reason: "'\(a.externalId)' \(why)"))
            }
        }
        try fail(errors)
        // An account moved deeper takes its stored descendants along: they must stay within the depth.
        for ext in storedExts where seenAccounts[ext] == nil {
            let (path, cycle) = AccountTree.ancestry(of: ext) { parentOf[$0] }
            guard !cycle, path.count > AccountColumns.maxDepth,
                let moved = path.first(where: { seenAccounts[$0] != nil }), let line = seenAccounts[moved],
                let why = AccountTree.problem(ext, parent: { parentOf[$0] })
            else { continue }
            errors.append(RowError(line: line, field: "parent_id", reason: "moving '\(moved)' puts '\(ext)' \(why)"))
        }
        try fail(errors)
        // Every account first, then the parents: a file may name a parent on a later line.
        var keys = Dictionary(uniqueKeysWithValues: stored.map { ($0.ext, $0.key) })
        for a in accounts {
            let key = try db.int64(
                """
                INSERT INTO accounts(external_id, name, kind, domain, industry, tier, reporting_cadence, sla, since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                    domain = excluded.domain, industry = excluded.industry, tier = excluded.tier,
                    reporting_cadence = excluded.reporting_cadence, sla = excluded.sla, since = excluded.since
                RETURNING id
                """,
                [
                    .string(a.externalId), .string(a.name), .string(a.kind), .string(a.domain), .string(a.industry),
                    .string(a.tier), .string(a.reportingCadence), .string(a.sla), .int64(a.since)
                ])
            if storedExts.contains(a.externalId) { updated += 1 } else { inserted += 1 }
            keys[a.externalId] = key
        }
        for a in accounts {
            try db.execute(
                "UPDATE accounts SET parent_id = ? WHERE id = ?",
                [.int64(a.parent.flatMap { keys[$0] }), .int64(keys[a.externalId])])
        }
    }

    /// Group calls name their group's traits: the account is made (a company) or its traits
    /// updated; a user's last call in the file is their primary membership unless it says.
    private func storeGroups() throws {
        var last: [String: Int] = [:]
        for (i, m) in memberships.enumerated() where m.groupCall { last[m.customer] = i }
        for (i, m) in memberships.enumerated() where m.groupCall {
            if !m.primaryGiven { memberships[i].primary = last[m.customer] == i }
            try db.execute(
                """
                INSERT INTO accounts(external_id, name, kind, industry, tier, domain) VALUES (?, ?, 'company', ?, ?, ?)
                ON CONFLICT (external_id) DO UPDATE SET name = COALESCE(?, accounts.name),
                    industry = COALESCE(excluded.industry, accounts.industry),
                    tier = COALESCE(excluded.tier, accounts.tier), domain = COALESCE(excluded.domain, accounts.domain)
                """,
                [
                    .string(m.account), .string(m.accountName ?? m.account), .string(m.industry), .string(m.tier),
                    .string(m.domain), .string(m.accountName)
                ])
        }
    }

    private func storeMemberships() throws {
        try storeGroups()
        var customers: [String: Int64] = [:]
        var accountKeys: [String: Int64] = [:]
        var errors: [RowError] = []
        for m in memberships {
            if customers[m.customer] == nil,
                // On PostgreSQL through the key map: `customers.external_id`'s index is in the "C"
                // collation, which this comparison cannot use (a scan of every customer per row).
                let k = try db.int64(db.dialect.customerKeyByExternalId, [.string(m.customer)])
            {
                customers[m.customer] = k
            }
            if accountKeys[m.account] == nil,
                let k = try db.int64("SELECT id FROM accounts WHERE external_id = ?", [.string(m.account)])
            {
                accountKeys[m.account] = k
            }
            if customers[m.customer] == nil {
                errors.append(RowError(line: m.line, field: "customer_id", reason: "unknown customer '\(m.customer)'"))
            } else if accountKeys[m.account] == nil {
                errors.append(RowError(line: m.line, field: "account_id", reason: "unknown account '\(m.account)'"))
            }
        }
        try fail(errors)
        for m in memberships {
            let args: [SQLValue] = [.int64(customers[m.customer]), .int64(accountKeys[m.account]), .string(m.role)]
            let existed =
                try db.int64(
                    "SELECT 1 FROM memberships WHERE customer_id = ? AND account_id = ? AND role = ?", args) != nil
            try db.execute(
                """
                INSERT INTO memberships(customer_id, account_id, role, is_primary, title, since, until)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (customer_id, account_id, role) DO UPDATE SET is_primary = excluded.is_primary,
                    title = excluded.title, since = excluded.since, until = excluded.until
                """, args + [.bool(m.primary), .string(m.title), .int64(m.since), .int64(m.until)])
            if existed { updated += 1 } else { inserted += 1 }
        }
    }
}
