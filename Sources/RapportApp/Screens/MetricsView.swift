import Foundation
import RapportService
import RapportUI

/// The figures' formats and colours, shared by the metrics screen and its tests.
extension Explorer {
    /// Retention's colour: green from a half, yellow from a fifth, red above nothing. The
    /// percentages are printed in every cell, so the ramp is never the only signal.
    static func heat(_ v: Double, _ theme: Theme) -> Style {
        v >= 0.5
            ? Style(fg: theme.good)
            : v >= 0.2 ? Style(fg: theme.warning) : v > 0 ? Style(fg: theme.danger) : theme.muted
    }

    /// The headline figures, packed into lines of at most `width` columns. A figure is never
    /// cut: figures that do not fit move to the next line whole, and amounts of a million or
    /// more are abbreviated (1.23M) so the lines stay few at 80×24.
    static func headline(_ f: BusinessMetrics, width: Int = 78) -> [String] {
        let aov = f.aov.map(money) ?? "-"
        let frequency = f.purchaseFrequency.map { String(format: "%.2f", $0) } ?? "-"
        let repeatRate = f.repeatRate.map(percent) ?? "-"
        let abandonment = f.cartAbandonment.map(percent) ?? "-"
        let lowAlive = f.clv.pAliveBelowHalfShare.map(percent) ?? "-"
        let recCTR = f.recommendationClickThrough.map(percent) ?? "-"
        let recs =
            f.recommendations.map {
                ["recommendations HR@\($0.k) \(percent($0.hrAtK))", "(\($0.cases) held-out purchases)"]
            } ?? ["recommendations -"]
        let groups: [[String]] = [
            [
                "Customers \(count(f.customers))", "buyers \(count(f.buyers))", "orders \(count(f.orders))",
                "revenue \(amount(f.revenue))", "returns \(amount(f.returns))"
            ],
            [
                "AOV \(aov)", "orders/buyer \(frequency)", "repeat rate \(repeatRate)",
                "cart sessions abandoned \(abandonment) of \(count(f.cartSessions))",
                "rec. clicks \(recCTR) of \(count(f.recommendationImpressions)) shown"
            ],
            [
                "CLV 12 months: total \(amount(f.clv.total)),", "mean \(f.clv.mean.map(amount) ?? "-")",
                "P(alive) < 0.5: \(lowAlive) of customers"
            ],
            recs
        ]
        return groups.flatMap { pack($0, width: width) }
    }

    /// Figures side by side, two spaces apart, a new line where the next would not fit.
    static func pack(_ items: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            if line.isEmpty {
                line = item
            } else if line.count + 2 + item.count <= width {
                line += "  " + item
            } else {
                lines.append(line)
                line = item
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A count in full below ten million, else abbreviated (12.3M).
    static func count(_ n: Int) -> String { n < 10_000_000 ? String(n) : abbreviated(Double(n)) }

    /// Money with cents below a million, else abbreviated (1.23M, 4.56B).
    static func amount(_ v: Double) -> String { abs(v) < 1_000_000 ? money(v) : abbreviated(v) }

    static func abbreviated(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e12 { return String(format: "%.2fT", v / 1e12) }
        if a >= 1e9 { return String(format: "%.2fB", v / 1e9) }
        if a >= 1e6 { return String(format: "%.2fM", v / 1e6) }
        if a >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return String(format: "%.0f", v)
    }

    static func money(_ v: Double) -> String { String(format: "%.2f", v) }
    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func num(_ v: Int, _ width: Int) -> String { right(String(v), width) }
    static func right(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width - 1)) + " " : s + String(repeating: " ", count: width - s.count)
    }
}

/// The business metrics screen: the headline figures and channels, then one panel at a time
/// (Tab): RFM segments, the cohort triangle as a heat map, the segment migration, the CLV
/// histogram, orders and revenue per month. Enter on a segment, cohort or migration row lists
/// its customers.
extension MetricsScreen {
    static func view(_ s: MetricsViewState, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        // The title's `@` marker says what the figures are of, not what the other screens show.
        var env = env
        env.pastDate = s.shown?.scope.stoodOn
        let scope = s.shown?.scope.title ?? "everyone"
        guard let f = s.shown?.figures else {
            env.title(&b, "Metrics \(env.glyphs.bullet) \(scope)", "")
            b.write("Computing…", x: 2, y: r.y + 1, style: env.theme.muted)
            return
        }
        let state = s.opening != nil ? "  listing…" : s.refreshing ? "  refreshing…" : ""
        let cached = s.fromCache ? " (last refresh)" : ""
        env.title(&b, "Metrics \(env.glyphs.bullet) \(scope)", "\(f.since) to \(f.until)\(cached)\(state)")
        var y = r.y
        for line in Explorer.headline(f, width: r.width - 2) where y < r.maxY {
            b.write(line, x: 1, y: y, style: .plain, maxWidth: r.width - 2)
            y += 1
        }
        // Channels: at most four rows, so the panel below keeps room at 80×24.
        if !f.channels.isEmpty && y + 2 < r.maxY {
            b.write(
                "CHANNEL       OPENS   CLICKS    CTOR  PURCHASES", x: 1, y: y, style: env.theme.header,
                maxWidth: r.width - 2)
            y += 1
            for c in f.channels.prefix(4) where y < r.maxY {
                let ctr = c.clickToOpen.map { Explorer.percent($0) } ?? "-"
                let row =
                    Explorer.pad(c.channel, 12) + Explorer.num(c.opens, 7) + Explorer.num(c.clicks, 9)
                    + Explorer.right(ctr, 8)
                    + Explorer.num(c.purchases, 11)
                b.write(row, x: 1, y: y, style: .plain, maxWidth: r.width - 2)
                y += 1
            }
        }
        guard y + 2 < r.maxY else { return }
        var x = 1
        for p in MetricsViewState.Panel.allCases {
            let label = p == s.panel ? "[\(p.title)]" : " \(p.title) "
            b.write(label, x: x, y: y, style: p == s.panel ? env.theme.title : env.theme.muted)
            x += label.count + 1
        }
        let keys =
            "\(env.keymap.keyName(.nextPanel, in: "metrics")) panel  \(env.keymap.keyName(.members, in: "metrics")) customers"
        b.write(keys, x: x + 1, y: y, style: env.theme.muted, maxWidth: max(0, r.width - x - 2))
        y += 1
        panel(s, env, f, &b, Rect(x: r.x, y: y, width: r.width, height: max(0, r.maxY - y)))
    }

