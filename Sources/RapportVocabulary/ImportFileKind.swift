import Foundation

/// What an import file holds. Taken from its header unless given with `--kind`.
public enum ImportFileKind: String, CaseIterable, Sendable, Codable {
    case customers, products, events, notes
}
