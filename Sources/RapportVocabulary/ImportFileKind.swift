import Foundation

/// What an import file holds. Taken from its header unless given with `--kind`.
public enum ImportFileKind: String, CaseIterable, Sendable, Codable {
    case customers, products, events, notes
    /// B2B: the account tree, and who belongs to which account (docs/accounts.md).
    case accounts, memberships
}
