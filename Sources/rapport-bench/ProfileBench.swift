import Foundation
import RapportService

// rapport-bench profile STORE CUSTOMER [RUNS]
// The profile and the gift flag alone (no explorer screens), RUNS times each (default 30), with
// the profile split into stages: reading the history (`history`, the events and their display
// rows), the insight (`customerInsight`, which reads the events again, less the history read)
// and rendering the report (`profile` less `customerInsight`). Stage figures are medians of
// separate calls, so they add up to the profile's median only roughly. Then the gift flag's
// preview (`--dry-run`, the dialog's preview, with the profile on screen) and the profile as it
// stood 30 days before the customer's newest event (`--as-of`, corrections then).
func runProfileBench(_ args: [String]) {
    guard args.count >= 2 else {
        print("usage: rapport-bench profile STORE CUSTOMER [RUNS]")
        exit(2)
    }
    let runs = args.count > 2 ? max(3, Int(args[2]) ?? 30) : 30
    do {
        let ws = try Workspace.open(StoreLocation(path: args[0], isDefault: false), analyst: "bench")
        let key = try ws.customerKey(args[1])
        let n = try ws.history(key).count
        _ = try ws.profile(key) // warm the batch-model cache
        // Medians of wall time, and of CPU time (`cpu`), kept per label for the summary line.
        var cpu: [String: Double] = [:]
        func median(_ label: String, _ body: () throws -> Void) rethrows -> Double {
            var xs: [Double] = []
            var cs: [Double] = []
            for _ in 0..<runs {
                let c0 = cpuSeconds()
                xs.append(try time(body).1)
                cs.append(cpuSeconds() - c0)
            }
            cpu[label] = percentile(cs, 0.5)
            return percentile(xs, 0.5)
        }
        let read = try median("read") { _ = try ws.history(key) }
        let insight = try median("insight") { _ = try ws.customerInsight(key) }
        let profile = try median("profile") { _ = try ws.profile(key) }
        print("profile, \(n) events: p50 \(ms(profile))")
        print(
            "  history read \(ms(read)), insight \(ms(max(0, insight - read))), rendering \(ms(max(0, profile - insight)))"
        )
        let purchase = try require(try ws.history(key).first { $0.type == .purchase })
        var shown = try ws.profile(key)
        var gifts: [Double] = []
        var giftCPU: [Double] = []
        for i in 0..<runs {
            let c0 = cpuSeconds()
            let (r, t) = try time {
                try ws.setGift(event: purchase.eventId, isGift: i % 2 == 0, note: String?.none, shown: shown)
            }
            giftCPU.append(cpuSeconds() - c0)
            shown = r.profile
            gifts.append(t)
        }
        cpu["gift"] = percentile(giftCPU, 0.5)
        if runs % 2 == 1 { _ = try ws.setGift(event: purchase.eventId, isGift: false, note: String?.none) }
        print("gift flag: p50 \(ms(percentile(gifts, 0.5))), max \(ms(gifts.max()!))")
        shown = try ws.profile(key)
        let preview = try median("preview") {
            _ = try ws.previewGift(event: purchase.eventId, isGift: true, note: String?.none, shown: shown)
        }
        print("gift preview: p50 \(ms(preview))")
        let newest = try require(try ws.history(key).first).time.seconds
        let past = PointInTime(moment: newest - 30 * 86_400)
        _ = try ws.profile(key, stoodOn: past) // the first may fit and keep the models of that day
        let asOf = try median("asOf") { _ = try ws.profile(key, stoodOn: past) }
        print("profile as of \(past.label): p50 \(ms(asOf)) (\(String(format: "%.2f", asOf / profile))× today's)")
        // CPU medians: what the machine's load does not move much.
        let order = ["profile", "read", "insight", "gift", "preview", "asOf"]
        print("cpu p50: " + order.compactMap { k in cpu[k].map { "\(k) \(ms($0))" } }.joined(separator: ", "))
    } catch {
        print("rapport-bench profile: \(error)")
        exit(1)
    }
}
