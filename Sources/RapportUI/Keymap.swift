/// A named thing the user can do, with the words help shows for it.
public struct Action: Sendable, Hashable {
    public var id: String
    public var help: String
    public var group: String
    public init(_ id: String, _ help: String, group: String) {
        self.id = id
        self.help = help
        self.group = group
    }
}

/// Keys bound to actions: one table per view, falling back to a global table, and one table
/// per mode (the help, a dialog, a text field: as each of Bubble Tea's bubbles has its own
/// key map), which does not fall back. An action keeps its id in every table it is in, so a
/// rebound `down` scrolls the help as it moves the list. Help text, hints and docs/keys.md are
/// generated from the same tables, so they cannot drift from the bindings.
public struct Keymap: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var bindings: [(key: Key, action: Action)]
        public init(name: String, _ bindings: [(Action, [Key])]) {
            self.name = name
            self.bindings = bindings.flatMap { a, keys in keys.map { ($0, a) } }
        }
        public func action(for key: Key) -> Action? { bindings.first { $0.key == key }?.action }
        public var actions: [Action] {
            var seen = Set<String>()
            return bindings.compactMap { seen.insert($0.action.id).inserted ? $0.action : nil }
        }
        public func keys(for id: String) -> [Key] { bindings.filter { $0.action.id == id }.map(\.key) }
    }

    public var global: Table
    public var views: [String: Table]
    public var modes: [String: Table]

    public init(global: Table, views: [Table], modes: [Table] = []) {
        self.global = global
        self.views = Dictionary(uniqueKeysWithValues: views.map { ($0.name, $0) })
        self.modes = Dictionary(uniqueKeysWithValues: modes.map { ($0.name, $0) })
    }

    /// The action for a key in a view: the view's own binding first, then the global one.
    public func action(for key: Key, in view: String) -> Action? {
        views[view]?.action(for: key) ?? global.action(for: key)
    }

    /// The action for a key in a mode: the mode's own table only (a dialog does not move the list).
    public func action(for key: Key, mode: String) -> Action? { modes[mode]?.action(for: key) }

    /// The keys of an action in a mode, as written in help and hints.
    public func keys(for id: String, mode: String) -> [Key] { modes[mode]?.keys(for: id) ?? [] }

    /// The keys of an action in a view, the view's own first, then the global ones.
    public func keys(for id: String, in view: String) -> [Key] {
        let own = views[view]?.keys(for: id) ?? []
        return own.isEmpty ? global.keys(for: id) : own
    }

    /// Rebinds actions from configuration (`action id → key names`). Unknown actions or key
    /// names are returned as errors; valid entries replace that action's keys everywhere.
    public mutating func rebind(_ config: [String: [String]]) -> [String] {
        var errors: [String] = []
        for (id, names) in config.sorted(by: { $0.key < $1.key }) {
            let keys = names.compactMap(Key.init(name:))
            if keys.count != names.count {
                errors.append("keys.\(id): unknown key name in \(names)")
                continue
            }
            var found = false
            func apply(_ t: inout Table) {
                guard let action = t.bindings.first(where: { $0.action.id == id })?.action else { return }
                found = true
                t.bindings.removeAll { $0.action.id == id }
                t.bindings.insert(contentsOf: keys.map { ($0, action) }, at: 0)
            }
            apply(&global)
            for k in views.keys { apply(&views[k]!) }
            for k in modes.keys { apply(&modes[k]!) }
            if !found { errors.append("keys.\(id): no such action") }
        }
        return errors
    }

    /// Help lines for a view: its own actions, then the global ones.
    public func helpLines(for view: String) -> [(keys: String, help: String, group: String)] {
        var out: [(String, String, String)] = []
        for t in [views[view], global].compactMap({ $0 }) {
            for a in t.actions {
                out.append((t.keys(for: a.id).map(\.description).joined(separator: " "), a.help, a.group))
            }
        }
        return out
    }

    /// The whole keymap as a Markdown table (docs/keys.md): the views, the global table, then the modes.
    public func markdown(viewOrder: [String], modeOrder: [String] = []) -> String {
        var s = "| view | keys | action | id |\n|---|---|---|---|\n"
        for t in viewOrder.compactMap({ views[$0] }) + [global] + modeOrder.compactMap({ modes[$0] }) {
            for a in t.actions {
                let keys = t.keys(for: a.id).map { "`\($0.description == "|" ? "\\|" : $0.description)`" }.joined(
                    separator: " ")
                s += "| \(t.name) | \(keys) | \(a.help) | `\(a.id)` |\n"
            }
        }
        return s
    }
}
