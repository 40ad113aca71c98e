import Foundation
import RapportStore
import RapportVocabulary
import Testing

@testable import RapportService

/// `rapport copy` carries the corrections: the action log (every key translated), the held
/// events of a clear and the notes on accounts. A copy SQLite → PostgreSQL (when a server is
/// given, else SQLite) → SQLite keeps undo and redo working: walking the copy's log back puts it
/// where walking the source's puts the source.
@Suite("Copy carries the corrections", .serialized)
struct CorrectionsCopyTests {
    static let clock: Int64 = 1_730_000_000

    /// What the undos are compared by: every account's figures, C1's and C2's events with their
    /// gift flags and notes, the customers' notes and the accounts' notes, the tree.
    static func state(_ ws: Workspace) throws -> [String] {
        var out: [String] = []
        for a in try ws.accounts(sort: .name).items {
            let v = try ws.account(a.id)
            out.append(
                "\(a.id) \(v.parent ?? "-") \(v.figures) \(v.members.map { "\($0.id)/\($0.role)/\($0.primary)" })")
            out.append("\(a.id) notes \(v.notes.map(\.text))")
        }
        for c in ["C1", "C2", "C3"] {
            let key = try ws.customerKey(c)
            out.append("\(c) \(try ws.history(key).map { "\($0.eventId) \($0.gift) \($0.giftNote ?? "")" })")
            out.append("\(c) notes \(try ws.profile(key).notes.map(\.text))")
        }
        return out
    }

    static func open(_ location: String, _ backend: Backend) throws -> Workspace {
        Workspace(store: try backend.open(location), analyst: "ana", config: Config(), clock: { clock })
    }

    @Test func undoAndRedoWorkInACopyOfACopy() throws {
        let (ws, path, dropSource) = try AccountShop.located(.sqlite)
        defer { dropSource() }
        _ = try ws.setGift(event: "E1", isGift: true, note: "for a friend")
        _ = try ws.clearHistory(customer: try ws.customerKey("C2"), range: HistoryWindow())
        let note = try ws.addNote(customer: try ws.customerKey("C1"), text: "Prefers paper invoices")
        try ws.editNote(customer: try ws.customerKey("C1"), note: note, text: "Prefers e-invoices")
        try ws.addAccountNote("ACME", text: "Renewal due in March")
        try ws.attribute(event: "E4", account: "GLOBEX")
        _ = try ws.setAccountParent("ACME-UK-OPS", parent: "GLOBEX")
        try ws.linkMember(customer: "C4", account: "ACME-UK-LEG", role: "buyer", primary: true)
        let corrected = try Self.state(ws)
        let log = try ws.actionLog(limit: 100, offset: 0).items
        #expect(log.count == 8)

        let middle: Backend = Backend.available.contains(.postgres) ? .postgres : .sqlite
        let (there, dropThere) = try middle.makeStore()
        defer { dropThere() }
        let (back, dropBack) = try Backend.sqlite.makeStore()
        defer { dropBack() }
        _ = try StoreCopy.run(
            from: StoreLocation(path: path, isDefault: false), to: StoreLocation(path: there, isDefault: false),
            analyst: "ana")
        _ = try StoreCopy.run(
            from: StoreLocation(path: there, isDefault: false), to: StoreLocation(path: back, isDefault: false),
            analyst: "ana")
        let copy = try Self.open(back, .sqlite)
        #expect(try Self.state(copy) == corrected)
        let copied = try copy.actionLog(limit: 100, offset: 0).items
        #expect(copied.map(\.action) == log.map(\.action) && copied.map(\.state) == log.map(\.state))
        #expect(copied.map(\.description) == log.map(\.description))

        // Every correction undone, one by one, in both: the same state after each.
        for n in 1...log.count {
            let a = try ws.undo()
            let b = try copy.undo()
            #expect(a?.entry.description == b?.entry.description, "undo \(n)")
            #expect(try Self.state(copy) == Self.state(ws), "after undo \(n): \(a?.summary ?? "")")
        }
        _ = try ws.redo()
        _ = try copy.redo()
        #expect(try Self.state(copy) == Self.state(ws), "after a redo")
    }
}
