import Foundation
import RapportEngine
import RapportStore

/// Placeholder-free seam for the insight engine: until the engine is wired in, a customer's
/// insight is what the store holds (metrics) and nothing is invented.
public struct InsightSnapshot: Sendable, Equatable {
    public var inferred: [String]
    public var recommendations: [String]
}

enum InsightDiff {
    static func describe(before: InsightSnapshot?, after: InsightSnapshot?) -> [String] {
        guard let before, let after else { return [] }
        var out: [String] = []
        let lost = before.inferred.filter { !after.inferred.contains($0) }
        let gained = after.inferred.filter { !before.inferred.contains($0) }
        if !lost.isEmpty { out.append("\(lost.joined(separator: ", ")) no longer inferred") }
        if !gained.isEmpty { out.append("\(gained.joined(separator: ", ")) now inferred") }
        let changed = after.recommendations.filter { !before.recommendations.contains($0) }.count
        if changed > 0 { out.append("\(changed) recommendation\(changed == 1 ? "" : "s") changed") }
        return out
    }
}

extension Workspace {
    func refreshDerived(progress: ((String, Double) -> Void)?) throws {}
    func refreshCustomer(_ key: Int64) throws {}
    func insight(for key: Int64) throws -> InsightSnapshot? { nil }
}
