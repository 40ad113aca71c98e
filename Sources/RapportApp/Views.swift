import Foundation
import RapportService
import RapportUI

extension Explorer {
    public func view(_ m: AppModel, into b: inout CellBuffer) -> Point? {
        let g = m.glyphs, t = m.theme
        if isTooSmall(m) {
            let x = m.glyphs.isASCII ? "x" : "×"
            let quit = m.keymap.global.keys(for: AppAction.quit.rawValue).first?.description ?? "q"
            let lines = [
                "Rapport needs at least 80\(x)24.", "This terminal is \(m.size.width)\(x)\(m.size.height).",
                "Enlarge it, or press \(quit) to quit."
            ]
            for (i, l) in lines.enumerated() {
                let y = m.size.height / 2 - 1 + i
                b.write(l, x: max(0, (m.size.width - TextWidth.of(l)) / 2), y: y, style: i == 0 ? t.title : .plain)
            }
            return nil
        }
        let body = Rect(x: 0, y: 1, width: m.size.width, height: m.size.height - 3)
        switch m.screen {
        case .list: drawList(m, &b, body)
        case .profile: drawProfile(m, &b, body)
        case .history: drawHistory(m, &b, body)
        case .segments: drawSegments(m, &b, body)
        case .metrics: drawMetrics(m, &b, body)
        case .accounts: drawAccounts(m, &b, body)
        case .account: drawAccount(m, &b, body)
        }
        drawStatus(m, &b)
        var cursor: Point?
        if let d = m.dialog { cursor = drawDialog(m, d, &b) }
        if let h = m.help { drawHelp(m, h, &b) }
        let bottom = m.size.height - 1
        if let f = m.commandLine {
            b.fill(Rect(x: 0, y: bottom, width: m.size.width, height: 1))
            b.write(":", x: 0, y: bottom, style: t.title)
            let cx = f.draw(&b, x: 1, y: bottom, width: m.size.width - 2)
            if !f.text.isEmpty || m.commandListed {
                let x = 3 + TextWidth.of(f.text)
                let hint = Self.candidateLine(completions(f.text, m), typed: f.text, width: m.size.width - x - 1)
                b.write(hint, x: x, y: bottom, style: t.muted, maxWidth: max(0, m.size.width - x))
            }
            cursor = Point(x: cx, y: bottom)
        } else if let f = m.accounts.filter, m.screen == .accounts {
            b.fill(Rect(x: 0, y: bottom, width: m.size.width, height: 1))
            b.write("/", x: 0, y: bottom, style: t.title)
            cursor = Point(x: f.draw(&b, x: 1, y: bottom, width: m.size.width - 2), y: bottom)
        } else if let f = m.list.filter, m.screen == .list {
            b.fill(Rect(x: 0, y: bottom, width: m.size.width, height: 1))
            b.write("/", x: 0, y: bottom, style: t.title)
            cursor = Point(x: f.draw(&b, x: 1, y: bottom, width: m.size.width - 2), y: bottom)
        }
        _ = g
        return cursor
    }

    func title(_ m: AppModel, _ b: inout CellBuffer, _ left: String, _ right: String) {
        StatusBar(
            left: " Rapport \(m.glyphs.bullet) \(left)", right: right + " ",
            style: Style(fg: m.theme.accent, bold: true, reverse: true)
        ).render(Rect(x: 0, y: 0, width: b.size.width, height: 1), into: &b, m.context)
        drawPastDateMarker(m, &b, after: left)
    }

    /// "figures as of DATE", and when the models were fitted with the events that arrived since.
    static func asOfLine(_ rep: ProfileReport) -> String {
        guard let asOf = rep.asOf else { return "" }
        guard let fit = rep.model else { return "figures as of \(asOf)" }
        let since = fit.eventsSinceFit == 0 ? "" : ", +\(Units.count(fit.eventsSinceFit, "event"))"
        return "figures as of \(asOf) (model \(fit.fittedAt.day)\(since))"
    }

    func shortPath(_ m: AppModel, _ p: String) -> String {
        let home = m.home ?? ""
        return !home.isEmpty && p.hasPrefix(home + "/") ? "~" + p.dropFirst(home.count) : p
    }

