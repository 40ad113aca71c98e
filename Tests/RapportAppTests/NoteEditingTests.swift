import Foundation
@testable import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// A note of the care panel is edited with `e` and deleted with `D`; both are in the action
/// log, so `u` undoes them and `C-r` makes them again.
@Suite("Editing and deleting notes in the explorer")
struct NoteEditingTests {
    @Test func aNoteIsEditedDeletedAndBothAreUndone() throws {
        // Margot's notes in a changing shop; adding, editing and deleting change them, the
        // edit and the delete in the action log that u and C-r walk.
        let shop = ChangingShop()
        let actions = FixtureActions()
        let key = Fixtures.key("C1")
        @Sendable func notes() -> [NoteView] { shop.now.profiles[key]?.notes ?? [] }
        @Sendable func setText(_ id: Int64, _ text: String) {
            shop.change { s in
                if let i = s.profiles[key]?.notes.firstIndex(where: { $0.key == id }) {
                    s.profiles[key]?.notes[i].text = text
                }
            }
        }
        @Sendable func add(_ text: String) -> Int64 {
            let id = Int64(notes().count + 1)
            shop.change { s in
                s.profiles[key]?.notes.append(
                    NoteView(time: Timestamp(Harness.now), analyst: "tester", text: text, key: id))
            }
            return id
        }
        var client = shop.client
        client.addNote = { _, text in _ = add(text) }
        client.editNote = { _, id, text in
            let old = notes().first { $0.key == id }?.text ?? ""
            setText(id, text)
            actions.record("edited note \(id) of C1", undo: { setText(id, old) }, redo: { setText(id, text) })
        }
        client.deleteNote = { _, id in
            guard let note = notes().first(where: { $0.key == id }) else { return }
            let remove: @Sendable () -> Void = {
                shop.change { s in s.profiles[key]?.notes.removeAll { $0.key == id } }
            }
            remove()
            actions.record(
                "deleted note \(id) of C1", undo: { shop.change { s in s.profiles[key]?.notes.append(note) } },
                redo: remove)
        }
        client.undo = { actions.undo() }
        client.redo = { actions.redo() }
        let h = Harness(client: client)
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        let id = add("first words")
        h.press(.char("N"))
        h.type("reload")
        h.press(.enter)
        // The care panel, on the note added first.
        h.press(.tab, .tab, .tab)
        let rows = try #require(h.model.profile?.report.map { Explorer.careRows($0, h.model.env) })
        let row = try #require(rows.firstIndex { $0.noteId == id })
        for _ in 0..<row { h.press(.down) }
        h.press(.char("e"))
        #expect(h.screen.contains("Edit note"))
        h.press(.ctrl("u"))
        h.type("better words")
        h.press(.enter)
        #expect(h.model.flash?.text == "note edited")
        #expect(notes().contains { $0.text == "better words" })
        h.press(.char("D"))
        #expect(h.screen.contains("Delete the selected note?"))
        h.press(.char("y"))
        #expect(!notes().contains { $0.key == id })
        h.press(.char("u"))
        #expect(h.model.flash?.text == "undone: deleted note \(id) of C1")
        #expect(notes().first { $0.key == id }?.text == "better words")
        h.press(.char("u"))
        #expect(notes().first { $0.key == id }?.text == "first words")
        h.press(.ctrl("r"))
        #expect(notes().first { $0.key == id }?.text == "better words")
        #expect(h.model.profile?.report?.notes.contains { $0.text == "better words" } == true)
    }
}
