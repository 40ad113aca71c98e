import Foundation

/// A fast RFC 4180 CSV scanner over a byte buffer. It yields each record as field byte ranges
/// (no per-field allocation) together with the 1-based line where the record starts, so
/// errors can name the line. Quoted fields may contain commas, doubled quotes and newlines.
struct CSVScanner {
    struct Field {
        var start: Int
        var end: Int
        /// The field was quoted and contains doubled quotes that must be collapsed.
        var hasEscapedQuotes: Bool
    }

    enum ScanError: Error {
        case unterminatedQuote(line: Int)
        case strayQuote(line: Int, field: Int)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    private(set) var line = 1
    private(set) var recordLine = 1
    /// Start offset of the current record (for copying raw rows).
    private(set) var recordStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    var isAtEnd: Bool { position >= bytes.count }

    /// Reads the next record into `fields` (cleared first). Returns false at end of input.
    /// Blank lines are skipped.
    mutating func next(into fields: inout [Field]) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        let n = bytes.count
        // Skip blank lines.
        while position < n, bytes[position] == 0x0A || bytes[position] == 0x0D {
            if bytes[position] == 0x0A { line += 1 }
            position += 1
        }
        if position >= n { return false }
        recordLine = line
        recordStart = position
        var i = position
        while true {
            if i < n, bytes[i] == 0x22 { // quoted field
                let start = i + 1
                var j = start
                var escaped = false
                while true {
                    if j >= n { throw ScanError.unterminatedQuote(line: recordLine) }
                    let b = bytes[j]
                    if b == 0x22 {
                        if j + 1 < n, bytes[j + 1] == 0x22 {
                            escaped = true
                            j += 2
                            continue
                        }
                        break
                    }
                    if b == 0x0A { line += 1 }
                    j += 1
                }
                fields.append(Field(start: start, end: j, hasEscapedQuotes: escaped))
                i = j + 1
                if i < n, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D {
                    throw ScanError.strayQuote(line: recordLine, field: fields.count)
                }
            } else {
                let start = i
                while i < n {
                    let b = bytes[i]
                    if b == 0x2C || b == 0x0A || b == 0x0D { break }
                    if b == 0x22 { throw ScanError.strayQuote(line: recordLine, field: fields.count + 1) }
                    i += 1
                }
                fields.append(Field(start: start, end: i, hasEscapedQuotes: false))
            }
            if i >= n {
                position = n
                return true
            }
            let b = bytes[i]
            if b == 0x2C {
                i += 1
                if i >= n {
                    fields.append(Field(start: n, end: n, hasEscapedQuotes: false))
                    position = n
                    return true
                }
                continue
            }
            // Line break: CRLF, LF or lone CR.
            if b == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
            line += 1
            position = i + 1
            return true
        }
    }

    /// The raw bytes of the current record (without its line break), for reject files.
    func rawRecord() -> String {
        var end = position
        while end > recordStart, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[recordStart..<end]), as: UTF8.self)
    }
}

/// Errors about one field of one row. Rendered as `file:line: field: reason`.
public struct RowError: Error, Sendable, Equatable, Codable {
    public var line: Int
    public var field: String
    public var reason: String
    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }
}

