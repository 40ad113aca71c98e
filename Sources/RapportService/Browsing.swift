import Foundation
import RapportStore
import RapportVocabulary

extension Workspace {
    /// How many customers the list shows, counted up to `cap` when given.
    public func customerCount(_ q: ListQuery = ListQuery(), cap: Int? = nil) throws -> Int {
        try store.customerCount(q, cap: cap)
    }

    /// A page of the customer list, read by keyset from the nearest row whose position is known
    /// (`ListPositions`); `total` (when known) lets the last pages be read from the end.
    public func customerPage(_ q: ListQuery, offset: Int, limit: Int, total: Int? = nil) throws -> [CustomerListItem] {
        try listPositions.page(store, q, offset: offset, limit: limit, total: total)
    }

    /// The same page read by OFFSET (every row before it walked), kept to measure against.
    public func customerPageByOffset(_ q: ListQuery, offset: Int, limit: Int, total: Int? = nil) throws
        -> [CustomerListItem]
    {
        try store.customerPage(q, offset: offset, limit: limit, total: total)
    }

    /// The members of a saved rule segment, by name.
    public func ruleSegmentMembers(_ name: String, limit: Int) throws -> [CustomerListItem]? {
        guard try store.segment(named: name) != nil else { return nil }
        return try store.segmentMembers(segment: name, limit: limit, offset: 0)
    }

    public func deleteSegment(_ name: String) throws {
        try store.deleteSegment(name: name, by: actor)
    }

    /// How many events a clear-history with this window would remove.
    public func countHistory(customer key: Int64, window: HistoryWindow) throws -> Int {
        try store.countHistory(customer: key, range: window)
    }

    @discardableResult
    public func addNote(customer key: Int64, text: String) throws -> Int64 {
        try store.addNote(customer: key, text: text, by: actor)
    }

    /// The key of a customer by the id the data gave them, or nil.
    public func findCustomer(_ externalId: String) throws -> Int64? {
        try store.customerKey(externalId: externalId)
    }

    /// Changes whenever anyone writes to the store (another explorer, a script): screens poll
    /// it to notice and reload what they show.
    public func writeStamp() throws -> String { try store.writeStamp() }

    /// Whether a customer still exists (an erasure elsewhere removes them).
    public func customerExists(_ key: Int64) throws -> Bool { try !store.existingCustomers([key]).isEmpty }

    /// The store file this workspace works on.
    public var storePath: String { store.path }

    /// The store's "as of" date: its newest event. Windows such as "the last 30 days" count
    /// back from it, on every screen and in every command, so they agree with each other.
    public func asOf() throws -> Int64? { try store.latestEventTime() }
}

/// Dates as files and commands write them, for the clients of the service.
public enum Dates {
    /// Unix seconds from a date, an ISO-8601 date-time or Unix seconds; nil if none of these.
    public static func timestamp(_ text: String) -> Int64? { DateParsing.timestamp(text) }
    public static func isoDate(_ t: Int64) -> String { DateParsing.isoDate(t) }
    public static func isoDateTime(_ t: Int64) -> String { DateParsing.isoDateTime(t) }
}

/// A moment (Unix seconds, UTC) as the view models carry it: compared and counted as a number,
/// shown as a date or a date-time, written in JSON as ISO-8601 text.
public struct Timestamp: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64

    public init(_ seconds: Int64) { self.seconds = seconds }

    /// `2026-01-05T10:00:00Z`.
    public var description: String { DateParsing.isoDateTime(seconds) }
    /// `2026-01-05`.
    public var day: String { DateParsing.isoDate(seconds) }
    /// `2026-01-05 10:00`, for tables.
    public var minute: String { String(description.prefix(16)).replacingOccurrences(of: "T", with: " ") }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let t = DateParsing.timestamp(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a time: \(text)"))
        }
        seconds = t
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A calendar day (UTC) as the view models carry it: the moment its day begins, shown and
/// written in JSON as `2026-01-05`. Windows that end "on" a day end at `endOfDay`.
public struct CalendarDay: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Unix seconds at 00:00 UTC of the day.
    public var start: Int64

    /// The day a moment falls on.
    public init(containing seconds: Int64) { start = Int64((Double(seconds) / 86_400).rounded(.down)) * 86_400 }

    /// The last second of the day.
    public var endOfDay: Int64 { start + 86_399 }
    /// The first second of the `days` calendar days that end with this one: "the last 30 days"
    /// as every window (history filter, clear-history, `--last`) counts them from the as-of day.
    public func windowStart(days: Int) -> Int64 { start - Int64(max(days, 1) - 1) * 86_400 }
    /// `2026-01-05`.
    public var description: String { DateParsing.isoDate(start) }
    /// The calendar year.
    public var year: Int { Int(description.prefix(4)) ?? 1970 }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.start < b.start }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let t = DateParsing.timestamp(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self.init(containing: t)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
