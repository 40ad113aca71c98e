import Foundation
import RapportService
import RapportUI
import RapportVocabulary

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
    /// Figures computed this session by scope ("" for everyone): the screen reopens from them at once.
    public var cache: [String: BusinessMetrics] = [:]
    /// Enter was pressed on this cell and its customers are being gathered.
    public var opening: MetricsSelection?

    public init() {}
}

extension Explorer {
    /// Shows what is known at once (this session's figures, else the last refresh's for everyone)
    /// and computes the current figures in the background.
    func startMetrics(_ m: inout AppModel, segment: String?) -> [Cmd] {
        let cached = m.metricsView.cache[segment ?? ""]
        if m.metrics?.segment != segment || m.metrics?.figures == nil {
            m.metricsView.selected = 0
            m.metricsView.fromCache = false
        }
        m.metrics = (segment, cached ?? (m.metrics?.segment == segment ? m.metrics?.figures : nil))
        m.metricsView.refreshing = true
        var cmds = [effects.loadMetrics(segment: segment)]
        if segment == nil && m.metrics?.figures == nil { cmds.insert(effects.loadCachedMetrics(), at: 0) }
        return cmds
    }

    /// After a write anywhere: the figures on screen are recomputed behind them; other scopes'
    /// figures are kept to open from, and recomputed when shown.
    func reloadMetrics(_ m: inout AppModel) -> [Cmd] {
        guard m.screen == .metrics, let scope = m.metrics else { return [] }
        m.metricsView.refreshing = true
        return [effects.loadMetrics(segment: scope.segment)]
    }

    func metricsLoaded(_ m: inout AppModel, _ segment: String?, _ figures: BusinessMetrics) -> [Cmd] {
        m.metricsView.cache[segment ?? ""] = figures
        guard m.metrics?.segment == segment else { return [] }
        m.metrics = (segment, figures)
        m.metricsView.refreshing = false
        m.metricsView.fromCache = false
        clampMetrics(&m)
        return []
    }

    func metricsCached(_ m: inout AppModel, _ figures: BusinessMetrics) -> [Cmd] {
        guard let scope = m.metrics, scope.segment == nil, scope.figures == nil else { return [] }
        m.metrics = (nil, figures)
        m.metricsView.fromCache = true
        clampMetrics(&m)
        return []
    }

    func nextMetricsPanel(_ m: inout AppModel) -> [Cmd] {
        let all = MetricsViewState.Panel.allCases
        m.metricsView.panel = all[(m.metricsView.panel.rawValue + 1) % all.count]
        m.metricsView.selected = 0
        return []
    }

    func moveMetrics(_ m: inout AppModel, _ d: Int) {
        let count = m.metrics?.figures.map { Self.metricsRows($0, m.metricsView.panel) } ?? 0
        m.metricsView.selected = max(0, min(count - 1, m.metricsView.selected.addingReportingOverflow(d).partialValue))
    }

    func clampMetrics(_ m: inout AppModel) { moveMetrics(&m, 0) }

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

    /// Enter: the customer list of the selected segment, cohort or migration cell, gathered by
    /// the service in the background; Esc on the list returns here.
    func openMetricsCell(_ m: inout AppModel) -> [Cmd] {
        guard let scope = m.metrics, let f = scope.figures, let cell = Self.metricsCell(f, m.metricsView) else {
            return []
        }
        m.metricsView.opening = cell
        return [
            effects.metricsList(
                cell, since: Dates.timestamp(f.since), until: Dates.timestamp(f.until), segment: scope.segment,
                sort: m.list.query.sort)
        ]
    }

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
        Cmd(lane: .queue("metrics")) { [client] send in
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
