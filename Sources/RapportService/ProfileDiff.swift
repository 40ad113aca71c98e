import Foundation
import RapportEngine

/// What a correction changes in a customer's profile: the preferences whose score moves, the
/// recommendations that come in or go out, the RFM segment, the lifecycle stage and the
/// replenishment dates. A preview and a commit both describe their effect with it, from a
/// profile before and a profile after, so the two can be compared field for field.
public struct ProfileDiff: Codable, Sendable, Equatable {
    public struct Score: Codable, Sendable, Equatable {
        public var attribute: String
        public var value: String
        /// nil: not inferred on that side.
        public var before: Double?
        public var after: Double?
    }

    public struct Label: Codable, Sendable, Equatable {
        public var before: String?
        public var after: String?
    }

    public struct Due: Codable, Sendable, Equatable {
        public var productId: String
        public var before: String?
        public var after: String?

        enum CodingKeys: String, CodingKey {
            case productId = "product_id", before, after
        }
    }

    public var preferences: [Score]
    public var recommendationsIn: [String]
    public var recommendationsOut: [String]
    /// nil when unchanged.
    public var segment: Label?
    public var stage: Label?
    public var replenishment: [Due]
    /// The same change in words ("Toys no longer inferred; recommendations: Kite out").
    public var summary: [String]

    enum CodingKeys: String, CodingKey {
        case preferences, recommendationsIn = "recommendations_in", recommendationsOut = "recommendations_out"
        case segment, stage, replenishment, summary
    }

    public var isEmpty: Bool {
        preferences.isEmpty && recommendationsIn.isEmpty && recommendationsOut.isEmpty && segment == nil
            && stage == nil && replenishment.isEmpty
    }

    public init(before: ProfileReport, after: ProfileReport) {
        func scores(_ p: ProfileReport) -> [String: (String, String, Double)] {
            Dictionary(
                p.preferences.inferred.map {
                    ("\($0.attribute.rawValue):\($0.value)", ($0.attribute.rawValue, $0.value, $0.score))
                },
                uniquingKeysWith: { a, _ in a })
        }
        let was = scores(before)
        let now = scores(after)
        preferences = Set(was.keys).union(now.keys).sorted().compactMap { k in
            let b = was[k]
            let a = now[k]
            guard b?.2 != a?.2 else { return nil }
            let (attribute, value, _) = (a ?? b)!
            return Score(attribute: attribute, value: value, before: b?.2, after: a?.2)
        }
        let recsBefore = before.recommendations.map(\.productId)
        let recsAfter = after.recommendations.map(\.productId)
        recommendationsIn = recsAfter.filter { !recsBefore.contains($0) }
        recommendationsOut = recsBefore.filter { !recsAfter.contains($0) }
        let seg = (before.rfm?.segment, after.rfm?.segment)
        segment = seg.0 == seg.1 ? nil : Label(before: seg.0, after: seg.1)
        let stg = (before.lifecycle?.stage, after.lifecycle?.stage)
        stage = stg.0 == stg.1 ? nil : Label(before: stg.0, after: stg.1)
        func dues(_ p: ProfileReport) -> [String: String] {
            Dictionary(p.replenishment.map { ($0.productId, $0.due.description) }, uniquingKeysWith: { a, _ in a })
        }
        let dueBefore = dues(before)
        let dueAfter = dues(after)
        replenishment = Set(dueBefore.keys).union(dueAfter.keys).sorted().compactMap { id in
            dueBefore[id] == dueAfter[id] ? nil : Due(productId: id, before: dueBefore[id], after: dueAfter[id])
        }
        summary = InsightDiff.describe(before: InsightSnapshot(before), after: InsightSnapshot(after))
    }

    /// Lines for people: one per change, scores as "Toys 0.42 → —".
    public var lines: [String] {
        func score(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        var out = preferences.map {
            let name = $0.attribute == "category" ? $0.value : "\($0.attribute): \($0.value)"
            return "\(name) \(score($0.before)) → \(score($0.after))"
        }
        if !recommendationsIn.isEmpty { out.append("recommended now: " + recommendationsIn.joined(separator: ", ")) }
        if !recommendationsOut.isEmpty {
            out.append("no longer recommended: " + recommendationsOut.joined(separator: ", "))
        }
        if let segment { out.append("segment \(segment.before ?? "—") → \(segment.after ?? "—")") }
        if let stage { out.append("stage \(stage.before ?? "—") → \(stage.after ?? "—")") }
        for d in replenishment { out.append("\(d.productId) due \(d.before ?? "—") → \(d.after ?? "—")") }
        return out.isEmpty ? ["no change to the profile"] : out
    }
}

/// A correction's effect, computed before it is made, and the state it was computed from.
public struct CorrectionPreview: Codable, Sendable, Equatable {
    public var customer: String
    /// Pass it back to commit exactly this (`--expect`): a change in between refuses the commit.
    public var token: String
    /// Events a clear would remove (nil for a gift).
    public var events: Int?
    /// How long a clear's events are held for undo before they are purged ("24 hours"; nil for a gift).
    public var heldFor: String?
    public var diff: ProfileDiff

    enum CodingKeys: String, CodingKey {
        case customer, token, events, heldFor = "held_for", diff
    }
}
