import Foundation
import Testing

/// Every requirement of `StoreBackend` is called by a store test (this folder, or the service's
/// BackendTests.swift, both run on each store): a new one without a test fails here.
@Suite("StoreBackend coverage")
struct BackendCoverageTests {
    /// Requirements no test calls yet, each with why; shrink this list, never grow it.
    static let untested: [String: String] = [:]

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
        let names = Self.requirements()
        #expect(names.count > 50, "StoreBackend's requirements not found under Sources/RapportStore")
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
        let missing = names.filter { !called.contains($0) && Self.untested[$0] == nil }
        #expect(missing.isEmpty, "StoreBackend requirements no store test calls: \(missing)")
        let nowTested = Self.untested.keys.filter { called.contains($0) || !names.contains($0) }.sorted()
        #expect(nowTested.isEmpty, "remove from `untested`: \(nowTested)")
    }
}
