import Foundation
import RapportApp
import RapportService
import RapportUI

// rapport-bench accounts STORE [ACCOUNT_ID] [RUNS]
// Issue 21's budgets on a store with accounts (`rapport sample --accounts N
// --large-account-members M`): the accounts list's first screen (A, from the customer list, to a
// finished frame), expanding a node of the account's tree (t, to a finished frame), opening an
// account (the account with its members, figures and recommendations, and its firm's tree, as the
// explorer loads them; default ACCOUNT_ID: the account with the most members on the list's first
// page by revenue), a correction's recompute of the figures it touched (a link and its undo), and
// the account figures' share of a full refresh. RUNS times each (default 20).
func runAccountsBench(_ args: [String]) {
    guard !args.isEmpty else {
        print("usage: rapport-bench accounts STORE [ACCOUNT_ID] [RUNS]")
        exit(2)
    }
    let path = args[0]
    let runs = args.count > 2 ? max(3, Int(args[2]) ?? 20) : 20
    do {
        let location = StoreLocation(path: path, isDefault: false)
        let (explorer, opened) = try time { () -> BenchExplorer in
            let ws = try Workspace.open(location, analyst: "bench")
            return BenchExplorer(.live(ws), storePath: path, readOnly: false)
        }
        print("explorer open (customer list's first screen): \(ms(opened))")
        let press = explorer.press
        var lists: [Double] = []
        for _ in 0..<runs {
            lists.append(press(.char("A")))
            _ = press(.escape)
        }
        print("accounts list first screen (A to a finished frame): \(stats(lists))")
        _ = press(.char("A"))
        print("  \(explorer.backend.frame.lines()[2])")

        let ws = try Workspace.open(location, analyst: "bench")
        let (page, total) = try ws.accounts(sort: .revenue, limit: 40)
        let id = args.count > 1 && !args[1].isEmpty ? args[1] : try require(page.max { $0.members < $1.members }).id
        var opens: [Double] = []
        var members = 0
        for _ in 0..<runs {
            opens.append(
                try time {
                    let view = try ws.account(id)
                    members = view.members.count
                    _ = try ws.accountTree(view.path.first ?? view.id)
                }.1)
        }
        print("open account \(id) (\(members) members, of \(total) accounts; view and firm tree): \(stats(opens))")
        // As the explorer opens it: the first window of members and the firm's tree, one read of the firm.
        var screens: [Double] = []
        for _ in 0..<runs {
            screens.append(try time { _ = try ws.accountScreen(id, members: 200) }.1)
        }
        print("open account \(id) as the explorer does (first 200 members, firm tree): \(stats(screens))")

        // Through the explorer: Enter on the list's first row, then t on its tree.
        let (_, entered) = time { press(.enter) }
        print("  Enter on the list's first row to a finished frame: \(ms(entered))")
        var toggles: [Double] = []
        for _ in 0..<max(runs, 50) { toggles.append(press(.char("t"))) }
        print("expand or collapse a tree node (t to a finished frame): \(stats(toggles))")

        // A correction recomputes only the firms it touched.
        let someone = try require(try ws.account(id).members.first).id
        var corrections: [Double] = []
        for _ in 0..<max(3, runs / 4) {
            corrections.append(
                try time { try ws.linkMember(customer: someone, account: id, role: "bench", primary: false) }.1)
            _ = try ws.undo()
        }
        print("link a member (write, audit, the firm's figures recomputed): \(stats(corrections))")

        // The account figures' share of a full refresh, from the refresh's own steps.
        var steps: [(String, Date)] = []
        let started = Date()
        try ws.refresh { step, _ in
            if steps.last?.0 != step { steps.append((step, Date())) }
        }
        let whole = Date().timeIntervalSince(started)
        let begin = steps.first { $0.0 == "account figures" }?.1
        let end = steps.first { $0.0 == "business metrics" }?.1
        if let begin, let end {
            let share = end.timeIntervalSince(begin)
            print(
                String(
                    format: "full refresh %.2f s, of which account figures %.2f s "
                        + "(%.1f%% of the refresh, +%.1f%% over the rest)",
                    whole, share, 100 * share / whole, 100 * share / max(0.001, whole - share)))
        } else {
            print(String(format: "full refresh %.2f s (its steps did not name the account figures)", whole))
        }
    } catch {
        print("rapport-bench accounts: \(error)")
        exit(1)
    }
}

/// p50, p99 and max of some times.
func stats(_ xs: [Double]) -> String {
    "p50 \(ms(percentile(xs, 0.5))), p99 \(ms(percentile(xs, 0.99))), max \(ms(xs.max() ?? 0)) (\(xs.count) runs)"
}
