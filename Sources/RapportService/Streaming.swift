import Foundation
import RapportStore

/// JSON written piece by piece, in exactly the text `JSONOutput` gives for the whole value
/// (absent values as `null`): a long array is encoded one element at a time and never held whole.
public struct JSONPieces {
    let write: (String) throws -> Void

    public init(write: @escaping (String) throws -> Void) { self.write = write }

    func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONOutput.encode(value), as: UTF8.self)
    }

    /// Every line after the first indented by `level` steps, as the value sits at that depth.
    /// Empty lines (inside an empty array or object) stay empty, as the encoder writes them.
    static func indented(_ text: String, level: Int) -> String {
        guard level > 0 else { return text }
        let pad = Array(repeating: UInt8(ascii: " "), count: 2 * level)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 64 * pad.count)
        var afterNewline = false
        for b in text.utf8 {
            if afterNewline && b != UInt8(ascii: "\n") { out.append(contentsOf: pad) }
            out.append(b)
            afterNewline = b == UInt8(ascii: "\n")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes an array at nesting `level` whose elements `produce` hands over one by one.
    func array<T: Encodable>(
        of type: T.Type, level: Int, _ produce: (_ emit: (T) throws -> Void) throws -> Void
    ) throws {
        var count = 0
        let pad = String(repeating: "  ", count: level + 1)
        try produce { element in
            try write((count == 0 ? "[\n" : ",\n") + pad + Self.indented(try text(element), level: level + 1))
            count += 1
        }
        if count == 0 {
            try write(Self.indented(try text([T]()), level: level))
        } else {
            try write("\n" + String(repeating: "  ", count: level) + "]")
        }
    }
}

extension Workspace {
    /// `history --json`: a page of the customer's events newest first, streamed from a cursor,
    /// in the list shape of every command: `{"items", "limit", "offset", "total", "truncated"}`.
    /// `redact` masks emails and phones in gift notes.
    public func streamHistoryJSON(
        _ key: Int64, offset: Int = 0, limit: Int = Int.max, redact: Bool = false,
        write: @escaping (String) throws -> Void
    ) throws {
        let out = JSONPieces(write: write)
        let total = try store.eventCount(customer: key)
        let shown = max(0, min(limit, total - offset))
        let shell = HistoryListingShell(limit: limit, offset: offset, total: total, truncated: offset + shown < total)
        let whole = try out.text(shell)
        let marker = "{\n  \"items\" : "
        let empty = JSONPieces.indented(try out.text([HistoryEvent]()), level: 1)
        guard whole.hasPrefix(marker + empty) else {
            throw StoreError.invalidArgument("history: unexpected JSON shape")
        }
        try write(marker)
        struct Enough: Error {}
        try out.array(of: HistoryEvent.self, level: 1) { emit in
            var index = 0
            do {
                try store.forEachEvent(customer: key, newestFirst: true) { row in
                    defer { index += 1 }
                    guard index >= offset else { return }
                    guard index < offset + limit else { throw Enough() }
                    let e = HistoryEvent(row)
                    try emit(redact ? e.redacted : e)
                }
            } catch is Enough {}
        }
        try write(String(whole.dropFirst(marker.count + empty.count)) + "\n")
    }

    /// The export of `export(_:)`, with the events streamed from a cursor: everything else
    /// about a customer is small, their events may number millions.
    /// `redact` masks emails and phones (`CustomerExport.redacted`).
    public func streamExportJSON(_ key: Int64, redact: Bool = false, write: @escaping (String) throws -> Void) throws {
        let out = JSONPieces(write: write)
        let empty = try export(key, events: [])
        let shell = redact ? empty.redacted : empty
        guard let (head, tail) = try Self.exportShell(out.text(shell), pieces: out) else {
            // The shape changed in a way this does not know: answer whole rather than wrongly.
            let whole = try export(key)
            try write(try out.text(redact ? whole.redacted : whole) + "\n")
            return
        }
        try write(head)
        try out.array(of: HistoryEvent.self, level: 1) { emit in
            try store.forEachEvent(customer: key) { row in
                let e = HistoryEvent(row)
                try emit(redact ? e.redacted : e)
            }
        }
        try write(tail + "\n")
    }

    /// The export's text before and after its (empty) events array, or nil if it has none at
    /// the top level.
    static func exportShell(_ whole: String, pieces: JSONPieces) throws -> (String, String)? {
        let empty = JSONPieces.indented(try pieces.text([HistoryEvent]()), level: 1)
        let marker = "\n  \"events\" : "
        guard let at = whole.range(of: marker + empty) else { return nil }
        return (String(whole[..<at.lowerBound]) + marker, String(whole[at.upperBound...]))
    }

    /// Streams the export to `path` (mode 0600) and audits it.
    public func streamExportToFile(_ key: Int64, path: String, redact: Bool = false) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw StoreError.invalidArgument("cannot write \(path)")
        }
        defer { try? handle.close() }
        let buffer = OutputBuffer { try handle.write(contentsOf: $0) }
        try streamExportJSON(key, redact: redact) { try buffer.add($0) }
        try buffer.flush()
        try store.recordExport(customer: key, destination: path, by: actor)
    }
}

/// Collects text and hands it on in blocks of about 64 KiB: one write per block, not per event.
public final class OutputBuffer {
    private var pending = Data()
    private let sink: (Data) throws -> Void

    public init(sink: @escaping (Data) throws -> Void) {
        self.sink = sink
        pending.reserveCapacity(1 << 16)
    }

    public func add(_ text: String) throws {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 1 << 16 { try flush() }
    }

    public func flush() throws {
        guard !pending.isEmpty else { return }
        try sink(pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// The shape of a page of history in JSON, without its items (streamed in their place).
struct HistoryListingShell: Encodable {
    var items: [HistoryEvent] = []
    var limit: Int
    var offset: Int
    var total: Int
    var truncated: Bool
}
