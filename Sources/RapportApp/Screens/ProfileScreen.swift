import Foundation
import RapportService
import RapportUI

/// One customer: preferences, value, recommendations and care, a panel at a time in focus.
public struct ProfileState: Sendable {
    public var key: Int64
    public var report: ProfileReport?
    public var panel = 0
    public var scroll = [0, 0, 0, 0]
    public var selectedPreference = 0
    /// The selected row of the recommendations panel and of the care panel.
    public var selectedRec = 0
    public var selectedCare = 0
    public var evidenceOpen = false
}

/// The profile screen as a component: its own actions and answers, and a pure view.
enum ProfileScreen {
    enum Action {
        case move(Int)
        case nextPanel
        case prevPanel
        /// The store's answer (already redacted under --redact), kept if it is the customer shown.
        case loaded(ProfileReport)
    }

    static func update(_ p: inout ProfileState, _ action: Action, _ env: ScreenEnv) -> [Command<AppMessage>] {
        switch action {
        case .move(let d):
            if p.panel == 0 {
                p.selectedPreference = stepped(
                    p.selectedPreference, by: d, count: max(1, p.report?.preferences.inferred.count ?? 1))
            } else if p.panel == 2 {
                p.selectedRec = stepped(p.selectedRec, by: d, count: max(1, p.report?.recommendations.count ?? 1))
            } else if p.panel == 3 {
                p.selectedCare = stepped(
                    p.selectedCare, by: d, count: max(1, p.report.map { Explorer.careRows($0, env).count } ?? 1))
            } else {
                p.scroll[p.panel] = max(0, p.scroll[p.panel] + (d > 0 ? 1 : -1) * min(abs(d), 1000))
            }
        case .nextPanel: p.panel = (p.panel + 1) % 4
        case .prevPanel: p.panel = (p.panel + 3) % 4
        case .loaded(let r):
            guard p.key == r.customer.key else { return [] }
            p.report = r
            // A reload may bring fewer rows: selections stay on a row that exists.
            p.selectedPreference = max(0, min(p.selectedPreference, r.preferences.inferred.count - 1))
            p.selectedRec = max(0, min(p.selectedRec, r.recommendations.count - 1))
            p.selectedCare = max(0, min(p.selectedCare, Explorer.careRows(r, env).count - 1))
        }
        return []
    }

    static let hints = ["next_panel", "history", "evidence", "note", "export", "erase", "help", "back"]

    static func status(_ p: ProfileState?) -> String { p?.report.map { "\($0.customer.id)" } ?? "loading…" }

    static func redacted(_ s: String?, email: Bool, _ env: ScreenEnv) -> String? {
        guard let s, env.redact else { return s }
        return email ? Redaction.email(s) : Redaction.phone(s)
    }

    static func view(_ profile: ProfileState?, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        guard let p = profile, let rep = p.report else {
            env.title(&b, "Profile", "")
            b.write("Loading…", x: 2, y: r.y + 1, style: env.theme.muted)
            return
        }
        let c = rep.customer, g = env.glyphs, t = env.theme
        env.title(&b, "Profile", Explorer.asOfLine(rep))
        var line1 = "\(c.name ?? "(no name)")  [\(c.id)]"
        if let by = c.birthYear, let asOf = rep.asOf {
            let age = asOf.year - by
            line1 += "  age \(age / 10 * 10)s"
        }
        let place = [c.city, c.country].compactMap { $0 }.joined(separator: ", ")
        if !place.isEmpty { line1 += "  \(place)" }
        b.write(line1, x: 1, y: r.y, width: r.width - 2, style: t.title, glyphs: g)
        func badge(_ name: String, _ v: Bool?) -> String { "\(name) \(v == nil ? "?" : v! ? g.check : g.cross)" }
        var line2 = [
            badge("pers", c.consent.personalization), badge("email", c.consent.email),
            badge("sms", c.consent.sms), badge("push", c.consent.push)
        ].joined(separator: " ")
        let ch = rep.channel
        line2 += "  channel: says \(ch.stated ?? "-"), engages \(ch.inferred ?? "-")"
        if ch.differs == true { line2 += " (differs)" }
        b.write(line2, x: 1, y: r.y + 1, width: r.width - 2, glyphs: g)
        if let e = redacted(c.email, email: true, env) {
            let ph = redacted(c.phone, email: false, env).map { "  \($0)" } ?? ""
            b.write(e + ph, x: 1, y: r.y + 2, width: r.width - 2, style: t.muted, glyphs: g)
        }
        let grid = Rect(x: r.x, y: r.y + 3, width: r.width, height: r.height - 3)
        let (top, bottom) = grid.splitTop(grid.height / 2 + 1)
        let (tl, tr) = top.splitLeft(ratio: 0.5)
        let (bl, br) = bottom.splitLeft(ratio: 0.5)
        drawPreferences(
            env, p, rep, &b, Block(title: "Preferences", focused: p.panel == 0).render(tl, into: &b, env.context))
        drawValue(env, rep, &b, Block(title: "Value", focused: p.panel == 1).render(tr, into: &b, env.context))
        drawRecommendations(
            env, p, rep, &b, Block(title: "Recommendations", focused: p.panel == 2).render(bl, into: &b, env.context))
        drawCare(env, p, rep, &b, Block(title: "Care", focused: p.panel == 3).render(br, into: &b, env.context))
    }

