import Foundation
import RapportService
import RapportUI

// Editing and deleting a note from the profile's care panel: `e` on a note edits it, `D`
// deletes it (asks first). Both are corrections in the action log, so `u` undoes them.

extension Explorer {
    /// The note under the care panel's selection, if the selected row is one.
    func selectedNote(_ m: AppModel) -> (key: Int64, note: NoteView)? {
        guard m.screen == .profile, let p = m.profile, p.panel == 3, let rep = p.report else { return nil }
        let rows = careRows(m, rep)
        guard rows.indices.contains(p.selectedCare), let id = rows[p.selectedCare].noteId,
            let note = rep.notes.first(where: { $0.key == id })
        else { return nil }
        return (p.key, note)
    }

    func changeNote(_ m: inout AppModel, _ action: AppAction) -> [Cmd] {
        guard writable(&m) else { return [] }
        guard let (key, note) = selectedNote(m), let id = note.key else {
            m.flash = Flash(text: "select a note in the care panel first", isError: true)
            return []
        }
        m.dialog =
            action == .editNote
            ? .editNote(key: key, id: id, field: TextField(note.text)) : .deleteNote(key: key, id: id)
        return []
    }

}

extension Effects {
    func editNote(_ key: Int64, _ id: Int64, _ text: String) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                try client.editNote(key, id, text)
                send(.noteChanged("note edited"))
                send(.profileLoaded(try client.profile(key)))
            } catch { send(.failed(ExplorerFailure(.addNote, error))) }
        }
    }

    func deleteNote(_ key: Int64, _ id: Int64) -> Cmd {
        Cmd(lane: .write) { send in
            do {
                try client.deleteNote(key, id)
                send(.noteChanged("note deleted"))
                send(.profileLoaded(try client.profile(key)))
            } catch { send(.failed(ExplorerFailure(.addNote, error))) }
        }
    }
}
