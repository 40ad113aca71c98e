import Foundation
import RapportService

/// Tells the analyst on stderr (so `--json` stays clean) when the figures miss an import whose
/// refresh never finished: the process was killed after the commit, or a later file failed.
enum RefreshWarning {
    static func show(_ ws: Workspace) {
        guard let reason = try? ws.refreshNeeded() else { return }
        ErrorReporting.printError("rapport: warning: \(Printable.safe(reason))")
    }
}
