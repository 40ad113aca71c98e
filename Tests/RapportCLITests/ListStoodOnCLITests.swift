import Foundation
import Testing

/// `rapport customers --as-of D`, `rapport accounts --as-of D` and `rapport metrics --account ID
/// --as-of D` from the command line: the rows of then, each with the figures `profile --as-of D`
/// (or `account ID --as-of D`) gives.
@Suite("Lists and account metrics as of a day, end to end", .serialized)
struct ListStoodOnCLITests {
    static let files: [(String, String)] = [
        ("customers.csv", "customer_id,name\nC1,Ann\nC2,Bo\nC3,Cy\n"),
        ("products.csv", "product_id,title\nP1,Paper\n"),
        ("accounts.csv", "account_id,name,parent_id,kind\nACME,Acme,,company\n"),
        ("memberships.csv", "customer_id,account_id,role,primary,since\nC1,ACME,buyer,true,2024-01-01\n"),
        (
            "events.csv",
            """
            event_id,customer_id,timestamp,type,product_id,amount,account_id
            E1,C1,2024-01-05,purchase,P1,100,
            E2,C1,2024-02-20,purchase,P1,50,
            E3,C2,2024-02-01,purchase,P1,20,
            E4,C3,2024-04-03,purchase,P1,30,
            E5,C1,2024-05-02,purchase,P1,70,

            """
        )
    ]

    /// The files imported now (each test asks about 2024: accounts and memberships count by
    /// their own since dates, not by when they were imported).
    func loaded(_ files: [(String, String)] = files) throws -> (CLI, String) {
        let cli = try CLI()
        let store = cli.dir.appendingPathComponent("s.sqlite").path
        var paths: [String] = []
        for (name, text) in files {
            let url = cli.dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            paths.append(url.path)
        }
        let r = try cli.run(["import", "--store", store] + paths)
        #expect(r.status == 0, "\(r.err)")
        return (cli, store)
    }

