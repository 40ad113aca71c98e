import Foundation

// The account structure as it stood on a past day, written once for both stores. Every
// correction of a membership, a parent or a purchase's account (and every undo and redo of
// one) records, in its own transaction, what it found (`account_changes`). The structure on D
// is today's with each thing changed after D put back as the first change after D found it,
// without the accounts that became clients after D (their `since`).

/// What the corrections recorded in `account_changes` write, beside the change itself.
enum AccountChanges {
    /// A link, unlink or their undo or redo: each membership slot of the person that differs
    /// between `before` and `after`, with the row it had before (none: the slot was empty).
    static func memberships(
        _ db: any SQLDatabase, customer: Int64, time: Int64, before: [MembershipState], after: [MembershipState]
    ) throws {
        let changed = MembershipPayload(before: before, after: after)
        let was = Dictionary(changed.before.map { ($0.slot, $0) }) { a, _ in a }
        var slots: [(account: Int64, role: String)] = []
        var seen = Set<String>()
        for m in changed.before + changed.after where seen.insert(m.slot).inserted { slots.append((m.account, m.role)) }
        let encoder = JSONEncoder.sorted
        for slot in slots {
            let found = try was["\(slot.account)/\(slot.role)"].map {
                String(decoding: try encoder.encode($0), as: UTF8.self)
            }
            try db.execute(
                """
                INSERT INTO account_changes(time, kind, customer_id, account_id, role, before_membership)
                VALUES (?, 'membership', ?, ?, ?, ?)
                """, [.int64(time), .int64(customer), .int64(slot.account), .string(slot.role), .string(found)])
        }
    }

    /// A move or its undo or redo: the parent the account had before (none: a root).
    static func parent(_ db: any SQLDatabase, account: Int64, time: Int64, before: Int64?) throws {
        try db.execute(
            "INSERT INTO account_changes(time, kind, account_id, before_account) VALUES (?, 'parent', ?, ?)",
            [.int64(time), .int64(account), .int64(before)])
    }

    /// An attribution or its undo or redo: the account the purchase named before (none: the rule's).
    static func attribution(_ db: any SQLDatabase, customer: Int64, event: Int64, time: Int64, before: Int64?) throws {
        try db.execute(
            """
            INSERT INTO account_changes(time, kind, customer_id, event_id, before_account)
            VALUES (?, 'attribution', ?, ?, ?)
            """, [.int64(time), .int64(customer), .int64(event), .int64(before)])
    }
}

/// The account structure as it stood at `moment`, as the differences from today's: for each
/// membership slot, parent and purchase's account a correction changed after `moment`, what it
/// was then (`nil` inside: none); and the accounts whose `since` is after `moment`, which did
/// not exist then. Empty for today's structure.
public struct AccountStructureOn: Sendable, Equatable {
    public struct Slot: Hashable, Sendable {
        public var customer: Int64
        public var account: Int64
        public var role: String
    }

    public struct Membership: Equatable, Sendable {
        public var primary: Bool
        public var title: String?
        public var since: Int64?
        public var until: Int64?
    }

    public var moment: Int64
    public var memberships: [Slot: Membership?] = [:]
    public var parents: [Int64: Int64?] = [:]
    /// Event key → the account the purchase named then.
    public var attributions: [Int64: Int64?] = [:]
    /// The accounts that became clients after `moment` (`since`).
    public var accountsNotYet: Set<Int64> = []

    public init(moment: Int64) { self.moment = moment }

    /// Today's structure: nothing to take back, no account not yet a client.
    public var isToday: Bool {
        memberships.isEmpty && parents.isEmpty && attributions.isEmpty && accountsNotYet.isEmpty
    }

    /// Whether an account existed then (today's accounts only: one removed since is not known).
    public func existed(_ account: Int64) -> Bool { !accountsNotYet.contains(account) }

