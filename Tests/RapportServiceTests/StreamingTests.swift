import Foundation
import RapportStore
import RapportVocabulary
import Testing
@testable import RapportService

/// The streamed `history --json` and `export` are the same text as encoding the whole value.
@Suite("Streamed JSON")
struct StreamingTests {
    func streamed(_ body: (@escaping (String) throws -> Void) throws -> Void) throws -> String {
        let box = TextBox()
        try body { box.text += $0 }
        return box.text
    }

    final class TextBox { var text = "" }

    func whole<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONOutput.encode(value), as: UTF8.self) + "\n"
    }

    /// `history --json` as one value: the list shape around every event.
    func wholeHistory(_ t: TempWorkspace, _ key: Int64, offset: Int = 0, limit: Int = .max, redact: Bool = false)
        throws -> String
    {
        let all = try t.ws.history(key).map { redact ? $0.redacted : $0 }
        let page = Array(all.dropFirst(offset).prefix(limit))
        return try whole(
            HistoryListingShell(
                items: page, limit: limit, offset: offset, total: all.count, truncated: offset + page.count < all.count)
        )
    }

    @Test func streamedHistoryAndExportEqualTheWholeEncoding() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        try t.ws.addNote(customer: try t.ws.customerKey("C1"), text: "likes \"quotes\" and\nnew lines")
        for id in ["C1", "C2"] {
            let key = try t.ws.customerKey(id)
            #expect(try streamed { try t.ws.streamHistoryJSON(key, write: $0) } == wholeHistory(t, key))
            #expect(try streamed { try t.ws.streamExportJSON(key, write: $0) } == whole(try t.ws.export(key)))
            // A page, and --redact, stream the same text as the whole value.
            #expect(
                try streamed { try t.ws.streamHistoryJSON(key, offset: 1, limit: 2, redact: true, write: $0) }
                    == wholeHistory(t, key, offset: 1, limit: 2, redact: true))
            #expect(
                try streamed { try t.ws.streamExportJSON(key, redact: true, write: $0) }
                    == whole(try t.ws.export(key).redacted))
        }
        // The export streams (it does not fall back to encoding everything at once).
        let key = try t.ws.customerKey("C1")
        let shell = String(decoding: try JSONOutput.encode(try t.ws.export(key, events: [])), as: UTF8.self)
        #expect(try Workspace.exportShell(shell, pieces: JSONPieces { _ in }) != nil)
    }

    @Test func aCustomerWithoutEventsStreamsEmptyArrays() throws {
        let t = try TempWorkspace()
        _ = try t.importEvents("base.csv", TempWorkspace.baseRows())
        let key = try t.ws.customerKey("C3")
        _ = try t.ws.clearHistory(customer: key, range: HistoryWindow())
        #expect(try t.ws.history(key).isEmpty)
        #expect(try streamed { try t.ws.streamHistoryJSON(key, write: $0) } == wholeHistory(t, key))
        #expect(try streamed { try t.ws.streamExportJSON(key, write: $0) } == whole(try t.ws.export(key)))
    }
}