    private static func panel(
        _ s: MetricsViewState, _ env: ScreenEnv, _ f: BusinessMetrics, _ b: inout CellBuffer, _ r: Rect
    ) {
        guard r.height >= 2 else { return }
        let header: String
        var rows: [(String, [(String, Style)])] = []
        switch s.panel {
        case .segments:
            header = "RFM SEGMENT          CUSTOMERS       REVENUE        CLV 12M"
            rows = f.segments.map {
                (
                    Explorer.pad($0.segment, 20) + Explorer.num($0.customers, 10)
                        + Explorer.right(Explorer.money($0.revenue), 14)
                        + Explorer.right(Explorer.money($0.clv12m), 15), []
                )
            }
        case .cohorts:
            let months = max(0, (r.width - 18) / 6)
            header = "COHORT    SIZE  " + (0..<months).map { Explorer.right("m\($0)", 6) }.joined()
            rows = f.cohorts.map { c in
                (
                    Explorer.pad(c.month, 8) + Explorer.num(c.size, 6) + "  ",
                    c.retention.prefix(months).map { v in
                        (Explorer.right(String(format: "%.0f%%", v * 100), 6), Explorer.heat(v, env.theme))
                    }
                )
            }
        case .migration:
            header = "FROM (before the window)  TO (at its end)       CUSTOMERS"
            rows = f.migration.map {
                (
                    Explorer.pad($0.from ?? "(first purchase)", 26) + Explorer.pad($0.to, 20)
                        + Explorer.num($0.customers, 11), []
                )
            }
        case .clv:
            header = "CLV 12M FROM     CUSTOMERS"
            let edges = f.clv.clvHistogram.edges
            let counts = f.clv.clvHistogram.counts
            let most = max(1, counts.max() ?? 1)
            let width = max(0, r.width - 30)
            rows = counts.indices.map { i in
                let bar = String(repeating: "#", count: counts[i] * width / most)
                return (Explorer.right(Explorer.money(edges[i]), 12) + Explorer.num(counts[i], 14) + "  " + bar, [])
            }
        case .months:
            // Orders and revenue per month as two bar charts side by side.
            let width = max(0, (r.width - 34) / 2)
            header = "MONTH     ORDERS " + Explorer.pad("", width) + "     REVENUE"
            let mostOrders = max(1, f.months.map(\.orders).max() ?? 1)
            let mostRevenue = max(1, f.months.map(\.revenue).max() ?? 1)
            rows = f.months.map { x in
                let orders = String(repeating: "#", count: x.orders * width / mostOrders)
                let revenue = String(repeating: "#", count: Int(max(0, x.revenue) / mostRevenue * Double(width)))
                return (
                    Explorer.pad(x.month, 8) + Explorer.num(x.orders, 7) + " " + Explorer.pad(orders, width + 1)
                        + Explorer.right(Explorer.money(x.revenue), 12) + " " + revenue, []
                )
            }
        }
        b.write(header, x: 1, y: r.y, style: env.theme.header, maxWidth: r.width - 2)
        let height = r.height - 1
        guard height > 0 else { return }
        let selected = s.selected
        let first = max(0, selected - height + 1)
        for (i, row) in rows.enumerated().dropFirst(first).prefix(height) {
            let y = r.y + 1 + i - first
            let isSelected = i == selected && Explorer.metricsCell(f, s) != nil
            b.write(row.0, x: 1, y: y, style: isSelected ? env.theme.selected : .plain, maxWidth: r.width - 2)
            var x = 1 + row.0.count
            for (text, style) in row.1 where x + text.count < r.width {
                b.write(text, x: x, y: y, style: isSelected ? env.theme.selected : style)
                x += text.count
            }
        }
    }
}