    /// The accounts that existed then, with their parents of then. A parent that was not yet a
    /// client then reads as none.
    public func accounts(_ today: [AccountRecord]) -> [AccountRecord] {
        guard !parents.isEmpty || !accountsNotYet.isEmpty else { return today }
        return today.compactMap { a in
            guard existed(a.key) else { return nil }
            var a = a
            if let then = parents[a.key] { a.parent = then }
            if let p = a.parent, !existed(p) { a.parent = nil }
            return a
        }
    }

    /// A purchase's account of then.
    public func account(of event: Int64, today: Int64?) -> Int64? {
        if let then = attributions[event] { return then }
        return today
    }

    /// Today's membership rows put back as they were then: changed rows as they were, rows
    /// made since left out, and those of an account not yet a client. Rows removed since come
    /// from `revived`.
    func memberships(_ today: [MembershipRecord]) -> [MembershipRecord] {
        guard !memberships.isEmpty || !accountsNotYet.isEmpty else { return today }
        return today.compactMap { m in
            guard existed(m.account) else { return nil }
            guard let then = memberships[Slot(customer: m.customer, account: m.account, role: m.role)] else { return m }
            guard let then else { return nil }
            var m = m
            m.primary = then.primary
            m.title = then.title
            m.since = then.since
            m.until = then.until
            return m
        }
    }

    /// The slots that held a membership then and hold none today, among `today`'s rows' slots.
    func revived(notIn today: [MembershipRecord], where keep: (Slot) -> Bool) -> [(Slot, Membership)] {
        let present = Set(today.map { Slot(customer: $0.customer, account: $0.account, role: $0.role) })
        return memberships.compactMap { slot, then in
            guard let then, !present.contains(slot), existed(slot.account), keep(slot) else { return nil }
            return (slot, then)
        }.sorted { ($0.0.customer, $0.0.account, $0.0.role) < ($1.0.customer, $1.0.account, $1.0.role) }
    }
}

extension StoreBackend {
    /// The account structure as it stood at `moment`: each thing changed after it, as the first
    /// change after it found it (without `corrections`: today's corrections), and the accounts
    /// whose `since` is after it.
    public func accountStructure(stoodOn moment: Int64, corrections: Bool = true) throws -> AccountStructureOn {
        try readSQL { db in
            var out = AccountStructureOn(moment: moment)
            // Few rows: the partial index holds only the accounts with a `since`.
            out.accountsNotYet = Set(
                try db.all("SELECT id FROM accounts WHERE since > ?", [.int64(moment)]) { try $0.int64(0) ?? 0 })
            guard corrections else { return out }
            let decoder = JSONDecoder()
            try db.forEachRow(
                """
                SELECT kind, customer_id, account_id, role, event_id, before_account, before_membership
                FROM account_changes WHERE time > ? ORDER BY id DESC
                """, [.int64(moment)]
            ) { r in
                // Newest first: the last one written for a thing is the first change after `moment`.
                switch try r.string(0) {
                case "membership":
                    let slot = AccountStructureOn.Slot(
                        customer: try r.int64(1) ?? 0, account: try r.int64(2) ?? 0, role: try r.string(3) ?? "")
                    let state = try r.string(6).flatMap {
                        try? decoder.decode(MembershipState.self, from: Data($0.utf8))
                    }
                    out.memberships[slot] = .some(
                        state.map {
                            AccountStructureOn.Membership(
                                primary: $0.primary, title: $0.title, since: $0.since, until: $0.until)
                        })
                case "parent":
                    out.parents[try r.int64(2) ?? 0] = .some(try r.int64(5))
                case "attribution":
                    out.attributions[try r.int64(4) ?? 0] = .some(try r.int64(5))
                default: break
                }
            }
            return out
        }
    }

    /// Every account with its parent of then.
    public func accounts(on s: AccountStructureOn) throws -> [AccountRecord] {
        s.accounts(try accounts())
    }