    static func drawPreferences(
        _ env: ScreenEnv, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect
    ) {
        guard r.height > 0 else { return }
        var y = r.y
        let likes = rep.preferences.stated.filter { $0.polarity == .like }.map {
            $0.label
        }
        let dislikes = rep.preferences.stated.filter { $0.polarity == .dislike }.map {
            $0.label
        }
        b.write(
            "says likes: " + (likes.isEmpty ? "-" : likes.joined(separator: ", ")), x: r.x, y: y, width: r.width,
            style: env.theme.ok, glyphs: env.glyphs)
        y += 1
        b.write(
            "says dislikes: " + (dislikes.isEmpty ? "-" : dislikes.joined(separator: ", ")), x: r.x, y: y,
            width: r.width, style: env.theme.warn, glyphs: env.glyphs)
        y += 1
        let inferred = rep.preferences.inferred
        if inferred.isEmpty {
            let text =
                rep.customer.consent.personalization == false
                ? "not inferred: no personalization consent" : "no inferred preferences yet"
            b.write(text, x: r.x, y: y, width: r.width, style: env.theme.muted, glyphs: env.glyphs)
            return
        }
        let rows = r.maxY - y
        let offset = Table.scroll(offset: 0, selected: p.selectedPreference, height: rows, count: inferred.count)
        let nameWidth = max(8, r.width - 18)
        for (i, pref) in inferred.enumerated().dropFirst(offset).prefix(rows) {
            let selected = p.panel == 0 && i == p.selectedPreference
            let label = pref.attribute.label(pref.value)
            let style = selected ? env.theme.selected : Style.plain
            b.write(label, x: r.x, y: y, width: nameWidth, style: style, glyphs: env.glyphs)
            b.write(
                Bar.render(pref.score, width: 10, glyphs: env.glyphs), x: r.x + nameWidth + 1, y: y,
                style: Style(fg: env.theme.accent))
            // The number is the score; low-confidence preferences (little evidence) are dimmed and marked.
            let lowConfidence = pref.confidence < 0.5
            b.write(
                String(format: "%3.0f%@", pref.score * 100, lowConfidence ? "?" : ""), x: r.x + nameWidth + 12, y: y,
                style: lowConfidence ? env.theme.muted : .plain)
            y += 1
        }
    }

    static func fmt(_ v: Double?, _ f: String = "%.2f") -> String { v.map { String(format: f, $0) } ?? "-" }

