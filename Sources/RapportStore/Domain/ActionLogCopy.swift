import Foundation

// What `rapport copy` carries of the corrections, written once for both stores: the action log
// (its entries' keys translated to the new store's), the held events of clears that can still be
// undone, and the notes on accounts. Keys are each store's own, so every key an entry keeps is
// looked up in `CopiedKeys`.

/// One held (cleared) event, as the holding area keeps it.
public struct HeldEventRow: Sendable, Equatable {
    public var action: Int64
    public var customer: Int64
    public var id: Int64
    public var externalId: String?
    public var product: Int64?
    public var type: Int
    public var time: Int64
    public var quantity: Int
    public var amount: Double
    public var channel: String?
    public var isGift: Bool
    public var giftNote: String?
    public var contentHash: Int64?
    public var account: Int64?
}

/// One note on an account.
public struct AccountNoteRow: Sendable, Equatable {
    public var id: Int64
    public var account: Int64
    public var time: Int64
    public var analyst: String
    public var text: String

    public init(id: Int64, account: Int64, time: Int64, analyst: String, text: String) {
        self.id = id
        self.account = account
        self.time = time
        self.analyst = analyst
        self.text = text
    }
}

/// The source store's keys as the target store names them (a key absent here is kept).
public struct CopiedKeys: Sendable {
    public var customers: [Int64: Int64] = [:]
    public var products: [Int64: Int64] = [:]
    public var events: [Int64: Int64] = [:]
    public var notes: [Int64: Int64] = [:]
    public var accounts: [Int64: Int64] = [:]
    public var accountNotes: [Int64: Int64] = [:]
    public init() {}
}

extension ActionEntry {
    /// The entry with every key it keeps translated to another store's (`rapport copy`).
    public func rekeyed(_ k: CopiedKeys) -> ActionEntry {
        var e = self
        e.customerId = customerId.flatMap { k.customers[$0] }
        func map(_ name: String, _ keys: [Int64: Int64]) {
            guard let old = e.payload[name].flatMap({ Int64($0) }), let new = keys[old] else { return }
            e.payload[name] = String(new)
        }
        switch kind {
        case .giftFlag, .giftUnflag: map("key", k.events)
        case .eventAttribute:
            map("key", k.events)
            map("from_key", k.accounts)
            map("to_key", k.accounts)
        case .noteAdd, .noteEdit, .noteDelete: map("note", k.notes)
        case .accountParent:
            map("account_key", k.accounts)
            map("from_key", k.accounts)
            map("to_key", k.accounts)
        case .accountNote:
            map("note", k.accountNotes)
            map("account_key", k.accounts)
        case .accountLink, .accountUnlink:
            for side in ["before", "after"] {
                guard let text = e.payload[side],
                    var rows = try? JSONDecoder().decode([MembershipState].self, from: Data(text.utf8))
                else { continue }
                for i in rows.indices { rows[i].account = k.accounts[rows[i].account] ?? rows[i].account }
                if let data = try? JSONEncoder.sorted.encode(rows) {
                    e.payload[side] = String(decoding: data, as: UTF8.self)
                }
            }
        case .historyClear: break
        }
        return e
    }
}

extension StoreBackend {
    /// Appends entries to the action log as they are (state, time, analyst and payload), oldest
    /// first; returns their keys in this store, in the same order.
    public func appendActionEntries(_ entries: [ActionEntry]) throws -> [Int64] {
        try writeSQL(.analyst) { db in
            try entries.map { e in
                try db.int64(
                    """
                    INSERT INTO action_log(time, analyst, kind, customer_id, customer_ref, state, held_until, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                    [
                        .int64(e.time), .string(e.analyst), .string(e.kind.rawValue), .int64(e.customerId),
                        .string(e.customerRef), .string(e.state.rawValue), .int64(e.heldUntil),
                        .string(try ActionLog.json(e.payload))
                    ]) ?? 0
            }
        }
    }

    /// Every held event, by clear then key.
    public func heldEvents() throws -> [HeldEventRow] {
        try readSQL { db in
            try db.all(
                """
                SELECT action_id, customer_id, id, external_id, product_id, type, time, quantity, amount, channel,
                    is_gift, gift_note, content_hash, account_id FROM held_events ORDER BY action_id, id
                """
            ) {
                HeldEventRow(
                    action: try $0.int64(0) ?? 0, customer: try $0.int64(1) ?? 0, id: try $0.int64(2) ?? 0,
                    externalId: try $0.string(3), product: try $0.int64(4), type: try $0.int(5) ?? 0,
                    time: try $0.int64(6) ?? 0, quantity: try $0.int(7) ?? 1, amount: try $0.double(8) ?? 0,
                    channel: try $0.string(9), isGift: try $0.bool(10) ?? false, giftNote: try $0.string(11),
                    contentHash: try $0.int64(12), account: try $0.int64(13))
            }
        }
    }

    /// Adds held events as they are (their keys already this store's).
    public func appendHeldEvents(_ rows: [HeldEventRow]) throws {
        guard !rows.isEmpty else { return }
        try writeSQL(.analyst) { db in
            for r in rows {
                try db.execute(
                    """
                    INSERT INTO held_events(action_id, customer_id, id, external_id, product_id, type, time, quantity,
                        amount, channel, is_gift, gift_note, content_hash, account_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .int64(r.action), .int64(r.customer), .int64(r.id), .string(r.externalId), .int64(r.product),
                        .int(r.type), .int64(r.time), .int(r.quantity), .double(r.amount), .string(r.channel),
                        .bool(r.isGift), .string(r.giftNote), .int64(r.contentHash), .int64(r.account)
                    ])
            }
        }
    }

    /// Every note on an account, oldest first.
    public func allAccountNotes() throws -> [AccountNoteRow] {
        try readSQL { db in
            try db.all("SELECT id, account_id, time, analyst, text FROM account_notes ORDER BY id") {
                AccountNoteRow(
                    id: try $0.int64(0) ?? 0, account: try $0.int64(1) ?? 0, time: try $0.int64(2) ?? 0,
                    analyst: try $0.string(3) ?? "", text: try $0.string(4) ?? "")
            }
        }
    }

    /// Adds notes on accounts as they are (their accounts this store's; their keys new); returns
    /// the new keys in the same order.
    public func appendAccountNotes(_ rows: [AccountNoteRow]) throws -> [Int64] {
        try writeSQL(.analyst) { db in
            try rows.map { r in
                try db.int64(
                    "INSERT INTO account_notes(account_id, time, analyst, text) VALUES (?, ?, ?, ?) RETURNING id",
                    [.int64(r.account), .int64(r.time), .string(r.analyst), .string(r.text)]) ?? 0
            }
        }
    }
}
