import Foundation
import RapportService
import RapportUI

/// The business metrics screen: the headline figures, then channels beside RFM segments, then
/// cohort retention, each cut to the rows that fit.
extension Explorer {
    func drawMetrics(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        let scope = m.metrics?.segment ?? "everyone"
        guard let f = m.metrics?.figures else {
            title(m, &b, "Metrics \(m.glyphs.bullet) \(scope)", "")
            b.write("Computing…", x: 2, y: r.y + 1, style: m.theme.muted)
            return
        }
        title(m, &b, "Metrics \(m.glyphs.bullet) \(scope)", "\(f.since) to \(f.until)")
        var y = r.y
        for line in Self.headline(f) {
            b.write(line, x: 1, y: y, style: .plain, maxWidth: r.width - 2)
            y += 1
        }
        y += 1
        let half = r.width / 2
        let top = y
        b.write("CHANNEL     OPENS  CLICKS    CTR  BUYS", x: 1, y: y, style: m.theme.header, maxWidth: half - 2)
        for (i, c) in f.channels.prefix(max(0, r.maxY - y - 6)).enumerated() {
            let ctr = c.clickThrough.map { Self.percent($0) } ?? "-"
            let row =
                Self.pad(c.channel, 10) + Self.num(c.opens, 7) + Self.num(c.clicks, 8) + Self.right(ctr, 7)
                + Self.num(c.purchases, 6)
            b.write(row, x: 1, y: top + 1 + i, style: .plain, maxWidth: half - 2)
        }
        b.write(
            "SEGMENT            CUSTOMERS   REVENUE", x: half, y: top, style: m.theme.header, maxWidth: r.width - half)
        let segments = f.segments.prefix(max(0, r.maxY - top - 6))
        for (i, s) in segments.enumerated() {
            let row = Self.pad(s.segment, 18) + Self.num(s.customers, 10) + Self.right(Self.money(s.revenue), 10)
            b.write(row, x: half, y: top + 1 + i, style: .plain, maxWidth: r.width - half - 1)
        }
        y = top + 2 + max(segments.count, min(f.channels.count, max(0, r.maxY - top - 6)))
        drawCohorts(m, f, &b, Rect(x: r.x, y: y, width: r.width, height: max(0, r.maxY - y)))
    }

    private func drawCohorts(_ m: AppModel, _ f: BusinessMetrics, _ b: inout CellBuffer, _ r: Rect) {
        guard r.height >= 2, !f.cohorts.isEmpty else { return }
        let months = max(0, (r.width - 18) / 6)
        var header = "COHORT    SIZE  "
        for k in 0..<months { header += Self.right("m\(k)", 6) }
        b.write(header, x: 1, y: r.y, style: m.theme.header, maxWidth: r.width - 2)
        for (i, c) in f.cohorts.suffix(r.height - 1).enumerated() {
            var row = Self.pad(c.month, 8) + Self.num(c.size, 6) + "  "
            for v in c.retention.prefix(months) { row += Self.right(Self.percent(v), 6) }
            b.write(row, x: 1, y: r.y + 1 + i, style: .plain, maxWidth: r.width - 2)
        }
    }

    static func headline(_ f: BusinessMetrics) -> [String] {
        let aov = f.aov.map(money) ?? "-"
        let frequency = f.purchaseFrequency.map { String(format: "%.2f", $0) } ?? "-"
        let repeatRate = f.repeatRate.map(percent) ?? "-"
        let abandonment = f.cartAbandonment.map(percent) ?? "-"
        let atRisk = f.clv.atRiskShare.map(percent) ?? "-"
        return [
            "Customers \(f.customers)   buyers \(f.buyers)   orders \(f.orders)   revenue \(money(f.revenue))"
                + "   returns \(money(f.returns))",
            "AOV \(aov)  orders/buyer \(frequency)  repeat rate \(repeatRate)  carts abandoned "
                + "\(abandonment) of \(f.carts)",
            "CLV 12 months: total \(money(f.clv.total)), mean \(f.clv.mean.map(money) ?? "-")   "
                + "P(alive) < 0.5: \(atRisk) of customers"
        ]
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
