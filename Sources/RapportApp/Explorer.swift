import Foundation
import RapportEngine
import RapportService
import RapportUI
import RapportVocabulary

/// The explorer program: messages in, model updated, commands out. `update` does no I/O.
public struct Explorer: Program, Sendable {
    public typealias Model = AppModel
    public typealias Message = AppMessage
    typealias Cmd = Command<AppMessage>
    let effects: Effects

    public init(client: ExplorerClient) { effects = Effects(client: client) }

    /// The write stamp is read with the first page, so a change made before the first tick is
    /// one the explorer notices, not its starting point.
    public func initial(_ m: inout AppModel) -> [Command<AppMessage>] { [effects.readStamp()] + reloadList(&m) }
    public func isFinished(_ m: AppModel) -> Bool { m.finished }
    public func message(for event: InputEvent, _ m: AppModel) -> AppMessage? { .input(event) }
    public func tick(_ m: AppModel) -> AppMessage? { .tick }

    static let minimum = Size(width: 80, height: 24)
    func isTooSmall(_ m: AppModel) -> Bool {
        m.size.width < Self.minimum.width || m.size.height < Self.minimum.height
    }
    var pageSize: (AppModel) -> Int { { max(1, $0.size.height - 4) } }

    public func update(_ m: inout AppModel, _ msg: AppMessage) -> [Command<AppMessage>] {
        switch msg {
        case .input(let event): return handle(&m, event)
        case .metricsLoaded(let segment, let figures, let account, let stoodOn):
            let scope = MetricsScope(segment: segment, account: account, stoodOn: stoodOn)
            return MetricsScreen.update(&m.metricsView, .loaded(scope, figures), effects)
        case .metricsCached(let figures): return MetricsScreen.update(&m.metricsView, .cached(figures), effects)
        case .metricsListReady(let query): return openMetricsList(&m, query)
        case .tick: return [effects.readStamp()]
        case .storeStamp(let stamp): return noticeChanges(&m, stamp)
        case .accountsLoaded(let generation, let total, let start, let items, let stoodOn):
            return AccountsScreen.update(
                &m.accounts,
                .loaded(generation: generation, total: total, start: start, items: items, stoodOn: stoodOn),
                m.env, effects)
        case .accountLoaded(let view, let tree, let stoodOn):
            return updateAccount(&m, .loaded(view, tree: tree, stoodOn: stoodOn))
        case .accountMembersLoaded(let id, let offset, let members):
            return updateAccount(&m, .membersLoaded(id: id, offset: offset, members))
        case .personAccountsLoaded(let generation, let items, let stoodOn):
            return AccountsScreen.update(
                &m.accounts, .personLoaded(generation: generation, items, stoodOn: stoodOn), m.env, effects)
        case .customerGone(let key):
            guard m.profile?.key == key else { return [] }
            m.flash = Flash(
                text: "\(m.profile?.report?.customer.id ?? "the customer") was erased in another session",
                isError: true)
            m.profile = nil
            m.history = nil
            m.screen = .list
            m.backStack.removeAll { $0.screen == .profile || $0.screen == .history }
            return []
        case .listLoaded(let generation, let total, let start, let rows):
            return ListScreen.update(
                &m.list, .loaded(generation: generation, total: total, start: start, rows: rows), m.env, effects)
        case .listTail(let generation, let rows):
            return ListScreen.update(&m.list, .tailLoaded(generation: generation, rows: rows), m.env, effects)
        case .listCounted(let generation, let total):
            return ListScreen.update(&m.list, .counted(generation: generation, total: total), m.env, effects)
        case .profileLoaded(let loaded):
            // Under --redact the whole identity is masked once here (a phone written into the
            // name or city too), so no screen that shows it can forget.
            let r = m.redact ? loaded.redacted : loaded
            // A history opened from the list counts its day filters from the profile's as-of date.
            if m.history?.key == r.customer.key && m.history?.asOf == nil { m.history?.asOf = r.asOf }
            guard var p = m.profile else { return [] }
            let cmds = ProfileScreen.update(&p, .loaded(r), m.env)
            m.profile = p
            return cmds
        case .historyLoaded(let key, let events):
            guard var h = m.history else { return [] }
            let cmds = HistoryScreen.update(&h, .loaded(key: key, events: events))
            m.history = h
            return cmds
        case .historyFlagged(let key, let edit):
            guard var h = m.history else { return [] }
            let cmds = HistoryScreen.update(&h, .flagged(key: key, edit))
            m.history = h
            return cmds
        case .segmentsLoaded(let items): return SegmentsScreen.update(&m.segments, .loaded(items))
        case .previewed(let pane):
            m.preview = pane
            return []
        case .walked(let outcome, let redo): return walked(&m, outcome, redo: redo)
        case .noteChanged(let words):
            m.flash = Flash(text: words, isError: false)
            return []
        case .giftChanged(let outcome, let edit, let origin):
            switch origin {
            case .change:
                m.history?.lastGift = edit
                m.history?.undoneGift = nil
            case .undo:
                m.history?.lastGift = nil
                m.history?.undoneGift = edit.reversed
            case .redo:
                m.history?.lastGift = edit
                m.history?.undoneGift = nil
            }
            let prefix = origin == .undo ? "undone: " : origin == .redo ? "redone: " : ""
            m.flash = Flash(text: prefix + outcome.summary, isError: false)
            return reloadList(&m, keepSelection: true)
        case .clearCounted(let n, let range, let types):
            // A late answer for settings the analyst has already changed is dropped.
            if case .clearHistory(let r, let t, _, let c)? = m.dialog, r == range, t == types {
                m.dialog = .clearHistory(range: r, types: t, count: n, confirming: c)
            }
            return []
        case .cleared(let n):
            m.flash = Flash(
                text: "removed \(n) event\(n == 1 ? "" : "s"); preferences and recommendations recomputed",
                isError: false)
            return reloadList(&m, keepSelection: true)
        case .noteAdded:
            m.flash = Flash(text: "note added", isError: false)
            return []
        case .exported(let path):
            m.flash = Flash(text: "exported to \(path)", isError: false)
            return []
        case .erased(let id):
            m.flash = Flash(text: "\(id) erased: their data is gone from the store", isError: false)
            m.profile = nil
            m.history = nil
            m.screen = .list
            m.backStack.removeAll { $0.screen == .profile || $0.screen == .history }
            return reloadList(&m, keepSelection: true)
        case .ruleChecked(let rule, let count, let error, let warnings):
            // The command line's warnings too: a name the data lacks, with the nearest known one.
            let status =
                error.map { RuleStatus.invalid($0.description) }
                ?? (warnings.isEmpty ? .valid : .warning(warnings.joined(separator: "; ")))
            if case .newSegment(let name, let field, let onRule, _, _)? = m.dialog, field.text == rule {
                m.dialog = .newSegment(name: name, rule: field, onRule: onRule, status: status, count: count)
            }
            if case .editSegment(let name, let field, _, _)? = m.dialog, field.text == rule {
                m.dialog = .editSegment(name: name, rule: field, status: status, count: count)
            }
            return []
        case .segmentNotSaved(let name, let rule, let failure):
            m.progress = nil
            if m.dialog == nil {
                m.dialog = .newSegment(
                    name: TextField(name), rule: TextField(rule), onRule: false, status: .problem(failure.description),
                    count: nil)
            } else {
                m.flash = Flash(text: failure.description, isError: true)
            }
            return []
        case .segmentCreated(let name, let n, let warnings):
            m.flash = Flash(
                text: (["segment \(name) saved: \(Units.count(n, "member"))"] + warnings).joined(separator: "; "),
                isError: false)
            return []
        case .segmentUpdated(let name, let n, let warnings):
            m.flash = Flash(
                text: (["segment \(name) updated: \(Units.count(n, "member"))"] + warnings).joined(separator: "; "),
                isError: false)
            return []
        case .segmentDeleted(let name):
            m.flash = Flash(text: "segment \(name) deleted", isError: false)
            if m.list.query.ruleSegment == name {
                m.list.query.ruleSegment = nil
                return reloadList(&m)
            }
            return []
        case .failed(let failure):
            m.flash = Flash(text: failure.description, isError: true)
            return []
        case .progress(let p):
            m.progress = p
            return []
        case .gotoCustomer(let key):
            return openProfile(&m, key: key)
        case .refreshed:
            m.flash = Flash(text: "metrics, segments and the model refreshed", isError: false)
            return reloadList(&m, keepSelection: true) + [effects.loadSegments(pastDate: m.pastDate)]
        case .explanationReady(let title, let lines):
            // Only onto the detail it belongs to, if it is still open.
            if case .evidence(title, _)? = m.dialog { m.dialog = .evidence(title: title, lines: lines) }
            return []
        case .evidenceReady(let title, let lines):
            m.detailScroll = 0
            m.dialog = .evidence(
                title: title, lines: lines.isEmpty ? ["no events (they may have been cleared)"] : lines)
            return []
        }
    }

