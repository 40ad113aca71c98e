import Foundation
import Testing

/// `rapport accounts`, `account`, `account tree|link|unlink|set-parent` and `attribute` end to
/// end: the `--json` keys docs/accounts.md promises, and the corrections audited.
@Suite("Account commands", .serialized)
struct AccountCLITests {
    static let files: [(String, String)] = [
        ("customers.csv", "customer_id,name,consent_personalization\nC1,Ann,1\nC2,Bo,1\nC3,Cy,1\n"),
        ("products.csv", "product_id,title\nP1,Paper\nP2,Pens\n"),
        (
            "accounts.csv",
            "account_id,name,parent_id,kind,domain,tier,reporting_cadence,since\n"
                + "ACME,Acme,,company,acme.example,gold,,2020-03-01\nFIN,Finance,ACME,department,,,monthly,\n"
                + "LEG,Legal,ACME,department,,,,\nGLOBEX,Globex,,company,,,,\n"
        ),
        (
            "memberships.csv",
            "customer_id,account_id,role,primary\nC1,FIN,buyer,true\nC2,LEG,buyer,true\nC3,GLOBEX,buyer,false\n"
        ),
        (
            "events.csv",
            "event_id,customer_id,timestamp,type,product_id,amount,account_id\n"
                + "E1,C1,2024-01-05,purchase,P1,10,\nE2,C1,2024-02-05,purchase,P2,20,\n"
                + "E3,C2,2024-02-06,purchase,P1,5,\nE4,C3,2024-02-07,purchase,P2,7,FIN\n"
        )
    ]

    func loaded() throws -> (CLI, String) {
        let cli = try CLI()
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        var paths: [String] = []
        for (name, text) in Self.files {
            let url = cli.dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            paths.append(url.path)
        }
        let r = try cli.run(["import", "--store", store] + paths)
        #expect(r.status == 0, "\(r.err)")
        return (cli, store)
    }

