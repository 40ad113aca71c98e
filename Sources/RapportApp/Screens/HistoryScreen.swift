import Foundation
import RapportEngine
import RapportService
import RapportUI

/// One customer's events, newest first, filtered by type and by date.
public struct HistoryState: Sendable {
    public var key: Int64
    public var name: String
    public var all: [HistoryEvent] = []
    /// True once the first answer came: an empty history before that is still loading.
    public var loaded = false
    public var selected = 0
    public var offset = 0
    public var typeFilter: EventType?
    public var days: Int?
    /// The last gift change made here (what `u` undoes, once) and the one just undone (what
    /// redo makes again). Each keeps the notes on both sides, so an undone unflag gets its note back.
    public var lastGift: GiftEdit?
    public var undoneGift: GiftEdit?
    /// The store's as-of date (the profile's): date filters count back from its end, as the
    /// profile, clear-history and `rapport clear-history --last` do.
    public var asOf: CalendarDay?

    public var events: [HistoryEvent] {
        let since = cutoff
        return all.filter { e in
            (typeFilter == nil || e.type == typeFilter!) && (since == nil || e.time.seconds >= since!)
        }
    }
    /// The first second the date filter keeps: its calendar days counted back from the as-of
    /// day (or from the newest event's day when no as-of is known).
    var cutoff: Int64? {
        guard let days else { return nil }
        guard let end = asOf ?? all.first.map({ CalendarDay(containing: $0.time.seconds) }) else { return nil }
        return end.windowStart(days: days)
    }
}

/// The history screen as a component: its own actions and answers, and a pure view.
enum HistoryScreen {
    enum Action {
        case move(Int)
        /// The next event type present (then all).
        case cycleType
        /// The next date range: all, 30, 90, 365 days.
        case cycleDays
        /// The store's answer: the events of `key`, kept only if that customer is shown.
        case loaded(key: Int64, events: [HistoryEvent])
        /// A gift flag written to one of `key`'s events: the row shows it as the store now holds it.
        case flagged(key: Int64, GiftEdit)
    }

    static func update(_ h: inout HistoryState, _ action: Action) -> [Command<AppMessage>] {
        switch action {
        case .move(let d):
            h.selected = stepped(h.selected, by: d, count: max(1, h.events.count))
        case .cycleType:
            // Only the types this customer has events of (and "all").
            let present = h.loaded ? Set(h.all.map(\.type)) : Set(EventType.allCases)
            let types: [EventType?] = [nil] + EventType.allCases.filter { present.contains($0) }
            let i = types.firstIndex(of: h.typeFilter) ?? 0
            h.typeFilter = types[(i + 1) % types.count]
            h.selected = 0
            h.offset = 0
        case .cycleDays:
            let ranges: [Int?] = [nil, 30, 90, 365]
            let i = ranges.firstIndex(of: h.days) ?? 0
            h.days = ranges[(i + 1) % ranges.count]
            h.selected = 0
            h.offset = 0
        case .loaded(let key, let events):
            guard h.key == key else { return [] }
            h.all = events
            h.loaded = true
            h.selected = min(h.selected, max(0, h.events.count - 1))
        case .flagged(let key, let edit):
            guard h.key == key, let i = h.all.firstIndex(where: { $0.eventId == edit.eventId }) else { return [] }
            h.all[i].gift = edit.isGift
            h.all[i].giftNote = edit.isGift ? edit.note : nil
        }
        return []
    }

    static let hints = ["evidence", "gift", "undo", "clear_history", "type_filter", "date_filter", "help", "back"]

    static func status(_ h: HistoryState?) -> String {
        "\(h?.events.count ?? 0) of \(Units.count(h?.all.count ?? 0, "event"))"
    }

    static let columns = [
        Column("TIME", width: 16), Column("TYPE", width: 8), Column("PRODUCT", width: 14, flex: true),
        Column("QTY", width: 3, alignRight: true), Column("AMOUNT", width: 8, alignRight: true),
        Column("CHANNEL", width: 7), Column("GIFT", width: 4), Column("EVENT", width: 9)
    ]

    /// The TYPE cell: a rating shows its stars there ("rated 4★"), never in AMOUNT.
    static func typeCell(_ e: HistoryEvent, _ g: Glyphs) -> String {
        e.type == .rating ? "rated \(Explorer.ratingText(e.amount))\(g.isASCII ? "*" : "★")" : e.type.rawValue
    }

    static func view(_ h: HistoryState?, _ env: ScreenEnv, into b: inout CellBuffer, _ r: Rect) {
        guard let h else { return }
        let g = env.glyphs, t = env.theme
        env.title(
            &b, "History \(g.bullet) \(h.name)",
            "type: \(h.typeFilter?.rawValue ?? "all")  range: \(h.days.map { "last \($0)d" } ?? "all")")
        let events = h.events
        let offset = Table.scroll(offset: h.offset, selected: h.selected, height: r.height - 1, count: events.count)
        let productWidth = Table.layout(columns, width: r.width)[2]
        Table.draw(
            &b, r, columns: columns, count: events.count, offset: offset, selected: h.selected, glyphs: g, theme: t
        ) { i in
            let e = events[i]
            let counted = e.type == .purchase || e.type == .cart || e.type == .return
            // Variants differ at the end of the title ("… Mini", "… XL"): that end stays visible.
            let product = Sanitizer.truncateKeepingEnd(
                e.product ?? e.productId ?? "", to: productWidth, ellipsis: g.ellipsis)
            return [
                e.time.minute, typeCell(e, g), product,
                counted ? String(e.quantity) : "",
                e.type == .rating || e.amount == 0 ? "" : String(format: "%.2f", e.amount), e.channel ?? "",
                e.gift ? g.gift : "", e.eventId
            ]
        }
        if events.isEmpty && h.loaded {
            let text =
                h.all.isEmpty
                ? "No events in this customer's history."
                : "No events match type: \(h.typeFilter?.rawValue ?? "all"), range: \(h.days.map { "last \($0) days" } ?? "all time") (\(env.keyName(.typeFilter)) and \(env.keyName(.dateFilter)) change the filters)."
            b.write(text, x: 2, y: r.y + 2, style: t.muted, maxWidth: r.width - 4)
        }
    }
}
