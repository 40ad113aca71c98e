import Foundation

/// What the customer list shows: a text filter on name, email or id, and optional RFM
/// segment, lifecycle stage or saved rule segment. The store reads it as it is.
public struct ListQuery: Sendable, Equatable {
    public var text: String
    public var segment: String?
    public var stage: String?
    public var sort: ListSort
    public var ruleSegment: String?
    /// The direction: false is the sort's own (names A to Z, highest spend first, most recent
    /// first), true the other way. Customers who never bought come last by recency either way.
    public var reversed: Bool
    /// Only these customers, and the words that say who they are ("cohort 2026-01"): a cell of
    /// the business metrics.
    public var keys: [Int64]?
    public var keysLabel: String?
    /// Only customers first seen (signed up or an event) by this moment: the list as it stood
    /// on a past day (docs/as-of.md).
    public var seenBy: Int64?

    public init(
        text: String = "", segment: String? = nil, stage: String? = nil, sort: ListSort = .name,
        ruleSegment: String? = nil, reversed: Bool = false, keys: [Int64]? = nil, keysLabel: String? = nil
    ) {
        self.text = text
        self.segment = segment
        self.stage = stage
        self.sort = sort
        self.ruleSegment = ruleSegment
        self.reversed = reversed
        self.keys = keys
        self.keysLabel = keysLabel
    }
}
