import ArgumentParser
import RapportApp
import RapportService

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the explorer's keymap: the defaults with your config.toml [keys] applied.",
        discussion: "--markdown prints the defaults only, as docs/keys.md (generated from it).")
    @Flag(help: "As the Markdown of docs/keys.md (the defaults, without config.toml).") var markdown = false

    mutating func run() throws {
        var keymap = AppKeys.keymap()
        if markdown {
            print(KeysDocument.text(keymap))
            return
        }
        let config = try Config.load()
        let errors = keymap.rebind(config.keys)
        if !errors.isEmpty { throw RuntimeError("\(config.path ?? "config.toml"): \(errors.joined(separator: "; "))") }
        if !config.keys.isEmpty, let path = config.path {
            print("# with the [keys] of \(path): \(config.keys.keys.sorted().joined(separator: ", "))")
        }
        for view in AppKeys.viewOrder + ["global"] {
            print("[\(view)]")
            for l in view == "global"
                ? keymap.helpLines(for: "none")
                : keymap.helpLines(for: view).filter({ h in
                    keymap.global.actions.allSatisfy { $0.help != h.help }
                        || keymap.views[view]!.actions.contains { $0.help == h.help }
                })
            {
                print("  \(l.keys.padding(toLength: 18, withPad: " ", startingAt: 0)) \(l.help)")
            }
        }
        // The modes (help, dialogs, the filter…) take the keys before the screen does.
        for mode in AppKeys.modeOrder {
            guard let table = keymap.modes[mode] else { continue }
            print("[\(mode)]")
            for a in table.actions {
                let keys = table.keys(for: a.id).map(\.description).joined(separator: " ")
                print("  \(keys.padding(toLength: 18, withPad: " ", startingAt: 0)) \(a.help)")
            }
        }
    }
}
