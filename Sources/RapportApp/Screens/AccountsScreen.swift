import Foundation
import RapportService
import RapportUI

// The explorer's B2B accounts (docs/accounts.md): `A` opens the accounts list, a window of rows
// loaded around the selection like the customer list's; Enter opens an account's profile (its
// breadcrumb, the firm's tree that expands and collapses, members, value three ways, cadence
// beside what it states, coverage, recommendations); Enter on a member opens the person. `@` on
// the account profile shows it as it stood on a day (docs/as-of.md), as `rapport account ID
// --as-of D` does; `@` again, or back, returns to now. `@` on the accounts list shows it as it
// stood on a day, by name, each row with its figures of then (`rapport accounts --as-of D`).
// `A` on a profile shown as of a day lists that person's accounts of then (`rapport accounts
// --customer X --as-of D`), with the same marker.

public struct AccountsState: Sendable {
    public var filter: TextField?
    public var text = ""
    public var sort = AccountListSort.revenue
    public var total = 0
    public var rows: [Int: AccountListItem] = [:]
    public var selected = 0
    public var offset = 0
    public var generation = 0
    public var loaded = false
    /// `A` on a person's profile: their accounts (id, name), with their role in each.
    public var person: (id: String, name: String)?
    public var roles: [Int: String] = [:]
    /// The day the list is loaded as of (`@`) and the day of the rows on screen.
    public var day = PastDateRequest()
}

public struct AccountState: Sendable {
    public var id: String
    /// The day the account is loaded as of (`@`) and the day `view` is of.
    public var day = PastDateRequest()
    public var view: AccountView?
    /// The firm's tree, root first, depth first.
    public var tree: [AccountTreeLine] = []
    public var collapsed: Set<String> = []
    /// 0: the tree, 1: the members.
    public var panel = 0
    public var selectedNode = 0
    public var selectedMember = 0
    /// A page of members is on its way (the list loads them as it scrolls).
    public var loadingMembers = false

    /// The tree's lines whose ancestors are all expanded.
    public var visibleTree: [AccountTreeLine] {
        var out: [AccountTreeLine] = []
        var hiddenBelow: Int?
        for line in tree {
            if let d = hiddenBelow, line.depth > d { continue }
            hiddenBelow = nil
            out.append(line)
            if collapsed.contains(line.id) { hiddenBelow = line.depth }
        }
        return out
    }
}

/// Thrown by a client made without the accounts closures (fixtures that do not need them).
public struct AccountsUnavailable: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "accounts are not available here" }
}

extension ExplorerClient {
    /// The accounts closures of a live client, forwarding to the workspace.
    func withAccounts(_ ws: Workspace) -> ExplorerClient {
        var c = self
        c.accountPage = { filter, sort, offset, limit in
            try ws.accounts(filter: filter, sort: sort, limit: limit, offset: offset)
        }
        c.accountPageStoodOn = { filter, offset, limit, p in
            try ws.accounts(filter: filter, limit: limit, offset: offset, stoodOn: p)
        }
        c.account = { try ws.account($0) }
        c.accountTree = { try ws.accountTree($0) }
        c.accountScreen = { try ws.accountScreen($0, members: $1) }
        c.accountScreenStoodOn = { try ws.accountScreen($0, stoodOn: $1) }
        c.accountMembers = { try ws.accountMembers($0, offset: $1, limit: $2) }
        c.personAccounts = { try ws.personAccounts(customer: $0) }
        c.personAccountsStoodOn = { try ws.personAccounts(customer: $0, stoodOn: $1) }
        c.accountMetrics = { try ws.metrics(account: $0, includeChildren: $1) }
        return c
    }
}

