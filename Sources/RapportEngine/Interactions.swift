import Foundation

/// Customers' baskets as compressed sparse rows in both directions, over items numbered by
/// popularity (0 is the most popular; ties by product id). Memory is about 8 bytes per
/// interaction plus a few arrays per item and per customer.
struct Interactions: Sendable {
    /// Item number → product id.
    var products: [Int64] = []
    /// Item number → customers whose (capped) basket holds it.
    var popularity: [Int32] = []
    /// Customer c's items are `basketItems[basketStart[c]..<basketStart[c + 1]]`, most recent first.
    var basketStart: [Int] = [0]
    var basketItems: [Int32] = []
    /// Item i's customers are `itemCustomers[itemStart[i]..<itemStart[i + 1]]`, in customer order.
    var itemStart: [Int] = [0]
    var itemCustomers: [Int32] = []

    var itemCount: Int { products.count }
    var customerCount: Int { basketStart.count - 1 }

    /// Each basket is a customer's products in time order, oldest first, repeats allowed. Only its
    /// `maxBasketItems` most recent distinct products count, so one customer with 10,000 products
    /// costs at most maxBasketItems² co-counts instead of 10⁸.
    init(baskets: [[Int64]], maxBasketItems: Int) {
        let numbering = ProductNumbering(baskets: baskets)
        var provisional = Interactions()
        provisional.fillBaskets(baskets, numbering: numbering, cap: max(1, maxBasketItems))
        self = provisional.renumberedByPopularity(products: numbering.products)
        fillItemCustomers()
    }

    private init() {}

    /// Distinct products per basket, most recent first, up to `cap`, in provisional numbers.
    private mutating func fillBaskets(_ baskets: [[Int64]], numbering: ProductNumbering, cap: Int) {
        var stamp = [Int32](repeating: -1, count: numbering.products.count)
        basketStart.reserveCapacity(baskets.count + 1)
        basketItems.reserveCapacity(baskets.reduce(0) { $0 + min($1.count, cap) })
        for (c, basket) in baskets.enumerated() {
            var taken = 0
            for product in basket.reversed() where taken < cap {
                let p = numbering.number(product)
                if stamp[p] == Int32(c) { continue }
                stamp[p] = Int32(c)
                basketItems.append(Int32(p))
                taken += 1
            }
            basketStart.append(basketItems.count)
        }
    }

    /// The same baskets with items renumbered most popular first.
    private func renumberedByPopularity(products ids: [Int64]) -> Interactions {
        var counts = [Int32](repeating: 0, count: ids.count)
        for p in basketItems { counts[Int(p)] += 1 }
        let order = ids.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : ids[$0] < ids[$1] }
        var rank = [Int32](repeating: 0, count: ids.count)
        for (r, p) in order.enumerated() { rank[p] = Int32(r) }
        var out = Interactions()
        out.products = order.map { ids[$0] }
        out.popularity = order.map { counts[$0] }
        out.basketStart = basketStart
        out.basketItems = basketItems.map { rank[Int($0)] }
        return out
    }

    /// The item → customers direction, by a counting sort of the baskets.
    private mutating func fillItemCustomers() {
        var start = [Int](repeating: 0, count: itemCount + 1)
        for i in 0..<itemCount { start[i + 1] = start[i] + Int(popularity[i]) }
        var next = start
        var customers = [Int32](repeating: 0, count: basketItems.count)
        for c in 0..<customerCount {
            for k in basketStart[c]..<basketStart[c + 1] {
                let i = Int(basketItems[k])
                customers[next[i]] = Int32(c)
                next[i] += 1
            }
        }
        itemStart = start
        itemCustomers = customers
    }
}

/// Product id → provisional item number. Store ids are surrogate keys, mostly dense, so a
/// lookup table beats hashing 20M ids; a sparse id range falls back to a dictionary.
struct ProductNumbering {
    private(set) var products: [Int64] = []
    private var table: [Int32] = []
    private var minId: Int64 = 0
    private var dictionary: [Int64: Int32] = [:]

    init(baskets: [[Int64]]) {
        var lo = Int64.max, hi = Int64.min, total = 0
        for b in baskets {
            for p in b {
                lo = min(lo, p)
                hi = max(hi, p)
            }
            total += b.count
        }
        guard total > 0 else { return }
        let span = hi.subtractingReportingOverflow(lo)
        if !span.overflow && span.partialValue < Int64(max(1 << 22, 2 * total)) {
            numberByTable(baskets, lo: lo, span: Int(span.partialValue) + 1)
        } else {
            numberByDictionary(baskets)
        }
    }

    private mutating func numberByTable(_ baskets: [[Int64]], lo: Int64, span: Int) {
        minId = lo
        table = [Int32](repeating: -1, count: span)
        for b in baskets {
            for p in b where table[Int(p - lo)] < 0 {
                table[Int(p - lo)] = Int32(products.count)
                products.append(p)
            }
        }
    }

    private mutating func numberByDictionary(_ baskets: [[Int64]]) {
        for b in baskets {
            for p in b where dictionary[p] == nil {
                dictionary[p] = Int32(products.count)
                products.append(p)
            }
        }
    }

    @inline(__always)
    func number(_ product: Int64) -> Int {
        table.isEmpty ? Int(dictionary[product]!) : Int(table[Int(product - minId)])
    }
}