    static func drawValue(_ env: ScreenEnv, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
        var lines: [(String, Style)] = []
        if let rfm = rep.rfm {
            lines.append(("RFM \(rfm.r)\(rfm.f)\(rfm.m)  \(rfm.segment)", env.theme.title))
            lines.append(
                (
                    "\(Units.count(rfm.orders, "order")), spend \(fmt(rfm.spend, "%.0f")), last \(rfm.recencyDays.map { "\($0)d ago" } ?? "-")",
                    .plain
                ))
        } else {
            lines.append(("no purchases yet", env.theme.muted))
        }
        if let l = rep.lifecycle {
            lines.append(
                ("stage \(l.stage)  next 90d \(fmt(l.expectedPurchases90d, "%.1f")) orders", Style(bold: true)))
            // P(alive) and CLV with their 90% intervals (the population parameters' uncertainty).
            lines.append(("P(alive) \(l.pAliveWithInterval)", .plain))
            // The figure and its interval first; then, as far as the panel has room, the
            // prior-based mark (shortened if need be) and the average order.
            let range = l.clv12mInterval.map { String(format: " (%.0f–%.0f)", $0.low, $0.high) } ?? ""
            var clv = "CLV 12m \(fmt(l.clv12m, "%.0f"))\(range)"
            if l.singlePurchase { clv += clv.count + 14 <= r.width ? " (prior-based)" : " (prior)" }
            let avg = "  avg order \(fmt(l.expectedSpend, "%.0f"))"
            lines.append((clv.count + avg.count <= r.width ? clv + avg : clv, .plain))
        }
        for (i, l) in lines.enumerated() where i < r.height {
            b.write(l.0, x: r.x, y: r.y + i, width: r.width, style: l.1, glyphs: env.glyphs)
        }
        var y = r.y + lines.count
        if r.height > lines.count + 1, !rep.monthlySpend.isEmpty {
            // The sparkline says what it is: spend per month, over which months, and the peak.
            let shown = min(rep.monthlySpend.count, max(0, r.width - 12))
            let peak = rep.monthlySpend.suffix(shown).max() ?? 0
            let label =
                "\(shown) months to \(rep.asOf.map { "\($0)" } ?? "now"), peak \(String(format: "%.0f", peak)):"
            if r.height > lines.count + 2 {
                b.write(label, x: r.x, y: y, width: r.width, style: env.theme.muted, glyphs: env.glyphs)
                y += 1
            }
            b.write("spend/month ", x: r.x, y: y, style: env.theme.muted)
            b.write(
                Sparkline.render(rep.monthlySpend, width: max(0, r.width - 12), glyphs: env.glyphs), x: r.x + 12, y: y,
                style: Style(fg: env.theme.accent))
            y += 1
        }
        // Why the stage is what it is, beside RFM and P(alive), as far as the panel has room;
        // cut text ends with an ellipsis and Enter on the panel shows all of it.
        if let basis = rep.lifecycle?.basis, !basis.isEmpty {
            let all = TextWrap.lines(basis, width: r.width)
            var shown = Array(all.prefix(max(0, r.maxY - y)))
            if shown.count < all.count, let last = shown.last {
                shown[shown.count - 1] = Sanitizer.truncate(last + " " + env.glyphs.ellipsis, to: r.width)
            }
            for line in shown {
                b.write(line, x: r.x, y: y, style: env.theme.muted, maxWidth: r.width)
                y += 1
            }
        }
    }

    static func drawRecommendations(
        _ env: ScreenEnv, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect
    ) {
        if rep.recommendations.isEmpty {
            b.write("none", x: r.x, y: r.y, style: env.theme.muted)
            return
        }
        // Two lines a recommendation: the product, then the reason; Enter shows the whole reason.
        let fits = max(1, r.height / 2)
        let offset = Table.scroll(offset: 0, selected: p.selectedRec, height: fits, count: rep.recommendations.count)
        var y = r.y
        for (i, rec) in rep.recommendations.enumerated().dropFirst(offset).prefix(fits) where y < r.maxY {
            let selected = p.panel == 2 && i == p.selectedRec
            if selected {
                b.fill(
                    Rect(x: r.x, y: y, width: r.width, height: min(2, r.maxY - y)), Cell(" ", style: env.theme.selected)
                )
            }
            b.write(
                "[\(rec.kind.tag)] ", x: r.x, y: y,
                style: selected ? env.theme.selected : rec.kind.isExploration ? env.theme.warn : env.theme.ok)
            b.write(
                rec.title.isEmpty ? rec.productId : rec.title, x: r.x + 10, y: y, width: max(0, r.width - 10),
                style: selected ? env.theme.selected : Style(bold: true), glyphs: env.glyphs)
            y += 1
            if y < r.maxY {
                b.write(
                    "  " + rec.reason, x: r.x, y: y, width: r.width,
                    style: selected ? env.theme.selected : env.theme.muted,
                    glyphs: env.glyphs)
                y += 1
            }
        }
    }

    static func drawCare(_ env: ScreenEnv, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
        let rows = Explorer.careRows(rep, env)
        if rows.isEmpty {
            b.write("nothing due, no notes", x: r.x, y: r.y, style: env.theme.muted, maxWidth: r.width)
            return
        }
        let offset = Table.scroll(offset: 0, selected: p.selectedCare, height: r.height, count: rows.count)
        for (i, row) in rows.enumerated().dropFirst(offset).prefix(r.height) {
            let selected = p.panel == 3 && i == p.selectedCare
            b.write(
                row.line, x: r.x, y: r.y + i - offset, width: r.width, style: selected ? env.theme.selected : row.style,
                glyphs: env.glyphs)
        }
    }
}