extension Effects {
    /// A window of the accounts list around `index`: today's, or (after `@`) as it stood on
    /// `pastDate`, by name; or a person's accounts, today's or as they stood on `pastDate`.
    func loadAccounts(
        _ filter: String, _ sort: AccountListSort, generation: Int, around index: Int, person: String? = nil,
        pastDate: PointInTime? = nil
    ) -> Cmd {
        Cmd(lane: .queue(.accounts)) { [client] send in
            do {
                if let person {
                    let items =
                        try pastDate.map { try client.personAccountsStoodOn(person, $0) }
                        ?? client.personAccounts(person)
                    send(.personAccountsLoaded(generation: generation, items, stoodOn: pastDate))
                    return
                }
                let start = max(0, index - Effects.window / 2)
                let page =
                    try pastDate.map { try client.accountPageStoodOn(filter, start, Effects.window, $0) }
                    ?? client.accountPage(filter, sort, start, Effects.window)
                send(
                    .accountsLoaded(
                        generation: generation, total: page.total, start: start, items: page.items, stoodOn: pastDate))
            } catch { send(.failed(ExplorerFailure(.loadList, error))) }
        }
    }

    /// The account profile, today's or (after `@`) as it stood on `pastDate`.
    func loadAccount(_ id: String, pastDate: PointInTime? = nil) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                if let p = pastDate {
                    let (view, tree) = try client.accountScreenStoodOn(id, p)
                    send(.accountLoaded(view, tree: tree, stoodOn: p))
                    return
                }
                // The first page of members only; the rest come as the list scrolls.
                if let screen = client.accountScreen {
                    let (view, tree) = try screen(id, Effects.window)
                    send(.accountLoaded(view, tree: tree, stoodOn: nil))
                    return
                }
                let view = try client.account(id)
                send(.accountLoaded(view, tree: try client.accountTree(view.path.first ?? view.id), stoodOn: nil))
            } catch { send(.failed(ExplorerFailure(.loadProfile, error))) }
        }
    }

    /// The account's members from `offset`, a window of them.
    func loadAccountMembers(_ id: String, offset: Int) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                send(
                    .accountMembersLoaded(id: id, offset: offset, try client.accountMembers(id, offset, Effects.window))
                )
            } catch { send(.failed(ExplorerFailure(.loadProfile, error))) }
        }
    }

    /// `:goto`-like: the profile of the customer with this id, or a failure naming it.
    func gotoCustomer(_ id: String) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                guard let key = try client.findCustomer(id) else {
                    send(.failed(.unknownCustomer(id)))
                    return
                }
                send(.gotoCustomer(key))
            } catch { send(.failed(ExplorerFailure(.goto, error))) }
        }
    }
}

extension Explorer {
    /// `A`: every account; on a person's profile, that person's accounts and roles.
    func openAccounts(_ m: inout AppModel) -> [Cmd] {
        let person =
            m.screen == .profile ? m.profile?.report.map { ($0.customer.id, $0.customer.name ?? $0.customer.id) } : nil
        // The list follows the day shown (`@`): the whole list, or the person's accounts of then.
        m.accounts.day.asked = m.pastDate
        let cmds = AccountsScreen.update(
            &m.accounts, .open(person: person.map { (id: $0.0, name: $0.1) }), m.env, effects)
        go(&m, to: .accounts)
        return cmds
    }

    /// An account's profile, as of the past day shown (`@`), if one is.
    func openAccount(_ m: inout AppModel, id: String) -> [Cmd] {
        if m.account?.id != id { m.account = AccountState(id: id) }
        m.account?.day.asked = m.pastDate
        go(&m, to: .account)
        return [effects.loadAccount(id, pastDate: m.pastDate)]
    }

    /// Loads the account shown again, as of `m.pastDate` (after `@`, a change, or coming back to it).
    func reloadAccount(_ m: inout AppModel) -> [Cmd] {
        guard var a = m.account else { return [] }
        a.day.asked = m.pastDate
        m.account = a
        return [effects.loadAccount(a.id, pastDate: a.day.asked)]
    }

