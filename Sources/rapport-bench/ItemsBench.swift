import Foundation
import RapportEngine

// Usage: rapport-bench items [--customers N] [--products N] [--mean-basket N] [--zipf S]
//                            [--huge-baskets N] [--seed N] [--repeat N]
// Times ItemModel.build on synthetic baskets held in memory: product draws follow a Zipf law
// (long tail), basket sizes are geometric with the given mean, and a few customers own 10,000
// products each (the basket cap's worst case). Prints one line per measure.

struct ItemsBenchOptions {
    var customers = 1_000_000
    var products = 50_000
    var meanBasket = 20.0
    var zipf = 1.0
    var hugeBaskets = 3
    var seed: UInt64 = 42
    var repeats = 1

    init(_ args: [String]) {
        var i = 0
        while i + 1 < args.count {
            let v = args[i + 1]
            switch args[i] {
            case "--customers": customers = Int(v) ?? customers
            case "--products": products = Int(v) ?? products
            case "--mean-basket": meanBasket = Double(v) ?? meanBasket
            case "--zipf": zipf = Double(v) ?? zipf
            case "--huge-baskets": hugeBaskets = Int(v) ?? hugeBaskets
            case "--seed": seed = UInt64(v) ?? seed
            case "--repeat": repeats = Int(v) ?? repeats
            default: print("unknown option \(args[i])")
            }
            i += 2
        }
    }
}

/// Baskets in time order with repeats, as the store hands them over; product ids 1...products.
func syntheticBaskets(_ o: ItemsBenchOptions) -> [[Int64]] {
    var cdf = [Double](repeating: 0, count: o.products)
    var total = 0.0
    for r in 0..<o.products {
        total += 1 / pow(Double(r + 1), o.zipf)
        cdf[r] = total
    }
    var rng = SeededRandom(state: o.seed)
    func draw() -> Int64 {
        let u = rng.unit() * total
        var lo = 0, hi = o.products - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return Int64(lo + 1)
    }
    let p = 1 / o.meanBasket
    var baskets: [[Int64]] = []
    baskets.reserveCapacity(o.customers)
    for c in 0..<o.customers {
        let size = c < o.hugeBaskets ? 10_000 : 1 + Int(log(1 - rng.unit()) / log(1 - p))
        baskets.append(c < o.hugeBaskets ? (1...Int64(size)).shuffled(using: &rng) : (0..<size).map { _ in draw() })
    }
    return baskets
}

func runItemsBench(_ args: [String]) {
    let o = ItemsBenchOptions(args)
    let (baskets, generated) = time { syntheticBaskets(o) }
    let events = baskets.reduce(0) { $0 + $1.count }
    let distinct = baskets.reduce(0) { $0 + Set($1).count }
    print(
        String(
            format: "generated %d customers, %d events, %d distinct (customer, product) pairs, "
                + "%d products drawn, in %.2f s", baskets.count, events, distinct, o.products, generated))
    print(String(format: "resident memory after generating: %.0f MB", rssMB().current))
    for _ in 0..<o.repeats {
        let (model, seconds) = time { ItemModel.build(baskets: baskets) }
        let rows = model.neighbors.values.reduce(0) { $0 + $1.count }
        print(
            String(
                format: "ItemModel.build: %.2f s, %d products with neighbours, %d neighbour rows",
                seconds, model.neighbors.count, rows))
    }
    let rss = rssMB()
    print(String(format: "resident memory: now %.0f MB, peak %.0f MB", rss.current, rss.peak))
}