    /// The text names what the file said of the firm, and each department's cadence by its id
    /// (a firm's subsidiaries repeat department names).
    @Test func accountTextNamesTheFirmsDetailsAndEachCadencesAccount() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let r = try cli.run(["account", "ACME", "--store", store])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().first == "domain acme.example · tier gold · client since 2020-03-01")
        #expect(lines.contains { $0.hasPrefix("cadence Finance [FIN]: says monthly") }, "\(lines)")
        let legal = try cli.run(["account", "LEG", "--store", store]).out.split(separator: "\n").map(String.init)
        #expect(legal.dropFirst().first?.hasPrefix("domain") == false)
    }

    @Test func accountJSONHasThePromisedKeys() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let a = try #require(try cli.json(["account", "ACME", "--store", store]) as? [String: Any])
        for key in [
            "id", "name", "kind", "parent", "path", "children", "members", "figures", "p_alive", "clv", "engagement",
            "trend", "coverage", "missing_roles", "recommendations"
        ] {
            #expect(a.keys.contains(key), "missing \(key)")
        }
        #expect(a["id"] as? String == "ACME" && a["parent"] is NSNull && (a["path"] as? [String]) == [])
        #expect((a["children"] as? [String]) == ["FIN", "LEG"])
        let figures = try #require(a["figures"] as? [String: [String: Any]])
        for scope in ["individual", "children", "total"] {
            let s = try #require(figures[scope], "\(scope)")
            for key in ["orders", "revenue", "customers"] { #expect(s[key] != nil, "\(scope).\(key)") }
        }
        // E4 was bought by C3 (a Globex member) for Finance: it counts for Finance only.
        #expect(figures["total"]?["orders"] as? Int == 4 && figures["total"]?["revenue"] as? Double == 42)
        #expect(figures["total"]?["customers"] as? Int == 3)
        let legal = try #require(try cli.json(["account", "LEG", "--store", store]) as? [String: Any])
        let recs = try #require(legal["recommendations"] as? [[String: Any]])
        #expect(recs.map { $0["product_id"] as? String } == ["P2"])
        #expect(recs.first?["reason"] as? String == "bought by Finance in this firm, not yet by Legal")
        #expect(recs.first?["kind"] as? String == "bought_in_firm")
        let members = try #require(legal["members"] as? [[String: Any]])
        for key in ["id", "role", "primary", "since", "until"] { #expect(members.first?.keys.contains(key) == true) }
        let c3 = try #require(try cli.json(["accounts", "--customer", "C3", "--store", store]) as? [String: Any])
        let theirs = try #require(c3["items"] as? [[String: Any]])
        #expect(theirs.map { $0["role"] as? String } == ["buyer"] && theirs.first?["primary"] as? Bool == false)
        #expect((theirs.first?["account"] as? [String: Any])?["id"] as? String == "GLOBEX")
        let list = try #require(try cli.json(["accounts", "--sort", "revenue", "--store", store]) as? [String: Any])
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["ACME", "FIN", "LEG", "GLOBEX"] && list["total"] as? Int == 4)
    }

    /// Metrics of an account's people: its members and its attributed buyers, with its subtree's on request.
    @Test func metricsScopeToAnAccountOrItsSubtree() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let tree = try #require(
            try cli.json(["metrics", "--account", "ACME", "--include-children", "--store", store]) as? [String: Any])
        #expect(tree["orders"] as? Int == 4 && tree["revenue"] as? Double == 42, "\(tree)")
        #expect(tree["buyers"] as? Int == 3 && tree["segment"] as? String == "account ACME and below")
        let own = try #require(try cli.json(["metrics", "--account", "ACME", "--store", store]) as? [String: Any])
        #expect(own["orders"] as? Int == 0)
        let fin = try #require(try cli.json(["metrics", "--account", "FIN", "--store", store]) as? [String: Any])
        #expect(fin["orders"] as? Int == 3 && fin["buyers"] as? Int == 2)
        #expect(try cli.run(["metrics", "--include-children", "--store", store]).status == 2)
    }

    @Test func correctionsChangeFiguresAtOnceAndAreAudited() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        func total(_ id: String) throws -> Double? {
            let a = try #require(try cli.json(["account", id, "--store", store]) as? [String: Any])
            return ((a["figures"] as? [String: [String: Any]])?["total"]?["revenue"]) as? Double
        }
        #expect(try cli.run(["attribute", "E4", "--account", "GLOBEX", "--store", store]).status == 0)
        #expect(try total("GLOBEX") == 7 && total("FIN") == 30)
        let cycle = try cli.run(["account", "set-parent", "ACME", "FIN", "--store", store])
        #expect(cycle.status != 0 && cycle.err.contains("cycle"), "\(cycle.err)")
        let move = try cli.run(["account", "set-parent", "LEG", "GLOBEX", "--store", store])
        #expect(move.status == 0 && move.out.contains("ACME lose LEG's figures"), "\(move.out)")
        #expect(try total("GLOBEX") == 12 && total("ACME") == 30)
        #expect(try cli.run(["account", "link", "C3", "FIN", "--role", "user", "--store", store]).status == 0)
        #expect(try cli.run(["account", "unlink", "C3", "FIN", "--store", store]).status == 0)
        #expect(try cli.run(["account", "note", "GLOBEX", "Quarterly review in May", "--store", store]).status == 0)
        let globex = try #require(try cli.json(["account", "GLOBEX", "--store", store]) as? [String: Any])
        #expect((globex["notes"] as? [[String: Any]])?.first?["text"] as? String == "Quarterly review in May")
        let tree = try cli.run(["account", "tree", "GLOBEX", "--store", store])
        #expect(tree.out.contains("  Legal [LEG] department"), "\(tree.out)")
        let audit = try #require(try cli.json(["audit", "--store", store]) as? [String: Any])
        let actions = (audit["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(
            Array(actions.prefix(5)) == [
                "account.note", "account.unlink", "account.link", "account.parent", "event.attribute"
            ],
            "\(actions)")
    }

    /// A move made now (after every event of 2024): the account and its tree as of a 2024 day
    /// keep the old parent; with `--corrections today`, and without `--as-of`, today's.
    @Test func anAccountAsOfADayHasTheTreeOfThen() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        #expect(try cli.run(["account", "set-parent", "LEG", "GLOBEX", "--store", store]).status == 0)
        let day = ["--as-of", "2024-12-31", "--store", store]
        let then = try #require(try cli.json(["account", "ACME"] + day) as? [String: Any])
        #expect((then["children"] as? [String]) == ["FIN", "LEG"])
        let stood = try #require(then["as_stood_on"] as? [String: Any])
        #expect(stood["corrections"] as? String == "then")
        let total = try #require((then["figures"] as? [String: [String: Any]])?["total"])
        #expect(total["orders"] as? Int == 4 && total["revenue"] as? Double == 42)
        let tree = try cli.run(["account", "tree", "GLOBEX"] + day)
        #expect(tree.status == 0 && !tree.out.contains("[LEG]"), "\(tree.out)")
        let today = try #require(try cli.json(["account", "ACME", "--store", store]) as? [String: Any])
        #expect((today["children"] as? [String]) == ["FIN"] && !(today["as_stood_on"] is [String: Any]))
        let known = try #require(
            try cli.json(["account", "ACME", "--corrections", "today"] + day) as? [String: Any])
        #expect((known["children"] as? [String]) == ["FIN"])
        let text = try cli.run(["account", "ACME"] + day)
        #expect(text.status == 0 && text.out.hasPrefix("as of 2024-12-31"), "\(text.out)")
    }
}
