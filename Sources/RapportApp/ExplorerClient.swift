import Foundation
import RapportEngine
import RapportService
import RapportVocabulary

/// Everything the explorer asks of the service, as a struct of closures: `.live(workspace)` in
/// the executable forwards each one to the `Workspace`; tests fill the closures with canned view
/// models and need no store. The explorer and its effects call nothing else.
///
/// The closures only read or write: which lane a call runs on (read, write, a named queue) is
/// decided by the effect that makes it, not here.
public struct ExplorerClient: Sendable {
    // MARK: The customer list

    /// How many customers a query lists, counting at most `cap` matches (nil: all of them).
    public var customerCount: @Sendable (_ query: ListQuery, _ cap: Int?) throws -> Int
    /// One page of the list; `total` is the count already known, when it is.
    public var customerPage:
        @Sendable (_ query: ListQuery, _ offset: Int, _ limit: Int, _ total: Int?) throws -> [CustomerListItem]
    /// The key of the customer with this external id, nil when there is none (`:goto`).
    public var findCustomer: @Sendable (_ externalId: String) throws -> Int64?

    // MARK: One customer

    public var customerExists: @Sendable (_ key: Int64) throws -> Bool
    public var profile: @Sendable (_ key: Int64) throws -> ProfileReport
    public var history: @Sendable (_ key: Int64) throws -> [HistoryEvent]
    /// The events behind one inferred preference, with their contributions.
    public var evidence:
        @Sendable (_ key: Int64, _ attribute: PreferenceAttribute, _ value: String) throws -> [EvidenceContribution]
    /// How many events a clear of this window would remove.
    public var countHistory: @Sendable (_ key: Int64, _ window: HistoryWindow) throws -> Int

    // MARK: Actions on a customer (writes)

    public var setGift:
        @Sendable (_ event: String, _ isGift: Bool, _ note: String?, _ shown: ProfileReport?) throws -> GiftResult
    /// Removes the events of a window; answers how many went.
    public var clearHistory: @Sendable (_ key: Int64, _ window: HistoryWindow) throws -> Int
    public var addNote: @Sendable (_ key: Int64, _ text: String) throws -> Void
    public var exportToFile: @Sendable (_ key: Int64, _ path: String, _ redact: Bool) throws -> Void
    /// Erases a customer for good (and compacts the store).
    public var forget: @Sendable (_ key: Int64) throws -> Void
    /// Refits the models, reporting each stage and how far it got.
    public var refresh: @Sendable (_ progress: @escaping @Sendable (String, Double) -> Void) throws -> Void

    // MARK: Segments

    public var segmentSummaries: @Sendable () throws -> [SegmentSummary]
    public var parseRule: @Sendable (_ text: String) throws -> Rule
    /// How many customers a rule selects right now.
    public var countMembers: @Sendable (_ rule: Rule) throws -> Int
    public var ruleWarnings: @Sendable (_ rule: Rule) throws -> [String]
    /// Saves a new rule segment (never replacing one).
    public var createSegment: @Sendable (_ name: String, _ rule: String) throws -> SegmentSaved
    /// Replaces a rule segment's rule; answers its new member count.
    public var updateSegment: @Sendable (_ name: String, _ rule: String) throws -> Int
    public var deleteSegment: @Sendable (_ name: String) throws -> Void

    // MARK: Business metrics

    public var metrics: @Sendable (_ segment: String?) throws -> BusinessMetrics
    /// Everyone's figures as the last full refresh stored them, nil before the first.
    public var cachedMetrics: @Sendable () throws -> BusinessMetrics?
    /// The list query of one metrics cell's customers.
    public var metricsList:
        @Sendable (
            _ cell: MetricsSelection, _ since: Int64?, _ until: Int64?, _ segment: String?, _ sort: ListSort
        ) throws -> ListQuery

    // MARK: Changes made elsewhere

    /// A stamp that changes whenever anyone writes to the store (polled on each tick).
    public var writeStamp: @Sendable () throws -> String

    // MARK: As it stood on a past day (`@`)

    public var profileStoodOn: @Sendable (_ key: Int64, _ moment: PointInTime) throws -> ProfileReport
    public var historyStoodOn: @Sendable (_ key: Int64, _ moment: PointInTime) throws -> [HistoryEvent]
    /// Every segment's members counted as they stood on a day (a full pass over the events).
    public var segmentSummariesStoodOn: @Sendable (_ moment: PointInTime) throws -> [SegmentSummary]
    /// A recommendation's score in parts (`rapport explain recommendation`).
    public var explainRecommendation:
        @Sendable (_ key: Int64, _ productId: String, _ moment: PointInTime?) throws -> RecommendationExplanationView
    // MARK: Corrections: previews, and undo and redo over the analyst's action log

