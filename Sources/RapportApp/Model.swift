import Foundation
import RapportEngine
import RapportService
import RapportUI
import RapportVocabulary

public enum Screen: String, Sendable { case list, profile, history, segments, metrics, accounts, account }

/// A screen Esc returns to, as it was left: a drill-down (segment members, a metrics cell)
/// replaces the list's query, and a profile opened from there replaces the customer shown.
public struct BackStep: Sendable, Equatable {
    public var screen: Screen
    public var query: ListQuery
    public var selected: Int
    public var offset: Int
    /// The customer the profile (and history) showed.
    public var customer: Int64?
}

/// A gift flag set or cleared on one purchase, with the note it had before and after.
public struct GiftEdit: Sendable, Equatable {
    public var eventId: String
    public var isGift: Bool
    public var note: String?
    public var previousNote: String?

    /// The change that puts things back as they were.
    var reversed: GiftEdit { GiftEdit(eventId: eventId, isGift: !isGift, note: previousNote, previousNote: note) }
}

/// Why a gift change was made: undo and redo move the change between `lastGift` and `undoneGift`.
public enum GiftOrigin: Sendable { case change, undo, redo }

public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}

public struct AppModel: Sendable {
    public var screen: Screen = .list
    /// Set by `@`: the profile and history show the customer as they stood then (nil: now).
    public var pastDate: PointInTime?
    public var size: Size
    public var glyphs: Glyphs
    public var theme = Theme()
    public var readOnly: Bool
    public var redact: Bool
    public var storePath: String
    public var list = ListState()
    public var profile: ProfileState?
    public var history: HistoryState?
    public var segments = SegmentsState()
    /// The metrics screen: for everyone, one segment or one account; nil figures while computing.
    public var metrics: (scope: MetricsScope, figures: BusinessMetrics?)? {
        get { metricsView.shown }
        set { metricsView.shown = newValue }
    }
    /// The metrics screen's scope, figures, panel, selection and cache.
    public var metricsView = MetricsViewState()
    /// The accounts list (`A`) and the account shown (docs/accounts.md).
    public var accounts = AccountsState()
    public var account: AccountState?
    /// The screens Esc returns to, most recent last, each as it was left.
    public var backStack: [BackStep] = []
    /// The dialog over the screen, with its preview and scroll.
    public var dialogs = DialogsState()
    public var dialog: Dialog? {
        get { dialogs.dialog }
        set { dialogs.dialog = newValue }
    }
    /// The preview the gift or clear dialog shows.
    public var preview: PreviewPane? {
        get { dialogs.preview }
        set { dialogs.preview = newValue }
    }
    public var help: Int?
    /// The first line shown of a detail popup too long for the screen.
    public var detailScroll: Int {
        get { dialogs.detailScroll }
        set { dialogs.detailScroll = newValue }
    }
    public var commandLine: TextField?
    /// Tab was pressed on the command line: its candidates show even on an empty line.
    public var commandListed = false
    public var flash: Flash?
    public var progress: String?
    public var finished = false
    public var keymap: Keymap

    /// What the widgets draw with.
    public var context: RenderContext { RenderContext(glyphs: glyphs, theme: theme) }

    /// The store's write stamp when the screen last loaded: a different one means another
    /// session or script wrote, and what is on screen is reloaded.
    public var storeStamp: String?

    /// Rule checks asked for while typing a rule segment: the newest one's count is shown.
    public var ruleChecks: Int {
        get { dialogs.ruleChecks }
        set { dialogs.ruleChecks = newValue }
    }

    /// The user's home folder, to show paths under it as `~/…` (read once, at the edge).
    public var home: String?

    public init(
        size: Size, glyphs: Glyphs, readOnly: Bool, redact: Bool, storePath: String,
        keymap: Keymap = AppKeys.keymap(), home: String? = nil
    ) {
        self.size = size
        self.glyphs = glyphs
        self.readOnly = readOnly
        self.redact = redact
        self.storePath = storePath
        self.keymap = keymap
        self.home = home
    }

    static let clearRanges: [(String, Int?)] = [
        ("last 7 days", 7), ("last 30 days", 30), ("last 90 days", 90), ("all time", nil)
    ]
    static let clearTypes: [(String, [String]?)] = [
        ("all types", nil), ("views and searches", ["view", "search"]),
        ("views", ["view"]), ("searches", ["search"]), ("carts", ["cart"]),
        ("opens and clicks", ["open", "click"])
    ]
}