    /// The first key of an action on the screen shown.
    func keyName(_ m: AppModel, _ a: AppAction) -> String { m.keymap.keyName(a, in: m.screen.rawValue) }

    func hints(_ m: AppModel) -> String {
        let ids: [String]
        switch m.screen {
        // `q` quits from the top list only; in a drill-down it goes back, and the hint says so.
        case .list:
            ids = ["open", "filter", "sort", "segments", "command", "help", m.backStack.isEmpty ? "quit" : "back"]
        case .profile: ids = ["next_panel", "history", "evidence", "note", "export", "erase", "help", "back"]
        case .history:
            ids = ["evidence", "gift", "undo", "clear_history", "type_filter", "date_filter", "help", "back"]
        case .segments: ids = ["members", "new_segment", "edit_segment", "delete_segment", "metrics", "help", "back"]
        case .metrics: ids = ["members", "next_panel", "definitions", "help", "back"]
        case .accounts: ids = ["open", "filter", "sort", "help", "back"]
        case .account: ids = ["open", "next_panel", "toggle_node", "help", "back"]
        }
        let short = [
            "open": "open", "filter": "filter", "sort": "sort", "segments": "segments", "command": "command",
            "help": "help", "quit": "quit", "next_panel": "panel", "history": "history", "evidence": "details",
            "note": "note", "export": "export", "erase": "erase", "back": "back", "gift": "gift", "undo": "undo",
            "clear_history": "clear", "type_filter": "type", "date_filter": "dates", "members": "members",
            "new_segment": "new", "edit_segment": "edit", "delete_segment": "delete", "metrics": "metrics",
            "definitions": "definitions", "toggle_node": "expand"
        ]
        var items = ids.compactMap { id -> (id: String, text: String)? in
            let table = m.keymap.views[m.screen.rawValue]
            guard let key = table?.keys(for: id).first ?? m.keymap.global.keys(for: id).first else { return nil }
            let unavailable =
                m.readOnly
                && [
                    "note", "export", "erase", "gift", "undo", "clear_history", "new_segment", "edit_segment",
                    "delete_segment"
                ]
                .contains(id)
            return (id, "\(key) \(short[id] ?? id)\(unavailable ? "(ro)" : "")")
        }
        // Whole hints only: drop the least important (from the right, keeping help and the way
        // out) until the line fits, rather than cutting one in the middle.
        let keep: Set<String> = ["help", "quit", "back"]
        func text() -> String { items.map(\.text).joined(separator: "  ") }
        while TextWidth.of(text()) > m.size.width - 1,
            let drop = items.lastIndex(where: { !keep.contains($0.id) })
        {
            items.remove(at: drop)
        }
        return text()
    }

    func drawStatus(_ m: AppModel, _ b: inout CellBuffer) {
        let y = m.size.height - 2
        var left: String
        switch m.screen {
        case .list:
            let shown = m.list.total == 0 ? "0" : "\(m.list.selected + 1)"
            let capped = !m.list.query.text.isEmpty && m.list.total >= Effects.countCap
            left = "\(shown)/\(m.list.total)\(capped ? "+" : "") customers"
        case .history:
            let all = m.history?.all.count ?? 0
            left = "\(m.history?.events.count ?? 0) of \(Units.count(all, "event"))"
        case .profile: left = m.profile?.report.map { "\($0.customer.id)" } ?? "loading…"
        case .segments: left = "\(m.segments.items.count) segments"
        case .metrics: left = m.metrics?.figures.map { "\($0.since) to \($0.until)" } ?? "computing…"
        case .accounts:
            left = "\(m.accounts.total == 0 ? 0 : m.accounts.selected + 1)/\(m.accounts.total) accounts"
        case .account: left = m.account?.view.map { "\($0.id)" } ?? "loading…"
        }
        if m.readOnly { left += " \(m.glyphs.bullet) read-only" }
        var style = Style(reverse: true)
        if let p = m.progress { left = p }
        if let f = m.flash {
            left = f.text
            style =
                f.isError
                ? Style(fg: m.theme.danger, bold: true, reverse: true) : Style(fg: m.theme.good, reverse: true)
        }
        // A message takes the whole line; otherwise the store's path sits on the right.
        let right = m.flash == nil && m.progress == nil ? shortPath(m, m.storePath) + " " : ""
        StatusBar(left: " " + left, right: right, style: style).render(
            Rect(x: 0, y: y, width: b.size.width, height: 1), into: &b, m.context)
        b.write(" " + hints(m), x: 0, y: m.size.height - 1, style: m.theme.muted, maxWidth: m.size.width)
    }