    /// Enter: on the list, the account; on an account, the node's account or the member.
    func openFromAccounts(_ m: inout AppModel) -> [Cmd] {
        if m.screen == .accounts {
            guard let row = m.accounts.rows[m.accounts.selected] else { return [] }
            return openAccount(&m, id: row.id)
        }
        return updateAccount(&m, .open)
    }

    /// The account screen's own actions, on the account shown (none: nothing happens).
    func updateAccount(_ m: inout AppModel, _ action: AccountScreen.Action) -> [Cmd] {
        guard var a = m.account else { return [] }
        let cmds = AccountScreen.update(&a, action, effects)
        m.account = a
        return cmds
    }
}

/// The accounts list as a component: its own actions, the filter's keys and the store's
/// answers, and a pure view.
enum AccountsScreen {
    typealias Cmd = Command<AppMessage>

    enum Action {
        /// `A`: every account, or (from a person's profile) that person's accounts and roles.
        case open(person: (id: String, name: String)?)
        case reload(keepSelection: Bool)
        case move(Int)
        case nextSort
        /// A key while the filter line has the focus.
        case filterKey(Key)
        /// The store's answers: a page of accounts, or a person's accounts.
        case loaded(generation: Int, total: Int, start: Int, items: [AccountListItem], stoodOn: PointInTime?)
        case personLoaded(generation: Int, [PersonAccount], stoodOn: PointInTime?)
    }

    static let sorts: [AccountListSort] = [.revenue, .engagement, .coverage, .pAlive, .name]

    static func update(_ s: inout AccountsState, _ action: Action, _ env: ScreenEnv, _ effects: Effects) -> [Cmd] {
        switch action {
        case .open(let person):
            if person?.id != s.person?.id {
                s.rows = [:]
                s.loaded = false
            }
            s.person = person
            return update(&s, .reload(keepSelection: false), env, effects)
        case .reload(let keepSelection):
            s.generation += 1
            if !keepSelection {
                s.selected = 0
                s.offset = 0
            }
            return [
                effects.loadAccounts(
                    s.text, s.sort, generation: s.generation, around: s.selected, person: s.person?.id,
                    pastDate: s.day.asked)
            ]
        case .move(let d):
            guard s.total > 0 else { return [] }
            s.selected = stepped(s.selected, by: d, count: s.total)
            let h = env.tableRows
            s.offset = Table.scroll(offset: s.offset, selected: s.selected, height: h, count: s.total)
            let visible = s.offset..<min(s.total, s.offset + h)
            guard visible.contains(where: { s.rows[$0] == nil }) else { return [] }
            return update(&s, .reload(keepSelection: true), env, effects)
        case .nextSort:
            s.sort = sorts[((sorts.firstIndex(of: s.sort) ?? 0) + 1) % sorts.count]
            return update(&s, .reload(keepSelection: false), env, effects)
        case .filterKey(let key):
            return FilterLine.key(
                &s, key, env, move: { update(&$0, .move($1), env, effects) },
                reload: { update(&$0, .reload(keepSelection: false), env, effects) })
        case .loaded(let generation, let total, let start, let items, let stoodOn):
            guard generation == s.generation, s.day.accepts(stoodOn) else { return [] }
            // Rows of another day (or of today) are not mixed with these.
            if !s.loaded || s.total != total || s.day.shown != stoodOn { s.rows = [:] }
            s.day.shown = stoodOn
            s.total = total
            s.loaded = true
            for (i, r) in items.enumerated() { s.rows[start + i] = r }
            s.selected = max(0, min(s.selected, total - 1))
        case .personLoaded(let generation, let items, let stoodOn):
            guard generation == s.generation, s.day.accepts(stoodOn) else { return [] }
            s.rows = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($0.offset, $0.element.account) })
            s.roles = Dictionary(
                uniqueKeysWithValues: items.enumerated().map { i, a in
                    (i, a.role + (a.primary ? "*" : "") + (a.current ? "" : " (ended)"))
                })
            s.total = items.count
            s.loaded = true
            s.day.shown = stoodOn
            s.selected = max(0, min(s.selected, items.count - 1))
        }
        return []
    }

    static let hints = ["open", "filter", "sort", "help", "back"]

    static func status(_ s: AccountsState) -> String {
        let place = "\(s.total == 0 ? 0 : s.selected + 1)/\(s.total) accounts"
        // Another day on its way: the rows of the day before stay until it comes.
        if let loading = s.day.loading { return place + ", " + loading }
        // A person's accounts are not sorted by a figure: no note for them.
        guard s.person == nil else { return place }
        return place + (s.day.shown.flatMap { AccountListStoodOn.sortNote(s.sort, $0) }.map { "  (\($0))" } ?? "")
    }

    static func view(_ s: AccountsState, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        let person = s.person
        // A past day's list is by name whatever the sort asked for (the status line says why).
        let sort = s.day.shown == nil ? s.sort : AccountListStoodOn.sort(for: s.sort)
        env.title(
            &b, person.map { "Accounts of \($0.name)" } ?? "Accounts",
            person == nil ? "sort: \(sort.label)" : "roles (* primary)", asOf: s.day.shown)
        let cols = [
            Column("NAME", width: 18, flex: true), Column("KIND", width: 10),
            Column(person == nil ? "PARENT" : "ROLE", width: 14),
            Column("MEMBERS", width: 7, alignRight: true), Column("REVENUE 12M", width: 11, alignRight: true),
            Column("TREND", width: 5), Column("COVER", width: 5, alignRight: true)
        ]
        let offset = Table.scroll(
            offset: s.offset, selected: s.selected, height: r.height - 1, count: s.total)
        Table.draw(
            &b, r, columns: cols, count: s.total, offset: offset, selected: s.selected,
            glyphs: env.glyphs, theme: env.theme
        ) { i in
            guard let a = s.rows[i] else { return nil }
            return [
                a.name, a.kind, person == nil ? a.parentName ?? "" : s.roles[i] ?? "", String(a.members),
                String(format: "%.0f", a.revenue12m),
                a.trend ?? "", a.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? ""
            ]
        }
    }
}

