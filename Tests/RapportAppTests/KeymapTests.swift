import Foundation
import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// One keymap: a key rebound in config.toml is obeyed, and shown, on every screen, in the
/// help, in popups and in dialogs, not only on the list.
@Suite("Remapped keys")
struct RemappedKeyTests {
    /// Over the fixture shop (`client`: with the writes a test makes).
    static func remapped(client: ExplorerClient = Fixtures.client) throws -> Harness {
        var keymap = AppKeys.keymap()
        let errors = keymap.rebind([
            "down": ["n"], "help": ["F1"], "close": ["z"], "confirm": ["o"], "cancel": ["F3"], "complete": ["F4"]
        ])
        #expect(errors.isEmpty, "\(errors)")
        return Harness(client: client, keymap: keymap)
    }

    static func margot(_ h: Harness) {
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
    }

    @Test func aRemappedDownMovesTheListAndTheHintsShowTheRemappedKeys() throws {
        let h = try Self.remapped()
        h.press(.char("n"))
        #expect(h.model.list.selected == 1)
        h.press(.char("j"))
        #expect(h.model.list.selected == 1, "j is no longer down")
        #expect(h.lines[23].contains("F1 help") && !h.lines[23].contains("? help"), "\(h.lines[23])")
    }

    @Test func theHelpOpensScrollsAndClosesWithTheRemappedKeys() throws {
        let h = try Self.remapped()
        h.press(.char("?"))
        #expect(h.model.help == nil, "? is no longer help")
        h.press(.function(1))
        #expect(h.model.help == 0)
        #expect(h.screen.contains("Keys: list (z closes, n/k scroll)"), "\(h.screen)")
        #expect(!h.screen.contains("j/k"))
        h.press(.char("n"))
        #expect(h.model.help == 1)
        h.press(.char("j"))
        #expect(h.model.help == 1)
        h.press(.char("z"))
        #expect(h.model.help == nil)
        // The key that opens the help closes it too.
        h.press(.function(1), .function(1))
        #expect(h.model.help == nil)
        // The help names the command line's complete key.
        let help = h.runtime.program.helpRows(h.model, width: 74).map(\.help).joined(separator: " ")
        #expect(help.contains("(F4 lists)") && !help.contains("Tab lists"), "\(help)")
    }

    @Test func theCommandLineCompletesAndCancelsWithTheRemappedKeys() throws {
        let h = try Self.remapped()
        h.press(.char(":"))
        h.type("so")
        h.press(.tab)
        #expect(h.model.commandLine?.text == "so")
        h.press(.function(4))
        #expect(h.model.commandLine?.text == "sort ")
        h.press(.function(3))
        #expect(h.model.commandLine == nil)
        // The filter: `n` is text there, F3 clears it.
        h.press(.char("/"))
        h.type("ann")
        #expect(h.model.list.filter?.text == "ann" && h.model.list.query.text == "ann")
        h.press(.function(3))
        #expect(h.model.list.filter == nil && h.model.list.query.text.isEmpty)
    }

    @Test func aLongPopupScrollsWithTheRemappedDown() throws {
        let h = try Self.remapped(
            client: Fixtures.client(notes: ["C1": [(1...400).map { "word\($0)" }.joined(separator: " ")]]))
        Self.margot(h)
        h.press(.backTab)
        let rows = try #require(
            h.model.profile?.report.map { h.runtime.program.careRows(h.model, $0) })
        let i = try #require(rows.firstIndex { $0.line.contains("word1 ") })
        for _ in 0..<i { h.press(.char("n")) }
        h.press(.enter)
        #expect(h.screen.contains("n/k scroll, any other key closes"), "\(h.screen)")
        h.press(.char("n"))
        #expect(h.model.dialog != nil && h.model.detailScroll == 1)
        h.press(.char("j"))
        #expect(h.model.dialog == nil, "j is any other key now: it closes")
    }

    @Test func dialogsTakeTheirRemappedKeysAndTypeCharactersAsText() throws {
        let calls = FixtureCalls()
        var client = Fixtures.client
        client.clearHistory = { key, window in
            calls.add("clearHistory \(key)")
            return try Fixtures.client.countHistory(key, window)
        }
        let h = try Self.remapped(client: client)
        Self.margot(h)
        // A text dialog: `n` is text there, F3 cancels, and the footer says so.
        h.press(.char("N"))
        h.type("nice")
        guard case .note(let f)? = h.model.dialog else {
            Issue.record("no note dialog")
            return
        }
        #expect(f.text == "nice")
        #expect(h.screen.contains("Enter saves, F3 cancels"), "\(h.screen)")
        h.press(.escape)
        #expect(h.model.dialog != nil, "Esc is no longer cancel")
        h.press(.function(3))
        #expect(h.model.dialog == nil)
        // The clear-history dialog: the remapped down cycles the types, `o` confirms.
        h.press(.char("H"), .char("C"))
        #expect(h.screen.contains("Types: all types   (Up/n)"), "\(h.screen)")
        h.press(.char("n"))
        guard case .clearHistory(_, let types, _, _)? = h.model.dialog else {
            Issue.record("no clear dialog")
            return
        }
        #expect(types == 1)
        h.press(.right, .right)
        h.press(.enter)
        #expect(h.screen.contains("Remove them for good? o: yes, any other key: no"), "\(h.screen)")
        h.press(.char("o"))
        #expect(h.model.flash?.text.hasPrefix("removed ") == true, "\(h.model.flash?.text ?? "")")
        #expect(calls.all == ["clearHistory \(Fixtures.key("C1"))"])
    }

    @Test func everyModeTableIsDocumentedAndRebindable() {
        let keymap = AppKeys.keymap()
        #expect(Set(keymap.modes.keys) == Set(KeyMode.allCases.map(\.rawValue)))
        let ids = Set(keymap.modes.values.flatMap { $0.actions.map(\.id) })
        for a in ModeAction.allCases { #expect(ids.contains(a.rawValue), "\(a) is bound in no mode") }
        for e in TextEdit.allCases { #expect(ids.contains(e.rawValue), "\(e) is bound in no mode") }
        // Every id of a mode is a mode action, a text edit or a view action it shares.
        for id in ids {
            #expect(
                ModeAction(rawValue: id) != nil || TextEdit(rawValue: id) != nil || AppAction(rawValue: id) != nil,
                "\(id)")
        }
    }
}