    /// The memberships of some accounts (every account: nil) as they stood then, in the order
    /// of `memberships(accounts:)`.
    public func memberships(accounts keys: [Int64]?, on s: AccountStructureOn) throws -> [MembershipRecord] {
        let today = try memberships(accounts: keys)
        let wanted = keys.map(Set.init)
        let revived = try revive(
            s.revived(notIn: today) { wanted?.contains($0.account) ?? true })
        return (s.memberships(today) + revived).sorted {
            ($0.account, $0.customerExternalId, $0.role) < ($1.account, $1.customerExternalId, $1.role)
        }
    }

    /// Some people's memberships as they stood then, in the order of `memberships(customers:)`.
    public func memberships(customers keys: [Int64], on s: AccountStructureOn) throws -> [MembershipRecord] {
        let today = try memberships(customers: keys)
        let wanted = Set(keys)
        let revived = try revive(s.revived(notIn: today) { wanted.contains($0.customer) })
        return (s.memberships(today) + revived).sorted {
            ($0.customer, $0.account, $0.role) < ($1.customer, $1.account, $1.role)
        }
    }

    /// Membership rows removed since, with their people's names and consent as they are now
    /// (an erased person's changes are gone with them).
    private func revive(_ slots: [(AccountStructureOn.Slot, AccountStructureOn.Membership)]) throws
        -> [MembershipRecord]
    {
        guard !slots.isEmpty else { return [] }
        let people = try readSQL { db in
            try db.all(
                "SELECT id, external_id, name, consent_personalization FROM customers WHERE \(db.dialect.anyOf("id"))",
                [.int64List(Array(Set(slots.map(\.0.customer))))]
            ) { (try $0.int64(0) ?? 0, try $0.string(1) ?? "", try $0.string(2), try $0.bool(3)) }
        }
        let byKey = Dictionary(people.map { ($0.0, $0) }) { a, _ in a }
        return slots.compactMap { slot, m in
            guard let p = byKey[slot.customer] else { return nil }
            return MembershipRecord(
                customer: slot.customer, customerExternalId: p.1, customerName: p.2, account: slot.account,
                role: slot.role, primary: m.primary, title: m.title, since: m.since, until: m.until,
                personalizationConsent: p.3)
        }
    }

    /// The purchase lines made by then that may count for some accounts then: those that named
    /// one of them then, and those of people who were members of one then, each with the
    /// account it named then; by buyer and time, as `accountPurchases(accounts:)`.
    public func accountPurchases(accounts keys: [Int64], on s: AccountStructureOn) throws -> [AccountPurchaseRow] {
        let members = Array(Set(try memberships(accounts: keys, on: s).map(\.customer)))
        let wanted = Set(keys)
        let renamed = s.attributions.compactMap { event, then in
            then.map(wanted.contains) == true ? event : nil
        }
        let rows = try readSQL { db in
            try db.all(
                """
                SELECT e.id, e.customer_id, e.product_id, e.time, e.amount, e.account_id FROM events e
                WHERE e.type = 0 AND e.time <= ? AND (\(db.dialect.anyOf("e.account_id"))
                    OR \(db.dialect.anyOf("e.customer_id")) OR \(db.dialect.anyOf("e.id")))
                ORDER BY e.customer_id, e.time, e.id
                """, [.int64(s.moment), .int64List(keys), .int64List(members), .int64List(renamed)]
            ) {
                AccountPurchaseRow(
                    event: try $0.int64(0) ?? 0, customer: try $0.int64(1) ?? 0, product: try $0.int64(2),
                    time: try $0.int64(3) ?? 0, amount: try $0.double(4) ?? 0, account: try $0.int64(5))
            }
        }
        let memberSet = Set(members)
        return rows.compactMap { p in
            var p = p
            p.account = s.account(of: p.event, today: p.account)
            // A line that named an account of these today but another then, from a non-member.
            if let a = p.account, !wanted.contains(a), !memberSet.contains(p.customer) { return nil }
            return p
        }
    }
}

