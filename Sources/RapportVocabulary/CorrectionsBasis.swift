import Foundation

/// Which gift corrections a profile as it stood on a past day applies (`--corrections`).
/// The store reads it as it is.
public enum CorrectionsBasis: String, Sendable, Codable, CaseIterable {
    /// Those made by then: what Rapport believed on that day.
    case then
    /// Those in force today: what it would have believed, had it known.
    case today
}
