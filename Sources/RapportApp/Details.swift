import Foundation
import RapportService
import RapportUI

/// One row of the care panel (a replenishment due, a milestone ahead, a note) and what its
/// detail popup says.
struct CareRow {
    var line: String
    var style: Style
    var title: String
    var detail: [String]
    /// The note this row shows, if it is one (`e` edits it, `D` deletes it).
    var noteId: Int64? = nil
}

/// Panel rows that show a cut line open a popup with the whole text on Enter, as the
/// evidence behind a preference does.
extension Explorer {
    func careRows(_ m: AppModel, _ rep: ProfileReport) -> [CareRow] { Self.careRows(rep, m.env) }

    static func careRows(_ rep: ProfileReport, _ env: ScreenEnv) -> [CareRow] {
        var rows: [CareRow] = []
        for d in rep.replenishment.filter({ !$0.lapsed }).prefix(3) {
            let when = d.daysUntilDue < 0 ? "overdue \(-d.daysUntilDue)d" : "due in \(d.daysUntilDue)d"
            let name = d.title.isEmpty ? d.productId : d.title
            rows.append(
                CareRow(
                    line: "\(when): \(name) (every \(Int(d.intervalDays.rounded()))d)",
                    style: d.daysUntilDue <= 7 ? env.theme.warn : .plain, title: "Replenishment: \(name)",
                    detail: replenishmentDetail(d)))
        }
        for d in rep.replenishment.filter(\.lapsed).prefix(2) {
            let name = d.title.isEmpty ? d.productId : d.title
            let every = Int(d.intervalDays.rounded())
            rows.append(
                CareRow(
                    line: "lapsed: \(name) (every \(every)d, none for \(-d.daysUntilDue + every)d)",
                    style: env.theme.muted, title: "Lapsed habit: \(name)", detail: replenishmentDetail(d)))
        }
        for s in rep.dampedSpikes.prefix(2) {
            let share = Int((s.counted * 100).rounded())
            rows.append(
                CareRow(
                    line: "damped: \(s.category) \(s.from)..\(s.to), counts \(share)%", style: env.theme.muted,
                    title: "Damped burst: \(s.category)",
                    detail: [
                        "\(Units.count(s.events, "event")) from \(s.from) to \(s.to)\(s.novel ? ", a category new to them" : "")",
                        "counts \(share)% of its weight in the preferences", "", s.reason
                    ]))
        }
        for ms in rep.milestones where !ms.reached {
            let line = "next: \(ms.label)\(ms.toGo.map { " (\($0))" } ?? "")"
            rows.append(
                CareRow(
                    line: line, style: .plain, title: "Milestone",
                    detail: [ms.label] + (ms.date.map { ["on \($0)"] } ?? []) + (ms.toGo.map { [$0] } ?? [])))
        }
        for n in rep.notes {
            // Under --redact an email or phone number written into a note is masked too.
            let text = env.redact ? Redaction.text(n.text) : n.text
            rows.append(
                CareRow(
                    line: "note \(n.time.day) \(n.analyst): \(text)", style: env.theme.muted,
                    title: "Note by \(n.analyst), \(n.time.minute)", detail: [text], noteId: n.key))
        }
        return rows
    }

    static func replenishmentDetail(_ d: ReplenishmentView) -> [String] {
        [
            "product \(d.productId)" + (d.category.map { ", habit of the category \($0)" } ?? ""),
            "last bought \(d.lastPurchase), due \(d.due)", d.when, d.basis
        ]
    }

    func recommendationDetail(_ rec: RecommendationView) -> (title: String, lines: [String]) {
        let name = rec.title.isEmpty ? rec.productId : rec.title
        return (
            "Recommendation: \(name)",
            [
                "product \(rec.productId)" + (rec.category.isEmpty ? "" : ", \(rec.category)"),
                "[\(rec.kind.tag)] \(rec.kind.rawValue.replacingOccurrences(of: "_", with: " ")), score \(String(format: "%.2f", rec.score))",
                "", rec.reason
            ]
        )
    }

