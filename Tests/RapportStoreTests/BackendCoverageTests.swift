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
        "eraseDriverTraces": "forget", "scrubErasedData": "forget", "keptUntilChange": "events",
        "readSQL": "customer", "writeSQL": "addNote"
    ]

    /// The public methods of the domain's `extension StoreBackend` blocks.
    static func domainMethods() -> [String] {
        let names = sources(under: "Sources/RapportStore/Domain").flatMap { text in
            text.split(separator: "\n").compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                // The name ends at its parameters, or at a generic one's `<T>`.
                guard t.hasPrefix("public func "), let end = t.firstIndex(where: { $0 == "(" || $0 == "<" }) else {
                    return nil
                }
                return String(t[t.index(t.startIndex, offsetBy: 12)..<end])
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

    /// The protocols the service's store is made of: the seam the domain is written over and
    /// what each driver does its own way.
    static let seamProtocols = ["StoreBackend", "SQLTransactions", "StoreDriver", "BulkData"]

    /// The names of the protocols' requirements, read from their declarations.
    static func requirements() -> [String] {
        var names: [String] = []
        for text in sources(under: "Sources/RapportStore") {
            for proto in seamProtocols {
                guard let start = text.range(of: "public protocol \(proto)") else { continue }
                // The declaration ends at the first closing brace at the start of a line (or at
                // once, written `{}`).
                let body = text[start.upperBound...]
                if let line = body.split(separator: "\n").first, line.hasSuffix("{}") { continue }
                let end = body.range(of: "\n}")?.lowerBound ?? body.endIndex
                names += body[..<end].split(separator: "\n").compactMap { line -> String? in
                    let words = line.trimmingCharacters(in: .whitespaces).split(
                        whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" })
                    guard let i = words.firstIndex(where: { $0 == "func" || $0 == "var" }), i + 1 < words.count,
                        !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                    else { return nil }
                    return String(words[i + 1])
                }
            }
        }
        return names.sorted()
    }

    /// The seam stays small (issue 18: at most about 15 requirements, from 78): a requirement
    /// added here is a statement written twice.
    @Test func theSeamIsSmall() {
        let requirements = Self.requirements()
        #expect(requirements.count > 5, "the seam's protocols not found under Sources/RapportStore")
        #expect(requirements.count <= 16, "\(requirements.count) requirements: \(requirements)")
    }

    @Test func everyRequirementIsCalledByAStoreTest() {
        let requirements = Self.requirements()
        let domain = Self.domainMethods()
        #expect(requirements.count > 5, "the seam's requirements not found under Sources/RapportStore")
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
