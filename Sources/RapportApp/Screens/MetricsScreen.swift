import Foundation
import RapportService
import RapportUI
import RapportVocabulary

/// An account whose people the metrics screen counts, alone or with the accounts below it
/// (`rapport metrics --account ID [--include-children]`).
public struct AccountScope: Sendable, Hashable {
    public var id: String
    public var name: String
    public var includeChildren: Bool

    public init(id: String, name: String, includeChildren: Bool) {
        self.id = id
        self.name = name
        self.includeChildren = includeChildren
    }
}

/// Whose figures the metrics screen shows: everyone, one segment (qualified, "rfm:champions"),
/// or one account's people; today's, or (after `@`) as they stood on a past day.
public struct MetricsScope: Sendable, Hashable {
    public var segment: String?
    public var account: AccountScope?
    public var stoodOn: PointInTime?

    public init(segment: String? = nil, account: AccountScope? = nil, stoodOn: PointInTime? = nil) {
        self.segment = segment
        self.account = account
        self.stoodOn = stoodOn
    }

    public static let everyone = MetricsScope()

    /// The title's words for it.
    var title: String {
        if let a = account { return "account \(a.name)\(a.includeChildren ? " and below" : "")" }
        return segment.map(SegmentRef.label) ?? "everyone"
    }
}

/// The metrics screen's state beyond its figures.
public struct MetricsViewState: Sendable {
    public enum Panel: Int, CaseIterable, Sendable {
        case segments, cohorts, migration, clv, months

        var title: String {
            switch self {
            case .segments: "segments"
            case .cohorts: "cohorts"
            case .migration: "migration"
            case .clv: "CLV"
            case .months: "months"
            }
        }
    }

    public var panel = Panel.segments
    /// The selected row of the panel.
    public var selected = 0
    /// Figures are being computed in the background (the ones on screen may be older).
    public var refreshing = false
    /// The figures on screen are the last refresh's stored ones, not yet this session's.
    public var fromCache = false
    /// Figures computed this session by scope: the screen reopens from them at once.
    public var cache: [MetricsScope: BusinessMetrics] = [:]
    /// Enter was pressed on this cell and its customers are being gathered.
    public var opening: MetricsSelection?
    /// The scope on screen; nil figures while computing.
    public var shown: (scope: MetricsScope, figures: BusinessMetrics?)?

    public init() {}
}

/// The metrics screen as a component: its own actions and answers, and a pure view (MetricsView.swift).
enum MetricsScreen {
    typealias Cmd = Command<AppMessage>

    enum Action {
        /// Opens a scope: what is known shows at once, the current figures follow.
        case start(MetricsScope)
        /// After a write anywhere: the figures on screen are recomputed behind them.
        case reload
        case move(Int)
        case nextPanel
        /// Enter: the customers of the selected cell, listed in `sort` order.
        case openCell(sort: ListSort)
        /// The store's answers: a scope's current figures, and the last refresh's for everyone.
        case loaded(MetricsScope, BusinessMetrics)
        case cached(BusinessMetrics)
    }

    static func update(_ s: inout MetricsViewState, _ action: Action, _ effects: Effects) -> [Cmd] {
        switch action {
        case .start(let scope):
            let cached = s.cache[scope]
            if s.shown?.scope != scope || s.shown?.figures == nil {
                s.selected = 0
                s.fromCache = false
            }
            s.shown = (scope, cached ?? (s.shown?.scope == scope ? s.shown?.figures : nil))
            s.refreshing = true
            var cmds = [effects.loadMetrics(scope)]
            if scope == .everyone && s.shown?.figures == nil { cmds.insert(effects.loadCachedMetrics(), at: 0) }
            return cmds
        case .reload:
            // Other scopes' figures are kept to open from, and recomputed when shown. A past
            // day's figures are not recomputed on every change elsewhere (each is a full pass).
            guard let scope = s.shown, scope.scope.stoodOn == nil else { return [] }
            s.refreshing = true
            return [effects.loadMetrics(scope.scope)]
        case .move(let d):
            let count = s.shown?.figures.map { Explorer.metricsRows($0, s.panel) } ?? 0
            s.selected = max(0, min(count - 1, s.selected.addingReportingOverflow(d).partialValue))
        case .nextPanel:
            let all = MetricsViewState.Panel.allCases
            s.panel = all[(s.panel.rawValue + 1) % all.count]
            s.selected = 0
        case .openCell(let sort):
            // The service lists the cells of today's figures of everyone or a segment.
            guard let scope = s.shown, scope.scope.account == nil, scope.scope.stoodOn == nil, let f = scope.figures,
                let cell = Explorer.metricsCell(f, s)
            else { return [] }
            s.opening = cell
            return [
                effects.metricsList(
                    cell, since: Dates.timestamp(f.since), until: Dates.timestamp(f.until),
                    segment: scope.scope.segment,
                    sort: sort)
            ]
        case .loaded(let scope, let figures):
            s.cache[scope] = figures
            guard s.shown?.scope == scope else { return [] }
            s.shown = (scope, figures)
            s.refreshing = false
            s.fromCache = false
            return update(&s, .move(0), effects)
        case .cached(let figures):
            guard let scope = s.shown, scope.scope == .everyone, scope.figures == nil else { return [] }
            s.shown = (.everyone, figures)
            s.fromCache = true
            return update(&s, .move(0), effects)
        }
        return []
    }

