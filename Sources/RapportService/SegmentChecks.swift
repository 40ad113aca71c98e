import Foundation
import RapportEngine
import RapportStore

/// What saving a rule segment did, and what in its rule the store does not know.
public struct SegmentSaved: Sendable, Equatable {
    public var members: Int
    /// An earlier rule of the same name was replaced (`--replace`).
    public var replaced: Bool
    /// "no category 'Cofee'; did you mean 'Coffee'?", one per unknown name in the rule.
    public var warnings: [String]
}

extension Workspace {
    /// Whether a saved rule segment has this name.
    public func isRuleSegment(_ name: String) throws -> Bool { try store.segment(named: name) != nil }

    /// "no segment named 'champs'; did you mean 'champions'?" for a name that is no RFM segment,
    /// lifecycle stage or rule segment.
    public func unknownSegmentMessage(_ name: String) throws -> String {
        let known = RFMNames.ordered + StageNames.ordered + (try store.segments().map(\.name))
        let hint =
            Suggest.nearest(name, among: known).map { "; did you mean '\($0)'?" } ?? " ('rapport segments' lists them)"
        return "no segment named '\(name)'\(hint)"
    }

    /// Saves a rule segment. A name that is an RFM segment or a lifecycle stage is refused (a
    /// rule cannot stand in for them); the name of an existing rule segment is refused unless
    /// `replace`. Names the rule uses that the store does not know are warnings, not errors:
    /// the data may not have arrived yet.
    public func saveRuleSegment(name: String, rule text: String, replace: Bool) throws -> SegmentSaved {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw StoreError.invalidArgument("a segment needs a printable name")
        }
        let folded = trimmed.lowercased()
        if RFMNames.all.contains(folded) {
            throw StoreError.invalidArgument("'\(trimmed)' is an RFM segment: give the rule segment another name")
        }
        if StageNames.all.contains(folded) {
            throw StoreError.invalidArgument("'\(trimmed)' is a lifecycle stage: give the rule segment another name")
        }
        let existing = try store.segments().first { $0.name.lowercased() == folded }
        if let existing, !replace {
            throw StoreError.invalidArgument(
                "a rule segment named '\(existing.name)' exists already (rule: \(existing.rule)): "
                    + "add --replace to replace it, or choose another name")
        }
        let rule = try parseRule(text)
        let warnings = try ruleWarnings(rule)
        let members = try members(of: rule)
        // Replacing keeps the stored spelling of the name, so one segment never becomes two.
        let saveAs = existing?.name ?? trimmed
        try store.saveSegment(name: saveAs, rule: text, memberCount: members.count, by: actor)
        try store.replaceSegmentMembers(segment: saveAs, customers: members)
        return SegmentSaved(members: members.count, replaced: existing != nil, warnings: warnings)
    }

    /// Warnings for the rule's text: parse errors throw; unknown names warn.
    public func ruleWarnings(_ text: String) throws -> [String] { try ruleWarnings(try parseRule(text)) }

    /// Categories, brands, products, RFM segments and stages a rule names that the store does
    /// not know, each with the nearest known name when there is one.
    public func ruleWarnings(_ rule: Rule) throws -> [String] {
        let products = try store.allProducts()
        var categories = Set<String>()
        for p in products where !p.category.isEmpty {
            categories.insert(p.category)
            if let slash = p.category.firstIndex(of: "/") { categories.insert(String(p.category[..<slash])) }
        }
        let brands = Set(products.map(\.brand).filter { !$0.isEmpty })
        let productIds = Set(products.map(\.externalId))
        // What customers stated: `likes` compares with these.
        let stated = try store.statedPreferenceValues()
        var out: [String] = []
        func check(_ value: String, _ kinds: [(String, Set<String>)]) {
            let known = kinds.contains { $0.1.contains { $0.caseInsensitiveCompare(value) == .orderedSame } }
            guard !known else { return }
            let candidates = kinds.flatMap { kind in kind.1.map { (kind.0, $0) } }
            let nouns = kinds.map(\.0)
            let warning: String
            if let near = Suggest.nearest(value, among: candidates.map(\.1)),
                let kind = candidates.first(where: { $0.1 == near })?.0
            {
                warning = "no \(kind) '\(value)'; did you mean '\(near)'?"
            } else {
                let list = nouns.count > 1 ? nouns.dropLast().joined(separator: ", ") + " or " + nouns.last! : nouns[0]
                warning = "no \(list) '\(value)'"
            }
            if !out.contains(warning) { out.append(warning) }
        }
        func named(_ field: String, _ value: RuleExpr) {
            guard case .string(let s) = value else { return }
            switch field {
            case "segment": check(s, [("RFM segment", RFMNames.all)])
            case "stage": check(s, [("lifecycle stage", StageNames.all)])
            default: break
            }
        }
        func walk(_ e: RuleExpr) {
            switch e {
            case .call("affinity", let arg): check(arg, [("category", categories), ("brand", brands)])
            case .call(let f, let arg) where f == "likes" || f == "dislikes":
                check(
                    arg,
                    [
                        ("category", categories), ("brand", brands), ("product", productIds),
                        ("stated preference", stated)
                    ])
            case .compare(_, .field(let f), let v), .compare(_, let v, .field(let f)): named(f, v)
            case .within(.field(let f), let list): list.forEach { named(f, $0) }
            case .not(let a): walk(a)
            case .and(let a, let b), .or(let a, let b):
                walk(a)
                walk(b)
            case .compare(_, let a, let b):
                walk(a)
                walk(b)
            default: break
            }
        }
        walk(rule.expr)
        return out
    }
}

/// "Did you mean": the known name nearest a mistyped one (case ignored), if near enough.
enum Suggest {
    static func nearest(_ typed: String, among names: some Sequence<String>) -> String? {
        let t = Array(typed.lowercased())
        var best: (String, Int)?
        for name in names {
            let d = distance(t, Array(name.lowercased()))
            if d < (best?.1 ?? Int.max) || (d == best?.1 && name < best!.0) { best = (name, d) }
        }
        if let best, best.1 <= max(2, t.count / 3) { return best.0 }
        // A shortened or partial name: "champs" for "champions", "Jazz" for "Music/Jazz".
        let typedText = typed.lowercased()
        return names.filter { name in
            let n = name.lowercased()
            return n.hasPrefix(typedText) || n.hasSuffix("/" + typedText)
                || (typedText.count >= 4 && n.commonPrefix(with: typedText).count >= 4)
        }.min { ($0.count, $0) < ($1.count, $1) }
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