    // MARK: input

    func handle(_ m: inout AppModel, _ event: InputEvent) -> [Cmd] {
        switch event {
        case .resize(let s):
            m.size = s
            return ListScreen.update(&m.list, .resized, m.env, effects)
        case .mouse(let me):
            if isTooSmall(m) { return [] }
            switch me {
            case .wheelDown: return move(&m, 3)
            case .wheelUp: return move(&m, -3)
            case .click(let p):
                guard m.screen == .list else { return [] }
                return ListScreen.update(&m.list, .click(y: p.y), m.env, effects)
            }
        case .key(let key):
            // The interrupt binding works everywhere, in dialogs and text fields too.
            if m.keymap.global.action(for: key)?.id == AppAction.interrupt.rawValue { return perform(&m, .interrupt) }
            // While "terminal too small" shows, nothing happens unseen: only quit works.
            if isTooSmall(m) {
                if m.keymap.global.action(for: key)?.id == AppAction.quit.rawValue { m.finished = true }
                return []
            }
            if m.help != nil { return handleHelp(&m, key) }
            if m.dialog != nil { return handleDialog(&m, key) }
            if m.commandLine != nil { return handleCommandLine(&m, key) }
            if m.list.filter != nil && m.screen == .list {
                return ListScreen.update(&m.list, .filterKey(key), m.env, effects)
            }
            if m.accounts.filter != nil && m.screen == .accounts {
                return AccountsScreen.update(&m.accounts, .filterKey(key), m.env, effects)
            }
            m.flash = nil
            guard let action = m.keymap.action(for: key, in: m.screen.rawValue),
                let intent = AppAction(rawValue: action.id)
            else { return [] }
            return perform(&m, intent)
        }
    }