/// Typed access to the fields of one record, validating as it converts.
struct FieldReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: [CSVScanner.Field]
    let line: Int
    static let maxFieldBytes = 65_536
    /// Amounts and prices beyond this are typos or attacks; their sums stay finite.
    static let maxAmount: Double = 1e12

    func isEmpty(_ i: Int?) -> Bool {
        guard let i, i < fields.count else { return true }
        return fields[i].start == fields[i].end
    }

    func slice(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let f = fields[i]
        return UnsafeBufferPointer(rebasing: bytes[f.start..<f.end])
    }

    /// A text field. `structural` fields (ids, codes) may not contain control characters;
    /// free text may (it is stored as given and sanitised wherever it is displayed).
    func text(_ i: Int?, _ name: String, structural: Bool = false) throws(RowError) -> String? {
        guard let i, i < fields.count else { return nil }
        let f = fields[i]
        if f.start == f.end { return nil }
        // Code fields are trimmed of blanks; free text is kept exactly as given.
        let raw = structural ? ByteParsing.trimmed(slice(i)) : slice(i)
        if raw.isEmpty { return nil }
        if raw.count > Self.maxFieldBytes {
            throw RowError(
                line: line, field: name, reason: "field is \(raw.count) bytes; the limit is \(Self.maxFieldBytes)")
        }
        var ascii = true
        for b in raw {
            if b == 0 { throw RowError(line: line, field: name, reason: "contains a NUL byte") }
            if b >= 0x80 {
                ascii = false
            } else if structural && (b < 0x20 || b == 0x7F) {
                throw RowError(
                    line: line, field: name, reason: "contains control character U+\(String(format: "%04X", b))")
            }
        }
        var s: String
        if ascii {
            s = String(decoding: raw, as: UTF8.self)
        } else {
            guard let v = String(validating: Array(raw), as: UTF8.self) else {
                throw RowError(line: line, field: name, reason: "is not valid UTF-8")
            }
            s = v
        }
        if f.hasEscapedQuotes { s = s.replacingOccurrences(of: "\"\"", with: "\"") }
        return s
    }

    /// A code field's validated bytes (trimmed, ASCII without control characters), for binding
    /// without making a String. Falls back to `text` (returned as `.string`) for anything else.
    enum Code { case bytes(UnsafeBufferPointer<UInt8>), string(String) }

    func code(_ i: Int?, _ name: String) throws(RowError) -> Code? {
        guard let i, i < fields.count, fields[i].start != fields[i].end else { return nil }
        let raw = ByteParsing.trimmed(slice(i))
        if !fields[i].hasEscapedQuotes, raw.count > 0, raw.count <= 256,
            raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        {
            return .bytes(raw)
        }
        return try text(i, name, structural: true).map(Code.string)
    }

    func int(_ i: Int?, _ name: String) throws(RowError) -> Int? {
        guard let i, !isEmpty(i) else { return nil }
        if let v = ByteParsing.int(slice(i)) { return v }
        throw RowError(line: line, field: name, reason: "'\(preview(i))' is not a whole number")
    }

    /// A whole number both stores keep as it is: PostgreSQL's `integer` and SQLite's 32-bit column
    /// reads stop at 2,147,483,647, so a larger value is the row's error on either store.
    func int32(_ i: Int?, _ name: String) throws(RowError) -> Int? {
        guard let v = try int(i, name) else { return nil }
        guard v <= Int(Int32.max) && v >= Int(Int32.min) else {
            throw RowError(line: line, field: name, reason: "\(v) is too large (at most \(Int32.max))")
        }
        return v
    }

    func double(_ i: Int?, _ name: String) throws(RowError) -> Double? {
        guard let i, !isEmpty(i) else { return nil }
        if let v = ByteParsing.double(slice(i)), v.isFinite { return v }
        throw RowError(line: line, field: name, reason: "'\(preview(i))' is not a number")
    }

    func bool(_ i: Int?, _ name: String) throws(RowError) -> Bool? {
        guard let i, !isEmpty(i) else { return nil }
        if let v = ByteParsing.bool(slice(i)) { return v }
        throw RowError(line: line, field: name, reason: "'\(preview(i))' is not a boolean (true/false, yes/no, 1/0)")
    }

    func timestamp(_ i: Int?, _ name: String) throws(RowError) -> Int64? {
        guard let i, !isEmpty(i) else { return nil }
        guard let v = ByteParsing.timestamp(slice(i)) else {
            throw RowError(
                line: line, field: name,
                reason: "'\(preview(i))' is not a date (YYYY-MM-DD, ISO-8601 date-time or Unix seconds)")
        }
        guard TimeRange.accepted.contains(v) else {
            throw RowError(line: line, field: name, reason: TimeRange.outOfRange(preview(i), v))
        }
        return v
    }

    /// A number within `limit` either side of zero: money that sums to infinity breaks every figure.
    func bounded(_ i: Int?, _ name: String, limit: Double) throws(RowError) -> Double? {
        guard let i, let v = try double(i, name) else { return nil }
        if abs(v) <= limit { return v }
        throw RowError(
            line: line, field: name,
            reason: "'\(preview(i))' is too large (the limit is \(TimeRange.plain(limit)) either way)")
    }

    /// A short printable rendering of a field for messages: control bytes become '?'.
    func preview(_ i: Int) -> String {
        let raw = slice(i)
        let cut = raw.prefix(40).map { b -> UInt8 in (b < 0x20 || b == 0x7F) ? 0x3F : b }
        return String(decoding: cut, as: UTF8.self) + (raw.count > 40 ? "…" : "")
    }
}

/// The times a file may hold. Anything outside is a mistake in the file, and one such time
/// would become every profile's "as of" date, so it is refused rather than stored.
enum TimeRange {
    /// 1970-01-01T00:00:00Z through 2100-01-01T00:00:00Z.
    static let accepted: ClosedRange<Int64> = 0...4_102_444_800

    static func outOfRange(_ shown: String, _ seconds: Int64) -> String {
        var reason = "'\(shown)' is outside 1970-01-01..2100-01-01"
        if let hint = unitHint(seconds) { reason += "; \(hint)" }
        return reason
    }

    /// Unix times written in a finer unit are the usual cause: say which unit it looks like.
    static func unitHint(_ seconds: Int64) -> String? {
        if plausible.contains(seconds / 1_000) { return "looks like milliseconds; divide by 1000" }
        if plausible.contains(seconds / 1_000_000) { return "looks like microseconds; divide by 1000000" }
        return nil
    }

    /// From 1973 on: a small number divided by 1000 says nothing about its unit.
    private static let plausible: ClosedRange<Int64> = 100_000_000...accepted.upperBound

    /// 1e12 as `1000000000000`, not `1e+12`.
    static func plain(_ v: Double) -> String { String(format: "%.0f", v) }
}
