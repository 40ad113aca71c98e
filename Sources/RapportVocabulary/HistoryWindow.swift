import Foundation

/// Which of a customer's events a clear-history touches (and its count before, in the dialog
/// and `--dry-run`). The store reads it as it is.
public struct HistoryWindow: Sendable, Codable, Equatable {
    /// Only events at or after this time (nil: all time).
    public var since: Int64?
    /// Only these event type names (nil: every type).
    public var types: [String]?

    public init(since: Int64? = nil, types: [String]? = nil) {
        self.since = since
        self.types = types
    }
}
