import ArgumentParser
import Foundation
import RapportService

/// A moment given on the command line: a date (`2026-01-05`: its first second, UTC), an ISO-8601
/// date-time or Unix seconds. Parsed once, with the arguments; a command gets the moment.
struct DateArgument: ExpressibleByArgument, Sendable, Equatable {
    /// Unix seconds.
    var seconds: Int64

    init?(argument: String) {
        guard let t = Dates.timestamp(argument) else { return nil }
        seconds = t
    }

    /// For `@Option(transform:)`: the parse, with words that say what a date looks like when it fails
    /// (a failed `init?(argument:)` only says the value is invalid).
    static func parse(_ text: String) throws -> DateArgument {
        guard let d = DateArgument(argument: text) else {
            throw ValidationError("not a date (YYYY-MM-DD or ISO-8601)")
        }
        return d
    }
}

/// A span back in time, as `--last` takes it: `30d`, `2w` or `12h`.
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable {
    var seconds: Int64

    init?(argument: String) {
        guard let unit = argument.last, let n = Int64(argument.dropLast()), n > 0 else { return nil }
        switch unit {
        case "d": seconds = n * 86_400
        case "w": seconds = n * 7 * 86_400
        case "h": seconds = n * 3600
        default: return nil
        }
    }

    /// For `@Option(transform:)`: the parse, with words that say what a duration looks like.
    static func parse(_ text: String) throws -> DurationArgument {
        guard let d = DurationArgument(argument: text) else {
            throw ValidationError("not a duration like 30d or 2w")
        }
        return d
    }

    /// Where the window ends that counts back from `asOf`: whole days are calendar days ending
    /// with the as-of day (`30d` is the 30 days the explorer counts too); hours count back from
    /// the as-of moment.
    func windowStart(asOf: Int64) -> Int64 {
        guard seconds % 86_400 == 0 else { return asOf - seconds }
        return CalendarDay(containing: asOf).windowStart(days: Int(seconds / 86_400))
    }
}