    func perform(_ m: inout AppModel, _ action: AppAction) -> [Cmd] {
        let page = pageSize(m)
        switch action {
        case .quit: return back(&m, quitOnList: true)
        case .back:
            if m.pastDate != nil,
                Self.pastDateScreens.contains(m.screen) || Self.listOnPastDay(m) || Self.accountsOnPastDay(m)
            {
                return pastDate(&m)
            }
            return back(&m, quitOnList: false)
        case .pastDate: return pastDate(&m)
        case .interrupt:
            m.finished = true
            return []
        case .help:
            m.help = 0
            return []
        case .command:
            m.commandLine = TextField()
            return []
        case .down: return move(&m, 1)
        case .up: return move(&m, -1)
        case .pageDown: return move(&m, page)
        case .pageUp: return move(&m, -page)
        case .top:
            if m.screen == .list && m.list.tail { return ListScreen.update(&m.list, .start, m.env, effects) }
            return move(&m, -Int.max / 2)
        case .bottom:
            // On a list whose count is capped, End reads the last rows from the list's end.
            if m.screen == .list { return ListScreen.update(&m.list, .end, m.env, effects) }
            return move(&m, Int.max / 2)
        case .segments:
            go(&m, to: .segments)
            return [effects.loadSegments(pastDate: m.pastDate)]
        case .metrics: return openMetrics(&m)
        case .accounts: return openAccounts(&m)
        case .toggleNode: return updateAccount(&m, .toggleNode)
        case .definitions:
            guard m.screen == .metrics else { return [] }
            m.dialog = .evidence(title: "What the figures mean", lines: Self.metricsDefinitions(m.keymap))
            return []
        case .open:
            if m.screen == .accounts || m.screen == .account { return openFromAccounts(&m) }
            return openSelected(&m)
        case .filter:
            if m.screen == .accounts {
                m.accounts.filter = TextField(m.accounts.text)
                return []
            }
            m.list.filter = TextField(m.list.query.text)
            return []
        case .sort:
            if m.screen == .accounts {
                return AccountsScreen.update(&m.accounts, .nextSort, m.env, effects)
            }
            return ListScreen.update(&m.list, .nextSort, m.env, effects)
        case .reverseSort: return ListScreen.update(&m.list, .reverseSort, m.env, effects)
        case .clearFilter: return ListScreen.update(&m.list, .clearFilter, m.env, effects)
        case .nextPanel:
            if m.screen == .metrics { return MetricsScreen.update(&m.metricsView, .nextPanel, effects) }
            if m.screen == .account { return updateAccount(&m, .nextPanel) }
            // On the profile Tab cycles its panels; other screens ignore it (H opens the history).
            guard m.screen == .profile, var p = m.profile else { return [] }
            let cmds = ProfileScreen.update(&p, .nextPanel, m.env)
            m.profile = p
            return cmds
        case .prevPanel:
            guard m.screen == .profile, var p = m.profile else { return [] }
            let cmds = ProfileScreen.update(&p, .prevPanel, m.env)
            m.profile = p
            return cmds
        case .history: return openHistory(&m)
        case .evidence: return openDetail(&m)
        case .note:
            guard writable(&m) else { return [] }
            if m.screen == .list && m.list.rows[m.list.selected] == nil { return [] }
            m.dialog = .note(TextField())
            return []
        case .export:
            // An export writes personal data to a file and is audited: not in read-only mode.
            guard writable(&m) else { return [] }
            let target: (key: Int64, id: String)
            if m.screen == .list {
                guard let row = m.list.rows[m.list.selected] else { return [] }
                target = (row.key, row.externalId)
            } else {
                guard let p = m.profile, let r = p.report else { return [] }
                target = (p.key, r.customer.id)
            }
            // An export written earlier (of this customer, maybe by someone else) is not replaced unasked.
            let path = Effects.exportPath(id: target.id)
            if FileManager.default.fileExists(atPath: path) {
                m.dialog = .overwrite(key: target.key, id: target.id, path: path)
                return []
            }
            return [effects.export(target.key, id: target.id, redact: m.redact)]
        case .erase:
            guard writable(&m), let r = m.profile?.report else { return [] }
            m.dialog = .erase(id: r.customer.id, field: TextField())
            return []
        case .gift: return toggleGift(&m)
        case .undo: return walk(&m, redo: false)
        case .redo: return walk(&m, redo: true)
        case .clearHistory:
            guard writable(&m), let h = m.history else { return [] }
            return Dialogs.openClear(&m.dialogs, customer: h.key, range: 1, types: 0, dialogContext(m), effects)
        case .typeFilter: return updateHistory(&m, .cycleType)
        case .dateFilter: return updateHistory(&m, .cycleDays)
        case .members:
            if m.screen == .metrics {
                if let a = m.metrics?.scope.account {
                    m.flash = Flash(
                        text: "an account's cells are not listed here: rapport metrics --account \(a.id)", isError: true
                    )
                    return []
                }
                if let p = m.metrics?.scope.stoodOn {
                    m.flash = Flash(
                        text: "cells as of \(p.label) are not listed here: \(keyName(m, .pastDate)) returns to now",
                        isError: true)
                    return []
                }
                return MetricsScreen.update(&m.metricsView, .openCell(sort: m.list.query.sort), effects)
            }
            guard m.segments.items.indices.contains(m.segments.selected) else { return [] }
            let s = m.segments.items[m.segments.selected]
            m.list.query = ListQuery(
                segment: s.kind == .rfm ? s.name : nil, stage: s.kind == .stage ? s.name : nil,
                sort: m.pastDate == nil ? m.list.query.sort : .name, ruleSegment: s.kind == .rule ? s.name : nil)
            // On a past day, the members of then (listed by name, as the service gives them).
            m.list.pastSegment = m.pastDate.map {
                PastSegment(ref: SegmentRef(kind: s.kind, name: s.name), moment: $0, query: m.list.query)
            }
            go(&m, to: .list)
            return reloadList(&m)
        case .editSegment, .deleteSegment: return changeRuleSegment(&m, action)
        case .editNote, .deleteNote: return changeNote(&m, action)
        case .newSegment:
            guard writable(&m) else { return [] }
            m.dialog = .newSegment(
                name: TextField(), rule: TextField(), onRule: false,
                status: .hint("type a name, \(m.keymap.keyName(.nextPanel, mode: .dialog)), then a rule"),
                count: nil
            )
            return []
        }
    }

