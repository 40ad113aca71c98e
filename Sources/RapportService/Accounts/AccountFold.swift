import Foundation
import RapportEngine
import RapportStore

/// The account side of a full refresh, folded into its one pass over the events: each range of
/// customers attributes its own purchases and notes its members' activity as their events go
/// by, so the account figures need no second read of the events (docs/accounts.md). Parts are
/// handed in from the refresh's threads, behind a lock.
final class AccountFold: @unchecked Sendable {
    let memberships: [AccountMembership]
    let attribution: AccountAttribution
    let members: Set<Int64>
    let asOf: Int64
    let recentStart: Int64
    let previousStart: Int64
    private let lock = NSLock()
    private var orders: AccountOrderLines
    private var activity: [Int64: MemberActivity] = [:]
    private var buyers = Set<AccountBuyer>()

    /// Nil for a store without accounts: the refresh then costs one query more, no more.
    static func start(_ store: StoreBackend, asOf: Int64) throws -> AccountFold? {
        guard try store.accountCount(filter: nil) > 0 else { return nil }
        return AccountFold(memberships: try store.membershipFacts().map(AccountBridge.membership), asOf: asOf)
    }

    init(memberships: [AccountMembership], asOf: Int64) {
        self.memberships = memberships
        attribution = AccountAttribution(memberships: memberships)
        members = Set(memberships.map(\.customer))
        self.asOf = asOf
        let window = AccountFiguresBuilder.windowDays * 86_400
        recentStart = asOf - window
        previousStart = asOf - 2 * window
        orders = AccountOrderLines(asOf: asOf)
    }

    func part() -> Part { Part(fold: self) }

    /// Takes one range's part into the totals.
    func collect(_ part: Part) {
        lock.lock()
        defer { lock.unlock() }
        orders.merge(part.orders)
        activity.merge(part.activity) { a, _ in a }
        buyers.formUnion(part.buyers)
    }

    /// Every account's figures from what the parts gathered, as the rows the store keeps (in
    /// the order of `nodes`), and the buyers of the accounts that exist (a purchase may name an
    /// account since deleted).
    func figureRows(nodes: [AccountNode], requiredRoles: [String], model: EngineModel?) throws
        -> (rows: [AccountFiguresRow], buyers: [AccountBuyer])
    {
        lock.lock()
        defer { lock.unlock() }
        let rows = try Workspace.figureRows(nodes) { body in
            try AccountFiguresBuilder.forEachFigures(
                nodes: nodes, orders: orders, memberships: memberships, activity: activity,
                requiredRoles: requiredRoles, model: model, asOf: asOf, body)
        }
        let known = Set(nodes.map(\.key))
        return (rows, buyers.filter { known.contains($0.account) })
    }

    /// What one range of customers gathers, one customer at a time, on the range's thread.
    struct Part {
        let fold: AccountFold
        var orders: AccountOrderLines
        var activity: [Int64: MemberActivity] = [:]
        var buyers = Set<AccountBuyer>()
        /// The current customer's purchases, as the scan passes them.
        private var purchases: [AccountPurchase] = []
        private var recent = false
        private var previous = false

        init(fold: AccountFold) {
            self.fold = fold
            orders = AccountOrderLines(asOf: fold.asOf)
        }

        /// One event of the current customer (events come by customer, then time and key).
        mutating func add(_ e: EventFact) {
            if e.time > fold.recentStart && e.time <= fold.asOf {
                recent = true
            } else if e.time > fold.previousStart && e.time <= fold.recentStart {
                previous = true
            }
            if e.type == EventType.purchase.code {
                purchases.append(
                    AccountPurchase(
                        event: e.key, customer: e.customer, product: e.product, time: e.time, amount: e.amount,
                        account: e.account))
            }
        }

        /// The current customer's events are all in: attributes their purchases and notes
        /// whether they were active, when they are a member.
        mutating func finish(customer: Int64) {
            if (recent || previous) && fold.members.contains(customer) {
                activity[customer] = MemberActivity(recent: recent, previous: previous)
            }
            for p in purchases {
                guard let account = fold.attribution.account(for: p) else { continue }
                orders.add(p, account: account)
                if let product = p.product {
                    buyers.insert(AccountBuyer(account: account, product: product, customer: p.customer))
                }
            }
            purchases.removeAll(keepingCapacity: true)
            recent = false
            previous = false
        }
    }
}
