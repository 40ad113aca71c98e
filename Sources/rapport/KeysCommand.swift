import ArgumentParser
import RapportApp

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the explorer's keymap (docs/keys.md is generated from it).")
    @Flag(help: "As the Markdown of docs/keys.md.") var markdown = false

    mutating func run() throws {
        let keymap = AppKeys.keymap()
        if markdown {
            print(KeysDocument.text(keymap))
            return
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
    }
}
