import Foundation
import RapportEngine
import RapportStore

// What the service hands out about accounts: the list's rows, one account with its tree,
// members, figures and recommendations. `--json` names are the coding keys (snake_case).

/// One row of the accounts list.
public struct AccountListItem: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    public var parentName: String?
    public var members: Int
    public var revenue: Double
    public var revenue12m: Double
    public var engagement: Int?
    public var trend: String?
    public var coverage: Double?
    public var pAlive: Double?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, parent, members, revenue, engagement, trend, coverage
        case parentName = "parent_name", revenue12m = "revenue_12m", pAlive = "p_alive"
    }
}

extension AccountListItem {
    init(_ r: AccountListRow) {
        id = r.account.externalId
        name = r.account.name
        kind = r.account.kind
        parent = r.parentExternalId
        parentName = r.parentName
        members = r.figures?.members ?? 0
        revenue = r.figures?.revenue ?? 0
        revenue12m = r.figures?.revenue12m ?? 0
        engagement = r.figures?.engagement
        trend = r.figures?.trend
        coverage = r.figures?.coverage
        pAlive = r.figures?.pAlive
    }
}

/// One membership as the account view shows it.
public struct AccountMemberView: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var role: String
    public var primary: Bool
    public var title: String?
    public var since: String?
    public var until: String?
    /// Valid at the store's as-of date.
    public var current: Bool
    public var consent: Bool?
}

/// One scope of an account's figures, dates as days.
public struct AccountScopeView: Encodable, Sendable, Equatable {
    public var orders: Int
    public var revenue: Double
    public var aov: Double?
    public var repeatRate: Double?
    public var lastOrder: String?
    public var customers: Int
    public var members: Int
    public var activeMembers90d: Int

    enum CodingKeys: String, CodingKey {
        case orders, revenue, aov, customers, members
        case repeatRate = "repeat_rate", lastOrder = "last_order", activeMembers90d = "active_members_90d"
    }

    init(_ f: AccountScopeFigures) {
        orders = f.orders
        revenue = f.revenue
        aov = f.aov.map { ($0 * 100).rounded() / 100 }
        repeatRate = f.repeatRate
        lastOrder = f.lastOrder.map(DateParsing.isoDate)
        customers = f.customers
        members = f.members
        activeMembers90d = f.activeMembers
    }
}

public struct AccountFiguresView: Encodable, Sendable, Equatable {
    public var individual: AccountScopeView
    public var children: AccountScopeView
    public var total: AccountScopeView
}

/// An account's (or a department's) own ordering interval beside what it states.
public struct AccountCadenceView: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var intervalDays: Double?
    public var nextOrder: String?
    public var statedCadence: String?
    public var sla: String?

    enum CodingKeys: String, CodingKey {
        case id, name, sla
        case intervalDays = "interval_days", nextOrder = "next_order", statedCadence = "stated_cadence"
    }

    /// "says monthly; orders every 21 days", or what is known of it.
    public var sentence: String {
        let says = statedCadence.map { "says \($0)" }
        let does = intervalDays.map {
            "orders every \(Int($0.rounded())) days" + (nextOrder.map { ", next \($0)" } ?? "")
        }
        let parts = [says, does ?? "no regular ordering yet", sla.map { "SLA \($0)" }].compactMap { $0 }
        return parts.joined(separator: "; ")
    }
}

public struct AccountRecommendationView: Encodable, Sendable, Equatable {
    public var productId: String
    public var title: String
    public var reason: String
    public var kind: String

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", title, reason, kind
    }
}

/// One account, whole: `rapport account ID --json` and the explorer's account profile.
public struct AccountView: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    /// Ancestor ids from the root down to the parent.
    public var path: [String]
    /// Ancestor names in the same order, for a breadcrumb.
    public var pathNames: [String]
    public var children: [String]
    public var domain: String?
    public var industry: String?
    public var tier: String?
    public var reportingCadence: String?
    public var sla: String?
    public var members: [AccountMemberView]
    public var figures: AccountFiguresView
    public var revenue12m: Double
    public var pAlive: Double?
    public var expectedOrders90d: Double?
    public var clv: Double?
    public var engagement: Int
    public var engagementPrevious: Int
    public var trend: String
    public var coverage: Double?
    public var missingRoles: [String]
    public var requiredRoles: [String]
    /// This account's cadence and each descendant department's.
    public var cadence: [AccountCadenceView]
    public var recommendations: [AccountRecommendationView]
    /// When the figures were last computed: false until a refresh or an import computed them.
    public var computed: Bool
    public var notes: [AccountNoteView]
    /// How many members the account has; `members` may hold only the first of them (the
    /// explorer's first screen). Not in `--json`, whose `members` are every one.
    public var memberCount = 0
    /// Set when the account is shown as it stood on a past day (`--as-of`); absent otherwise.
    public var asStoodOn: StoodOnView? = nil
    /// The day the firm became a client (`YYYY-MM-DD`, accounts.csv's `since`); null: always.
    public var since: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, kind, parent, path, children, domain, industry, tier, sla, since, members, figures
        case pAlive = "p_alive", clv, engagement, trend, coverage, cadence, recommendations, computed, notes
        case pathNames = "path_names", reportingCadence = "reporting_cadence", revenue12m = "revenue_12m"
        case expectedOrders90d = "expected_orders_90d", engagementPrevious = "engagement_previous"
        case missingRoles = "missing_roles", requiredRoles = "required_roles", asStoodOn = "as_stood_on"
    }
}

/// One line of `rapport account tree ID`: an account at its depth below the root shown.
public struct AccountTreeLine: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var depth: Int
    public var parent: String?
    public var childCount: Int
    public var revenue: Double?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, depth, parent, revenue
        case childCount = "child_count"
    }
}

/// What `account set-parent` did (or, with `--dry-run`, would do).
public struct ParentChangeView: Encodable, Sendable, Equatable {
    public var account: String
    public var from: String?
    public var to: String?
    public var losing: [String]
    public var gaining: [String]
    public var applied: Bool

    init(_ c: ParentChange) {
        account = c.account
        from = c.oldParent
        to = c.newParent
        losing = c.losing
        gaining = c.gaining
        applied = c.applied
    }

    /// "totals change for Acme (loses Legal) and Globex (gains Legal)".
    public var sentence: String {
        if losing.isEmpty && gaining.isEmpty { return "no ancestor's totals change" }
        var parts: [String] = []
        if !losing.isEmpty { parts.append("\(losing.joined(separator: ", ")) lose \(account)'s figures") }
        if !gaining.isEmpty { parts.append("\(gaining.joined(separator: ", ")) gain them") }
        return "totals change: " + parts.joined(separator: "; ") + "; nothing else changes"
    }
}

/// One of a person's accounts, with their role there (the person's profile lists them).
public struct PersonAccount: Encodable, Sendable, Equatable {
    public var account: AccountListItem
    public var role: String
    public var primary: Bool
    /// The membership is valid at the store's as-of date.
    public var current: Bool
}

/// An analyst's note on an account.
public struct AccountNoteView: Encodable, Sendable, Equatable {
    public var time: String
    public var analyst: String
    public var text: String
}
