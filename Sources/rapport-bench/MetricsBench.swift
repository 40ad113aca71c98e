import Foundation
import RapportService

// rapport-bench metrics STORE [RUNS]
// Times `rapport metrics` as the service computes it (the default window over everyone), RUNS
// times (default 5) in one process: wall and CPU seconds of each run, then the median. Drop the
// OS cache of the store's files before the run to measure the first run cold.
func runMetricsBench(_ args: [String]) {
    guard let path = args.first else {
        print("usage: rapport-bench metrics STORE [RUNS]")
        exit(2)
    }
    let runs = args.count > 1 ? max(1, Int(args[1]) ?? 5) : 5
    func cpu() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
    do {
        let (ws, open) = try time {
            try Workspace.open(StoreLocation(path: path, isDefault: false), analyst: "bench", readOnly: true)
        }
        print("open store: \(ms(open))")
        // What the metrics screen shows at once: the last full refresh's figures for everyone.
        let (cached, cacheTime) = try time { try ws.cachedMetrics() }
        print("stored figures for the screen: \(ms(cacheTime)) (\(cached == nil ? "none stored" : "found"))")
        var walls: [Double] = []
        for i in 1...runs {
            let c0 = cpu()
            let (m, wall) = try time { try ws.metrics() }
            walls.append(wall)
            print(
                "metrics run \(i): \(ms(wall)) wall, \(ms(cpu() - c0)) cpu; \(m.customers) customers, "
                    + "\(m.orders) orders, recommendations sample \(m.recommendations?.sample ?? 0)")
        }
        print("metrics median of \(runs): \(ms(percentile(walls, 0.5))); peak RSS \(Int(rssMB().peak)) MB")
    } catch {
        print("error: \(error)")
        exit(1)
    }
}