/// One row of `account_changes` as stored, for `rapport copy`: the keys it names (customer,
/// account, event, the account before and the account inside the membership before) are the
/// store's own.
public struct AccountChangeRow: Sendable, Equatable {
    public var id: Int64
    public var time: Int64
    public var kind: String
    public var customer: Int64?
    public var account: Int64?
    public var role: String?
    public var event: Int64?
    public var beforeAccount: Int64?
    /// The membership row before, as `AccountChanges.memberships` encodes it (nil: none).
    public var beforeMembership: String?

    public init(
        id: Int64, time: Int64, kind: String, customer: Int64? = nil, account: Int64? = nil, role: String? = nil,
        event: Int64? = nil, beforeAccount: Int64? = nil, beforeMembership: String? = nil
    ) {
        self.id = id
        self.time = time
        self.kind = kind
        self.customer = customer
        self.account = account
        self.role = role
        self.event = event
        self.beforeAccount = beforeAccount
        self.beforeMembership = beforeMembership
    }

    /// The row with every key it names translated to another store's; nil when one of them has
    /// no counterpart there (a key kept as it was could name another row of that store). A
    /// customer missing from `k.customers` was erased, or is not in the target: the row stays
    /// behind with them.
    public func rekeyed(_ k: CopiedKeys) -> AccountChangeRow? {
        // Absent stays absent (.some(nil)); a key without a counterpart is nil.
        func map(_ key: Int64?, _ keys: [Int64: Int64]) -> Int64?? {
            guard let key else { return .some(nil) }
            guard let new = keys[key] else { return nil }
            return .some(new)
        }
        guard let customer = map(customer, k.customers), let account = map(account, k.accounts),
            let event = map(event, k.events), let beforeAccount = map(beforeAccount, k.accounts)
        else { return nil }
        var r = self
        r.customer = customer
        r.account = account
        r.event = event
        r.beforeAccount = beforeAccount
        // A membership before that does not decode names no key and reads as none: kept as it is.
        if let text = beforeMembership,
            var state = try? JSONDecoder().decode(MembershipState.self, from: Data(text.utf8))
        {
            guard let slot = k.accounts[state.account] else { return nil }
            state.account = slot
            guard let data = try? JSONEncoder.sorted.encode(state) else { return nil }
            r.beforeMembership = String(decoding: data, as: UTF8.self)
        }
        return r
    }
}

extension StoreBackend {
    /// Every row of `account_changes`, oldest first (`rapport copy`).
    public func accountChanges() throws -> [AccountChangeRow] {
        try readSQL { db in
            try db.all(
                """
                SELECT id, time, kind, customer_id, account_id, role, event_id, before_account, before_membership
                FROM account_changes ORDER BY id
                """
            ) {
                AccountChangeRow(
                    id: try $0.int64(0) ?? 0, time: try $0.int64(1) ?? 0, kind: try $0.string(2) ?? "",
                    customer: try $0.int64(3), account: try $0.int64(4), role: try $0.string(5),
                    event: try $0.int64(6), beforeAccount: try $0.int64(7), beforeMembership: try $0.string(8))
            }
        }
    }

    /// Adds rows to `account_changes` as they are (their keys already this store's), in order,
    /// after any there: the structure of a past day reads them newest first by key.
    public func appendAccountChanges(_ rows: [AccountChangeRow]) throws {
        guard !rows.isEmpty else { return }
        try writeSQL(.analyst) { db in
            for r in rows {
                try db.execute(
                    """
                    INSERT INTO account_changes(time, kind, customer_id, account_id, role, event_id, before_account,
                        before_membership)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .int64(r.time), .string(r.kind), .int64(r.customer), .int64(r.account), .string(r.role),
                        .int64(r.event), .int64(r.beforeAccount), .string(r.beforeMembership)
                    ])
            }
        }
    }
}