    /// Another session or script wrote to the store: reload what is on screen (the list keeps
    /// its selection; an erased customer's profile closes with a message).
    func noticeChanges(_ m: inout AppModel, _ stamp: String) -> [Cmd] {
        defer { m.storeStamp = stamp }
        guard let before = m.storeStamp, before != stamp else { return [] }
        // A past day's members are not listed again on every change (each listing is a full pass).
        var cmds = m.list.stoodOn == nil ? reloadList(&m, keepSelection: true) : []
        if let p = m.profile { cmds.append(effects.reloadProfile(p.key, pastDate: m.pastDate)) }
        if let h = m.history, m.screen == .history { cmds.append(effects.loadHistory(h.key, pastDate: m.pastDate)) }
        if m.screen == .segments { cmds.append(effects.loadSegments(pastDate: m.pastDate)) }
        if m.screen == .accounts {
            cmds += AccountsScreen.update(&m.accounts, .reload(keepSelection: true), m.env, effects)
        }
        if m.screen == .account { cmds += reloadAccount(&m) }
        return cmds + reloadMetrics(&m)
    }

    func writable(_ m: inout AppModel) -> Bool {
        if m.readOnly { m.flash = Flash(text: "unavailable: the store is open read-only", isError: true) }
        // A change is made today: not while the screen shows a past day.
        if let p = m.pastDate, !m.readOnly {
            m.flash = Flash(
                text: "showing as of \(p.label): \(keyName(m, .pastDate)) returns to now, then change it",
                isError: true)
            return false
        }
        return !m.readOnly
    }

