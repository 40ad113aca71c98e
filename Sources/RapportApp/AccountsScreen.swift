import Foundation
import RapportService
import RapportUI

// The explorer's B2B accounts (docs/accounts.md): `A` opens the accounts list, a window of rows
// loaded around the selection like the customer list's; Enter opens an account's profile (its
// breadcrumb, the firm's tree that expands and collapses, members, value three ways, cadence
// beside what it states, coverage, recommendations); Enter on a member opens the person.

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
}

public struct AccountState: Sendable {
    public var id: String
    public var view: AccountView?
    /// The firm's tree, root first, depth first.
    public var tree: [AccountTreeLine] = []
    public var collapsed: Set<String> = []
    /// 0: the tree, 1: the members.
    public var panel = 0
    public var selectedNode = 0
    public var selectedMember = 0

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
        c.account = { try ws.account($0) }
        c.accountTree = { try ws.accountTree($0) }
        c.personAccounts = { try ws.personAccounts(customer: $0) }
        return c
    }
}

extension Effects {
    func loadAccounts(
        _ filter: String, _ sort: AccountListSort, generation: Int, around index: Int, person: String? = nil
    ) -> Cmd {
        Cmd(lane: .queue("accounts")) { [client] send in
            do {
                if let person {
                    send(.personAccountsLoaded(generation: generation, try client.personAccounts(person)))
                    return
                }
                let start = max(0, index - Effects.window / 2)
                let page = try client.accountPage(filter, sort, start, Effects.window)
                send(.accountsLoaded(generation: generation, total: page.total, start: start, items: page.items))
            } catch { send(.failed(ExplorerFailure(.loadList, error))) }
        }
    }

    func loadAccount(_ id: String) -> Cmd {
        Cmd(lane: .read) { [client] send in
            do {
                let view = try client.account(id)
                let tree = try client.accountTree(view.path.first ?? view.id)
                send(.accountLoaded(view, tree: tree))
            } catch { send(.failed(ExplorerFailure(.loadProfile, error))) }
        }
    }
}

extension Explorer {
    static let accountSorts: [AccountListSort] = [.revenue, .engagement, .coverage, .pAlive, .name]

    /// `A`: every account; on a person's profile, that person's accounts and roles.
    func openAccounts(_ m: inout AppModel) -> [Cmd] {
        let person =
            m.screen == .profile ? m.profile?.report.map { ($0.customer.id, $0.customer.name ?? $0.customer.id) } : nil
        if person?.0 != m.accounts.person?.id {
            m.accounts.rows = [:]
            m.accounts.loaded = false
        }
        m.accounts.person = person.map { (id: $0.0, name: $0.1) }
        go(&m, to: .accounts)
        return reloadAccounts(&m)
    }

