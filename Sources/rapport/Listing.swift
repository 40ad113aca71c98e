import ArgumentParser
import Foundation

/// `--limit` and `--offset` of every command that lists rows, with one default.
struct ListOptions: ParsableArguments {
    static let defaultLimit = 100

    // Unconditional: `--limit -1` is a value to refuse in words, not a missing value.
    @Option(parsing: .unconditional, help: "At most this many rows.") var limit = ListOptions.defaultLimit
    @Option(parsing: .unconditional, help: "Skip this many rows first.") var offset = 0

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be ≥ 1") }
        if offset < 0 { throw ValidationError("--offset must be ≥ 0") }
    }

    /// The rows of `all` this page shows.
    func page<T>(_ all: [T]) -> [T] { Array(all.dropFirst(offset).prefix(limit)) }

    func listing<T: Encodable>(_ items: [T], total: Int) -> Listing<T> {
        Listing(items: items, total: total, limit: limit, offset: offset)
    }
}

/// The `--json` of a list: the rows, how many there are in all, and whether `--limit` cut them.
struct Listing<Item: Encodable>: Encodable {
    var items: [Item]
    var total: Int
    /// nil for lists no option cuts (every segment).
    var limit: Int?
    var offset: Int

    /// Rows exist beyond this page.
    var truncated: Bool { offset + items.count < total }

    enum CodingKeys: String, CodingKey { case items, total, limit, offset, truncated }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(total, forKey: .total)
        try c.encode(limit, forKey: .limit)
        try c.encode(offset, forKey: .offset)
        try c.encode(truncated, forKey: .truncated)
    }

    /// "100 of 182 customers (rows 1–100; --limit/--offset for more)", or "182 customers".
    func footer(_ noun: String) -> String {
        guard truncated || offset > 0 else { return "\(total) \(total == 1 ? Self.singular(noun) : noun)" }
        let shown = items.isEmpty ? "none" : "\(offset + 1)–\(offset + items.count)"
        let more = truncated ? "; --limit/--offset for more" : ""
        return "\(items.count) of \(total) \(noun) (rows \(shown)\(more))"
    }
}

extension Listing {
    /// "customers" → "customer", "entries" → "entry", "members of X" → "member of X": one row's unit.
    static func singular(_ noun: String) -> String {
        let parts = noun.split(separator: " ", maxSplits: 1).map(String.init)
        var head = parts[0]
        if head.hasSuffix("ies") {
            head = String(head.dropLast(3)) + "y"
        } else if head.hasSuffix("s") {
            head = String(head.dropLast())
        }
        return ([head] + parts.dropFirst()).joined(separator: " ")
    }
}

/// `--redact` on the commands that print personal data.
struct RedactOption: ParsableArguments {
    @Flag(help: "Mask email addresses and phone numbers (also inside notes), as the explorer's --redact does.")
    var redact = false
}
