import Foundation

// A cheap sign that the products may have changed, for a session that holds the catalogue
// (the service's profiles and histories name their products from it).

extension StoreBackend {
    /// Changes whenever the catalogue may have changed: the newest store-wide audit entry. Products
    /// change only by imports, and every import appends one such entry in its own transaction;
    /// the edits of one customer (notes, gift flags) name their customer and leave it as it is.
    /// One index range, on either store.
    public func catalogueStamp() throws -> Int64 {
        try readSQL { db in
            try db.int64("SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE customer_id IS NULL") ?? 0
        }
    }
}
