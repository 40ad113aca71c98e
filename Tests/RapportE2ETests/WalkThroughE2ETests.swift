import Foundation
import Testing

@Suite("A first session, step by step (tmux, 80x24)", .serialized, .enabled(if: E2E.tmuxAvailable))
struct WalkThroughE2ETests {
    /// list → filter → profile → reason popup → history → gift → undo → back stack → quit,
    /// with the screen checked at every step.
    @Test func listFilterProfileReasonHistoryGiftUndoBackQuit() throws {
        let e = try E2E()
        defer { e.cleanup() }
        let profile = try #require(try e.json(["profile", "C00001"]) as? [String: Any])
        let recs = try #require(profile["recommendations"] as? [[String: Any]])
        let reason = try #require(recs.first?["reason"] as? String)
        let history = try #require(try e.allItems(["history", "C00001"]))
        let firstPurchase = try #require(
            history.first { $0["type"] as? String == "purchase" && $0["gift"] as? Bool == false }?["event_id"]
                as? String)
        #expect(history.first { $0["type"] as? String == "purchase" }?["event_id"] as? String == firstPurchase)

        let t = try e.session()
        // The list.
        var screen = try t.waitFor(text: "/2000 customers")
        #expect(screen.contains("NAME") && screen.contains("Enter open"))
        // Filter as you type.
        try t.send("/")
        try t.type("Lindqvist")
        screen = try t.waitFor("the filtered list") { $0.contains("filter: Lindqvist") && $0.contains("1/1 customers") }
        #expect(screen.contains("Margot Lindqvist"))
        // The profile.
        try t.send("Enter")
        try t.send("Enter")
        screen = try t.waitFor("the whole profile") {
            $0.contains("Margot Lindqvist  [C00001]") && $0.contains("Recommendations") && $0.contains("Care")
        }
        // The first recommendation's reason, cut with an ellipsis in the panel if long; Enter shows it whole.
        try t.send("Tab")
        try t.send("Tab")
        try t.send("Enter")
        // The popup (76 columns, centred) covers the panels: its text is read from its own columns.
        // A capture can land while the terminal is still drawing it: poll until it is whole.
        let words = reason.split(separator: " ").joined(separator: " ")
        func popupText(_ s: String) -> String {
            s.split(separator: "\n").map { line -> String in
                let cells = Array(line)
                return cells.count > 3 ? String(cells[3..<min(cells.count, 77)]) : ""
            }.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        screen = try t.waitFor("the reason popup with the whole reason '\(reason)'") {
            $0.contains("Recommendation:") && $0.contains("any key closes") && popupText($0).contains(words)
        }
        try t.send("Escape")
        try t.waitFor("the popup closed") { !$0.contains("any key closes") && $0.contains("Recommendations") }
        // The history, purchases only.
        try t.send("H")
        try t.waitFor("the history loaded") {
            $0.contains("History • Margot Lindqvist") && $0.contains("\(history.count) of \(history.count) events")
        }
        try t.send("t")
        screen = try t.waitFor(text: "type: purchase")
        #expect(screen.contains("QTY") && screen.contains("f gift"))
        // Flag the newest purchase as a gift, with a note, and see the note in its details.
        try t.send("f")
        try t.waitFor(text: "Flag \(firstPurchase) as a gift")
        try t.type("for the grandchildren")
        try t.send("Enter")
        try t.waitFor(text: "\(firstPurchase) flagged as a gift")
        try t.send("Enter")
        // The dialog's body, not only its title: tmux may show the frame before the lines inside.
        screen = try t.waitFor("the details with the gift note") {
            $0.contains("Event \(firstPurchase)") && $0.contains("gift: for the grandchildren")
        }
        try t.send("Escape")
        try t.waitFor("the details closed") { !$0.contains("Event \(firstPurchase)") }
        // Undo walks the action log: the flag was this session's only correction.
        try t.send("u")
        try t.waitFor(text: "undone: flagged \(firstPurchase)")
        try t.send("u")
        try t.waitFor(text: "nothing to undo")
        // The back stack: history → profile; profile → segments → back to the profile; → list.
        try t.send("Escape")
        try t.waitFor("the profile again") { $0.contains("[C00001]") && $0.contains("Preferences") }
        try t.send("S")
        try t.waitFor(text: "Rapport • Segments")
        try t.send("Escape")
        try t.waitFor("the profile after segments") { $0.contains("[C00001]") && $0.contains("Preferences") }
        try t.send("h")
        screen = try t.waitFor("the list, still filtered") {
            $0.contains("filter: Lindqvist") && $0.contains("1/1 customers")
        }
        // Quit: the terminal is as it was.
        try t.send("q")
        E2E.checkRestored(try t.waitFor(text: "[end]"), status: "0")
        // The store agrees with the screen: the undo left the purchase as it was.
        let after = try #require(try e.allItems(["history", "C00001"]))
        #expect(after.first { $0["event_id"] as? String == firstPurchase }?["gift"] as? Bool == false)
    }

    @Test func aTerminalThatCannotMoveTheCursorGetsAClearErrorAndIsLeftAlone() throws {
        let e = try E2E()
        defer { e.cleanup() }
        let t = try e.session(env: ["TERM": "dumb"])
        let screen = try t.waitFor(text: "[end]")
        // The message wraps at 80 columns: read it as one line.
        let text = screen.replacingOccurrences(of: "\n", with: "")
        #expect(text.contains("needs a terminal that can move the cursor (TERM=dumb cannot)"), "\(screen)")
        #expect(text.contains("'rapport customers'"))
        E2E.checkRestored(screen, status: "1")
    }
}
