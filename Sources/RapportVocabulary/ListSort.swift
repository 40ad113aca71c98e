import Foundation

/// Sort orders of the customer list (the names are the ones `--sort`, `:sort` and the config use).
/// The store gives each an index, so paging never sorts the table.
public enum ListSort: String, CaseIterable, Sendable, Codable {
    case name, id, segment, stage, recency, orders, spend, clv
}
