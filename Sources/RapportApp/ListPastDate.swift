import Foundation
import RapportService
import RapportUI

// `@` on the customer list: the customers first seen by a past day, each shown row with its
// figures of then (docs/as-of.md). `@` again, or back, returns to now.

extension Explorer {
    /// Whether the list is shown as of a past day (its own, not a past segment's members).
    static func listOnPastDay(_ m: AppModel) -> Bool { m.screen == .list && m.list.asOfDay != nil }

    /// `@` on the list: asks for a date, or returns to now.
    func pastDateOnList(_ m: inout AppModel) -> [Cmd] {
        if m.list.asOfDay != nil { return showPastDate(&m, nil) }
        m.dialog = .pastDate(TextField())
        return []
    }
}
