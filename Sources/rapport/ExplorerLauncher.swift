import Foundation
import Logging
import RapportApp
import RapportService
import RapportTerminal
import RapportUI

/// Opens the explorer on a real terminal.
enum ExplorerLauncher {
    static func run(workspace: Workspace, config: Config, readOnly: Bool, redact: Bool) throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw RuntimeError("the explorer needs a terminal; for scripts use a subcommand (see 'rapport help')")
        }
        guard NcursesBackend.terminalCanAddressCursor() else {
            let term = ProcessInfo.processInfo.environment["TERM"].map { "TERM=\($0)" } ?? "TERM is not set"
            throw RuntimeError(
                "the explorer needs a terminal that can move the cursor (\(term) cannot); "
                    + "use the commands instead: 'rapport customers', 'rapport profile ID', 'rapport help'")
        }
        var keymap = AppKeys.keymap()
        let errors = keymap.rebind(config.keys)
        if !errors.isEmpty { throw RuntimeError("\(config.path ?? "config.toml"): \(errors.joined(separator: "; "))") }
        var theme = Theme()
        for (role, name) in config.colors {
            guard let color = Color(rawValue: name) else {
                throw RuntimeError("\(config.path ?? "config.toml"): colors.\(role): unknown colour '\(name)'")
            }
            switch role {
            case "accent": theme.accent = color
            case "warning": theme.warning = color
            case "danger": theme.danger = color
            case "good": theme.good = color
            default:
                throw RuntimeError(
                    "\(config.path ?? "config.toml"): colors.\(role): unknown role (accent, warning, danger, good)")
            }
        }
        let logger = Logger(label: "rapport.explorer")
        logger.info("explorer starting", metadata: ["readOnly": "\(readOnly)"])
        let backend = NcursesBackend(mouse: config.mouse)
        defer { backend.restore() }
        var model = AppModel(
            size: backend.size, glyphs: backend.glyphs, readOnly: readOnly, redact: redact,
            storePath: workspace.storePath, keymap: keymap,
            home: ProcessInfo.processInfo.environment["HOME"])
        model.theme = theme
        if let created = workspace.createdMessage { model.flash = Flash(text: created, isError: false) }
        let runtime = Runtime(program: Explorer(client: .live(workspace)), model: model, backend: backend)
        runtime.run()
        logger.info("explorer closed")
    }
}
