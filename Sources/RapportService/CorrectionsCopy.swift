import Foundation
import RapportStore

/// What `rapport copy` carries of the corrections once the data is in the target: the notes on
/// accounts, the action log with every key its entries keep translated to the target's, the
/// held events of clears, so that undo and redo work in the copy as in the source, and the
/// record of account corrections (`account_changes`, every key translated), so that the account
/// structure of a past day is the source's.
enum CorrectionsCopy {
    static func run(from: any StoreBackend, to: any StoreBackend, customers: [Int64: Int64]) throws {
        var keys = CopiedKeys()
        keys.customers = customers
        keys.accounts = matched(
            try from.accounts().map { ($0.key, $0.externalId) }, try to.accounts().map { ($0.key, $0.externalId) })
        keys.products = matched(
            try from.allProducts().compactMap { p in p.id.map { ($0, p.externalId) } },
            try to.allProducts().compactMap { p in p.id.map { ($0, p.externalId) } })
        let accountNotes = try from.allAccountNotes().compactMap { n -> (Int64, AccountNoteRow)? in
            guard let account = keys.accounts[n.account] else { return nil }
            var copied = n
            copied.account = account
            return (n.id, copied)
        }
        let noteKeys = try to.appendAccountNotes(accountNotes.map(\.1))
        keys.accountNotes = Dictionary(zip(accountNotes.map(\.0), noteKeys), uniquingKeysWith: { a, _ in a })
        // A customer's note is the same note when its customer, time, author and text are.
        func noteKey(_ n: NoteRecord, _ customer: Int64?) -> String {
            "\(customer ?? -1)\u{1F}\(n.time)\u{1F}\(n.analyst)\u{1F}\(n.text)"
        }
        var targetNotes: [String: [Int64]] = [:]
        for n in try to.allNotes() {
            if let id = n.id { targetNotes[noteKey(n, n.customerId), default: []].append(id) }
        }
        for n in try from.allNotes() {
            guard let id = n.id, var ids = targetNotes[noteKey(n, customers[n.customerId])], !ids.isEmpty else {
                continue
            }
            keys.notes[id] = ids.removeFirst()
            targetNotes[noteKey(n, customers[n.customerId])] = ids
        }
        let entries = Array(try from.actionEntries(analyst: nil, limit: Int.max, offset: 0).reversed())
        let changes = try from.accountChanges()
        // Events are written in the order each customer's are read, so the n-th is the n-th.
        let eventful: Set<ActionKind> = [.giftFlag, .giftUnflag, .eventAttribute]
        let named =
            entries.filter { eventful.contains($0.kind) }.compactMap(\.customerId)
            + changes.filter { $0.event != nil }.compactMap(\.customer)
        for source in Set(named) {
            guard let target = customers[source] else { continue }
            var was: [Int64] = []
            var now: [Int64] = []
            try from.forEachEvent(customer: source, newestFirst: false) { was.append($0.id) }
            try to.forEachEvent(customer: target, newestFirst: false) { now.append($0.id) }
            guard was.count == now.count else { continue }
            for (a, b) in zip(was, now) { keys.events[a] = b }
        }
        // The record of account corrections, for the structure of a past day: a row naming
        // something the target has no counterpart of (an erased person's are gone already) stays.
        try to.appendAccountChanges(changes.compactMap { $0.rekeyed(keys) })
        let newIds = try to.appendActionEntries(entries.map { $0.rekeyed(keys) })
        let actions = Dictionary(zip(entries.map(\.id), newIds), uniquingKeysWith: { a, _ in a })
        try to.appendHeldEvents(
            try from.heldEvents().compactMap { h in
                guard let action = actions[h.action], let customer = customers[h.customer] else { return nil }
                var copied = h
                copied.action = action
                copied.customer = customer
                copied.product = h.product.flatMap { keys.products[$0] }
                copied.account = h.account.flatMap { keys.accounts[$0] }
                return copied
            })
    }

    /// Source key → target key of the rows both stores name by the same external id.
    static func matched(_ source: [(Int64, String)], _ target: [(Int64, String)]) -> [Int64: Int64] {
        let byId = Dictionary(target.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(source.compactMap { k, id in byId[id].map { (k, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}