/// One account as a component: the firm's tree and the members, a panel at a time in focus.
enum AccountScreen {
    typealias Cmd = Command<AppMessage>

    enum Action {
        case move(Int)
        case nextPanel
        /// Expands or folds the selected node of the tree.
        case toggleNode
        /// Enter: the selected node's account, or the selected member's profile.
        case open
        /// The store's answer, kept if it is the account shown, of the day asked for.
        case loaded(AccountView, tree: [AccountTreeLine], stoodOn: PointInTime?)
        /// A further page of the account's members, kept if it follows those loaded.
        case membersLoaded(id: String, offset: Int, [AccountMemberView])
    }

    /// The next page of members when the selection nears the end of those loaded.
    static func moreMembers(_ a: inout AccountState, _ effects: Effects) -> [Cmd] {
        guard let v = a.view, !a.loadingMembers, v.members.count < v.memberCount,
            a.selectedMember >= v.members.count - Effects.window / 2
        else { return [] }
        a.loadingMembers = true
        return [effects.loadAccountMembers(a.id, offset: v.members.count)]
    }

    static func update(_ a: inout AccountState, _ action: Action, _ effects: Effects) -> [Cmd] {
        switch action {
        case .move(let d):
            if a.panel == 0 {
                a.selectedNode = stepped(a.selectedNode, by: d, count: max(1, a.visibleTree.count))
            } else {
                a.selectedMember = stepped(
                    a.selectedMember, by: d, count: max(1, a.view.map { max($0.memberCount, $0.members.count) } ?? 1))
                return moreMembers(&a, effects)
            }
        case .nextPanel: a.panel = 1 - a.panel
        case .toggleNode:
            guard a.panel == 0 else { return [] }
            let lines = a.visibleTree
            guard lines.indices.contains(a.selectedNode), lines[a.selectedNode].childCount > 0 else { return [] }
            let id = lines[a.selectedNode].id
            if a.collapsed.contains(id) { a.collapsed.remove(id) } else { a.collapsed.insert(id) }
        case .open:
            guard let view = a.view else { return [] }
            if a.panel == 0 {
                let lines = a.visibleTree
                guard lines.indices.contains(a.selectedNode), lines[a.selectedNode].id != a.id else { return [] }
                a = AccountState(id: lines[a.selectedNode].id, day: PastDateRequest(asked: a.day.asked))
                return [effects.loadAccount(a.id, pastDate: a.day.asked)]
            }
            guard view.members.indices.contains(a.selectedMember) else { return [] }
            return [effects.gotoCustomer(view.members[a.selectedMember].id)]
        case .loaded(let view, let tree, let stoodOn):
            guard a.id == view.id, a.day.accepts(stoodOn) else { return [] }
            // Another day's tree may be another shape (an account moved since): opened afresh.
            let first = a.view == nil || a.day.shown != stoodOn
            a.view = view
            a.day.shown = stoodOn
            a.tree = tree
            if first {
                // Open on the way to this account: its ancestors and it expanded, the rest folded.
                let open = Set(view.path + [view.id])
                a.collapsed = Set(tree.filter { $0.childCount > 0 && !open.contains($0.id) }.map(\.id))
                a.selectedNode = a.visibleTree.firstIndex { $0.id == view.id } ?? 0
            }
            a.selectedMember = max(0, min(a.selectedMember, max(view.memberCount, view.members.count) - 1))
            a.loadingMembers = false
            return moreMembers(&a, effects)
        case .membersLoaded(let id, let offset, let members):
            // Pages are today's: a past day's view holds every member of then.
            guard a.id == id, a.day.shown == nil, var view = a.view, offset == view.members.count else { return [] }
            view.members += members
            a.view = view
            a.loadingMembers = false
            // An empty page: the account lost members meanwhile; stop at what there is.
            if members.isEmpty { a.view?.memberCount = view.members.count }
            return moreMembers(&a, effects)
        }
        return []
    }

