import Foundation
import RapportStore
import RapportVocabulary

extension Workspace {
    /// The last `limit` rows of the customer list, in its order: one keyset read backwards from
    /// its end, which needs no count (End on a list whose count was capped).
    public func customerTail(_ q: ListQuery, limit: Int) throws -> [CustomerListItem] {
        try store.customerKeysetPage(q, from: nil, .backward, limit: limit)
    }
}