    /// What a gift flag would change, and the token that commits exactly that.
    public var previewGift:
        @Sendable (_ event: String, _ isGift: Bool, _ shown: ProfileReport?) throws -> CorrectionPreview = { _, _, _ in
            throw ExplorerClient.notInFixture
        }
    public var previewClear: @Sendable (_ key: Int64, _ window: HistoryWindow) throws -> CorrectionPreview = { _, _ in
        throw ExplorerClient.notInFixture
    }
    /// The gift flag and the clear, refused when the customer changed since the preview's token.
    public var setGiftExpecting:
        (
            @Sendable (_ event: String, _ isGift: Bool, _ note: String?, _ shown: ProfileReport?, _ token: String)
                throws -> GiftResult
        )?
    public var clearHistoryExpecting:
        (@Sendable (_ key: Int64, _ window: HistoryWindow, _ token: String) throws -> Int)?
    public var editNote: @Sendable (_ key: Int64, _ note: Int64, _ text: String) throws -> Void = { _, _, _ in
        throw ExplorerClient.notInFixture
    }
    public var deleteNote: @Sendable (_ key: Int64, _ note: Int64) throws -> Void = { _, _ in
        throw ExplorerClient.notInFixture
    }
    /// Undo and redo of the analyst's last correction; nil when there is none.
    public var undo: @Sendable () throws -> UndoOutcome? = { throw ExplorerClient.notInFixture }
    public var redo: @Sendable () throws -> UndoOutcome? = { throw ExplorerClient.notInFixture }

    static let notInFixture = StoreFailure("not available here")
    // MARK: B2B accounts (set by `withAccounts`; a client without them says so)

    /// A page of the accounts list and how many accounts the filter keeps.
    public var accountPage:
        @Sendable (_ filter: String, _ sort: AccountListSort, _ offset: Int, _ limit: Int) throws -> (
            items: [AccountListItem], total: Int
        ) = { _, _, _, _ in throw AccountsUnavailable() }
    /// A page of the accounts list as it stood on a past day (`@`): by name, each row with its
    /// parent and figures of then, as `rapport accounts --as-of D` lists them.
    public var accountPageStoodOn:
        @Sendable (_ filter: String, _ offset: Int, _ limit: Int, _ moment: PointInTime) throws -> (
            items: [AccountListItem], total: Int
        ) = { _, _, _, _ in throw AccountsUnavailable() }
    /// One account, whole.
    public var account: @Sendable (_ id: String) throws -> AccountView = { _ in throw AccountsUnavailable() }
    /// An account and everything below it.
    public var accountTree: @Sendable (_ id: String) throws -> [AccountTreeLine] = { _ in throw AccountsUnavailable() }
    /// What the account profile opens with: the account with its first members, and its firm's
    /// tree, in one read (nil: `account` and `accountTree`, every member at once).
    public var accountScreen:
        (@Sendable (_ id: String, _ members: Int) throws -> (view: AccountView, tree: [AccountTreeLine]))? = nil
    /// The account profile as it stood on a past day (`@`): the account with every member of
    /// then, and its firm's tree of then, as `rapport account ID --as-of D` computes them.
    public var accountScreenStoodOn:
        @Sendable (_ id: String, _ moment: PointInTime) throws -> (view: AccountView, tree: [AccountTreeLine]) = {
            _, _ in throw AccountsUnavailable()
        }
    /// A page of an account's members, as the profile's list scrolls.
    public var accountMembers: @Sendable (_ id: String, _ offset: Int, _ limit: Int) throws -> [AccountMemberView] = {
        _, _, _ in
        throw AccountsUnavailable()
    }
    /// A segment's members as they stood on a past day, by name (a full pass over the events).
    public var segmentMembersStoodOn:
        @Sendable (_ segment: SegmentRef, _ moment: PointInTime) throws -> [CustomerListItem] = { _, _ in
            throw ExplorerClient.notInFixture
        }
    /// The business metrics as they stood on a past day, of everyone or one segment (a full pass).
    public var metricsStoodOn: @Sendable (_ moment: PointInTime, _ segment: String?) throws -> BusinessMetrics = {
        _, _ in throw ExplorerClient.notInFixture
    }
    /// The business metrics of an account's people, with the accounts below it or not.
    public var accountMetrics: @Sendable (_ id: String, _ includeChildren: Bool) throws -> BusinessMetrics = { _, _ in
        throw AccountsUnavailable()
    }
    /// The last `limit` rows of the customer list (as of a past day, when given), in its order,
    /// read backwards from its end.
    public var customerTail:
        @Sendable (_ query: ListQuery, _ stoodOn: PointInTime?, _ limit: Int) throws -> [CustomerListItem] = {
            _, _, _ in throw ExplorerClient.notInFixture
        }
    /// The count and pages of the customer list as it stood on a past day (`@` on the list).
    public var customerCountStoodOn: @Sendable (_ query: ListQuery, _ moment: PointInTime, _ cap: Int?) throws -> Int =
        { _, _, _ in throw ExplorerClient.notInFixture }
    public var customerPageStoodOn:
        @Sendable (_ query: ListQuery, _ moment: PointInTime, _ offset: Int, _ limit: Int, _ total: Int?) throws ->
            [CustomerListItem] = { _, _, _, _, _ in throw ExplorerClient.notInFixture }
    /// The business metrics of an account's people as they stood on a past day (a full pass).
    public var accountMetricsStoodOn:
        @Sendable (_ id: String, _ includeChildren: Bool, _ moment: PointInTime) throws -> BusinessMetrics = {
            _, _, _ in throw AccountsUnavailable()
        }
    /// A person's accounts with their role in each.
    public var personAccounts: @Sendable (_ customerId: String) throws -> [PersonAccount] = { _ in
        throw AccountsUnavailable()
    }
    /// A person's accounts as they stood on a past day (`A` on a profile shown as of it).
    public var personAccountsStoodOn:
        @Sendable (_ customerId: String, _ moment: PointInTime) throws -> [PersonAccount] =
            { _, _ in throw AccountsUnavailable() }