    static let hints = ["open", "next_panel", "toggle_node", "metrics", "past_date", "help", "back"]

    static func status(_ a: AccountState?) -> String {
        guard let a, let v = a.view else { return "loading…" }
        // Another day on its way: the view of the day before stays until it comes.
        guard let loading = a.day.loading else { return v.id }
        return "\(v.id), \(loading)"
    }

    static func view(_ account: AccountState?, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        guard let a = account, let v = a.view else {
            env.title(&b, "Account", "", asOf: account?.day.asked)
            b.write("loading…", x: r.x + 1, y: r.y + 1, style: env.theme.muted)
            return
        }
        let crumb = (v.pathNames + [v.name]).joined(separator: " › ")
        // The marker says the day of what is on screen.
        env.title(&b, "Account", "\(v.kind) [\(v.id)]", asOf: a.day.shown)
        b.write(crumb, x: r.x + 1, y: r.y, style: env.theme.title, maxWidth: r.width - 2)
        let left = r.width / 2
        let top = Rect(x: r.x, y: r.y + 1, width: left, height: (r.height - 1) / 2)
        let bottom = Rect(x: r.x, y: top.maxY, width: left, height: r.maxY - top.maxY)
        let right = Rect(x: r.x + left, y: r.y + 1, width: r.width - left, height: r.height - 1)
        drawTree(env, a, &b, top)
        drawMembers(env, a, v, &b, bottom)
        let inner = Block(title: "Value", focused: false).render(right, into: &b, env.context)
        var lines: [(String, Style)] = []
        if let p = a.day.shown {
            let by = p.corrections == .then ? "the corrections made by then" : "today's corrections"
            lines.append(("as it stood on \(p.label), \(by); accounts' details are today's", env.theme.warn))
        }
        func money(_ x: Double) -> String { String(format: "%.0f", x) }
        for (label, s) in [("own", v.figures.individual), ("below", v.figures.children), ("total", v.figures.total)] {
            lines.append(("\(label): \(s.orders) orders, \(money(s.revenue)), \(s.customers) buyers", .plain))
        }
        let pAlive = v.pAlive.map { String(format: "%.2f", $0) } ?? "n/a"
        let clv = v.clv.map(money) ?? "n/a"
        lines.append(("P(alive) \(pAlive)  CLV 12m \(clv)", .plain))
        lines.append(("engagement \(v.engagement) (\(v.trend))", .plain))
        let coverage = v.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? "n/a"
        let missing = v.missingRoles.isEmpty ? "" : ", missing \(v.missingRoles.joined(separator: ", "))"
        lines.append(("committee \(coverage)\(missing)", v.missingRoles.isEmpty ? env.theme.ok : env.theme.warn))
        for c in v.cadence { lines.append(("\(c.name): \(c.sentence)", env.theme.muted)) }
        if !v.recommendations.isEmpty { lines.append(("Recommendations", env.theme.title)) }
        for rec in v.recommendations { lines.append(("\(rec.title): \(rec.reason)", .plain)) }
        if !v.notes.isEmpty { lines.append(("Notes", env.theme.title)) }
        for n in v.notes { lines.append(("\(n.time.prefix(10)) \(n.analyst): \(n.text)", .plain)) }
        // Whole sentences: long ones wrap in the panel (sanitised first, as everywhere).
        let wrapped = lines.flatMap { text, style in
            TextWrap.lines(Sanitizer.clean(text), width: max(1, inner.width)).map { ($0, style) }
        }
        for (i, l) in wrapped.prefix(inner.height).enumerated() {
            b.write(l.0, x: inner.x, y: inner.y + i, style: l.1, maxWidth: inner.width)
        }
    }