public enum AppMessage: Sendable {
    case input(InputEvent)
    case listLoaded(generation: Int, total: Int?, start: Int, rows: [CustomerListItem])
    /// The list's last rows, read from its end; and the exact count of a capped one.
    case listTail(generation: Int, rows: [CustomerListItem])
    case listCounted(generation: Int, total: Int)
    case profileLoaded(ProfileReport)
    case historyLoaded(key: Int64, events: [HistoryEvent])
    /// A gift change made to one of the customer's events: the history on show follows it.
    case historyFlagged(key: Int64, GiftEdit)
    case segmentsLoaded([SegmentSummary])
    case giftChanged(GiftOutcome, GiftEdit, origin: GiftOrigin)
    case clearCounted(Int, range: Int, types: Int)
    case cleared(Int)
    case noteAdded
    case exported(String)
    case erased(String)
    /// A rule typed in a dialog was checked: its members, or why it is not a rule.
    case ruleChecked(rule: String, count: Int?, error: ExplorerFailure?, warnings: [String] = [])
    /// A new rule segment was not saved (a name taken meanwhile, say): the dialog comes back as typed.
    case segmentNotSaved(name: String, rule: String, failure: ExplorerFailure)
    /// Name, members, and warnings about unknown names in the rule.
    case segmentCreated(String, Int, [String])
    case segmentUpdated(String, Int, [String])
    case segmentDeleted(String)
    /// A command failed: the status line shows its words as an error.
    case failed(ExplorerFailure)
    case progress(String?)
    case evidenceReady(title: String, lines: [String])
    /// A recommendation's explanation for the detail still open under `title`.
    case explanationReady(title: String, lines: [String])
    case gotoCustomer(Int64)
    case refreshed
    /// A scope's current figures: everyone's or a segment's, or (`account`) an account's people's.
    case metricsLoaded(segment: String?, BusinessMetrics, account: AccountScope? = nil, stoodOn: PointInTime? = nil)
    /// Everyone's figures as the last full refresh stored them: shown until the current ones arrive.
    case metricsCached(BusinessMetrics)
    /// The customer list of the metrics cell Enter was pressed on.
    case metricsListReady(ListQuery)
    /// About once a second: time to look whether someone else changed the store.
    case tick
    /// The store's write stamp, read by the tick's command.
    case storeStamp(String)
    /// The customer on screen no longer exists (erased elsewhere).
    case customerGone(Int64)
    /// A correction's preview for the dialog on screen.
    case previewed(PreviewPane)
    /// A note was edited or deleted: the words for the status line.
    case noteChanged(String)
    /// An undo (or redo) was made; nil: there was nothing to walk.
    case walked(UndoOutcome?, redo: Bool)
    case accountsLoaded(generation: Int, total: Int, start: Int, items: [AccountListItem], stoodOn: PointInTime?)
    case accountLoaded(AccountView, tree: [AccountTreeLine], stoodOn: PointInTime?)
    case accountMembersLoaded(id: String, offset: Int, [AccountMemberView])
    case personAccountsLoaded(generation: Int, [PersonAccount], stoodOn: PointInTime?)
}

/// What the new-segment dialog says about the rule being typed.
public enum RuleStatus: Sendable, Equatable {
    case hint(String)
    case checking
    case valid
    /// The service's error, naming the column of the mistake.
    case invalid(String)
    /// Something to fix before saving (no name yet).
    case problem(String)
    /// Valid, but it names something the data lacks ("no category 'Cofee'; did you mean 'Coffee'?").
    case warning(String)

    var text: String {
        switch self {
        case .hint(let s), .invalid(let s), .problem(let s), .warning(let s): s
        case .checking: "checking…"
        case .valid: "valid rule"
        }
    }

    func style(_ t: Theme) -> Style {
        if case .warning = self { return t.warn }
        return isError ? t.error : t.ok
    }

    var isError: Bool {
        switch self {
        case .invalid, .problem: true
        case .hint, .checking, .valid, .warning: false
        }
    }
}

extension AppModel {
    /// What the clear-history dialog's choices remove. Like `rapport clear-history --last` and
    /// the profile, ranges count back from the store's as-of date (the dialog shows the cut-off),
    /// never from a clock.
    func clearWindow(_ range: Int, _ types: Int) -> HistoryWindow {
        let days = AppModel.clearRanges[range].1
        let asOf =
            profile?.report?.asOf ?? history?.events.first.map { CalendarDay(containing: $0.time.seconds) }
            ?? CalendarDay(containing: 0)
        return HistoryWindow(since: days.map { asOf.windowStart(days: $0) }, types: AppModel.clearTypes[types].1)
    }
}
