import Foundation
import RapportEngine
import RapportStore

extension Workspace {
    /// Recomputes every account's figures from the store (attributed purchases, memberships,
    /// member activity) with the fitted models, and stores them for the list and the account
    /// view. Run by a full refresh, after imports, and after a correction that moved the store's
    /// as-of date (every window moves); other corrections recompute only the firms they touched
    /// (`refreshAccountFigures(around:)`). A store without accounts costs one query.
    /// Stored rows that were already the new figures are not written again; returns what was.
    @discardableResult
    func refreshAccountFigures(model given: EngineModel? = nil) throws -> AccountRowsWritten {
        guard !store.isReadOnly else { return .none }
        let started = Date()
        let nodes = try store.accounts()
        if nodes.isEmpty { return .none }
        let model = try given ?? cache.model(store)
        let asOf = try store.latestEventTime() ?? clock()
        let window = AccountFiguresBuilder.windowDays * 86_400
        let activity = try store.memberActivity(
            previousStart: asOf - 2 * window, recentStart: asOf - window, asOf: asOf
        ).mapValues { MemberActivity(recent: $0.recent, previous: $0.previous) }
        let purchases = try store.accountPurchases().map(AccountBridge.purchase)
        let memberships = try store.membershipFacts().map(AccountBridge.membership)
        let figures = AccountFiguresBuilder.compute(
            nodes: nodes.map { AccountNode(key: $0.key, parent: $0.parent) }, purchases: purchases,
            memberships: memberships, activity: activity, requiredRoles: requiredRoles, model: model, asOf: asOf)
        let rows = try Self.figureRows(nodes.map(\.key), figures)
        let buyers = AccountBuyer.from(
            purchases, attribution: AccountAttribution(memberships: memberships), within: Set(nodes.map(\.key)))
        let written = try store.writeAccountFigures(rows, buyers: buyers.map(AccountBridge.buyer), now: clock())
        logger.info(
            "account figures",
            metadata: [
                "accounts": "\(nodes.count)", "figures_written": "\(written.figures)",
                "buyers_written": "\(written.buyers)", "seconds": "\(Date().timeIntervalSince(started))"
            ])
        return written
    }

    /// The same from what a full refresh's pass over the events gathered (`AccountFold`): only
    /// the accounts and memberships are read here. Memberships changed since the pass began
    /// (another analyst's link) send it to the full read instead.
    @discardableResult
    func refreshAccountFigures(_ fold: AccountFold, model: EngineModel?) throws -> AccountRowsWritten {
        guard !store.isReadOnly else { return .none }
        let started = Date()
        guard try store.membershipFacts().map(AccountBridge.membership) == fold.memberships else {
            return try refreshAccountFigures(model: model)
        }
        let nodes = try store.accounts().map { AccountNode(key: $0.key, parent: $0.parent) }
        if nodes.isEmpty { return .none }
        let (rows, buyers) = try fold.figureRows(nodes: nodes, requiredRoles: requiredRoles, model: model)
        let written = try store.writeAccountFigures(rows, buyers: buyers.map(AccountBridge.buyer), now: clock())
        logger.info(
            "account figures",
            metadata: [
                "accounts": "\(nodes.count)", "folded": "true", "figures_written": "\(written.figures)",
                "buyers_written": "\(written.buyers)", "seconds": "\(Date().timeIntervalSince(started))"
            ])
        return written
    }

    /// The stored rows of some accounts' figures (an account the engine left out has none).
    static func figureRows(_ keys: [Int64], _ figures: [Int64: AccountFigures]) throws -> [AccountFiguresRow] {
        var maker = AccountFiguresRowMaker()
        return try keys.map { try maker.row($0, figures[$0] ?? AccountFigures()) }
    }

    /// The same for every account of `nodes`, from figures handed over one at a time by their
    /// position in `nodes` (`AccountFiguresBuilder.forEachFigures`): each is made into its row
    /// as it comes, so no table holds every account's figures.
    static func figureRows(
        _ nodes: [AccountNode], _ figures: ((_ node: Int, _ figures: AccountFigures) throws -> Void) throws -> Void
    ) throws -> [AccountFiguresRow] {
        var maker = AccountFiguresRowMaker()
        var rows = [AccountFiguresRow?](repeating: nil, count: nodes.count)
        try figures { i, f in rows[i] = try maker.row(nodes[i].key, f) }
        return try nodes.indices.map { i in try rows[i] ?? maker.row(nodes[i].key, AccountFigures()) }
    }
}

/// Makes accounts' figures into stored rows, with one buffer for every row's text. The detail
/// is written by hand (`AccountFiguresJSON`); figures with a number JSON cannot hold go through
/// `JSONEncoder`, which refuses them as before.
struct AccountFiguresRowMaker {
    private var json = AccountFiguresJSON.Encoder()
    private lazy var encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    mutating func row(_ key: Int64, _ f: AccountFigures) throws -> AccountFiguresRow {
        let detail =
            AccountFiguresJSON.canEncode(f) ? json.encode(f) : String(decoding: try encoder.encode(f), as: UTF8.self)
        return AccountFiguresRow(
            account: key, members: f.total.members, revenue: f.total.revenue, revenue12m: f.revenue12m,
            engagement: f.engagement, trend: f.trend.rawValue, coverage: f.coverage, pAlive: f.pAlive,
            detail: detail)
    }
}

/// The store's account rows as the engine's values.
enum AccountBridge {
    static func purchase(_ r: AccountPurchaseRow) -> AccountPurchase {
        AccountPurchase(
            event: r.event, customer: r.customer, product: r.product, time: r.time, amount: r.amount,
            account: r.account)
    }

    static func buyer(_ b: AccountBuyer) -> AccountBuyerRow {
        AccountBuyerRow(account: b.account, product: b.product, customer: b.customer)
    }

    static func membership(_ m: MembershipRecord) -> AccountMembership {
        AccountMembership(
            customer: m.customer, account: m.account, role: m.role, primary: m.primary, since: m.since,
            until: m.until)
    }

    static func membership(_ m: MembershipFact) -> AccountMembership {
        AccountMembership(
            customer: m.customer, account: m.account, role: m.role, primary: m.primary, since: m.since,
            until: m.until)
    }
}
