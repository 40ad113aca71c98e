import Foundation
import Testing

/// The corrections on the command line: `--dry-run --json` previews with a token, `--expect`
/// commits exactly that or is refused, and `undo`, `redo`, `log`, `purge` and `note --edit` /
/// `--delete` work from separate processes, as scripts use them.
@Suite("Corrections on the command line", .serialized)
struct CorrectionsCLITests {
    @Test func previewCommitUndoRedoAndTheLog() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let s = ["--store", store, "--analyst", "ana"]
        let profileBefore = try cli.run(["profile", "C00001", "--json"] + s).out
        // Margot's December 2025 toys: E0000066 is the purchase whose flag drops Toys.
        let preview = try #require(try cli.json(["gift", "E0000066", "--dry-run"] + s) as? [String: Any])
        let token = try #require(preview["token"] as? String)
        let diff = try #require(preview["diff"] as? [String: Any])
        #expect(preview["customer"] as? String == "C00001")
        #expect(
            Set(diff.keys) == [
                "preferences", "recommendations_in", "recommendations_out", "segment", "stage", "replenishment",
                "summary"
            ])
        #expect(diff["segment"] is NSNull && preview["held_for"] is NSNull)
        #expect(try cli.run(["profile", "C00001", "--json"] + s).out == profileBefore, "a dry run wrote")

        // A note changes nothing a preview shows; another analyst's gift does: the token is refused.
        var r = try cli.run(["note", "C00001", "Asked about gifts"] + s)
        #expect(r.status == 0 && r.out.hasPrefix("note ") && r.out.hasSuffix(" added to C00001\n"))
        let committed = try cli.run(["gift", "E0000066", "--expect", token, "--json"] + s)
        #expect(committed.status == 0)
        let committedDiff = try JSONSerialization.jsonObject(with: committed.outData) as? [String: Any]
        #expect((committedDiff?["summary"] as? [String]) == (diff["summary"] as? [String]))
        let stale = try cli.run(["gift", "E0000063", "--expect", token] + s)
        #expect(stale.status == 1 && stale.err.contains("changed since the preview: look again"))

        let clear = try #require(
            try cli.json(["clear-history", "C00001", "--last", "30d", "--dry-run"] + s) as? [String: Any])
        #expect(clear["held_for"] as? String == "24 hours" && (clear["events"] as? Int ?? 0) > 0)
        r = try cli.run(["clear-history", "C00001", "--last", "30d", "--expect", clear["token"] as! String] + s)
        #expect(r.status == 0 && r.out.contains("held 24 hours: 'rapport undo' brings them back"))

        let log = try #require(try cli.json(["log"] + s) as? [String: Any])
        let items = try #require(log["items"] as? [[String: Any]])
        #expect(items.map { $0["action"] as? String } == ["history.clear", "gift.flag", "note.add"])
        #expect(items[1]["command"] as? String == "rapport gift E0000066")
        #expect(items[0]["held_until"] is String && items[1]["held_until"] is NSNull)
        #expect(try cli.run(["log", "--analyst", "bea", "--json", "--store", store]).out.contains("\"total\" : 0"))

        for expected in ["undone: cleared", "undone: flagged E0000066", "undone: added note"] {
            r = try cli.run(["undo"] + s)
            #expect(r.status == 0 && r.out.hasPrefix(expected), "\(r.out)")
        }
        #expect(try cli.run(["undo"] + s).out == "nothing to undo\n")
        #expect(try cli.run(["profile", "C00001", "--json"] + s).out == profileBefore)
        r = try cli.run(["redo", "--json"] + s)
        let redone = try JSONSerialization.jsonObject(with: r.outData) as? [String: Any]
        #expect(redone?["done"] as? Bool == true)
        #expect((redone?["outcome"] as? [String: Any])?["did"] as? String == "redo")
    }

    @Test func notesAreEditedAndDeletedAndPurgeNowMeansNoUndo() throws {
        let cli = try CLI()
        defer { cli.cleanup() }
        let store = try cli.sampleCopy()
        let s = ["--store", store, "--analyst", "ana"]
        var r = try cli.run(["note", "C00002", "first"] + s)
        let number = try #require(r.out.split(separator: " ").dropFirst().first.map(String.init))
        r = try cli.run(["note", "C00002", "--edit", number, "second"] + s)
        #expect(r.status == 0 && r.out == "note \(number) of C00002 edited\n")
        r = try cli.run(["note", "C00002", "--delete", number, "extra"] + s)
        #expect(r.status == 2 && r.err.contains("--delete takes no text"))
        r = try cli.run(["note", "C00002", "--delete", number] + s)
        #expect(r.status == 0)
        r = try cli.run(["note", "C00002", "--delete", number] + s)
        #expect(r.status == 1 && r.err.contains("C00002 has no note \(number)"))
        r = try cli.run(["undo"] + s)
        #expect(r.out == "undone: deleted note \(number) of C00002\n")

        r = try cli.run(["clear-history", "C00002", "--all", "--types", "view", "--purge-now"] + s)
        #expect(r.status == 0 && !r.out.contains("held"))
        r = try cli.run(["undo"] + s)
        // The note edit is older than the purged clear: undo passes the clear by and takes it back.
        #expect(r.status == 0 && r.out == "undone: edited note \(number) of C00002\n")
        let log = try #require(try cli.json(["log"] + s) as? [String: Any])
        let states = (log["items"] as? [[String: Any]])?.map { $0["state"] as? String }
        // Newest first: the purged clear; the undone delete, dropped by the clear; the edit just undone; the add.
        #expect(states == ["purged", "dropped", "undone", "done"])
        r = try cli.run(["purge"] + s)
        #expect(r.status == 0 && r.out == "purged 0 held events\n")
        // The log quotes note text: --redact masks emails and phones in it, as `audit` does.
        r = try cli.run(["note", "C00002", "mail her at someone@example.org"] + s)
        #expect(try cli.run(["log"] + s).out.contains("someone@example.org"))
        #expect(try !cli.run(["log", "--redact"] + s).out.contains("someone@example.org"))
    }
}