    private static func drawTree(_ env: ScreenEnv, _ a: AccountState, _ b: inout CellBuffer, _ r: Rect) {
        let inner = Block(title: "Tree", focused: a.panel == 0).render(r, into: &b, env.context)
        let lines = a.visibleTree
        let offset = Table.scroll(offset: 0, selected: a.selectedNode, height: inner.height, count: lines.count)
        for (row, i) in (offset..<min(lines.count, offset + inner.height)).enumerated() {
            let l = lines[i]
            let mark = l.childCount == 0 ? " " : a.collapsed.contains(l.id) ? "+" : "-"
            let text = String(repeating: " ", count: 2 * l.depth) + mark + " " + l.name
            let style =
                i == a.selectedNode && a.panel == 0 ? env.theme.selected : l.id == a.id ? env.theme.title : .plain
            b.write(text, x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
        }
    }

    private static func drawMembers(
        _ env: ScreenEnv, _ a: AccountState, _ v: AccountView, _ b: inout CellBuffer, _ r: Rect
    ) {
        let inner = Block(title: "Members", focused: a.panel == 1).render(r, into: &b, env.context)
        let count = max(v.memberCount, v.members.count)
        if count == 0 { b.write("no members", x: inner.x, y: inner.y, style: env.theme.muted) }
        let offset = Table.scroll(offset: 0, selected: a.selectedMember, height: inner.height, count: count)
        for (row, i) in (offset..<min(count, offset + inner.height)).enumerated() {
            // Past the members loaded: their page is on its way.
            guard v.members.indices.contains(i) else {
                let style = i == a.selectedMember && a.panel == 1 ? env.theme.selected : env.theme.muted
                b.write("…", x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
                continue
            }
            let p = v.members[i]
            let consent = p.consent == true ? "" : " (no consent)"
            let ended = p.current ? "" : " ended \(p.until ?? "")"
            let text =
                "\(p.name ?? p.id) \(p.role)\(p.primary ? "*" : "")\(p.title.map { ", \($0)" } ?? "")\(ended)"
                + consent
            let style =
                i == a.selectedMember && a.panel == 1 ? env.theme.selected : p.current ? .plain : env.theme.muted
            b.write(text, x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
        }
    }
}
