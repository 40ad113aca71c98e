import RapportUI

extension AppKeys {
    /// The marks the screens draw, explained under the keys in `?` and in docs/keys.md.
    public static func marks(_ g: Glyphs, keymap: Keymap = AppKeys.keymap()) -> [(mark: String, meaning: String)] {
        [
            (
                "Music  \(Bar.render(0.8, width: 4, glyphs: g)) 80",
                "an inferred preference and its score: 0-100, relative to the strongest of its kind"
            ),
            ("80?", "low confidence: little evidence yet (events on fewer than 3 days); the row is dimmed"),
            ("price: mid", "preferred price band by list price: budget < 15, mid 15-50, premium 50-150, luxury 150+"),
            ("brand: X", "a preferred brand (categories have no prefix)"),
            (
                "pers \(g.check) email \(g.cross) sms ?",
                "consent to personalisation, email, sms, push: \(g.check) given, \(g.cross) refused, ? not known"
            ),
            ("(differs)", "the channel the customer says differs from the one they engage on"),
            (
                "[bought] [rated] [viewed]",
                "recommended because of something related they bought / rated / viewed; "
                    + "\(keymap.keyName(.evidence, in: "profile")) shows the whole reason"
            ),
            ("[due]", "a product they buy regularly, due again (also in Care: due in / overdue)"),
            ("[explore] [popular]", "something new to try / popular in their segment (or without consent)"),
            (
                "spend/month \(Sparkline.render([1, 3, 8, 5], width: 4, glyphs: g))",
                "spend per 30-day month up to the as-of date, oldest left, scaled to the peak (the line above names both)"
            ),
            ("gift", "a purchase flagged as a gift: it does not shape preferences or recommendations"),
            ("rated 4\(g.isASCII ? "*" : "★")", "a rating event and its stars (never counted as an amount)"),
            ("(ro)", "in the footer: unavailable, the store is open read-only"),
            ("1/10000+", "a text filter counts matches up to 10,000 while you type")
        ]
    }
}

extension Explorer {
    /// The lines of the help overlay: the view's keys, then the global ones, then the marks;
    /// long texts wrap (nothing is cut), keys that do not fit their column wrap too.
    func helpRows(_ m: AppModel, width: Int) -> [(keys: String, help: String, heading: Bool)] {
        let keysWidth = 20
        let helpWidth = max(1, width - keysWidth - 2)
        var rows: [(String, String, Bool)] = []
        func add(_ keys: String, _ help: String) {
            let k = TextWrap.lines(keys, width: keysWidth)
            let h = TextWrap.lines(help, width: helpWidth)
            for i in 0..<max(k.count, h.count) {
                rows.append((i < k.count ? k[i] : "", i < h.count ? h[i] : "", false))
            }
        }
        let complete = m.keymap.keyName(.complete, mode: .command)
        for l in m.keymap.helpLines(for: m.screen.rawValue) {
            // The command line's candidates are listed by its own complete key.
            add(l.keys, l.help == AppKeys.command.help ? l.help + " (\(complete) lists)" : l.help)
        }
        rows.append(("", "", false))
        rows.append(("Marks on screen", "", true))
        for mark in AppKeys.marks(m.glyphs, keymap: m.keymap) { add(mark.mark, mark.meaning) }
        return rows
    }

    func drawHelp(_ m: AppModel, _ scroll: Int, _ b: inout CellBuffer) {
        let width = min(78, m.size.width - 2)
        let rows = helpRows(m, width: width - 4)
        let r = b.bounds.centered(Size(width: width, height: min(rows.count + 2, m.size.height - 2)))
        b.fill(r)
        let k = { (a: AppAction) in m.keymap.keyName(a, mode: .help) }
        let more = rows.count > r.height - 2 ? ", \(k(.down))/\(k(.up)) scroll" : ""
        let close = m.keymap.keyName(.close, mode: .help)
        let inner = Block(title: "Keys: \(m.screen.rawValue) (\(close) closes\(more))", focused: true).render(
            r, into: &b, m.context)
        let start = min(scroll, max(0, rows.count - inner.height))
        for (i, l) in rows.dropFirst(start).prefix(inner.height).enumerated() {
            b.write(l.keys, x: inner.x + 1, y: inner.y + i, style: m.theme.title, maxWidth: 20)
            b.write(l.help, x: inner.x + 22, y: inner.y + i, maxWidth: max(0, inner.width - 23))
        }
    }
}