    // MARK: list

    // Fits 80 columns with every column; the name column takes what a wider terminal adds.
    static let listColumns = [
        Column("NAME", width: 14, flex: true), Column("ID", width: 7), Column("RFM SEGMENT", width: 16),
        Column("STAGE", width: 7), Column("LAST", width: 6, alignRight: true),
        Column("ORDERS", width: 6, alignRight: true), Column("SPEND", width: 7, alignRight: true),
        Column("CLV", width: 7, alignRight: true)
    ]

    func drawList(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        var right = "sort: \(m.list.query.sort.rawValue)\(m.list.query.reversed ? " (reversed)" : "")"
        // Which kind of segment: "lost" is an RFM segment and a stage with different members.
        if let s = m.list.query.segment {
            right = "RFM segment: \(s)  " + right
        } else if let s = m.list.query.stage {
            right = "stage: \(s)  " + right
        } else if let s = m.list.query.ruleSegment {
            right = "rule segment: \(s)  " + right
        }
        if let label = m.list.query.keysLabel { right = label + "  " + right }
        // Under --redact a filter by email or phone finds the row but is not echoed.
        let echo = m.redact ? Redaction.text(m.list.query.text) : m.list.query.text
        if !m.list.query.text.isEmpty { right = "filter: \(echo)  " + right }
        title(m, &b, "Customers", right)
        if m.list.loaded && m.list.total == 0 {
            b.write(
                m.list.query.text.isEmpty
                    ? "No customers. Import some: rapport import FILE…" : "No customer matches '\(echo)'.",
                x: 2, y: r.y + 2, style: m.theme.muted)
        }
        Table.draw(
            &b, r, columns: Self.listColumns, count: m.list.total, offset: m.list.offset, selected: m.list.selected,
            glyphs: m.glyphs, theme: m.theme
        ) { i in
            guard let row = m.list.rows[i] else { return nil }
            return [
                row.name ?? "(no name)", row.externalId, row.segment ?? "", row.stage ?? "",
                row.recencyDays.map { "\($0)d" } ?? "", row.orders.map(String.init) ?? "",
                row.spend.map { String(format: "%.0f", $0) } ?? "", row.clv.map { String(format: "%.0f", $0) } ?? ""
            ]
        }
    }

    // MARK: profile

    func redacted(_ s: String?, email: Bool, _ m: AppModel) -> String? {
        guard let s, m.redact else { return s }
        return email ? Redaction.email(s) : Redaction.phone(s)
    }

    func drawProfile(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        guard let p = m.profile, let rep = p.report else {
            title(m, &b, "Profile", "")
            b.write("Loading…", x: 2, y: r.y + 1, style: m.theme.muted)
            return
        }
        let c = rep.customer, g = m.glyphs, t = m.theme
        title(m, &b, "Profile", Self.asOfLine(rep))
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
        if let e = redacted(c.email, email: true, m) {
            let ph = redacted(c.phone, email: false, m).map { "  \($0)" } ?? ""
            b.write(e + ph, x: 1, y: r.y + 2, width: r.width - 2, style: t.muted, glyphs: g)
        }
        let grid = Rect(x: r.x, y: r.y + 3, width: r.width, height: r.height - 3)
        let (top, bottom) = grid.splitTop(grid.height / 2 + 1)
        let (tl, tr) = top.splitLeft(ratio: 0.5)
        let (bl, br) = bottom.splitLeft(ratio: 0.5)
        drawPreferences(
            m, p, rep, &b, Block(title: "Preferences", focused: p.panel == 0).render(tl, into: &b, m.context))
        drawValue(m, rep, &b, Block(title: "Value", focused: p.panel == 1).render(tr, into: &b, m.context))
        drawRecommendations(
            m, p, rep, &b, Block(title: "Recommendations", focused: p.panel == 2).render(bl, into: &b, m.context))
        drawCare(m, p, rep, &b, Block(title: "Care", focused: p.panel == 3).render(br, into: &b, m.context))
    }

