import Foundation
import RapportEngine
import RapportStore

/// What a refresh needs to compute each customer's affinity vector beside their figures: the
/// catalogue, who refused personalization, the date, the preference settings.
struct AffinityPass: Sendable {
    /// The `model_state` entry that says the stored vectors are kept up to date.
    static let stateName = "affinities"
    var products: [Int64: Product]
    var refused: Set<Int64>
    var now: Int64
    var settings: PreferenceSettings

    /// The customer's affinity per attribute value (lowercased, the strongest score), or nil
    /// when they refused personalization: no vector is stored for them.
    func vector(_ customer: Int64, _ events: [Event]) -> [String: Double]? {
        guard !refused.contains(customer) else { return nil }
        return Self.vector(
            Preferences.infer(events: events, products: products, now: now, settings: settings))
    }

    static func vector(_ prefs: [InferredPreference]) -> [String: Double] {
        var v: [String: Double] = [:]
        for p in prefs { v[p.value.lowercased()] = max(v[p.value.lowercased()] ?? 0, p.score) }
        return v
    }
}

extension Workspace {
    /// What computing vectors needs, or nil when none are to be kept: a full refresh keeps them
    /// while a saved segment uses affinity(); other writes keep them up to date once they exist.
    func affinityPass(now: Int64, whenSegmentsUseIt full: Bool) throws -> AffinityPass? {
        let wanted =
            full
            ? try store.segments().contains {
                (try? Rule(parsing: $0.rule))?.functionsUsed.contains("affinity") == true
            }
            : try store.modelState(AffinityPass.stateName) != nil
        guard wanted else { return nil }
        return AffinityPass(
            products: try loadProducts(), refused: try store.personalizationRefused(), now: now,
            settings: insightSettings.preferences)
    }

    /// The catalogue as the engine sees it.
    func loadProducts() throws -> [Int64: Product] {
        Dictionary(uniqueKeysWithValues: try store.allProducts().map { ($0.id ?? 0, EngineBridge.product($0)) })
    }
}