    /// Every field of a history event, the gift note included.
    func eventDetail(_ e: HistoryEvent, redact: Bool = false) -> (title: String, lines: [String]) {
        var lines = ["\(e.type.rawValue) at \(e.time.minute)"]
        if let p = e.product ?? e.productId {
            lines.append("product \(p)" + (e.product != nil && e.productId != nil ? " [\(e.productId!)]" : ""))
        }
        if let c = e.category { lines.append("category \(c)") }
        if e.type == .rating {
            lines.append("rating \(Self.ratingText(e.amount))")
        } else {
            lines.append(
                "quantity \(e.quantity)" + (e.amount == 0 ? "" : ", amount \(String(format: "%.2f", e.amount))"))
        }
        if let ch = e.channel { lines.append("channel \(ch)") }
        if e.gift {
            let note = redact ? e.giftNote.map(Redaction.text) : e.giftNote
            lines.append("gift" + (note.map { ": \($0)" } ?? " (no note)"))
        }
        return ("Event \(e.eventId)", lines)
    }

    static func ratingText(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }

    /// Enter on a row: the evidence behind a preference, or the whole text of a recommendation,
    /// a care row or a history event.
    func openDetail(_ m: inout AppModel) -> [Cmd] {
        switch m.screen {
        case .history:
            guard let h = m.history, h.events.indices.contains(h.selected) else { return [] }
            let d = eventDetail(h.events[h.selected], redact: m.redact)
            m.detailScroll = 0
            m.dialog = .evidence(title: d.title, lines: d.lines)
            return []
        case .profile:
            guard let p = m.profile, let rep = p.report else { return [] }
            switch p.panel {
            case 0: return openEvidence(&m)
            case 1:
                guard let l = rep.lifecycle else { return [] }
                m.detailScroll = 0
                m.dialog = .evidence(title: "Lifecycle", lines: Self.lifecycleDetail(l, rfm: rep.rfm))
            case 2:
                guard rep.recommendations.indices.contains(p.selectedRec) else { return [] }
                let rec = rep.recommendations[p.selectedRec]
                let d = recommendationDetail(rec)
                m.detailScroll = 0
                m.dialog = .evidence(title: d.title, lines: d.lines)
                // The score's parts follow, from the same code as `rapport explain recommendation`.
                return [effects.explainRecommendation(p.key, rec.productId, pastDate: m.pastDate, shown: d)]
            case 3:
                let rows = careRows(m, rep)
                guard rows.indices.contains(p.selectedCare) else { return [] }
                m.detailScroll = 0
                m.dialog = .evidence(title: rows[p.selectedCare].title, lines: rows[p.selectedCare].detail)
            default: break
            }
            return []
        case .list, .segments, .metrics, .accounts, .account: return []
        }
    }

    /// Enter on the value panel: the labels side by side and the sentence that reconciles them.
    static func lifecycleDetail(_ l: LifecycleView, rfm: RFMView?) -> [String] {
        var lines = ["stage: \(l.stage)"]
        if let rfm { lines.append("RFM: \(rfm.r)\(rfm.f)\(rfm.m) \(rfm.segment) (ranked against all customers)") }
        lines.append("P(alive): \(l.pAliveWithInterval)")
        lines.append("CLV 12 months: \(l.clvText)")
        if l.pAliveInterval != nil || l.clv12mInterval != nil {
            let model = l.clvModel == "mbgnbd" ? "modified BG/NBD" : "BG/NBD"
            lines.append(
                "90% intervals: the \(model) and Gamma-Gamma parameters' uncertainty (not whether this customer buys)")
        }
        lines += ["", l.basis]
        return lines
    }

    /// The popup's lines wrapped to the width it will have on this screen.
    static func wrapped(_ lines: [String], screenWidth: Int) -> [String] {
        let width = max(1, min(76, screenWidth - 2) - 4)
        // Sanitised first: a newline in a note becomes a space, as on every screen.
        return lines.flatMap { $0.isEmpty ? [""] : TextWrap.lines(Sanitizer.clean($0), width: width) }
    }
}
