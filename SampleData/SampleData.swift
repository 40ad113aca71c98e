import Foundation

/// The bundled sample store's CSV files, shipped as package resources so the binary can
/// create a useful store on first run from any directory.
public enum SampleDataFiles {
    /// In import order: customers and accounts before the memberships, events and notes that name them.
    public static let names = [
        "customers", "products", "accounts", "memberships", "events", "notes", "b2b-orders"
    ]

    public static var urls: [URL] {
        names.compactMap { Bundle.module.url(forResource: $0, withExtension: "csv") }
    }
}
