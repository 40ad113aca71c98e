import Foundation
import RapportUI
import Testing
@testable import RapportApp

/// Whole screens, text and style of every cell, at 80×24 with a fixed clock: a change anywhere
/// on the screen fails with the cells that differ.
enum GoldenScreens {
    static let theme = Theme()
    /// One character per style the screens use; '?' marks a style not listed here.
    static let legend: [Style: Character] = [
        .plain: ".", theme.selected: "S", theme.header: "H", theme.muted: "m", theme.title: "T",
        Style(bold: true): "b", theme.ok: "o", theme.warn: "w", theme.error: "E", Style(fg: theme.accent): "a",
        Style(fg: theme.accent, bold: true, reverse: true): "A", Style(fg: theme.danger, bold: true, reverse: true): "R"
    ]

    /// The buffer the text and style lines describe.
    static func buffer(text: [String], styles: [String], size: Size) -> CellBuffer {
        let byChar = Dictionary(legend.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        var b = CellBuffer(size: size)
        for (y, line) in text.enumerated() {
            var x = 0
            for c in line {
                b.write(String(c), x: x, y: y, style: .plain, maxWidth: size.width - x)
                x += TextWidth.of(c)
            }
        }
        for (y, line) in styles.enumerated() {
            for (x, c) in line.enumerated() where x < size.width {
                let cell = b[x, y]
                b[x, y] = Cell(cell.text, style: byChar[c] ?? .plain)
            }
        }
        return b
    }

    /// Compares the whole frame; on failure the message lists every differing cell.
    /// `masked` rows are compared only up to a column (the store's temporary path is random).
    static func expect(
        _ frame: CellBuffer, text: [String], styles: [String], masked: [Int: Int] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var expected = buffer(text: text, styles: styles, size: frame.size)
        for (y, from) in masked {
            for x in from..<frame.size.width { expected[x, y] = frame[x, y] }
        }
        let diff = frame.differences(from: expected)
        #expect(
            diff.isEmpty, "\(diff.count) cells differ:\n\(diff.prefix(40).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}

@Suite("Whole screens")
struct WholeScreenTests {
    @Test func theCustomerListAt80x24() throws {
        let h = Harness(client: Fixtures.client)
        GoldenScreens.expect(
            h.backend.frame,
            text: [
                " Rapport • Customers                                                 sort: name",
                "NAME              ID      RFM SEGMENT      STAGE     LAST ORDERS   SPEND     CLV",
                "Anna Côté         C4      need attention   lost      191d      6     150",
                "Mallory �]0;pwne… C3      promising        new        48d      1      15",
                "Margot Lindqvist  C1      champions        active      0d     25     535",
                "山田 太郎         C2      hibernating      lost      222d      6     150",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                " 1/4 customers                          /tmp/rapport-app-17AC90B1-0EF6-4045-BC8…",
                " Enter open  / filter  s sort  S segments  : command  ? help  q quit"
            ],
            styles: [
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "HHHHHHHHHHHHHHHHH.HHHHHHH.HHHHHHHHHHHHHHHH.HHHHHHH.HHHHHH.HHHHHH.HHHHHHH.HHHHHHH",
                "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "................................................................................",
                "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm............"
            ], masked: [22: 39])
    }

    @Test func aProfileAt80x24() throws {
        let h = Harness(client: Fixtures.client)
        h.press(.enter)
        GoldenScreens.expect(
            h.backend.frame,
            text: [
                " Rapport • Profile                              figures as of 2025-12-19 (model…",
                " Anna Côté  [C4]  age 20s  Montréal, CA",
                " pers ✓ email ✓ sms ? push ?  channel: says web, engages web",
                " anna@example.com",
                "┌ Preferences ─────────────────────────┐┌ Value ───────────────────────────────┐",
                "│says likes: -                         ││RFM 322  need attention               │",
                "│says dislikes: -                      ││6 orders, spend 150, last 191d ago    │",
                "│Music                ██████████ 100   ││stage lost  next 90d - orders         │",
                "│Music/Jazz           ██████████ 100   ││P(alive) -                            │",
                "│Toys                 █████████·  90   ││CLV 12m -  avg order 26               │",
                "│brand: Tiny Giants   ██████████ 100   ││24 months to 2025-12-19, peak 50:     │",
                "│brand: Blue Room     █████████▉  99   ││spend/month ▁▁▁▁▁▁▁▁▁▁▁▁▁█▁█▁█▁▁▁▁▁▁  │",
                "│brand: Vanguard      ██▊·······  28   ││6 orders about every 24 days, the…    │",
                "└──────────────────────────────────────┘└──────────────────────────────────────┘",
                "┌ Recommendations ─────────────────────┐┌ Care ────────────────────────────────┐",
                "│[bought]  Kind of Blue                ││next: 10th order (4 orders to go)     │",
                "│  bought with Plush Dragon, which you…││next: spend 500 (350 more to spend)   │",
                "│[bought]  Wooden Train                ││next: 1st anniversary (53 days to go) │",
                "│  bought with Plush Dragon, which you…││                                      │",
                "│[popular] Loud Summer                 ││                                      │",
                "│  popular with all customers          ││                                      │",
                "└──────────────────────────────────────┘└──────────────────────────────────────┘",
                " C4                                     /tmp/rapport-app-17AC90B1-0EF6-4045-BC8…",
                " Tab panel  H history  Enter details  N note  E export  ? help  Esc back"
            ],
            styles: [
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                ".TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT.",
                "................................................................................",
                ".mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm.",
                "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTmbbbbbbbmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "TooooooooooooooooooooooooooooooooooooooTmTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTm",
                "TwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwTm......................................m",
                "TSSSSSSSSSSSSSSSSSSSS.aaaaaaaaaa.......Tmbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbm",
                "T.....................aaaaaaaaaa.......Tm......................................m",
                "T.....................aaaaaaaaaa.......Tm......................................m",
                "T.....................aaaaaaaaaa.......Tmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "T.....................aaaaaaaaaa.......Tmmmmmmmmmmmmmaaaaaaaaaaaaaaaaaaaaaaaa..m",
                "T.....................aaaaaaaaaa.......Tmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm....m",
                "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "mbbbbbbbbbbbbbbbbbmmmmmmmmmmmmmmmmmmmmmmmbbbbbbmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "mooooooooo.bbbbbbbbbbbbbbbbbbbbbbbbbbbbmm......................................m",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm......................................m",
                "mooooooooo.bbbbbbbbbbbbbbbbbbbbbbbbbbbbmm......................................m",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm......................................m",
                "moooooooooobbbbbbbbbbbbbbbbbbbbbbbbbbbbmm......................................m",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm......................................m",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
                "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm........"
            ], masked: [22: 39])
    }
}
