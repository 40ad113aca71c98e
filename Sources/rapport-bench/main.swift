import Foundation
import RapportApp
import RapportService
import RapportUI

// Usage: rapport-bench STORE [HEAVY_CUSTOMER_ID]
//        rapport-bench items [OPTIONS]   (the item model's build; see ItemsBench.swift)
//        rapport-bench metrics STORE [RUNS]   (`rapport metrics`; see MetricsBench.swift)
//        rapport-bench profile STORE CUSTOMER [RUNS]   (profile and gift flag; see ProfileBench.swift)
//        rapport-bench accounts STORE [ACCOUNT_ID] [RUNS]   (issue 21's budgets; see AccountsBench.swift)
//        rapport-bench pages STORE   (list pages by OFFSET and by keyset; see PagesBench.swift)
// Measures, on an existing store, the explorer's budgets: first screen, key press to
// finished frame while browsing, profile open, gift flag to updated insights, filter per
// key, and resident memory. Prints one line per measure.

func ms(_ d: TimeInterval) -> String { String(format: "%.2f ms", d * 1000) }

func time<T>(_ body: () throws -> T) rethrows -> (T, TimeInterval) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let v = try body()
    return (v, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
}

/// The process's CPU time in seconds (every thread): on a machine shared with builds, a
/// measure's CPU time moves far less than its wall time, so both are printed.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
}

func rssMB() -> (current: Double, peak: Double) {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func kb(_ key: String) -> Double {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return Double(line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
    }
    return (kb("VmRSS:"), kb("VmHWM:"))
}

// Logs go to the app's log file ($RAPPORT_LOG), never to the screen the results are printed on.
Logs.bootstrap()
let args = CommandLine.arguments
// The other benchmarks, each in its own file.
let benches: [String: ([String]) -> Void] = [
    "items": runItemsBench, "metrics": runMetricsBench, "profile": runProfileBench, "accounts": runAccountsBench,
    "pages": runPagesBench
]
if args.count >= 2, let bench = benches[args[1]] {
    bench(Array(args.dropFirst(2)))
    exit(0)
}
guard args.count >= 2 else {
    print("usage: rapport-bench STORE [HEAVY_CUSTOMER_ID]")
    exit(2)
}
let path = args[1]
let heavy = args.count > 2 ? args[2] : nil
/// RAPPORT_BENCH_VERBOSE=1 prints every filter key's time.
let verbose = ProcessInfo.processInfo.environment["RAPPORT_BENCH_VERBOSE"] != nil

// First screen: open the store, first page and count, first frame.
let (explorer, first) = try time { () -> BenchExplorer in
    let ws = try Workspace.open(StoreLocation(path: path, isDefault: false), analyst: "bench")
    return BenchExplorer(.live(ws), storePath: path, readOnly: false)
}
print("first screen (open store, count, first page, first frame): \(ms(first))")
print("  \(explorer.backend.frame.lines()[38])")

// Browsing: key press to finished frame, including any page the move needs.
@MainActor func press(_ k: Key) -> TimeInterval { explorer.press(k) }
var rng = SystemRandomNumberGenerator()
let keyTimes = explorer.browse(using: &rng)
print(
    "browse: \(keyTimes.count) keys, p50 \(ms(percentile(keyTimes, 0.5))), p99 \(ms(percentile(keyTimes, 0.99))), max \(ms(keyTimes.max()!))"
)
var sortTimes: [Double] = []
for _ in 0..<8 { sortTimes.append(press(.char("s"))) }
print(
    "sort change (count + first page of another index): p50 \(ms(percentile(sortTimes, 0.5))), max \(ms(sortTimes.max()!))"
)
var sortedBrowse: [Double] = []
for _ in 0..<200 { sortedBrowse.append(press(BenchExplorer.moves.randomElement(using: &rng)!)) }
print("browse after sort changes: p99 \(ms(percentile(sortedBrowse, 0.99)))")
_ = press(.char("x"))

// Filter as you type.
var filterTimes: [Double] = []
_ = press(.char("/"))
for word in ["mar", "müller", "c0001", "zhang", "山田"] {
    var typed = ""
    for c in word {
        typed.append(c)
        filterTimes.append(press(.char(c)))
        if verbose { print("  filter '\(typed)': \(ms(filterTimes.last!))") }
    }
    for _ in word {
        typed.removeLast()
        filterTimes.append(press(.backspace))
        if verbose { print("  filter '\(typed)' (backspace): \(ms(filterTimes.last!))") }
    }
}
_ = press(.escape)
print(
    "filter as you type: \(filterTimes.count) keys, p50 \(ms(percentile(filterTimes, 0.5))), p99 \(ms(percentile(filterTimes, 0.99))), max \(ms(filterTimes.max()!))"
)

// Profile with every insight, and a gift flag.
let ws = try Workspace.open(StoreLocation(path: path, isDefault: false), analyst: "bench")
if let heavy {
    let key = try ws.customerKey(heavy)
    let n = try ws.history(key).count
    _ = try ws.profile(key) // warm the batch-model cache
    var opens: [Double] = []
    for _ in 0..<20 { opens.append(try time { try ws.profile(key) }.1) }
    print("profile open, \(n) events, every insight: p50 \(ms(percentile(opens, 0.5))), max \(ms(opens.max()!))")
    let (_, load) = try time { try ws.history(key) }
    print("  reading the history alone: \(ms(load))")
    let purchases = try ws.history(key).filter { $0.type == .purchase }
    let purchase: HistoryEvent = try require(purchases.first)
    // As the explorer does it: the profile on screen describes "before"; one read afterwards
    // gives the new profile, the history and the metrics row.
    var gifts: [Double] = []
    var shown = try ws.profile(key)
    for i in 0..<10 {
        let (r, t) = try time {
            try ws.setGift(event: purchase.eventId, isGift: i % 2 == 0, note: String?.none, shown: shown)
        }
        shown = r.profile
        gifts.append(t)
    }
    print(
        "gift flag to updated preferences and recommendations (write, audit, new profile, history, metrics): p50 \(ms(percentile(gifts, 0.5))), max \(ms(gifts.max()!))"
    )
    // The gift dialog's preview: the profile now and as it would be, from one read of the events.
    var previews: [Double] = []
    for i in 0..<10 {
        previews.append(
            try time { try ws.previewGift(event: purchase.eventId, isGift: i % 2 == 0, note: nil, shown: shown) }.1)
    }
    print(
        "gift preview (diff and token, nothing written): p50 \(ms(percentile(previews, 0.5))), max \(ms(previews.max()!))"
    )
}
let rss = rssMB()
print(String(format: "resident memory: now %.0f MB, peak %.0f MB", rss.current, rss.peak))

func require<T>(_ v: T?) throws -> T {
    guard let v else { throw BenchError.missing }
    return v
}

enum BenchError: Error { case missing }