    public init(
        customerCount: @escaping @Sendable (ListQuery, Int?) throws -> Int,
        customerPage: @escaping @Sendable (ListQuery, Int, Int, Int?) throws -> [CustomerListItem],
        findCustomer: @escaping @Sendable (String) throws -> Int64?,
        customerExists: @escaping @Sendable (Int64) throws -> Bool,
        profile: @escaping @Sendable (Int64) throws -> ProfileReport,
        history: @escaping @Sendable (Int64) throws -> [HistoryEvent],
        evidence: @escaping @Sendable (Int64, PreferenceAttribute, String) throws -> [EvidenceContribution],
        countHistory: @escaping @Sendable (Int64, HistoryWindow) throws -> Int,
        setGift: @escaping @Sendable (String, Bool, String?, ProfileReport?) throws -> GiftResult,
        clearHistory: @escaping @Sendable (Int64, HistoryWindow) throws -> Int,
        addNote: @escaping @Sendable (Int64, String) throws -> Void,
        exportToFile: @escaping @Sendable (Int64, String, Bool) throws -> Void,
        forget: @escaping @Sendable (Int64) throws -> Void,
        refresh: @escaping @Sendable (@escaping @Sendable (String, Double) -> Void) throws -> Void,
        segmentSummaries: @escaping @Sendable () throws -> [SegmentSummary],
        parseRule: @escaping @Sendable (String) throws -> Rule,
        countMembers: @escaping @Sendable (Rule) throws -> Int,
        ruleWarnings: @escaping @Sendable (Rule) throws -> [String],
        createSegment: @escaping @Sendable (String, String) throws -> SegmentSaved,
        updateSegment: @escaping @Sendable (String, String) throws -> Int,
        deleteSegment: @escaping @Sendable (String) throws -> Void,
        metrics: @escaping @Sendable (String?) throws -> BusinessMetrics,
        cachedMetrics: @escaping @Sendable () throws -> BusinessMetrics?,
        metricsList: @escaping @Sendable (MetricsSelection, Int64?, Int64?, String?, ListSort) throws -> ListQuery,
        writeStamp: @escaping @Sendable () throws -> String,
        profileStoodOn: @escaping @Sendable (Int64, PointInTime) throws -> ProfileReport = { _, _ in
            throw ExplorerClientUnavailable(operation: "profile as of a date")
        },
        historyStoodOn: @escaping @Sendable (Int64, PointInTime) throws -> [HistoryEvent] = { _, _ in
            throw ExplorerClientUnavailable(operation: "history as of a date")
        },
        segmentSummariesStoodOn: @escaping @Sendable (PointInTime) throws -> [SegmentSummary] = { _ in
            throw ExplorerClientUnavailable(operation: "segments as of a date")
        },
        explainRecommendation:
            @escaping @Sendable (Int64, String, PointInTime?) throws -> RecommendationExplanationView = { _, _, _ in
                throw ExplorerClientUnavailable(operation: "explanations")
            }
    ) {
        self.customerCount = customerCount
        self.customerPage = customerPage
        self.findCustomer = findCustomer
        self.customerExists = customerExists
        self.profile = profile
        self.history = history
        self.evidence = evidence
        self.countHistory = countHistory
        self.setGift = setGift
        self.clearHistory = clearHistory
        self.addNote = addNote
        self.exportToFile = exportToFile
        self.forget = forget
        self.refresh = refresh
        self.segmentSummaries = segmentSummaries
        self.parseRule = parseRule
        self.countMembers = countMembers
        self.ruleWarnings = ruleWarnings
        self.createSegment = createSegment
        self.updateSegment = updateSegment
        self.deleteSegment = deleteSegment
        self.metrics = metrics
        self.cachedMetrics = cachedMetrics
        self.metricsList = metricsList
        self.writeStamp = writeStamp
        self.profileStoodOn = profileStoodOn
        self.historyStoodOn = historyStoodOn
        self.explainRecommendation = explainRecommendation
        self.segmentSummariesStoodOn = segmentSummariesStoodOn
    }
}