    /// Moves to a screen, remembering where it came from: back returns there, as in a browser.
    func go(_ m: inout AppModel, to screen: Screen) {
        guard m.screen != screen else { return }
        m.backStack.append(
            BackStep(
                screen: m.screen, query: m.list.query, selected: m.list.selected, offset: m.list.offset,
                customer: m.profile?.key))
        if m.backStack.count > 32 { m.backStack.removeFirst() }
        m.screen = screen
    }

    /// `q` quits from the top screen only (the list with nothing to go back to); in a
    /// drill-down it goes back like Esc, so a habit of pressing `q` never ends the session.
    func back(_ m: inout AppModel, quitOnList: Bool) -> [Cmd] {
        if m.screen == .list && quitOnList && m.backStack.isEmpty {
            m.finished = true
            return []
        }
        // The previous screen first (segment members return to segments), then the defaults.
        while let previous = m.backStack.popLast() {
            guard previous.screen != m.screen else { continue }
            return restore(&m, previous)
        }
        switch m.screen {
        case .list:
            if quitOnList {
                m.finished = true
                return []
            }
            if ListScreen.isFiltered(m.list.query) { return perform(&m, .clearFilter) }
        case .profile: m.screen = .list
        case .history: m.screen = .profile
        case .segments: m.screen = .list
        case .metrics: m.screen = .list
        case .accounts: m.screen = .list
        case .account: m.screen = .accounts
        }
        return []
    }

    /// Returns to a screen as it was left: the list's query and place, and the customer shown.
    func restore(_ m: inout AppModel, _ step: BackStep) -> [Cmd] {
        var cmds: [Cmd] = []
        var screen = step.screen
        if m.list.query != step.query {
            m.list.query = step.query
            m.list.selected = step.selected
            m.list.offset = step.offset
            cmds += reloadList(&m, keepSelection: true)
        }
        // An account left on another day than the one now shown (`@` set or left meanwhile).
        if screen == .account, let a = m.account, a.day.asked != m.pastDate { cmds += reloadAccount(&m) }
        // So is the accounts list, or a person's accounts.
        if screen == .accounts, m.accounts.day.asked != m.pastDate {
            m.accounts.day.asked = m.pastDate
            cmds += AccountsScreen.update(&m.accounts, .reload(keepSelection: true), m.env, effects)
        }
        if screen == .profile || screen == .history, let key = step.customer, m.profile?.key != key {
            m.profile = ProfileState(key: key)
            cmds.append(effects.loadProfile(key, pastDate: m.pastDate))
            // The history of another customer is not kept: their profile instead.
            if m.history?.key != key { screen = .profile }
        }
        m.screen = screen
        return cmds
    }

    /// From the segments screen, the selected segment's metrics; from an account, its people's
    /// (with the accounts below it, when it has any); from anywhere else, everyone's.
    func openMetrics(_ m: inout AppModel) -> [Cmd] {
        // As of the past day shown, if one is.
        var scope = MetricsScope(stoodOn: m.pastDate)
        if m.screen == .segments, let s = SegmentsScreen.selected(m.segments) {
            // Qualified by kind: "at risk" is both an RFM segment and a stage.
            scope.segment = SegmentRef(kind: s.kind, name: s.name).qualified
        }
        if m.screen == .account {
            guard let v = m.account?.view else { return [] }
            scope.account = AccountScope(id: v.id, name: v.name, includeChildren: !v.children.isEmpty)
        }
        go(&m, to: .metrics)
        return startMetrics(&m, scope)
    }

