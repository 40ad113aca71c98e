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

    /// Elements encoded per call of the encoder: one call per element cost about 6.5 times
    /// the time of encoding the whole array at once (41 s against 6.2 s for 1M events).
    static let chunk = 1024

    /// Writes an array at nesting `level` whose elements `produce` hands over one by one. They
    /// are encoded `chunk` at a time as an array of their own, whose elements sit one level
    /// deeper: the same text as encoding them one by one.
    func array<T: Encodable>(
        of type: T.Type, level: Int, _ produce: (_ emit: (T) throws -> Void) throws -> Void
    ) throws {
        var count = 0
        var pending: [T] = []
        pending.reserveCapacity(Self.chunk)
        let pad = String(repeating: "  ", count: level)
        func flush() throws {
            guard !pending.isEmpty else { return }
            // "[\n  e1,\n  e2\n]": the elements already carry one level of indentation.
            let whole = try text(pending)
            let body = whole.dropFirst(2).dropLast(2)
            try write((count == 0 ? "[\n" : ",\n") + pad + Self.indented(String(body), level: level))
            count += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        try produce { element in
            pending.append(element)
            if pending.count == Self.chunk { try flush() }
        }
        try flush()
        if count == 0 {
            try write(Self.indented(try text([T]()), level: level))
        } else {
            try write("\n" + pad + "]")
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
        try out.historyArray(level: 1) { emit in
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
        try out.historyArray(level: 1) { emit in
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

    /// Exports a customer to the file `path` (mode 0600), audited first: the store's right to
    /// write the audit entry is used before any of the customer's data is read, and a store that
    /// refuses it (read-only, or a database role without the grant) refuses the export with
    /// nothing written. The text goes to a temporary file in the same folder, moved into place
    /// only when complete; a failure on the way (a full disk) removes it, leaves `path` as it
    /// was, and is audited too. Without `replace` an existing file is never overwritten.
    public func exportCustomer(_ key: Int64, toFile path: String, replace: Bool = false, redact: Bool = false) throws {
        try requireAuditable()
        if !replace && FileManager.default.fileExists(atPath: path) {
            throw StoreError.invalidArgument("\(path) exists already: choose another file, or add --force")
        }
        let pending: PendingFile
        do {
            pending = try PendingFile(beside: path)
        } catch {
            // Refused before any data was read: the refusal is audited where the store allows.
            try? store.recordExport(customer: key, destination: path, failure: "\(error)", by: actor)
            throw StoreError.invalidArgument("\(error); nothing was exported")
        }
        do {
            try store.recordExport(customer: key, destination: path, by: actor)
        } catch {
            pending.discard()
            throw error
        }
        do {
            let buffer = OutputBuffer { try pending.write($0) }
            try streamExportJSON(key, redact: redact) { try buffer.add($0) }
            try buffer.flush()
            try pending.commit(replace: replace)
        } catch {
            pending.discard()
            let words = StoreError.friendly(error) ?? "\(error)"
            try? store.recordExport(customer: key, destination: path, failure: words, by: actor)
            throw StoreError.invalidArgument("\(words); the export was not written (the partial file was removed)")
        }
    }

    /// Exports a customer as a stream (standard output), audited before any of their data is
    /// read; a failure while writing is audited too.
    public func exportCustomer(
        _ key: Int64, destination: String, redact: Bool = false, write: @escaping (String) throws -> Void,
        flush: () throws -> Void = {}
    ) throws {
        try requireAuditable()
        try store.recordExport(customer: key, destination: destination, by: actor)
        do {
            try streamExportJSON(key, redact: redact, write: write)
            try flush()
        } catch {
            let words = StoreError.friendly(error) ?? "\(error)"
            try? store.recordExport(customer: key, destination: destination, failure: words, by: actor)
            throw StoreError.invalidArgument("\(words); the export is incomplete")
        }
    }

    /// An export is audited: a store opened read-only cannot record it, so it is refused.
    func requireAuditable() throws {
        if store.isReadOnly {
            throw StoreError.invalidArgument(
                "an export is recorded in the audit log, and the store is open read-only; nothing was exported")
        }
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
