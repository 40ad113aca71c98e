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
        case .metricsLoaded(let segment, let figures): return metricsLoaded(&m, segment, figures)
        case .metricsCached(let figures): return metricsCached(&m, figures)
        case .metricsListReady(let query): return openMetricsList(&m, query)
        case .tick: return [effects.readStamp()]
        case .storeStamp(let stamp): return noticeChanges(&m, stamp)
        case .accountsLoaded(let generation, let total, let start, let items):
            return accountsLoaded(&m, generation, total, start, items)
        case .accountLoaded(let view, let tree): return accountLoaded(&m, view, tree)
        case .personAccountsLoaded(let generation, let items): return personAccountsLoaded(&m, generation, items)
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
            guard generation == m.list.generation else { return [] }
            if let total {
                m.list.total = total
                m.list.rows = [:]
            }
            // Under --redact an email or phone written into a name is masked as well.
            for (i, r) in rows.enumerated() { m.list.rows[start + i] = m.redact ? r.redacted : r }
            m.list.pending.remove(start)
            m.list.loaded = true
            clampList(&m)
            return []
        case .profileLoaded(let loaded):
            // Under --redact the whole identity is masked once here (a phone written into the
            // name or city too), so no screen that shows it can forget.
            let r = m.redact ? loaded.redacted : loaded
            // A history opened from the list counts its day filters from the profile's as-of date.
            if m.history?.key == r.customer.key && m.history?.asOf == nil { m.history?.asOf = r.asOf }
            if var p = m.profile, p.key == r.customer.key {
                p.report = r
                // A reload may bring fewer rows: selections stay on a row that exists.
                p.selectedPreference = max(0, min(p.selectedPreference, r.preferences.inferred.count - 1))
                p.selectedRec = max(0, min(p.selectedRec, r.recommendations.count - 1))
                p.selectedCare = max(0, min(p.selectedCare, careRows(m, r).count - 1))
                m.profile = p
            }
            return []
        case .historyLoaded(let key, let events):
            if var h = m.history, h.key == key {
                h.all = events
                h.loaded = true
                h.selected = min(h.selected, max(0, h.events.count - 1))
                m.history = h
            }
            return []
        case .segmentsLoaded(let items):
            // By value: the most customers first within each kind (RFM, stage, rule), not by name.
            let kinds = items.map(\.kind.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            m.segments.items = items.enumerated().sorted { a, b in
                let ka = kinds.firstIndex(of: a.element.kind.rawValue)!,
                    kb = kinds.firstIndex(of: b.element.kind.rawValue)!
                if ka != kb { return ka < kb }
                if a.element.members != b.element.members { return a.element.members > b.element.members }
                return a.offset < b.offset
            }.map(\.element)
            m.segments.selected = min(m.segments.selected, max(0, items.count - 1))
            return []
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
                error.map(RuleStatus.invalid)
                ?? (warnings.isEmpty ? .valid : .warning(warnings.joined(separator: "; ")))
            if case .newSegment(let name, let field, let onRule, _, _)? = m.dialog, field.text == rule {
                m.dialog = .newSegment(name: name, rule: field, onRule: onRule, status: status, count: count)
            }
            if case .editSegment(let name, let field, _, _)? = m.dialog, field.text == rule {
                m.dialog = .editSegment(name: name, rule: field, status: status, count: count)
            }
            return []
        case .segmentNotSaved(let name, let rule, let message):
            m.progress = nil
            if m.dialog == nil {
                m.dialog = .newSegment(
                    name: TextField(name), rule: TextField(rule), onRule: false, status: .problem(message), count: nil)
            } else {
                m.flash = Flash(text: message, isError: true)
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
            clampList(&m)
            return ensureRows(&m)
        case .mouse(let me):
            if isTooSmall(m) { return [] }
            switch me {
            case .wheelDown: return move(&m, 3)
            case .wheelUp: return move(&m, -3)
            case .click(let p):
                if m.screen == .list && p.y >= 2 && p.y < m.size.height - 2 {
                    m.list.selected = min(max(0, m.list.total - 1), m.list.offset + p.y - 2)
                }
                return []
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
            if m.list.filter != nil && m.screen == .list { return handleFilter(&m, key) }
            if m.accounts.filter != nil && m.screen == .accounts { return handleAccountFilter(&m, key) }
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
            if m.pastDate != nil, Self.pastDateScreens.contains(m.screen) { return pastDate(&m) }
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
        case .top: return move(&m, -Int.max / 2)
        case .bottom: return move(&m, Int.max / 2)
        case .segments:
            go(&m, to: .segments)
            return [effects.loadSegments(pastDate: m.pastDate)]
        case .metrics: return openMetrics(&m)
        case .accounts: return openAccounts(&m)
        case .toggleNode: return toggleAccountNode(&m)
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
                let all = Self.accountSorts
                m.accounts.sort = all[((all.firstIndex(of: m.accounts.sort) ?? 0) + 1) % all.count]
                return reloadAccounts(&m)
            }
            let all = ListSort.allCases
            m.list.query.sort = all[(all.firstIndex(of: m.list.query.sort)! + 1) % all.count]
            return reloadList(&m)
        case .reverseSort:
            m.list.query.reversed.toggle()
            return reloadList(&m)
        case .clearFilter:
            m.list.query.text = ""
            m.list.query.segment = nil
            m.list.query.stage = nil
            m.list.query.ruleSegment = nil
            m.list.query.keys = nil
            m.list.query.keysLabel = nil
            return reloadList(&m)
        case .nextPanel:
            if m.screen == .metrics { return nextMetricsPanel(&m) }
            if m.screen == .account, var a = m.account {
                a.panel = 1 - a.panel
                m.account = a
                return []
            }
            // On the profile Tab cycles its panels; other screens ignore it (H opens the history).
            guard m.screen == .profile, var p = m.profile else { return [] }
            p.panel = (p.panel + 1) % 4
            m.profile = p
            return []
        case .prevPanel:
            if m.screen == .profile, var p = m.profile {
                p.panel = (p.panel + 3) % 4
                m.profile = p
            }
            return []
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
            m.dialog = .clearHistory(range: 1, types: 0, count: nil, confirming: false)
            m.preview = PreviewPane(subject: PreviewPane.clear(1, 0))
            return [
                effects.countClear(h.key, range: clearRange(m, 1, 0), settings: (1, 0)),
                effects.previewClear(h.key, range: clearRange(m, 1, 0), settings: (1, 0))
            ]
        case .typeFilter:
            // Only the types this customer has events of (and "all").
            let present = m.history?.loaded == true ? Set(m.history?.all.map(\.type) ?? []) : Set(EventType.allCases)
            let types: [EventType?] = [nil] + EventType.allCases.filter { present.contains($0) }
            let i = types.firstIndex(of: m.history?.typeFilter) ?? 0
            m.history?.typeFilter = types[(i + 1) % types.count]
            m.history?.selected = 0
            m.history?.offset = 0
            return []
        case .dateFilter:
            let ranges: [Int?] = [nil, 30, 90, 365]
            let i = ranges.firstIndex(of: m.history?.days) ?? 0
            m.history?.days = ranges[(i + 1) % ranges.count]
            m.history?.selected = 0
            m.history?.offset = 0
            return []
        case .members:
            if m.screen == .metrics { return openMetricsCell(&m) }
            guard m.segments.items.indices.contains(m.segments.selected) else { return [] }
            let s = m.segments.items[m.segments.selected]
            // The list is today's: the members of a past day are on the command line.
            if let p = m.pastDate {
                m.flash = Flash(
                    text: "members as of \(p.label): rapport segment members '\(s.name)' --as-of \(p.label)",
                    isError: true)
                return []
            }
            m.list.query = ListQuery(
                segment: s.kind == .rfm ? s.name : nil, stage: s.kind == .stage ? s.name : nil,
                sort: m.list.query.sort, ruleSegment: s.kind == .rule ? s.name : nil)
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
        var cmds = reloadList(&m, keepSelection: true)
        if let p = m.profile { cmds.append(effects.reloadProfile(p.key, pastDate: m.pastDate)) }
        if let h = m.history, m.screen == .history { cmds.append(effects.loadHistory(h.key, pastDate: m.pastDate)) }
        if m.screen == .segments { cmds.append(effects.loadSegments(pastDate: m.pastDate)) }
        if m.screen == .accounts { cmds += reloadAccounts(&m, keepSelection: true) }
        if m.screen == .account, let a = m.account { cmds.append(effects.loadAccount(a.id)) }
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
            if !m.list.query.text.isEmpty || m.list.query.segment != nil || m.list.query.stage != nil
                || m.list.query.ruleSegment != nil || m.list.query.keys != nil
            {
                return perform(&m, .clearFilter)
            }
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
        if screen == .profile || screen == .history, let key = step.customer, m.profile?.key != key {
            m.profile = ProfileState(key: key)
            cmds.append(effects.loadProfile(key, pastDate: m.pastDate))
            // The history of another customer is not kept: their profile instead.
            if m.history?.key != key { screen = .profile }
        }
        m.screen = screen
        return cmds
    }

    /// From the segments screen, the selected segment's metrics; from anywhere else, everyone's.
    func openMetrics(_ m: inout AppModel) -> [Cmd] {
        var segment: String?
        if m.screen == .segments, m.segments.items.indices.contains(m.segments.selected) {
            // Qualified by kind: "at risk" is both an RFM segment and a stage.
            let s = m.segments.items[m.segments.selected]
            segment = SegmentRef(kind: s.kind, name: s.name).qualified
        }
        go(&m, to: .metrics)
        return startMetrics(&m, segment: segment)
    }

    func move(_ m: inout AppModel, _ d: Int) -> [Cmd] {
        func step(_ v: Int, _ count: Int) -> Int { max(0, min(count - 1, v.addingReportingOverflow(d).partialValue)) }
        switch m.screen {
        case .list:
            guard m.list.total > 0 else { return [] }
            m.list.selected = step(m.list.selected, m.list.total)
            clampList(&m)
            return ensureRows(&m)
        case .history:
            guard var h = m.history else { return [] }
            h.selected = step(h.selected, max(1, h.events.count))
            m.history = h
        case .segments:
            m.segments.selected = step(m.segments.selected, max(1, m.segments.items.count))
        case .metrics:
            moveMetrics(&m, d)
        case .accounts, .account: return moveInAccounts(&m, d)
        case .profile:
            guard var p = m.profile else { return [] }
            if p.panel == 0 {
                p.selectedPreference = step(p.selectedPreference, max(1, p.report?.preferences.inferred.count ?? 1))
            } else if p.panel == 2 {
                p.selectedRec = step(p.selectedRec, max(1, p.report?.recommendations.count ?? 1))
            } else if p.panel == 3 {
                p.selectedCare = step(p.selectedCare, max(1, p.report.map { careRows(m, $0).count } ?? 1))
            } else {
                p.scroll[p.panel] = max(0, p.scroll[p.panel] + (d > 0 ? 1 : -1) * min(abs(d), 1000))
            }
            m.profile = p
        }
        return []
    }

    func clampList(_ m: inout AppModel) {
        let h = max(1, m.size.height - 4)
        m.list.selected = max(0, min(m.list.selected, m.list.total - 1))
        m.list.offset = Table.scroll(offset: m.list.offset, selected: m.list.selected, height: h, count: m.list.total)
    }

    /// Asks for the window of rows around the selection if any visible row is missing.
    func ensureRows(_ m: inout AppModel) -> [Cmd] {
        let h = max(1, m.size.height - 4)
        let visible = m.list.offset..<min(m.list.total, m.list.offset + h)
        guard visible.contains(where: { m.list.rows[$0] == nil }) else { return [] }
        let start = max(0, m.list.selected - Effects.window / 2)
        guard !m.list.pending.contains(start) else { return [] }
        m.list.pending.insert(start)
        // Keep memory flat: drop rows far from the selection.
        if m.list.rows.count > 4 * Effects.window {
            m.list.rows = m.list.rows.filter { abs($0.key - m.list.selected) < 2 * Effects.window }
        }
        return [
            effects.loadList(
                m.list.query, generation: m.list.generation, around: m.list.selected, needTotal: false,
                knownTotal: m.list.total)
        ]
    }

    func reloadList(_ m: inout AppModel, keepSelection: Bool = false) -> [Cmd] {
        m.list.generation += 1
        m.list.pending = []
        if !keepSelection {
            m.list.selected = 0
            m.list.offset = 0
        }
        return [
            effects.loadList(
                m.list.query, generation: m.list.generation, around: m.list.selected, needTotal: true,
                knownTotal: m.list.total)
        ]
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
        // A read: the evidence shows while a refresh or an erase runs.
        return [
            Cmd(lane: .read) { send in
                do {
                    let items = try effects.client.evidence(p.key, pref.attribute, pref.value)
                    var lines = items.map { c -> String in
                        let e = c.event
                        let share = Int((c.share * 100).rounded())
                        return "\(e.time.day)  \(e.type.rawValue)  \(e.product ?? e.productId ?? "")  "
                            + String(format: "%+.1f", c.contribution) + " (\(share)%)  [\(e.eventId)]"
                    }
                    if !lines.isEmpty {
                        lines += [
                            "",
                            "Each event adds its type's weight (purchase 5, cart 3, click 1.5, view 1) decayed by its "
                                + "age, before daily and monthly caps; % is its share of the preference's total."
                        ]
                    }
                    send(.progress(nil))
                    send(
                        .evidenceReady(
                            title: "\(pref.value): evidence, confidence \(Int((pref.confidence * 100).rounded()))%",
                            lines: lines))
                } catch { send(.failed(ExplorerFailure(.evidence, error))) }
            }
        ]
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

    func clearRange(_ m: AppModel, _ range: Int, _ types: Int) -> HistoryWindow { m.clearWindow(range, types) }
}
