import Foundation
import RapportEngine
import RapportStore

// The accounts list as it stood on a past day (`rapport accounts --as-of D`, `@` on the
// explorer's accounts list). The store records no account's creation, so the accounts are
// today's (their names, kinds and the filter too), each under its parent of then, by name.
// Only the rows asked for get figures: each row's firm of then is folded again, as `account ID
// --as-of D` does (`firm(of:stoodOn:)`), one firm at a time, and every account of a firm so
// folded is kept per day until the store changes. Nothing here reads every account's purchases.

/// What the accounts list as of a past day can and cannot do.
public enum AccountListStoodOn {
    /// The list of a day is by name: the other sorts need every firm's figures of then.
    public static func sort(for sort: AccountListSort) -> AccountListSort { .name }

    /// Why the list of a day is not in the order asked for, or nil when it is.
    public static func sortNote(_ sort: AccountListSort, _ p: PointInTime) -> String? {
        guard sort != .name else { return nil }
        return "sorted by name: \(sort.rawValue) as of \(p.label) is known only firm by firm"
    }
}

typealias AccountRowsCache = PastRowsCache<AccountListItem>

extension Workspace {
    /// A page of the accounts list as it stood on `p`, by name: today's accounts whose name or id
    /// contains `filter`, each with its parent and figures of then (`account ID --as-of D`'s).
    public func accounts(filter: String? = nil, limit: Int = 100, offset: Int = 0, stoodOn p: PointInTime)
        throws -> (items: [AccountListItem], total: Int)
    {
        let page = try store.accountPage(filter: filter, sort: .name, limit: limit, offset: offset)
        let stamp = try store.writeStamp()
        // Read once for the page, and only when a row is not kept already.
        var read: (AccountStructureOn, [AccountRecord])?
        var items: [AccountListItem] = []
        for row in page {
            let key = AccountRowsCache.Key(row: row.account.key, moment: p)
            if let known = accountRowsStoodOn.get(key, stamp: stamp) {
                items.append(known)
                continue
            }
            if read == nil {
                let s = try accountStructure(stoodOn: p)
                read = (s, try store.accounts(on: s))
            }
            let (firm, _, _) = try firm(of: row.account.externalId, stoodOn: p, read: read)
            var found: AccountListItem?
            for r in firm {
                let item = AccountListItem(r)
                accountRowsStoodOn.set(AccountRowsCache.Key(row: r.account.key, moment: p), item)
                if r.account.key == row.account.key { found = item }
            }
            guard let found else { throw StoreError.invalidArgument("no account '\(row.account.externalId)'") }
            items.append(found)
        }
        return (items, try store.accountCount(filter: filter))
    }
}
