import Foundation
import RapportEngine
import RapportStore

// A history's rows read from the events table alone and named from the session's catalogue:
// the join to `products` and three product strings decoded per row were most of a 10,000-event
// profile's read (issue 23).

extension Workspace {
    /// A customer's events, oldest first, with their products' ids, titles and categories.
    func namedEvents(_ key: Int64) throws -> [EventRow] {
        try named(try store.eventsWithoutNames(customer: key))
    }

    /// `rows` with their products named as the store's join names them. A product the session's
    /// catalogue does not hold (another process imported it since) makes it read the catalogue again.
    func named(_ rows: [EventRow]) throws -> [EventRow] {
        var catalogue = try cache.products(store)
        if rows.contains(where: { row in row.productId.map { catalogue[$0] == nil } ?? false }) {
            cache.forgetProducts()
            catalogue = try cache.products(store)
        }
        return rows.map { row in
            guard let product = row.productId.flatMap({ catalogue[$0] }) else { return row }
            var named = row
            named.productExternalId = product.externalId
            named.productTitle = product.title
            named.productCategory = product.category
            return named
        }
    }
}