    /// Up and down (and pages, ends, the wheel) move the selection of the screen shown.
    func move(_ m: inout AppModel, _ d: Int) -> [Cmd] {
        switch m.screen {
        case .list: return ListScreen.update(&m.list, .move(d), m.env, effects)
        case .history: return updateHistory(&m, .move(d))
        case .segments: return SegmentsScreen.update(&m.segments, .move(d))
        case .metrics: return MetricsScreen.update(&m.metricsView, .move(d), effects)
        case .accounts: return AccountsScreen.update(&m.accounts, .move(d), m.env, effects)
        case .account: return updateAccount(&m, .move(d))
        case .profile:
            guard var p = m.profile else { return [] }
            let cmds = ProfileScreen.update(&p, .move(d), m.env)
            m.profile = p
            return cmds
        }
    }

    /// The history screen's own actions, on the history shown (none: nothing happens).
    func updateHistory(_ m: inout AppModel, _ action: HistoryScreen.Action) -> [Cmd] {
        guard var h = m.history else { return [] }
        let cmds = HistoryScreen.update(&h, action)
        m.history = h
        return cmds
    }

    func clampList(_ m: inout AppModel) { ListScreen.clamp(&m.list, m.env) }

    /// Asks for the window of rows around the selection if any visible row is missing.
    func ensureRows(_ m: inout AppModel) -> [Cmd] { ListScreen.ensureRows(&m.list, m.env, effects) }

    func reloadList(_ m: inout AppModel, keepSelection: Bool = false) -> [Cmd] {
        ListScreen.update(&m.list, .reload(keepSelection: keepSelection), m.env, effects)
    }

    func openSelected(_ m: inout AppModel) -> [Cmd] {
        guard let row = m.list.rows[m.list.selected] else { return [] }
        return openProfile(&m, key: row.key)
    }

    func openProfile(_ m: inout AppModel, key: Int64) -> [Cmd] {
        if m.profile?.key != key { m.profile = ProfileState(key: key) }
        go(&m, to: .profile)
        return [effects.loadProfile(key, pastDate: m.pastDate)]
    }

    func openHistory(_ m: inout AppModel) -> [Cmd] {
        if m.screen == .list {
            // `H` on a row: that customer's history, as from their profile (Esc returns to the list).
            guard let row = m.list.rows[m.list.selected] else { return [] }
            var cmds: [Cmd] = []
            if m.profile?.key != row.key {
                m.profile = ProfileState(key: row.key)
                cmds.append(effects.loadProfile(row.key, pastDate: m.pastDate))
            }
            if m.history?.key != row.key {
                m.history = HistoryState(
                    key: row.key, name: row.name ?? row.externalId, asOf: m.profile?.report?.asOf)
            }
            go(&m, to: .history)
            return cmds + [effects.loadHistory(row.key, pastDate: m.pastDate)]
        }
        guard let p = m.profile else { return [] }
        if m.history?.key != p.key {
            m.history = HistoryState(
                key: p.key, name: p.report?.customer.name ?? p.report?.customer.id ?? "", asOf: p.report?.asOf)
        }
        go(&m, to: .history)
        return [effects.loadHistory(p.key, pastDate: m.pastDate)]
    }

    func openEvidence(_ m: inout AppModel) -> [Cmd] {
        guard let p = m.profile, p.panel == 0, let r = p.report,
            r.preferences.inferred.indices.contains(p.selectedPreference)
        else { return [] }
        let pref = r.preferences.inferred[p.selectedPreference]
        return [effects.evidence(p.key, pref.attribute, pref.value, confidence: pref.confidence)]
    }

    func toggleGift(_ m: inout AppModel) -> [Cmd] {
        guard writable(&m), let h = m.history, h.events.indices.contains(h.selected) else { return [] }
        let e = h.events[h.selected]
        guard e.type == .purchase else {
            m.flash = Flash(text: "only purchases can be gifts", isError: true)
            return []
        }
        if e.gift {
            m.dialog = .giftUnflag(eventId: e.eventId, note: e.giftNote)
            m.preview = PreviewPane(subject: PreviewPane.unflag(e.eventId))
            return [effects.previewGift(e.eventId, isGift: false, shown: m.profile?.report)]
        }
        m.dialog = .giftNote(eventId: e.eventId, field: TextField())
        m.preview = PreviewPane(subject: PreviewPane.gift(e.eventId))
        return [effects.previewGift(e.eventId, shown: m.profile?.report)]
    }

}
