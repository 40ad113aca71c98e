import Foundation
import Testing

@Suite("Rule segments from the command line: names and unknown values", .serialized)
struct RuleSegmentTests {
    @Test func aNameThatShadowsABuiltInOrAnExistingRuleIsRefused() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        for builtIn in ["champions", "Champions", "at risk", "active", "lost"] {
            let r = try cli.run(["segment", "create", builtIn, "orders > 3", "--store", store])
            #expect(r.status == 1 && r.err.contains("give the rule segment another name"), "\(builtIn): \(r.err)")
        }
        // --replace does not let a rule stand in for a built-in segment either.
        let forced = try cli.run(["segment", "create", "champions", "orders > 3", "--replace", "--store", store])
        #expect(forced.status == 1)
        #expect(try cli.run(["segment", "create", "regulars", "orders > 3", "--store", store]).status == 0)
        let again = try cli.run(["segment", "create", "Regulars", "orders > 10", "--store", store])
        #expect(again.status == 1 && again.err.contains("--replace"), "\(again.err)")
        let replaced = try cli.run(["segment", "create", "regulars", "orders > 10", "--replace", "--store", store])
        #expect(replaced.status == 0 && replaced.out.hasPrefix("segment regulars replaced: "))
        let segments = try #require(try cli.items(["segments", "--store", store]))
        let rules = segments.filter { $0["kind"] as? String == "rule" }
        #expect(rules.count == 1 && rules.first?["rule"] as? String == "orders > 10")
        #expect(segments.filter { $0["name"] as? String == "champions" }.count == 1)
    }

    @Test func unknownNamesInARuleWarnWithTheNearestKnownOne() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let rule = #"affinity("Cofee") > 0.5 or segment == "champs" or likes("Jazz") or stage in ["activ"]"#
        let r = try cli.run(["segment", "create", "typos", rule, "--store", store])
        #expect(r.status == 0, "a warning does not refuse the segment")
        let warnings = r.err.split(separator: "\n").map(String.init)
        #expect(warnings.contains("rapport: warning: no category 'Cofee'; did you mean 'Coffee'?"), "\(r.err)")
        #expect(warnings.contains("rapport: warning: no RFM segment 'champs'; did you mean 'champions'?"))
        #expect(warnings.contains("rapport: warning: no category 'Jazz'; did you mean 'Music/Jazz'?"))
        #expect(warnings.contains("rapport: warning: no lifecycle stage 'activ'; did you mean 'active'?"))
        let clean = try cli.run([
            "segment", "create", "fine", #"affinity("coffee") > 0.5 and segment == "champions""#, "--store", store
        ])
        #expect(clean.status == 0 && clean.err.isEmpty, "\(clean.err)")
        // 'at risk' is an RFM segment and a stage: members of either, not of both at once.
        let both = try cli.run(["segment", "members", "at risk", "--store", store])
        #expect(both.status == 2 && both.err.contains("--kind rfm or --kind stage"), "\(both.err)")
        let segments = try #require(try cli.items(["segments", "--store", store]))
        for kind in ["rfm", "stage"] {
            let count = try #require(
                segments.first { $0["name"] as? String == "at risk" && $0["kind"] as? String == kind }?["members"]
                    as? Int)
            let listed = try #require(
                try cli.json(["segment", "members", "at risk", "--kind", kind, "--store", store]) as? [String: Any])
            #expect(listed["total"] as? Int == count, "\(kind)")
            if kind == "stage" {
                // Metrics of the stage count the stage's members, not the RFM segment's.
                let m = try #require(
                    try cli.json(["metrics", "--segment", "at risk", "--kind", kind, "--store", store])
                        as? [String: Any])
                #expect(m["customers"] as? Int == count)
            }
        }
        let ambiguous = try cli.run(["metrics", "--segment", "at risk", "--store", store])
        #expect(ambiguous.status == 2 && ambiguous.err.contains("--kind rfm or --kind stage"), "\(ambiguous.err)")
        let members = try cli.run(["segment", "members", "champs", "--store", store])
        #expect(members.status == 1 && members.err.contains("did you mean 'champions'?"), "\(members.err)")
        let unknown = try cli.run(["segment", "create", "far", #"affinity("Zzzzqqq") > 0"#, "--store", store])
        #expect(unknown.err.contains("no category or brand 'Zzzzqqq'") && !unknown.err.contains("did you mean"))
    }
}