    @Test func theListAndAnAccountsMetricsOfThen() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let list = try #require(
            try cli.json(["customers", "--as-of", "2024-03-31", "--store", store]) as? [String: Any])
        let items = try #require(list["items"] as? [[String: Any]])
        // Cy was first seen in April.
        #expect(items.compactMap { $0["id"] as? String } == ["C1", "C2"] && list["total"] as? Int == 2)
        for row in items {
            let id = try #require(row["id"] as? String)
            let p = try #require(
                try cli.json(["profile", id, "--as-of", "2024-03-31", "--store", store]) as? [String: Any])
            let rfm = try #require(p["rfm"] as? [String: Any])
            #expect(row["rfm_segment"] as? String == rfm["segment"] as? String)
            #expect(
                row["orders"] as? Int == rfm["orders"] as? Int && row["spend"] as? Double == rfm["spend"] as? Double)
            #expect(row["recency_days"] as? Int == rfm["recency_days"] as? Int)
        }
        #expect(items.first?["orders"] as? Int == 2)
        let refused = try cli.run(["customers", "--as-of", "2024-03-31", "--segment", "champions", "--store", store])
        #expect(refused.status != 0 && refused.err.contains("--segment and --stage are today's"))
        let bySpend = try cli.run(["customers", "--as-of", "2024-03-31", "--sort", "spend", "--store", store])
        #expect(bySpend.status == 0 && bySpend.err.contains("sorted by name"))
        // Acme's metrics of then: Ann's two purchases by 31 March, not May's.
        let acme = try #require(
            try cli.json(["metrics", "--account", "ACME", "--as-of", "2024-03-31", "--store", store]) as? [String: Any])
        #expect(acme["orders"] as? Int == 2 && acme["revenue"] as? Double == 150)
        let today = try #require(try cli.json(["metrics", "--account", "ACME", "--store", store]) as? [String: Any])
        #expect(today["orders"] as? Int == 3)
    }

    @Test func theAccountsListOfThen() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let list = try #require(
            try cli.json(["accounts", "--as-of", "2024-03-31", "--store", store]) as? [String: Any])
        let items = try #require(list["items"] as? [[String: Any]])
        // Ann's January 100 and February 50; her May 70 came after the day.
        #expect(items.compactMap { $0["id"] as? String } == ["ACME"] && list["total"] as? Int == 1)
        #expect(items.first?["revenue"] as? Double == 150 && items.first?["members"] as? Int == 1)
        let then = try #require(
            try cli.json(["account", "ACME", "--as-of", "2024-03-31", "--store", store]) as? [String: Any])
        let total = try #require((then["figures"] as? [String: [String: Any]])?["total"])
        #expect(items.first?["revenue"] as? Double == total["revenue"] as? Double)
        let today = try #require(try cli.json(["accounts", "--store", store]) as? [String: Any])
        #expect((today["items"] as? [[String: Any]])?.first?["revenue"] as? Double == 220)
        let byRevenue = try cli.run(["accounts", "--as-of", "2024-03-31", "--sort", "revenue", "--store", store])
        #expect(byRevenue.status == 0 && byRevenue.err.contains("sorted by name"), "\(byRevenue.err)")
        #expect(byRevenue.out.contains("150.00"), "\(byRevenue.out)")
    }

    /// Ann's accounts of 31 March: ACME, with its row of that day; in text and `--json`.
    @Test func aPersonsAccountsOfThen() throws {
        let (cli, store) = try loaded()
        defer { cli.cleanup() }
        let day = ["--as-of", "2024-03-31", "--store", store]
        let mine = try #require(try cli.json(["accounts", "--customer", "C1"] + day) as? [String: Any])
        let items = try #require(mine["items"] as? [[String: Any]])
        #expect(items.count == 1 && mine["total"] as? Int == 1)
        let account = try #require(items.first?["account"] as? [String: Any])
        #expect(account["id"] as? String == "ACME" && account["revenue"] as? Double == 150)
        #expect(items.first?["role"] as? String == "buyer" && items.first?["primary"] as? Bool == true)
        let today = try #require(try cli.json(["accounts", "--customer", "C1", "--store", store]) as? [String: Any])
        #expect(
            ((today["items"] as? [[String: Any]])?.first?["account"] as? [String: Any])?["revenue"] as? Double == 220)
        let text = try cli.run(["accounts", "--customer", "C1"] + day)
        #expect(text.status == 0 && text.out.contains("ACME") && text.out.contains("buyer"), "\(text.err)")
        // Cy bought but belongs to nothing.
        #expect((try cli.json(["accounts", "--customer", "C3"] + day) as? [String: Any])?["total"] as? Int == 0)
    }

    /// ACME a client since 1 April 2024 (accounts.csv's `since`): not there on 31 March.
    @Test func anAccountWhoseSinceIsAfterTheDayIsNotInIt() throws {
        let (cli, store) = try loaded(
            Self.files.map {
                $0.0 == "accounts.csv"
                    ? ($0.0, "account_id,name,parent_id,kind,since\nACME,Acme,,company,2024-04-01\n") : $0
            })
        defer { cli.cleanup() }
        let day = ["--as-of", "2024-03-31", "--store", store]
        let list = try #require(try cli.json(["accounts"] + day) as? [String: Any])
        #expect(list["total"] as? Int == 0)
        let one = try cli.run(["account", "ACME"] + day)
        #expect(
            one.status != 0
                && one.err.contains("account 'ACME' did not exist on 2024-03-31: its since date is after that day"),
            "\(one.err)")
        let april = try #require(try cli.json(["account", "ACME", "--store", store]) as? [String: Any])
        #expect(april["since"] as? String == "2024-04-01")
        let mine = try #require(try cli.json(["accounts", "--customer", "C1"] + day) as? [String: Any])
        #expect(mine["total"] as? Int == 0)
        let today = try #require(try cli.json(["accounts", "--store", store]) as? [String: Any])
        #expect(today["total"] as? Int == 1)
    }
}
