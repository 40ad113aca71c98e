import Foundation
import RapportService
import RapportUI

/// What a screen's view and update read besides their own state: the terminal, the session's
/// settings and the keys. A screen's `view` is a function of its state and this, nothing else.
struct ScreenEnv {
    var screen: Screen
    var size: Size
    var glyphs: Glyphs
    var theme: Theme
    var keymap: Keymap
    var redact: Bool
    var readOnly: Bool
    /// The past day shown after `@` (nil: now).
    var pastDate: PointInTime?

    var context: RenderContext { RenderContext(glyphs: glyphs, theme: theme) }

    /// The rows of a screen's table: the terminal less the title, status, hints and header.
    var tableRows: Int { max(1, size.height - 4) }

    /// The first key of an action on the screen shown.
    func keyName(_ a: AppAction) -> String { keymap.keyName(a, in: screen.rawValue) }

    /// The title bar, and the marker of a past day on the screens a past day applies to.
    func title(_ b: inout CellBuffer, _ left: String, _ right: String) {
        title(&b, left, right, asOf: Explorer.pastDateScreens.contains(screen) ? pastDate : nil)
    }

    /// The title bar, with the marker of `asOf` when the screen shows a past day.
    func title(_ b: inout CellBuffer, _ left: String, _ right: String, asOf: PointInTime?) {
        StatusBar(
            left: " Rapport \(glyphs.bullet) \(left)", right: right + " ",
            style: Style(fg: theme.accent, bold: true, reverse: true)
        ).render(Rect(x: 0, y: 0, width: b.size.width, height: 1), into: &b, context)
        drawPastDateMarker(&b, asOf, after: left)
    }

    /// The filter line at the bottom while `/` is typed; the cursor's place.
    func filterLine(_ f: TextField, into b: inout CellBuffer) -> Point {
        let bottom = size.height - 1
        b.fill(Rect(x: 0, y: bottom, width: size.width, height: 1))
        b.write("/", x: 0, y: bottom, style: theme.title)
        return Point(x: f.draw(&b, x: 1, y: bottom, width: size.width - 2), y: bottom)
    }

    /// The title's marker of a past day: `@ as of 2026-03-14`, drawn loud (bold on red; bold and
    /// reversed where there is no colour, and the `@` says it in any case).
    func drawPastDateMarker(_ b: inout CellBuffer, _ asOf: PointInTime?, after left: String) {
        guard let p = asOf else { return }
        let text = " @ as of \(p.label) "
        let x = TextWidth.of(" Rapport \(glyphs.bullet) \(left)") + 2
        guard x + TextWidth.of(text) < b.size.width else { return }
        b.write(text, x: x, y: 0, style: Explorer.pastDateStyle(theme))
    }
}

extension AppModel {
    /// The environment the screens are drawn and updated in.
    var env: ScreenEnv {
        ScreenEnv(
            screen: screen, size: size, glyphs: glyphs, theme: theme, keymap: keymap, redact: redact,
            readOnly: readOnly, pastDate: pastDate)
    }
}

/// A selection moved by `d` rows and kept within `count` rows (a huge `d` goes to an end).
func stepped(_ v: Int, by d: Int, count: Int) -> Int {
    max(0, min(count - 1, v.addingReportingOverflow(d).partialValue))
}

/// Types a key into a text field: a character as text, an editing key as its edit.
func edited(_ f: inout TextField, _ key: Key, _ binding: ModeKey?) -> Bool {
    if case .edit(let e)? = binding {
        f.apply(e)
        return true
    }
    if case .char(let c) = key { return f.insert(c) }
    return false
}
