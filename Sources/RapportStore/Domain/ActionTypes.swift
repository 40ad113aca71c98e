import Foundation

/// Who is acting and when: every write is attributed and timestamped in the audit log.
public struct Actor: Sendable {
    public var analyst: String
    public var now: Int64
    /// `now` comes from the caller's clock, so tests and the service decide what time it is.
    public init(analyst: String, now: Int64) {
        self.analyst = analyst
        self.now = now
    }
}

public struct GiftChange: Sendable, Equatable {
    public var eventKey: Int64
    public var customerKey: Int64
    public var isGift: Bool
}