    func personAccountsLoaded(_ m: inout AppModel, _ generation: Int, _ items: [PersonAccount]) -> [Cmd] {
        guard generation == m.accounts.generation else { return [] }
        m.accounts.rows = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($0.offset, $0.element.account) })
        m.accounts.roles = Dictionary(
            uniqueKeysWithValues: items.enumerated().map { i, a in
                (i, a.role + (a.primary ? "*" : "") + (a.current ? "" : " (ended)"))
            })
        m.accounts.total = items.count
        m.accounts.loaded = true
        m.accounts.selected = max(0, min(m.accounts.selected, items.count - 1))
        return []
    }

    func reloadAccounts(_ m: inout AppModel, keepSelection: Bool = false) -> [Cmd] {
        m.accounts.generation += 1
        if !keepSelection {
            m.accounts.selected = 0
            m.accounts.offset = 0
        }
        return [
            effects.loadAccounts(
                m.accounts.text, m.accounts.sort, generation: m.accounts.generation, around: m.accounts.selected,
                person: m.accounts.person?.id)
        ]
    }

    func accountsLoaded(_ m: inout AppModel, _ generation: Int, _ total: Int, _ start: Int, _ items: [AccountListItem])
        -> [Cmd]
    {
        guard generation == m.accounts.generation else { return [] }
        if !m.accounts.loaded || m.accounts.total != total { m.accounts.rows = [:] }
        m.accounts.total = total
        m.accounts.loaded = true
        for (i, r) in items.enumerated() { m.accounts.rows[start + i] = r }
        m.accounts.selected = max(0, min(m.accounts.selected, total - 1))
        return []
    }

    func accountLoaded(_ m: inout AppModel, _ view: AccountView, _ tree: [AccountTreeLine]) -> [Cmd] {
        guard var a = m.account, a.id == view.id else { return [] }
        let first = a.view == nil
        a.view = view
        a.tree = tree
        if first {
            // Open on the way to this account: its ancestors and it expanded, the rest folded.
            let open = Set(view.path + [view.id])
            a.collapsed = Set(tree.filter { $0.childCount > 0 && !open.contains($0.id) }.map(\.id))
            a.selectedNode = a.visibleTree.firstIndex { $0.id == view.id } ?? 0
        }
        a.selectedMember = max(0, min(a.selectedMember, view.members.count - 1))
        m.account = a
        return []
    }

    func openAccount(_ m: inout AppModel, id: String) -> [Cmd] {
        if m.account?.id != id { m.account = AccountState(id: id) }
        go(&m, to: .account)
        return [effects.loadAccount(id)]
    }

    /// Enter: on the list, the account; on a profile's tree, that account; on a member, the person.
    func openFromAccounts(_ m: inout AppModel) -> [Cmd] {
        if m.screen == .accounts {
            guard let row = m.accounts.rows[m.accounts.selected] else { return [] }
            return openAccount(&m, id: row.id)
        }
        guard let a = m.account, let view = a.view else { return [] }
        if a.panel == 0 {
            let lines = a.visibleTree
            guard lines.indices.contains(a.selectedNode), lines[a.selectedNode].id != a.id else { return [] }
            m.account = AccountState(id: lines[a.selectedNode].id)
            m.screen = .account
            return [effects.loadAccount(lines[a.selectedNode].id)]
        }
        guard view.members.indices.contains(a.selectedMember) else { return [] }
        let member = view.members[a.selectedMember].id
        return [
            Cmd(lane: .read) { [client = effects.client] send in
                do {
                    guard let key = try client.findCustomer(member) else {
                        send(.failed(.unknownCustomer(member)))
                        return
                    }
                    send(.gotoCustomer(key))
                } catch { send(.failed(ExplorerFailure(.goto, error))) }
            }
        ]
    }

    func toggleAccountNode(_ m: inout AppModel) -> [Cmd] {
        guard var a = m.account, a.panel == 0 else { return [] }
        let lines = a.visibleTree
        guard lines.indices.contains(a.selectedNode), lines[a.selectedNode].childCount > 0 else { return [] }
        let id = lines[a.selectedNode].id
        if a.collapsed.contains(id) { a.collapsed.remove(id) } else { a.collapsed.insert(id) }
        m.account = a
        return []
    }

    func moveInAccounts(_ m: inout AppModel, _ d: Int) -> [Cmd] {
        func step(_ v: Int, _ count: Int) -> Int { max(0, min(count - 1, v.addingReportingOverflow(d).partialValue)) }
        if m.screen == .accounts {
            guard m.accounts.total > 0 else { return [] }
            m.accounts.selected = step(m.accounts.selected, m.accounts.total)
            let h = max(1, m.size.height - 4)
            m.accounts.offset = Table.scroll(
                offset: m.accounts.offset, selected: m.accounts.selected, height: h, count: m.accounts.total)
            let visible = m.accounts.offset..<min(m.accounts.total, m.accounts.offset + h)
            guard visible.contains(where: { m.accounts.rows[$0] == nil }) else { return [] }
            return reloadAccounts(&m, keepSelection: true)
        }
        guard var a = m.account else { return [] }
        if a.panel == 0 {
            a.selectedNode = step(a.selectedNode, max(1, a.visibleTree.count))
        } else {
            a.selectedMember = step(a.selectedMember, max(1, a.view?.members.count ?? 1))
        }
        m.account = a
        return []
    }

    /// `/` on the accounts list: the filter as you type, with the keys of the list's filter.
    func handleAccountFilter(_ m: inout AppModel, _ key: Key) -> [Cmd] {
        guard var f = m.accounts.filter else { return [] }
        let binding = m.keymap.textBinding(for: key, mode: .filter)
        switch binding {
        case .mode(.accept)?:
            m.accounts.filter = nil
            return []
        case .app(let move)? where move == .down || move == .up:
            m.accounts.filter = nil
            return perform(&m, move)
        case .mode(.cancel)?:
            m.accounts.filter = nil
            m.accounts.text = ""
            return reloadAccounts(&m)
        default:
            guard edit(&f, key, binding) else { return [] }
            m.accounts.filter = f
            guard f.text != m.accounts.text else { return [] }
            m.accounts.text = f.text
            return reloadAccounts(&m)
        }
    }

    // MARK: views

    func drawAccounts(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        let person = m.accounts.person
        title(
            m, &b, person.map { "Accounts of \($0.name)" } ?? "Accounts",
            person == nil ? "sort: \(m.accounts.sort.rawValue)" : "roles (* primary)")
        let cols = [
            Column("NAME", width: 18, flex: true), Column("KIND", width: 10),
            Column(person == nil ? "PARENT" : "ROLE", width: 14),
            Column("MEMBERS", width: 7, alignRight: true), Column("REVENUE 12M", width: 11, alignRight: true),
            Column("TREND", width: 5), Column("COVER", width: 5, alignRight: true)
        ]
        let offset = Table.scroll(
            offset: m.accounts.offset, selected: m.accounts.selected, height: r.height - 1, count: m.accounts.total)
        Table.draw(
            &b, r, columns: cols, count: m.accounts.total, offset: offset, selected: m.accounts.selected,
            glyphs: m.glyphs, theme: m.theme
        ) { i in
            guard let a = m.accounts.rows[i] else { return nil }
            return [
                a.name, a.kind, person == nil ? a.parentName ?? "" : m.accounts.roles[i] ?? "", String(a.members),
                String(format: "%.0f", a.revenue12m),
                a.trend ?? "", a.coverage.map { "\(Int(($0 * 100).rounded()))%" } ?? ""
            ]
        }
    }

    func drawAccount(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        guard let a = m.account, let v = a.view else {
            title(m, &b, "Account", "")
            b.write("loading…", x: r.x + 1, y: r.y + 1, style: m.theme.muted)
            return
        }
        let crumb = (v.pathNames + [v.name]).joined(separator: " › ")
        title(m, &b, "Account", "\(v.kind) [\(v.id)]")
        b.write(crumb, x: r.x + 1, y: r.y, style: m.theme.title, maxWidth: r.width - 2)
        let left = r.width / 2
        let top = Rect(x: r.x, y: r.y + 1, width: left, height: (r.height - 1) / 2)
        let bottom = Rect(x: r.x, y: top.maxY, width: left, height: r.maxY - top.maxY)
        let right = Rect(x: r.x + left, y: r.y + 1, width: r.width - left, height: r.height - 1)
        drawTree(m, a, &b, top)
        drawMembers(m, a, v, &b, bottom)
        let inner = Block(title: "Value", focused: false).render(right, into: &b, m.context)
        var lines: [(String, Style)] = []
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
        lines.append(("committee \(coverage)\(missing)", v.missingRoles.isEmpty ? m.theme.ok : m.theme.warn))
        for c in v.cadence { lines.append(("\(c.name): \(c.sentence)", m.theme.muted)) }
        if !v.recommendations.isEmpty { lines.append(("Recommendations", m.theme.title)) }
        for rec in v.recommendations { lines.append(("\(rec.title): \(rec.reason)", .plain)) }
        if !v.notes.isEmpty { lines.append(("Notes", m.theme.title)) }
        for n in v.notes { lines.append(("\(n.time.prefix(10)) \(n.analyst): \(n.text)", .plain)) }
        // Whole sentences: long ones wrap in the panel (sanitised first, as everywhere).
        let wrapped = lines.flatMap { text, style in
            TextWrap.lines(Sanitizer.clean(text), width: max(1, inner.width)).map { ($0, style) }
        }
        for (i, l) in wrapped.prefix(inner.height).enumerated() {
            b.write(l.0, x: inner.x, y: inner.y + i, style: l.1, maxWidth: inner.width)
        }
    }

    private func drawTree(_ m: AppModel, _ a: AccountState, _ b: inout CellBuffer, _ r: Rect) {
        let inner = Block(title: "Tree", focused: a.panel == 0).render(r, into: &b, m.context)
        let lines = a.visibleTree
        let offset = Table.scroll(offset: 0, selected: a.selectedNode, height: inner.height, count: lines.count)
        for (row, i) in (offset..<min(lines.count, offset + inner.height)).enumerated() {
            let l = lines[i]
            let mark = l.childCount == 0 ? " " : a.collapsed.contains(l.id) ? "+" : "-"
            let text = String(repeating: " ", count: 2 * l.depth) + mark + " " + l.name
            let style = i == a.selectedNode && a.panel == 0 ? m.theme.selected : l.id == a.id ? m.theme.title : .plain
            b.write(text, x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
        }
    }

    private func drawMembers(_ m: AppModel, _ a: AccountState, _ v: AccountView, _ b: inout CellBuffer, _ r: Rect) {
        let inner = Block(title: "Members", focused: a.panel == 1).render(r, into: &b, m.context)
        if v.members.isEmpty { b.write("no members", x: inner.x, y: inner.y, style: m.theme.muted) }
        let offset = Table.scroll(offset: 0, selected: a.selectedMember, height: inner.height, count: v.members.count)
        for (row, i) in (offset..<min(v.members.count, offset + inner.height)).enumerated() {
            let p = v.members[i]
            let consent = p.consent == true ? "" : " (no consent)"
            let ended = p.current ? "" : " ended \(p.until ?? "")"
            let text =
                "\(p.name ?? p.id) \(p.role)\(p.primary ? "*" : "")\(p.title.map { ", \($0)" } ?? "")\(ended)"
                + consent
            let style = i == a.selectedMember && a.panel == 1 ? m.theme.selected : p.current ? .plain : m.theme.muted
            b.write(text, x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
        }
    }
}
