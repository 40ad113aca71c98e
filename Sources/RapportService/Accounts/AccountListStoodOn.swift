import Foundation
import RapportEngine
import RapportStore

// The accounts list as it stood on a past day (`rapport accounts --as-of D`, `@` on the
// explorer's accounts list): today's accounts that were clients by then (`since` empty or not
// after the day; their names, kinds and the filter are today's), each under its parent of then, by name.
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
    /// A page of the accounts list as it stood on `p`, by name: the accounts that were clients then whose name
    /// or id contains `filter` today, each with its parent and figures of then (`account ID --as-of D`'s).
    public func accounts(filter: String? = nil, limit: Int = 100, offset: Int = 0, stoodOn p: PointInTime)
        throws -> (items: [AccountListItem], total: Int)
    {
        let page = try store.accountPage(filter: filter, sort: .name, limit: limit, offset: offset, existedAt: p.moment)
        let items = try listItems(page.map(\.account), stoodOn: p)
        return (items, try store.accountCount(filter: filter, existedAt: p.moment))
    }

    /// Accounts' list rows as they stood on `p`, in the order given: each from its firm of then,
    /// folded once per firm and day (`firm(of:stoodOn:)`). `read` is the structure of then and
    /// its accounts when the caller has them already.
    func listItems(
        _ accounts: [AccountRecord], stoodOn p: PointInTime, read given: (AccountStructureOn, [AccountRecord])? = nil
    ) throws -> [AccountListItem] {
        let stamp = try store.writeStamp()
        // Read once for the rows, and only when a row is not kept already.
        var read = given
        var items: [AccountListItem] = []
        for account in accounts {
            let key = AccountRowsCache.Key(row: account.key, moment: p)
            if let known = accountRowsStoodOn.get(key, stamp: stamp) {
                items.append(known)
                continue
            }
            if read == nil {
                let s = try accountStructure(stoodOn: p)
                read = (s, try store.accounts(on: s))
            }
            let (firm, _, _) = try firm(of: account.externalId, stoodOn: p, read: read)
            var found: AccountListItem?
            for r in firm {
                let item = AccountListItem(r)
                accountRowsStoodOn.set(AccountRowsCache.Key(row: r.account.key, moment: p), item)
                if r.account.key == account.key { found = item }
            }
            guard let found else { throw StoreError.invalidArgument("no account '\(account.externalId)'") }
            items.append(found)
        }
        return items
    }

    /// `rapport accounts --customer X --as-of D`: the person's accounts as they stood on `p`:
    /// their memberships of then (`--corrections then`: as the corrections made by then left
    /// them) that had started by then, of accounts that were clients then, each account's row of then
    /// (`accounts --as-of D`'s), and whether the membership was valid at the analysis date of
    /// then. In the order of today's list (by account key, then role).
    public func personAccounts(customer id: String, stoodOn p: PointInTime) throws -> [PersonAccount] {
        let key = try store.requireCustomer(id)
        let s = try accountStructure(stoodOn: p)
        let memberships = try store.memberships(customers: [key], on: s).filter { ($0.since ?? .min) <= p.moment }
        guard !memberships.isEmpty else { return [] }
        let all = try store.accounts(on: s)
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        let accounts = Array(Set(memberships.map(\.account))).sorted().compactMap { byKey[$0] }
        let rows = Dictionary(
            uniqueKeysWithValues: zip(accounts.map(\.key), try listItems(accounts, stoodOn: p, read: (s, all))))
        let asOf = try models(stoodOn: p).model.asOf
        return memberships.compactMap { m in
            rows[m.account].map {
                PersonAccount(
                    account: $0, role: m.role, primary: m.primary,
                    current: AccountBridge.membership(m).isValid(at: asOf))
            }
        }
    }
}