    func drawPreferences(_ m: AppModel, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
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
            style: m.theme.ok, glyphs: m.glyphs)
        y += 1
        b.write(
            "says dislikes: " + (dislikes.isEmpty ? "-" : dislikes.joined(separator: ", ")), x: r.x, y: y,
            width: r.width, style: m.theme.warn, glyphs: m.glyphs)
        y += 1
        let inferred = rep.preferences.inferred
        if inferred.isEmpty {
            let text =
                rep.customer.consent.personalization == false
                ? "not inferred: no personalization consent" : "no inferred preferences yet"
            b.write(text, x: r.x, y: y, width: r.width, style: m.theme.muted, glyphs: m.glyphs)
            return
        }
        let rows = r.maxY - y
        let offset = Table.scroll(offset: 0, selected: p.selectedPreference, height: rows, count: inferred.count)
        let nameWidth = max(8, r.width - 18)
        for (i, pref) in inferred.enumerated().dropFirst(offset).prefix(rows) {
            let selected = p.panel == 0 && i == p.selectedPreference
            let label = pref.attribute.label(pref.value)
            let style = selected ? m.theme.selected : Style.plain
            b.write(label, x: r.x, y: y, width: nameWidth, style: style, glyphs: m.glyphs)
            b.write(
                Bar.render(pref.score, width: 10, glyphs: m.glyphs), x: r.x + nameWidth + 1, y: y,
                style: Style(fg: m.theme.accent))
            // The number is the score; low-confidence preferences (little evidence) are dimmed and marked.
            let lowConfidence = pref.confidence < 0.5
            b.write(
                String(format: "%3.0f%@", pref.score * 100, lowConfidence ? "?" : ""), x: r.x + nameWidth + 12, y: y,
                style: lowConfidence ? m.theme.muted : .plain)
            y += 1
        }
    }

    func fmt(_ v: Double?, _ f: String = "%.2f") -> String { v.map { String(format: f, $0) } ?? "-" }

    func drawValue(_ m: AppModel, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
        var lines: [(String, Style)] = []
        if let rfm = rep.rfm {
            lines.append(("RFM \(rfm.r)\(rfm.f)\(rfm.m)  \(rfm.segment)", m.theme.title))
            lines.append(
                (
                    "\(Units.count(rfm.orders, "order")), spend \(fmt(rfm.spend, "%.0f")), last \(rfm.recencyDays.map { "\($0)d ago" } ?? "-")",
                    .plain
                ))
        } else {
            lines.append(("no purchases yet", m.theme.muted))
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
            b.write(l.0, x: r.x, y: r.y + i, width: r.width, style: l.1, glyphs: m.glyphs)
        }
        var y = r.y + lines.count
        if r.height > lines.count + 1, !rep.monthlySpend.isEmpty {
            // The sparkline says what it is: spend per month, over which months, and the peak.
            let shown = min(rep.monthlySpend.count, max(0, r.width - 12))
            let peak = rep.monthlySpend.suffix(shown).max() ?? 0
            let label =
                "\(shown) months to \(rep.asOf.map { "\($0)" } ?? "now"), peak \(String(format: "%.0f", peak)):"
            if r.height > lines.count + 2 {
                b.write(label, x: r.x, y: y, width: r.width, style: m.theme.muted, glyphs: m.glyphs)
                y += 1
            }
            b.write("spend/month ", x: r.x, y: y, style: m.theme.muted)
            b.write(
                Sparkline.render(rep.monthlySpend, width: max(0, r.width - 12), glyphs: m.glyphs), x: r.x + 12, y: y,
                style: Style(fg: m.theme.accent))
            y += 1
        }
        // Why the stage is what it is, beside RFM and P(alive), as far as the panel has room;
        // cut text ends with an ellipsis and Enter on the panel shows all of it.
        if let basis = rep.lifecycle?.basis, !basis.isEmpty {
            let all = TextWrap.lines(basis, width: r.width)
            var shown = Array(all.prefix(max(0, r.maxY - y)))
            if shown.count < all.count, let last = shown.last {
                shown[shown.count - 1] = Sanitizer.truncate(last + " " + m.glyphs.ellipsis, to: r.width)
            }
            for line in shown {
                b.write(line, x: r.x, y: y, style: m.theme.muted, maxWidth: r.width)
                y += 1
            }
        }
    }

    func drawRecommendations(_ m: AppModel, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
        if rep.recommendations.isEmpty {
            b.write("none", x: r.x, y: r.y, style: m.theme.muted)
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
                    Rect(x: r.x, y: y, width: r.width, height: min(2, r.maxY - y)), Cell(" ", style: m.theme.selected))
            }
            b.write(
                "[\(rec.kind.tag)] ", x: r.x, y: y,
                style: selected ? m.theme.selected : rec.kind.isExploration ? m.theme.warn : m.theme.ok)
            b.write(
                rec.title.isEmpty ? rec.productId : rec.title, x: r.x + 10, y: y, width: max(0, r.width - 10),
                style: selected ? m.theme.selected : Style(bold: true), glyphs: m.glyphs)
            y += 1
            if y < r.maxY {
                b.write(
                    "  " + rec.reason, x: r.x, y: y, width: r.width, style: selected ? m.theme.selected : m.theme.muted,
                    glyphs: m.glyphs)
                y += 1
            }
        }
    }

    func drawCare(_ m: AppModel, _ p: ProfileState, _ rep: ProfileReport, _ b: inout CellBuffer, _ r: Rect) {
        let rows = careRows(m, rep)
        if rows.isEmpty {
            b.write("nothing due, no notes", x: r.x, y: r.y, style: m.theme.muted, maxWidth: r.width)
            return
        }
        let offset = Table.scroll(offset: 0, selected: p.selectedCare, height: r.height, count: rows.count)
        for (i, row) in rows.enumerated().dropFirst(offset).prefix(r.height) {
            let selected = p.panel == 3 && i == p.selectedCare
            b.write(
                row.line, x: r.x, y: r.y + i - offset, width: r.width, style: selected ? m.theme.selected : row.style,
                glyphs: m.glyphs)
        }
    }

    // MARK: history

    static let historyColumns = [
        Column("TIME", width: 16), Column("TYPE", width: 8), Column("PRODUCT", width: 14, flex: true),
        Column("QTY", width: 3, alignRight: true), Column("AMOUNT", width: 8, alignRight: true),
        Column("CHANNEL", width: 7), Column("GIFT", width: 4), Column("EVENT", width: 9)
    ]

    /// The TYPE cell: a rating shows its stars there ("rated 4★"), never in AMOUNT.
    static func typeCell(_ e: HistoryEvent, _ g: Glyphs) -> String {
        e.type == .rating ? "rated \(ratingText(e.amount))\(g.isASCII ? "*" : "★")" : e.type.rawValue
    }

    func drawHistory(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        guard let h = m.history else { return }
        title(
            m, &b, "History \(m.glyphs.bullet) \(h.name)",
            "type: \(h.typeFilter?.rawValue ?? "all")  range: \(h.days.map { "last \($0)d" } ?? "all")")
        let events = h.events
        let offset = Table.scroll(offset: h.offset, selected: h.selected, height: r.height - 1, count: events.count)
        let productWidth = Table.layout(Self.historyColumns, width: r.width)[2]
        Table.draw(
            &b, r, columns: Self.historyColumns, count: events.count, offset: offset, selected: h.selected,
            glyphs: m.glyphs, theme: m.theme
        ) { i in
            let e = events[i]
            let counted = e.type == .purchase || e.type == .cart || e.type == .return
            // Variants differ at the end of the title ("… Mini", "… XL"): that end stays visible.
            let product = Sanitizer.truncateKeepingEnd(
                e.product ?? e.productId ?? "", to: productWidth, ellipsis: m.glyphs.ellipsis)
            return [
                e.time.minute, Self.typeCell(e, m.glyphs), product,
                counted ? String(e.quantity) : "",
                e.type == .rating || e.amount == 0 ? "" : String(format: "%.2f", e.amount), e.channel ?? "",
                e.gift ? m.glyphs.gift : "", e.eventId
            ]
        }
        if events.isEmpty && h.loaded {
            let text =
                h.all.isEmpty
                ? "No events in this customer's history."
                : "No events match type: \(h.typeFilter?.rawValue ?? "all"), range: \(h.days.map { "last \($0) days" } ?? "all time") (\(keyName(m, .typeFilter)) and \(keyName(m, .dateFilter)) change the filters)."
            b.write(text, x: 2, y: r.y + 2, style: m.theme.muted, maxWidth: r.width - 4)
        }
    }

    // MARK: segments

    func drawSegments(_ m: AppModel, _ b: inout CellBuffer, _ r: Rect) {
        title(m, &b, "Segments", "RFM \(m.glyphs.bullet) lifecycle \(m.glyphs.bullet) rules")
        let items = m.segments.items
        let cols = [
            Column("KIND", width: 5), Column("SEGMENT", width: 19), Column("MEMBERS", width: 8, alignRight: true),
            Column("SHARE", width: 22), Column("RULE", width: 10, flex: true)
        ]
        // The selected rule segment's whole rule, under the table (the column cuts it).
        let rule = Array(Self.ruleLines(m, width: max(1, r.width - 2)).prefix(max(0, r.height / 3)))
        let table = Rect(x: r.x, y: r.y, width: r.width, height: r.height - (rule.isEmpty ? 0 : rule.count + 1))
        for (i, line) in rule.enumerated() {
            b.write(line, x: r.x + 1, y: table.maxY + 1 + i, style: m.theme.muted, maxWidth: r.width - 2)
        }
        let offset = Table.scroll(
            offset: m.segments.offset, selected: m.segments.selected, height: table.height - 1, count: items.count)
        Table.draw(
            &b, table, columns: cols, count: items.count, offset: offset, selected: m.segments.selected,
            glyphs: m.glyphs, theme: m.theme
        ) { i in
            let s = items[i]
            return [
                s.kind.rawValue, s.name, String(s.members),
                Bar.render(s.share, width: 15, glyphs: m.glyphs) + String(format: " %5.1f%%", s.share * 100),
                s.rule ?? ""
            ]
        }
    }

    // MARK: overlays

    /// "Enter saves, Esc cancels", with the keys the dialog table binds.
    func dialogFooter(_ m: AppModel, _ verb: String, mode: KeyMode = .dialog) -> String {
        "\(m.keymap.keyName(.accept, mode: mode)) \(verb), \(m.keymap.keyName(.cancel, mode: mode)) cancels"
    }

    /// "y: yes, any other key: no", with the key the confirm table binds.
    func confirmFooter(_ m: AppModel) -> String {
        "\(m.keymap.keyName(.confirm, mode: .confirm)): yes, any other key: no"
    }

    func drawDialog(_ m: AppModel, _ d: Dialog, _ b: inout CellBuffer) -> Point? {
        let t = m.theme, g = m.glyphs
        switch d {
        case .note(let f):
            let inner = Popup(
                title: "Add a note", lines: [("", .plain), (dialogFooter(m, "saves"), t.muted)], width: 70
            ).render(b.bounds, into: &b, m.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y, width: inner.width - 2), y: inner.y)
        case .giftNote(let id, let f):
            let inner = Popup(
                title: "Flag \(id) as a gift",
                lines: [("Note (optional):", .plain), ("", .plain)]
                    + (m.preview?.lines(limit: 6) ?? []).map { ($0, t.muted) }
                    + [(dialogFooter(m, "flags it"), t.muted)], width: 70
            ).render(b.bounds, into: &b, m.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        case .clearHistory(let range, let types, let count, let confirming):
            let k = { (a: ModeAction) in m.keymap.keyName(a, mode: .clearHistory) }
            let n = count.map { "\($0) event\($0 == 1 ? "" : "s") will be removed" } ?? "counting…"
            var lines: [(String, Style)] = [
                (
                    "Range: \(g.arrowUp == "^" ? "<" : "◀") \(AppModel.clearRanges[range].0) \(g.arrowUp == "^" ? ">" : "▶")   (\(k(.prevRange))/\(k(.nextRange)))",
                    .plain
                ),
                (
                    "Types: \(AppModel.clearTypes[types].0)   "
                        + "(\(m.keymap.keyName(.up, mode: .clearHistory))/\(m.keymap.keyName(.down, mode: .clearHistory)))",
                    .plain
                ),
                (
                    m.clearWindow(range, types).since.map { "Events from \(Timestamp($0).day) on" } ?? "Every event",
                    t.muted
                ),
                (n, Style(fg: t.warning, bold: true))
            ]
            lines += (m.preview?.lines(limit: 5) ?? []).map { ($0, .plain) }
            if let held = m.preview?.preview?.heldFor {
                lines.append(("Kept \(held) so that u undoes it, then purged.", t.muted))
            }
            lines.append(
                confirming
                    ? ("Remove them for good? \(confirmFooter(m))", t.error)
                    : (dialogFooter(m, "continues", mode: .clearHistory), t.muted))
            Popup(title: "Clear history", lines: lines, width: 64).render(b.bounds, into: &b, m.context)
            return nil
        case .pastDate(let f):
            let inner = Popup(
                title: "As it stood on a date",
                lines: [
                    ("Date (YYYY-MM-DD, the end of that day):", .plain), ("", .plain),
                    ("\(dialogFooter(m, "shows it")); \(keyName(m, .pastDate)) again returns to now", t.muted)
                ], width: 64
            ).render(b.bounds, into: &b, m.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2), y: inner.y + 1)
        case .overwrite(_, let id, let path):
            Popup(
                title: "Export \(id)",
                lines: [
                    ("\(path) exists already.", t.error), ("Replace it? \(confirmFooter(m))", .plain)
                ], width: 76
            ).render(b.bounds, into: &b, m.context)
            return nil
        case .erase(let id, let f):
            let inner = Popup(
                title: "Erase customer",
                lines: [
                    ("This deletes everything about \(id), for good.", t.error),
                    ("Type the customer id to confirm:", .plain),
                    ("", .plain), (dialogFooter(m, "erases"), t.muted)
                ], width: 64
            ).render(b.bounds, into: &b, m.context)
            return Point(x: f.draw(&b, x: inner.x + 1, y: inner.y + 2, width: inner.width - 2), y: inner.y + 2)
        case .newSegment(let name, let rule, let onRule, let status, let count):
            let countText = count.map { "\(Units.count($0, "customer")) match" } ?? ""
            let inner = Popup(
                title: "New rule segment",
                lines: [
                    ("Name:", .plain), ("", .plain), ("Rule (e.g. recency_days < 60 and consent.email):", .plain),
                    ("", .plain),
                    (status.text, status.style(t)),
                    (countText, Style(bold: true)),
                    (
                        "\(m.keymap.keyName(.nextPanel, mode: .dialog)) switches field, \(dialogFooter(m, "saves"))",
                        t.muted
                    )
                ], width: 76
            ).render(b.bounds, into: &b, m.context)
            let nx = name.draw(
                &b, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2, style: onRule ? t.muted : .plain)
            let rx = rule.draw(
                &b, x: inner.x + 1, y: inner.y + 3, width: inner.width - 2, style: onRule ? .plain : t.muted)
            return onRule ? Point(x: rx, y: inner.y + 3) : Point(x: nx, y: inner.y + 1)
        case .editSegment, .deleteSegment: return drawSegmentDialog(m, &b)
        case .editNote, .deleteNote: return drawNoteDialog(m, &b)
        case .giftUnflag: return drawUnflag(m, &b)
        case .evidence(let title, let lines):
            let body = Self.wrapped(lines, screenWidth: m.size.width)
            let rows = Self.detailRows(m)
            let start = min(m.detailScroll, max(0, body.count - rows))
            let shown = body.count > rows ? Array(body.dropFirst(start).prefix(rows)) : body
            let footer =
                body.count > rows
                ? "lines \(start + 1)-\(start + shown.count) of \(body.count); "
                    + "\(m.keymap.keyName(.down, mode: .detail))/\(m.keymap.keyName(.up, mode: .detail)) scroll, "
                    + "any other key closes"
                : "any key closes"
            Popup(title: title, lines: shown.map { ($0, .plain) } + [(footer, t.muted)], width: 76).render(
                b.bounds, into: &b, m.context)
            return nil
        }
    }
}
