import Foundation
import RapportService
import RapportUI
import Testing
@testable import RapportApp

/// A note of the care panel is edited with `e` and deleted with `D`; both are in the action
/// log, so `u` undoes them and `C-r` makes them again.
@Suite("Editing and deleting notes in the explorer")
struct NoteEditingTests {
    @Test func aNoteIsEditedDeletedAndBothAreUndone() throws {
        let h = try Harness()
        h.press(.char("/"))
        h.type("margot")
        h.press(.enter, .enter)
        let key = try h.workspace.customerKey("C1")
        let id = try h.workspace.addNote(customer: key, text: "first words")
        h.press(.char("N"))
        h.type("reload")
        h.press(.enter)
        // The care panel, on the note added first.
        h.press(.tab, .tab, .tab)
        let rows = try #require(
            h.model.profile?.report.map { Explorer(client: .live(h.workspace)).careRows(h.model, $0) })
        let row = try #require(rows.firstIndex { $0.noteId == id })
        for _ in 0..<row { h.press(.down) }
        h.press(.char("e"))
        #expect(h.screen.contains("Edit note"))
        h.press(.ctrl("u"))
        h.type("better words")
        h.press(.enter)
        #expect(h.model.flash?.text == "note edited")
        #expect(try h.workspace.notes(key).contains { $0.text == "better words" })
        h.press(.char("D"))
        #expect(h.screen.contains("Delete the selected note?"))
        h.press(.char("y"))
        #expect(try !h.workspace.notes(key).contains { $0.key == id })
        h.press(.char("u"))
        #expect(h.model.flash?.text == "undone: deleted note \(id) of C1")
        #expect(try h.workspace.notes(key).first { $0.key == id }?.text == "better words")
        h.press(.char("u"))
        #expect(try h.workspace.notes(key).first { $0.key == id }?.text == "first words")
        h.press(.ctrl("r"))
        #expect(try h.workspace.notes(key).first { $0.key == id }?.text == "better words")
        #expect(h.model.profile?.report?.notes.contains { $0.text == "better words" } == true)
    }
}
