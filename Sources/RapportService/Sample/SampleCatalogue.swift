import Foundation
import RapportEngine

/// The products of a sample and how customers choose among them.
///
/// The classic catalogue (the bundled sample) has 13 flat categories and every product is as
/// likely as its neighbours. The shop catalogue (`--products N`) has a three-level category
/// tree and a long tail: a product's weight falls with its popularity rank (Zipf), so a few
/// products get most of the traffic, as in a real shop.
struct SampleCatalogue {
    struct Item {
        var id: String
        var title: String
        var category: Int
        var brand: String
        var price: Double
        var replenishDays: Int?
    }

    var items: [Item]
    var categories: [String]
    /// Product indices per category, in catalogue order.
    var members: [[Int]]
    /// Running totals of popularity weights per category (empty for the classic catalogue).
    var memberWeights: [[Double]] = []
    /// Running totals of popularity weights over all products (empty for the classic catalogue).
    var bestsellers: [Double] = []
    /// Categories customers form tastes for, replenish from, and buy presents in.
    var tasteCategories: [Int]
    var replenishCategories: [Int]
    var giftCategories: [Int]
    /// The only taste of the jazz-loving parent archetype.
    var jazzCategories: [Int]
    /// The stated likes and dislikes of customer C00001 (Margot Lindqvist).
    var firstLikes: [String]
    var firstDislikes: [String]

    var isShop: Bool { !bestsellers.isEmpty }

    /// A product of `category`: uniform in the classic catalogue, by popularity in a shop.
    func pick(_ category: Int, _ rng: inout SeededRandom) -> Int {
        if isShop { return members[category][rng.weighted(memberWeights[category])] }
        return rng.pick(members[category])
    }

    /// Where December presents come from; the classic catalogue has one such category and
    /// draws nothing for it.
    func giftCategory(_ rng: inout SeededRandom) -> Int {
        giftCategories.count == 1 ? giftCategories[0] : rng.pick(giftCategories)
    }

    /// A product from the whole shop by popularity (the home page's bestsellers).
    func bestseller(_ rng: inout SeededRandom) -> Int { rng.weighted(bestsellers) }
}

extension SampleCatalogue {
    /// The bundled sample's 300 products; draws from `rng` in the same order as ever, so the
    /// bundled sample's bytes do not change.
    static func classic(_ rng: inout SeededRandom) -> SampleCatalogue {
        let shelves = SampleWords.classicShelves
        var items: [Item] = []
        var k = 0
        while items.count < 300 {
            let shelf = shelves[k % shelves.count]
            let noun = shelf.nouns[(k / shelves.count) % shelf.nouns.count]
            let edition = k / (shelves.count * shelf.nouns.count)
            let brand = shelf.brands[(k / shelves.count + edition) % shelf.brands.count]
            let title = edition == 0 ? noun : "\(noun) \(SampleWords.editions[edition % 8])"
            let price = randomPrice(shelf.price, &rng)
            items.append(
                Item(
                    id: productId(items.count), title: title, category: k % shelves.count,
                    brand: brand, price: price, replenishDays: shelf.replenish))
            k += 1
        }
        let names = shelves.map(\.category)
        let index = { (name: String) in names.firstIndex(of: name)! }
        let chores = ["Toys", "Coffee", "Pet Food", "Health/Contact Lenses"].map(index)
        return SampleCatalogue(
            items: items, categories: names, members: membersByCategory(items, count: names.count),
            tasteCategories: names.indices.filter { !chores.contains($0) },
            replenishCategories: ["Coffee", "Pet Food", "Health/Contact Lenses"].map(index),
            giftCategories: [index("Toys")], jazzCategories: [index("Music/Jazz")],
            firstLikes: ["Music/Jazz", "brand:Bean & Co"], firstDislikes: ["Music/Rock"])
    }

    /// `count` products on the shelves of `ShopTree`, every shelf stocked, bigger shelves
    /// more likely, popularity by a shuffled Zipf rank.
    static func shop(count: Int, _ rng: inout SeededRandom) -> SampleCatalogue {
        let departments = ShopTree.departments
        let leaves = departments.flatMap { d in d.shelves.map { (leaf: $0, brands: d.brands) } }
        let shelfSize = running(leaves.map { _ in 0.3 + 2.7 * rng.unit() })
        var perLeaf = [Int](repeating: 0, count: leaves.count)
        var items: [Item] = []
        items.reserveCapacity(count)
        for i in 0..<count {
            let l = i < leaves.count ? i : rng.weighted(shelfSize)
            items.append(shopItem(i, leaves[l].leaf, leaves[l].brands, category: l, nth: perLeaf[l], &rng))
            perLeaf[l] += 1
        }
        let weights = zipfWeights(count, &rng)
        let members = membersByCategory(items, count: leaves.count)
        let paths = leaves.map(\.leaf.path)
        let under = { (prefix: String) in paths.indices.filter { paths[$0].hasPrefix(prefix) } }
        let replenish = paths.indices.filter { leaves[$0].leaf.replenish != nil }
        return SampleCatalogue(
            items: items, categories: paths, members: members,
            memberWeights: members.map { running($0.map { weights[$0] }) }, bestsellers: running(weights),
            tasteCategories: paths.indices.filter { !replenish.contains($0) && !paths[$0].hasPrefix("Toys/") },
            replenishCategories: replenish, giftCategories: under("Toys/"), jazzCategories: under("Music/Jazz/"),
            firstLikes: ["Music/Jazz/Vinyl", "brand:Bean & Co"], firstDislikes: ["Music/Rock/CD"])
    }

    /// The smallest `--products` a shop accepts: one product on every shelf.
    static var shopMinimum: Int { ShopTree.departments.reduce(0) { $0 + $1.shelves.count } }

    private static func shopItem(
        _ i: Int, _ leaf: ShopTree.Leaf, _ brands: [String], category: Int, nth: Int,
        _ rng: inout SeededRandom
    ) -> Item {
        let noun = leaf.nouns[nth % leaf.nouns.count]
        let edition = nth / leaf.nouns.count
        let editions = SampleWords.editions
        let title =
            switch edition {
            case 0: noun
            case 1...editions.count: "\(noun) \(editions[edition - 1])"
            default: "\(noun) \(editions[edition % editions.count]) \(edition / editions.count + 1)"
            }
        return Item(
            id: productId(i), title: title, category: category, brand: brands[nth % brands.count],
            price: randomPrice(leaf.price, &rng), replenishDays: leaf.replenish)
    }

    /// Weight 1/rank^1.1 with ranks shuffled, so popularity has nothing to do with the id.
    private static func zipfWeights(_ count: Int, _ rng: inout SeededRandom) -> [Double] {
        var rank = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            rank.swapAt(i, rng.int(0...i))
        }
        return rank.map { 1 / pow(Double($0 + 1), 1.1) }
    }

    private static func running(_ weights: [Double]) -> [Double] {
        var total = 0.0
        return weights.map { w in
            total += w
            return total
        }
    }

    private static func membersByCategory(_ items: [Item], count: Int) -> [[Int]] {
        var members = [[Int]](repeating: [], count: count)
        for (i, item) in items.enumerated() { members[item.category].append(i) }
        return members
    }

    private static func randomPrice(_ range: ClosedRange<Double>, _ rng: inout SeededRandom) -> Double {
        (range.lowerBound + rng.unit() * (range.upperBound - range.lowerBound)).rounded(toPlaces: 2)
    }

    private static func productId(_ i: Int) -> String { "P" + SampleText.padded(i + 1, 4) }
}
