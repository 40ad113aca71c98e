/// Where the ranking finds each source product's neighbours: a fitted `ItemModel` held whole (a
/// refresh, an evaluation, a fit as of a past date), or a session's bounded cache that reads
/// the lists of the products it ranks from the store. The engine asks only for a customer's
/// history items, so a session need not hold the catalogue's lists.
public protocol NeighborLookup: Sendable {
    /// Each product's neighbours, strongest first, in the order asked (empty when it has none).
    func neighborLists(of products: [Int64]) -> [[ItemModel.Neighbor]]
}

extension ItemModel: NeighborLookup {
    public func neighborLists(of products: [Int64]) -> [[Neighbor]] { products.map { neighbors[$0] ?? [] } }
}
