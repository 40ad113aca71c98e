import Foundation
import RapportUI

/// A list whose rows a filter line narrows (`/`): the customer list and the accounts list.
protocol FilteredList {
    /// The filter line while it has the focus.
    var filter: TextField? { get set }
    /// The text the rows are listed for.
    var filterText: String { get set }
}

extension ListState: FilteredList {
    var filterText: String {
        get { query.text }
        set { query.text = newValue }
    }
}

extension AccountsState: FilteredList {
    var filterText: String {
        get { text }
        set { text = newValue }
    }
}

/// The filter line's keys, the same on every list: the filter as you type; Enter keeps it, Esc
/// clears it, a move leaves it and moves. `move` and `reload` are the list's own actions.
enum FilterLine {
    static func key<S: FilteredList>(
        _ s: inout S, _ key: Key, _ env: ScreenEnv, move: (inout S, Int) -> [ListCmd], reload: (inout S) -> [ListCmd]
    ) -> [ListCmd] {
        guard var f = s.filter else { return [] }
        let binding = env.keymap.textBinding(for: key, mode: .filter)
        switch binding {
        case .mode(.accept)?:
            s.filter = nil
            return []
        case .app(let direction)? where direction == .down || direction == .up:
            s.filter = nil
            return move(&s, direction == .down ? 1 : -1)
        case .mode(.cancel)?:
            s.filter = nil
            s.filterText = ""
            return reload(&s)
        default:
            guard edited(&f, key, binding) else { return [] }
            s.filter = f
            guard f.text != s.filterText else { return [] }
            s.filterText = f.text
            return reload(&s)
        }
    }

    typealias ListCmd = Command<AppMessage>
}
