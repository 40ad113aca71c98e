/// A product's fields read in place. `products[p]?.category` copies the whole product out of the
/// catalogue first, retaining each of its texts, and a long history's profile asks thousands of
/// times: these read the one field where it lies.
extension Dictionary where Key == Int64, Value == Product {
    func category(of p: Int64) -> String? {
        guard let i = index(forKey: p) else { return nil }
        return values[i].category
    }

    /// Whether the product says it is rebought (`replenish_days`) and has a category.
    func isReplenishableWithCategory(_ p: Int64) -> Bool {
        guard let i = index(forKey: p) else { return false }
        return values[i].replenishDays != nil && !values[i].category.isEmpty
    }
}
