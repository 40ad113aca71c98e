import Foundation
import Testing

/// Every requirement of `StoreBackend`, and every public method of the store's domain written
/// once over the SQL seam (`Sources/RapportStore/Domain`), is called by a store test (this
/// folder, or the service's BackendTests.swift, both run on each store): a new one without a
/// test fails here.
@Suite("StoreBackend coverage")
struct BackendCoverageTests {
    /// Requirements no test calls yet, each with why; shrink this list, never grow it.
    static let untested: [String: String] = [:]
    /// Driver hooks the domain calls, each covered by the tests of the domain method that calls it.
    static let calledThrough = [
        "eraseDriverTraces": "forget", "scrubErasedData": "forget", "keptUntilChange": "customerCount"
    ]

    /// The public methods of the domain's `extension StoreBackend` blocks.
    static func domainMethods() -> [String] {
        let names = sources(under: "Sources/RapportStore/Domain").flatMap { text in
            text.split(separator: "\n").compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("public func "), let paren = t.firstIndex(of: "(") else { return nil }
                return String(t[t.index(t.startIndex, offsetBy: 12)..<paren])
            }
        }
        return Array(Set(names)).sorted()
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sources(under folder: String) -> [String] {
        let dir = root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap {
            $0 as? URL
        }
        return (files ?? []).filter { $0.pathExtension == "swift" }.compactMap {
            try? String(contentsOf: $0, encoding: .utf8)
        }
    }

    /// The names of the protocol's requirements, read from its declaration.
    static func requirements() -> [String] {
        for text in sources(under: "Sources/RapportStore") {
            guard let start = text.range(of: "public protocol StoreBackend") else { continue }
            // The declaration ends at the first closing brace at the start of a line.
            let body = text[start.upperBound...]
            let end = body.range(of: "\n}")?.lowerBound ?? body.endIndex
            let names = body[..<end].split(separator: "\n").compactMap { line -> String? in
                let words = line.trimmingCharacters(in: .whitespaces).split(
                    whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" })
                guard let i = words.firstIndex(where: { $0 == "func" || $0 == "var" }), i + 1 < words.count,
                    !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                else { return nil }
                return String(words[i + 1])
            }
            return Array(Set(names)).sorted()
        }
        return []
    }

    @Test func everyRequirementIsCalledByAStoreTest() {
        let requirements = Self.requirements()
        let domain = Self.domainMethods()
        #expect(requirements.count > 5, "StoreBackend's requirements not found under Sources/RapportStore")
        #expect(domain.count > 30, "the store domain's methods not found under Sources/RapportStore/Domain")
        let names = Array(Set(requirements + domain)).sorted()
        let tests =
            (Self.sources(under: "Tests/RapportStoreTests")
            + [
                (try? String(
                    contentsOf: Self.root.appendingPathComponent("Tests/RapportServiceTests/BackendTests.swift"),
                    encoding: .utf8)) ?? ""
            ]).joined(separator: "\n")
        let called = Set(
            names.filter { name in
                [".\(name)(", ".\(name) ", ".\(name))", ".\(name)\n", ".\(name),"].contains { tests.contains($0) }
            })
        let missing = names.filter { name in
            let through = Self.calledThrough[name].map { called.contains($0) } ?? false
            return !called.contains(name) && !through && Self.untested[name] == nil
        }
        #expect(missing.isEmpty, "store methods no store test calls: \(missing)")
        let nowTested = Self.untested.keys.filter { called.contains($0) || !names.contains($0) }.sorted()
        #expect(nowTested.isEmpty, "remove from `untested`: \(nowTested)")
    }
}
