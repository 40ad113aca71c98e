import Foundation

/// One stored account.
public struct AccountRecord: Sendable, Equatable {
    public var key: Int64
    public var externalId: String
    public var name: String
    public var parent: Int64?
    public var kind: String
    public var domain: String?
    public var industry: String?
    public var tier: String?
    public var reportingCadence: String?
    public var sla: String?
    /// The day the firm became a client (accounts.csv's `since`); nil: always.
    public var since: Int64? = nil

    static let columns =
        "a.id, a.external_id, a.name, a.parent_id, a.kind, a.domain, a.industry, a.tier, "
        + "a.reporting_cadence, a.sla, a.since"

    static func read(_ r: any SQLRow) throws -> AccountRecord {
        AccountRecord(
            key: try r.int64(0) ?? 0, externalId: try r.string(1) ?? "", name: try r.string(2) ?? "",
            parent: try r.int64(3), kind: try r.string(4) ?? "company", domain: try r.string(5),
            industry: try r.string(6), tier: try r.string(7), reportingCadence: try r.string(8), sla: try r.string(9),
            since: try r.int64(10))
    }
}

/// One membership with the person's id, name and personalization consent.
public struct MembershipRecord: Sendable, Equatable {
    public var customer: Int64
    public var customerExternalId: String
    public var customerName: String?
    public var account: Int64
    public var role: String
    public var primary: Bool
    public var title: String?
    public var since: Int64?
    public var until: Int64?
    public var personalizationConsent: Bool?

    static let columns =
        "m.customer_id, c.external_id, c.name, m.account_id, m.role, m.is_primary, m.title, m.since, m.until, "
        + "c.consent_personalization"

    static func read(_ r: any SQLRow) throws -> MembershipRecord {
        MembershipRecord(
            customer: try r.int64(0) ?? 0, customerExternalId: try r.string(1) ?? "", customerName: try r.string(2),
            account: try r.int64(3) ?? 0, role: try r.string(4) ?? "", primary: try r.bool(5) ?? false,
            title: try r.string(6), since: try r.int64(7), until: try r.int64(8),
            personalizationConsent: try r.bool(9))
    }
}

/// One membership as the account figures read it: the person's key, without their id, name,
/// consent or title.
public struct MembershipFact: Sendable, Equatable {
    public var customer: Int64
    public var account: Int64
    public var role: String
    public var primary: Bool
    public var since: Int64?
    public var until: Int64?

    public init(customer: Int64, account: Int64, role: String, primary: Bool, since: Int64?, until: Int64?) {
        self.customer = customer
        self.account = account
        self.role = role
        self.primary = primary
        self.since = since
        self.until = until
    }

    static func read(_ r: any SQLRow) throws -> MembershipFact {
        MembershipFact(
            customer: try r.int64(0) ?? 0, account: try r.int64(1) ?? 0, role: try r.string(2) ?? "",
            primary: try r.bool(3) ?? false, since: try r.int64(4), until: try r.int64(5))
    }
}

/// A purchase line that may count for an account: it names one, or its buyer is a member.
public struct AccountPurchaseRow: Sendable, Equatable {
    public var event: Int64
    public var customer: Int64
    public var product: Int64?
    public var time: Int64
    public var amount: Double
    public var account: Int64?
}

/// What the refresh stores for one account: the sortable figures, and the rest as JSON.
public struct AccountFiguresRow: Sendable, Equatable {
    public var account: Int64
    public var members: Int
    public var revenue: Double
    public var revenue12m: Double
    public var engagement: Int?
    public var trend: String?
    public var coverage: Double?
    public var pAlive: Double?
    public var detail: String

    public init(
        account: Int64, members: Int, revenue: Double, revenue12m: Double, engagement: Int?, trend: String?,
        coverage: Double?, pAlive: Double?, detail: String
    ) {
        self.account = account
        self.members = members
        self.revenue = revenue
        self.revenue12m = revenue12m
        self.engagement = engagement
        self.trend = trend
        self.coverage = coverage
        self.pAlive = pAlive
        self.detail = detail
    }
}

/// One row of the accounts list.
public struct AccountListRow: Sendable, Equatable {
    public var account: AccountRecord
    public var parentExternalId: String?
    public var parentName: String?
    public var figures: AccountFiguresRow?

    public init(account: AccountRecord, parentExternalId: String?, parentName: String?, figures: AccountFiguresRow?) {
        self.account = account
        self.parentExternalId = parentExternalId
        self.parentName = parentName
        self.figures = figures
    }
}

/// The orders of the accounts list.
public enum AccountSort: String, Sendable, CaseIterable {
    case name, revenue, engagement, coverage
    case pAlive = "p_alive"

    var orderBy: String {
        switch self {
        case .name: "lower(a.name), a.id"
        case .revenue: "f.revenue DESC NULLS LAST, a.id"
        case .engagement: "f.engagement DESC NULLS LAST, a.id"
        case .coverage: "f.coverage DESC NULLS LAST, a.id"
        case .pAlive: "f.p_alive DESC NULLS LAST, a.id"
        }
    }

    /// The same order from the figures' side, as their indexes hold it.
    var figuresOrder: String { orderBy.replacingOccurrences(of: ", a.id", with: ", f.account_id") }
}

/// What a change of parent does: whose totals change (old and new ancestors).
public struct ParentChange: Sendable, Equatable {
    public var account: String
    public var oldParent: String?
    public var newParent: String?
    /// The ancestors (external ids, nearest first) that lose the subtree's figures, and those that gain them.
    public var losing: [String]
    public var gaining: [String]
    public var applied: Bool
}
