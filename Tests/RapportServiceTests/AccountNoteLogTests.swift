import Foundation
import RapportStore
import Testing

@testable import RapportService

/// An account's notes go into the analyst's action log like a customer's, on both stores:
/// `rapport log` shows the command, undo takes the note away and redo writes it back as it was.
@Suite("Account notes in the action log")
struct AccountNoteLogTests {
    @Test(arguments: Backend.available)
    func anAccountNoteIsUndoneAndRedone(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        try ws.addAccountNote("ACME", text: "Renewal due in March")
        let written = try ws.account("ACME").notes
        #expect(written.map(\.text) == ["Renewal due in March"])
        let entry = try #require(try ws.actionLog(limit: 1, offset: 0).items.first)
        #expect(entry.action == "account.note" && entry.customer == nil && entry.state == "done")
        #expect(entry.command == "rapport account note ACME 'Renewal due in March'")
        #expect(entry.description.hasPrefix("added note ") && entry.description.hasSuffix(" to ACME"))
        #expect(try ws.undo()?.summary == "undone: \(entry.description)")
        #expect(try ws.account("ACME").notes.isEmpty)
        #expect(try ws.redo()?.entry.state == "done")
        #expect(try ws.account("ACME").notes == written)
        // The audit log keeps no text of it, the walks included.
        #expect(try ws.store.auditEntries().allSatisfy { !$0.details.contains("Renewal") })
    }

    @Test(arguments: Backend.available)
    func anUndoOfANoteRemovedMeanwhileIsRefused(_ backend: Backend) throws {
        let (ws, cleanup) = try AccountShop.workspace(backend)
        defer { cleanup() }
        try ws.addAccountNote("GLOBEX", text: "Prefers invoices")
        let key = try #require(try ws.store.account(externalId: "GLOBEX")).key
        // Removed behind the log's back (no command deletes an account's note).
        try ws.store.writeSQL(.analyst) { db in
            try db.execute("DELETE FROM account_notes WHERE account_id = ?", [.int64(key)])
        }
        #expect(throws: StoreError.self) { try ws.undo() }
        #expect(try ws.actionLog(limit: 1, offset: 0).items.first?.state == "done")
    }
}
