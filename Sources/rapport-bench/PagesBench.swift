import Foundation
import RapportApp
import RapportEngine
import RapportService
import RapportUI
import RapportVocabulary

// rapport-bench pages STORE
// The customer list's pages read by OFFSET (the code before issue 23's keyset pages, kept as
// `Workspace.customerPageByOffset`) and by keyset (`Workspace.customerPage`), in one session on
// one store, each through the real explorer: the same key presses (a seeded sequence), End then
// PgUp, and pages of 200 rows (the explorer's window) read at a quarter, half and three quarters
// of the list by each sort.

func runPagesBench(_ args: [String]) {
    guard let path = args.first else {
        print("usage: rapport-bench pages STORE")
        exit(2)
    }
    do {
        let ws = try Workspace.open(StoreLocation(path: path, isDefault: false), analyst: "bench")
        var byOffset = ExplorerClient.live(ws)
        byOffset.customerPage = { try ws.customerPageByOffset($0, offset: $1, limit: $2, total: $3) }
        for (name, client) in [("OFFSET", byOffset), ("keyset", ExplorerClient.live(ws))] {
            try pagesBench(name, client, path)
        }
    } catch {
        print("error: \(error)")
        exit(1)
    }
}

private func pagesBench(_ name: String, _ client: ExplorerClient, _ path: String) throws {
    let explorer = BenchExplorer(client, storePath: path, readOnly: true)
    let press = explorer.press
    // Seeded: both readings get the same key presses.
    var rng = SeededRandom(state: 23)
    let browse = explorer.browse(using: &rng)
    print(
        "\(name): browse \(browse.count) keys, p50 \(ms(percentile(browse, 0.5))), p99 \(ms(percentile(browse, 0.99))), max \(ms(browse.max()!))"
    )
    for sort in [ListSort.name, .spend, .recency] {
        let q = ListQuery(sort: sort)
        let total = try client.customerCount(q, nil)
        // Deep in the list from the explorer: End, then PgUp.
        var deep: [Double] = []
        while explorer.runtime.model.list.query.sort != sort { _ = press(.char("s")) }
        let end = press(.end)
        for _ in 0..<60 { deep.append(press(.pageUp)) }
        _ = press(.home)
        // Pages of 200 at far positions, as a jump (a scrollbar drag, `list --offset`) asks.
        var far: [String] = []
        for share in [0.25, 0.5, 0.75, 0.5] {
            let offset = Int(Double(total) * share)
            let t = try time { try client.customerPage(q, offset, 200, total) }.1
            far.append("\(Int(share * 100))% \(ms(t))")
        }
        print(
            "\(name) by \(sort.rawValue): End \(ms(end)), then PgUp p50 \(ms(percentile(deep, 0.5))), max \(ms(deep.max()!)); a page of 200 at \(far.joined(separator: ", "))"
        )
    }
}
