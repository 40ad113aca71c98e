import Foundation
import Testing
@testable import RapportService

/// The shop-shaped sample (`rapport sample --products N`) has the problems real shops have.
@Suite("Shop-shaped sample")
struct SampleShopTests {
    /// One small shop, generated once for every test here.
    static let shop: Shop = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-shop-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try! SampleGenerator(customers: 300, products: 2000).write(to: dir)
        return Shop(
            products: try! table(dir + "/products.csv"), events: try! table(dir + "/events.csv"),
            output: out)
    }()

    struct Shop {
        var products: [[String: String]]
        var events: [[String: String]]
        var output: SampleGenerator.Output
    }

    @Test func productsSitOnTheLeavesOfACategoryTree() {
        let categories = Set(Self.shop.products.map { $0["category"]! })
        #expect(Self.shop.products.count == 2000)
        #expect(categories.count >= 40)
        #expect(categories.allSatisfy { $0.split(separator: "/").count == 3 })
        let departments = Set(categories.map { $0.split(separator: "/")[0] })
        #expect(departments.count >= 8)
        // A leaf is never also a branch: no category is the start of another's path.
        #expect(!categories.contains { c in categories.contains { $0.hasPrefix(c + "/") } })
    }

    @Test func popularityHasALongTail() {
        let viewed = Self.shop.events.map { $0["product_id"]! }.filter { !$0.isEmpty }
        let counts = Dictionary(grouping: viewed, by: { $0 }).mapValues(\.count)
        let sorted = counts.values.sorted(by: >)
        let total = sorted.reduce(0, +)
        let topShare = Double(sorted.prefix(20).reduce(0, +)) / Double(total)
        // Evenly liked products would give the top 1% about 1% of events.
        #expect(topShare > 0.2, "top 1% of products have \(topShare) of events")
        #expect(counts.count < 1900, "a long tail leaves some products unseen")
    }

    @Test func someOrderLinesAreIdenticalAndUnnumbered() {
        let unnumbered = Self.shop.events.filter { $0["event_id"]!.isEmpty }
        let lines = Dictionary(
            grouping: unnumbered,
            by: { row in
                [
                    "customer_id", "timestamp", "product_id",
                    "amount", "type"
                ].map { row[$0]! }
            })
        #expect(lines.values.filter { $0.count >= 2 && $0[0] == $0[1] }.count >= 10)
        #expect(unnumbered.allSatisfy { $0["type"] == "purchase" })
        let numbered = Self.shop.events.compactMap { $0["event_id"] }.filter { !$0.isEmpty }
        #expect(Set(numbered).count == numbered.count)
    }

    @Test func someGiftsCarryNotes() {
        let gifts = Self.shop.events.filter { $0["gift"] == "true" }
        #expect(gifts.count >= 20)
        #expect(gifts.allSatisfy { $0["type"] == "purchase" })
        #expect(gifts.filter { !$0["gift_note"]!.isEmpty }.count >= 5)
        #expect(Self.shop.events.allSatisfy { $0["gift"] == "true" || $0["gift_note"]!.isEmpty })
    }

    @Test func replenishableProductsAreBoughtAgainOnACycle() {
        let cycle = Dictionary(
            uniqueKeysWithValues: Self.shop.products.map {
                ($0["product_id"]!, $0["replenish_days"]!)
            })
        let purchases = Self.shop.events.filter { $0["type"] == "purchase" && !cycle[$0["product_id"]!]!.isEmpty }
        let byCustomerProduct = Dictionary(grouping: purchases, by: { $0["customer_id"]! + " " + $0["product_id"]! })
        let regular = byCustomerProduct.values.filter { rows in
            let days = rows.map { Self.day($0["timestamp"]!) }
            let gaps = zip(days.dropFirst(), days).map { $0 - $1 }.sorted()
            guard gaps.count >= 3, let usual = Double(cycle[rows[0]["product_id"]!]!) else { return false }
            let median = Double(gaps[gaps.count / 2])
            return median > usual * 0.6 && median < usual * 1.4
        }
        #expect(regular.count >= 20)
    }

    @Test func sameFlagsSameBytes() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-shop-det-\(getpid())")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("a").path
        let b = base.appendingPathComponent("b").path
        let c = base.appendingPathComponent("c").path
        _ = try SampleGenerator(customers: 40, products: 500).write(to: a)
        _ = try SampleGenerator(customers: 40, products: 500).write(to: b)
        _ = try SampleGenerator(customers: 40, products: 600).write(to: c)
        for f in ["customers.csv", "products.csv", "events.csv", "notes.csv"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + f))
            #expect(x == (try Data(contentsOf: URL(fileURLWithPath: b + "/" + f))), "\(f) differs between runs")
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: a + "/products.csv"))
                != Data(contentsOf: URL(fileURLWithPath: c + "/products.csv")))
    }

    /// Without --products the generator still makes the bundled sample, byte for byte.
    @Test func theClassicSampleIsTheBundledOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-classic-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try SampleGenerator(customers: 2000, seed: 42).write(to: dir.path)
        #expect(out.products == 300)
        for f in ["customers.csv", "products.csv", "events.csv", "notes.csv"] {
            let made = try Data(contentsOf: dir.appendingPathComponent(f))
            #expect(made == (try Data(contentsOf: root.appendingPathComponent(f))), "\(f) differs from SampleData")
        }
    }

    static func day(_ timestamp: String) -> Int {
        let (y, m, d) = (
            Int(timestamp.prefix(4))!, Int(timestamp.dropFirst(5).prefix(2))!,
            Int(timestamp.dropFirst(8).prefix(2))!
        )
        return Int(ByteDate.days(y, m, d)!)
    }

    /// A CSV file as rows keyed by header (quoted fields with commas and doubled quotes; no line
    /// breaks inside fields, which the generator never writes).
    static func table(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = fields(lines[0])
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, fields($0))) }
    }

    static func fields(_ line: Substring) -> [String] {
        var out: [String] = []
        var field = ""
        var quoted = false
        var previous: Character = " "
        for ch in line {
            if ch == "\"" {
                // A quote that reopens a quoted field right after closing it is a doubled quote.
                if !quoted && previous == "\"" { field.append(ch) }
                quoted.toggle()
            } else if ch == "," && !quoted {
                out.append(field)
                field = ""
            } else {
                field.append(ch)
            }
            previous = ch
        }
        out.append(field)
        return out
    }
}