/// A client operation this client does not offer, in words.
struct StoreFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension ExplorerClient {
    /// The client of a real session: every closure forwards to the workspace, as the explorer
    /// called it before there was a client.
    public static func live(_ workspace: Workspace) -> ExplorerClient {
        var client = ExplorerClient(
            customerCount: { try workspace.customerCount($0, cap: $1) },
            customerPage: { try workspace.customerPage($0, offset: $1, limit: $2, total: $3) },
            findCustomer: { try workspace.findCustomer($0) },
            customerExists: { try workspace.customerExists($0) },
            profile: { try workspace.profile($0) },
            history: { try workspace.history($0) },
            evidence: { try workspace.evidence(customer: $0, attribute: $1, value: $2) },
            countHistory: { try workspace.countHistory(customer: $0, window: $1) },
            setGift: { try workspace.setGift(event: $0, isGift: $1, note: $2, shown: $3) },
            clearHistory: { try workspace.clearHistory(customer: $0, range: $1) },
            addNote: { try workspace.addNote(customer: $0, text: $1) },
            exportToFile: { try workspace.exportToFile($0, path: $1, redact: $2) },
            forget: { try workspace.forget(customer: $0) },
            refresh: { progress in try workspace.refresh { progress($0, $1) } },
            segmentSummaries: { try workspace.segmentSummaries() },
            parseRule: { try workspace.parseRule($0) },
            countMembers: { try workspace.members(of: $0).count },
            ruleWarnings: { try workspace.ruleWarnings($0) },
            createSegment: { try workspace.saveRuleSegment(name: $0, rule: $1, replace: false) },
            updateSegment: { try workspace.updateSegment(name: $0, rule: $1) },
            deleteSegment: { try workspace.deleteSegment($0) },
            metrics: { try workspace.metrics(segment: $0) },
            cachedMetrics: { try workspace.cachedMetrics() },
            metricsList: { try workspace.metricsList($0, since: $1, until: $2, segment: $3, sort: $4) },
            writeStamp: { try workspace.writeStamp() },
            profileStoodOn: { try workspace.profile($0, stoodOn: $1) },
            historyStoodOn: { try workspace.history($0, stoodOn: $1) },
            segmentSummariesStoodOn: { try workspace.segmentSummaries(stoodOn: $0) },
            explainRecommendation: { try workspace.explainRecommendation(customer: $0, product: $1, stoodOn: $2) })
        client.previewGift = { try workspace.previewGift(event: $0, isGift: $1, note: nil, shown: $2) }
        client.previewClear = { try workspace.previewClear(customer: $0, range: $1) }
        client.setGiftExpecting = { try workspace.setGift(event: $0, isGift: $1, note: $2, shown: $3, expecting: $4) }
        client.clearHistoryExpecting = { try workspace.clearHistory(customer: $0, range: $1, expecting: $2) }
        client.editNote = { try workspace.editNote(customer: $0, note: $1, text: $2) }
        client.deleteNote = { try workspace.deleteNote(customer: $0, note: $1) }
        client.undo = { try workspace.undo() }
        client.metricsStoodOn = { try workspace.metrics(stoodOn: $0, segment: $1) }
        client.segmentMembersStoodOn = { try workspace.segmentMembers($0, stoodOn: $1) }
        client.redo = { try workspace.redo() }
        client.customerTail = { q, p, limit in
            try p.map { try workspace.customerTail(q, stoodOn: $0, limit: limit) }
                ?? workspace.customerTail(q, limit: limit)
        }
        client.customerCountStoodOn = { try workspace.customerCount($0, stoodOn: $1, cap: $2) }
        client.customerPageStoodOn = {
            try workspace.customerPage($0, stoodOn: $1, offset: $2, limit: $3, total: $4)
        }
        client.accountMetricsStoodOn = { try workspace.metrics(account: $0, includeChildren: $1, stoodOn: $2) }
        return client.withAccounts(workspace)
    }
}

/// A client operation its maker did not provide.
public struct ExplorerClientUnavailable: Error, CustomStringConvertible {
    public var operation: String
    public init(operation: String) { self.operation = operation }
    public var description: String { "\(operation) is not available here" }
}
