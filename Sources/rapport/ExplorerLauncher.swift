import Foundation
import RapportService

/// Opens the explorer. Until the terminal UI lands this prints a summary of the store.
enum ExplorerLauncher {
    static func run(workspace: Workspace, readOnly: Bool, redact: Bool) throws {
        let c = try workspace.store.counts()
        Out.line("Rapport store \(workspace.store.path)")
        Out.line("  \(c.customers) customers, \(c.products) products, \(c.events) events, \(c.notes) notes, \(c.segments) segments")
    }
}