    static let hints = ["members", "next_panel", "definitions", "help", "back"]

    static func status(_ s: MetricsViewState) -> String {
        s.shown?.figures.map { "\($0.since) to \($0.until)" } ?? "computing…"
    }
}

extension Explorer {
    func startMetrics(_ m: inout AppModel, _ scope: MetricsScope) -> [Cmd] {
        MetricsScreen.update(&m.metricsView, .start(scope), effects)
    }

    /// After a write anywhere: the metrics on screen are recomputed.
    func reloadMetrics(_ m: inout AppModel) -> [Cmd] {
        guard m.screen == .metrics else { return [] }
        return MetricsScreen.update(&m.metricsView, .reload, effects)
    }

    /// Rows of a panel, in the order they are drawn.
    static func metricsRows(_ f: BusinessMetrics, _ panel: MetricsViewState.Panel) -> Int {
        switch panel {
        case .segments: f.segments.count
        case .cohorts: f.cohorts.count
        case .migration: f.migration.count
        case .clv: f.clv.clvHistogram.counts.count
        case .months: f.months.count
        }
    }

    /// The cell of the selected row, if its customers can be listed.
    static func metricsCell(_ f: BusinessMetrics, _ state: MetricsViewState) -> MetricsSelection? {
        let i = state.selected
        switch state.panel {
        case .segments: return f.segments.indices.contains(i) ? .segment(f.segments[i].segment) : nil
        case .cohorts: return f.cohorts.indices.contains(i) ? .cohort(f.cohorts[i].month) : nil
        case .migration:
            return f.migration.indices.contains(i) ? .migration(from: f.migration[i].from, to: f.migration[i].to) : nil
        case .clv, .months: return nil
        }
    }

    /// The customers of a metrics cell, gathered by the service: the list shows them, and Esc
    /// returns to the metrics.
    func openMetricsList(_ m: inout AppModel, _ query: ListQuery) -> [Cmd] {
        guard m.metricsView.opening != nil, m.screen == .metrics else { return [] }
        m.metricsView.opening = nil
        m.list.query = query
        go(&m, to: .list)
        return reloadList(&m)
    }
}

extension Explorer {
    /// The definitions of docs/metrics.md, short enough for a popup at 80×24, with the keys of this keymap.
    static func metricsDefinitions(_ keymap: Keymap) -> [String] {
        metricsDefinitionLines + [
            "\(keymap.keyName(.members, in: "metrics")) lists the selected row's customers; "
                + "\(keymap.keyName(.back, in: "metrics")) comes back here."
        ]
    }

    static let metricsDefinitionLines = [
        "Window: whole UTC days, both ends in (default: 365 days to as-of day).",
        "Order: one customer's purchase lines at one second.",
        "AOV = revenue / orders. Orders/buyer = orders / buyers.",
        "Revenue: purchases in the window before returns; returns: positive sum.",
        "Repeat rate: share of buyers with two orders or more in the window.",
        "Cohort: month of the first purchase ever, if in the window; m_k: share",
        "  of it buying in month + k. Cart sessions abandoned: sessions (events",
        "  ≤ 30 min apart) with a cart and no purchase after it.",
        "CTOR = clicks / opens (click-to-open rate). Rec. clicks: rec_click /",
        "  rec_impression events. CLV 12 months, P(alive): from the last refresh.",
        "\"at risk\" here is the RFM segment (R2 F3–4, R1 F4), not the stage.",
        "Migration: RFM segment before the window and at its end, from events.",
        "Recommendations: hit rate at k of the shipped recommender on the last",
        "  purchase of up to 1,000 sampled customers (model from the sample).",
        "Months: orders and revenue per calendar month the window touches."
    ]
}

extension Effects {
    /// Everyone's figures as the last full refresh stored them (one small read).
    func loadCachedMetrics() -> Cmd {
        Cmd(lane: .read) { [client] send in
            if let f = try? client.cachedMetrics() { send(.metricsCached(f)) }
        }
    }

    /// The list query of a metrics cell's customers.
    func metricsList(_ cell: MetricsSelection, since: Int64?, until: Int64?, segment: String?, sort: ListSort) -> Cmd {
        Cmd(lane: .queue(.metrics)) { [client] send in
            do {
                send(
                    .metricsListReady(
                        try client.metricsList(cell, since, until, segment, sort)))
            } catch {
                send(.failed(ExplorerFailure(.openMetricsCell, .error(ServiceFailure.message(error) ?? "\(error)"))))
            }
        }
    }
}
