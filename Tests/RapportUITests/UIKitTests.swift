import Foundation
import Testing
@testable import RapportUI

@Suite("Cell buffer and text")
struct CellBufferTests {
    @Test func wideCharactersTakeTwoCellsAndKeepAlignment() {
        var b = CellBuffer(size: Size(width: 20, height: 2))
        b.write("山田 太郎", x: 0, y: 0, width: 10)
        b.write("|", x: 10, y: 0)
        b.write("Anna Côté", x: 0, y: 1, width: 10)
        b.write("|", x: 10, y: 1)
        #expect(b.lines() == ["山田 太郎 |", "Anna Côté |"])
        #expect(TextWidth.of("山田 太郎") == 9)
        #expect(b[1, 0].isContinuation)
    }

    @Test func wideCharacterThatDoesNotFitBecomesASpace() {
        var b = CellBuffer(size: Size(width: 5, height: 1))
        b.write("ab山田", x: 0, y: 0, maxWidth: 5)
        #expect(b.lines() == ["ab山"])
        var c = CellBuffer(size: Size(width: 6, height: 1))
        c.write("abc山", x: 0, y: 0, maxWidth: 4)
        #expect(c.lines() == ["abc"])
    }

    @Test func escapeSequencesAreReplacedVisibly() {
        var b = CellBuffer(size: Size(width: 40, height: 1))
        b.write("Mallory \u{1B}]0;pwned\u{07}\u{1B}[2J", x: 0, y: 0)
        let line = b.lines()[0]
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(line == "Mallory \u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J")
        var ascii = CellBuffer(size: Size(width: 40, height: 1), ascii: true)
        ascii.write("Zoë \u{1B}[31m\u{202E}", x: 0, y: 0)
        #expect(ascii.lines() == ["Zo? ?[31m?"])
    }

    @Test func truncationUsesAnEllipsis() {
        #expect(Sanitizer.truncate("Kind of Blue Reissue", to: 10) == "Kind of…")
        #expect(Sanitizer.truncate("Kind of Blue Reissue", to: 10, ellipsis: "~") == "Kind of~")
        #expect(Sanitizer.fit("ab", 4, alignRight: true) == "  ab")
        #expect(Sanitizer.truncate("山田太郎", to: 5) == "山田…")
    }

    @Test func diffSendsOnlyChangedRuns() {
        var a = CellBuffer(size: Size(width: 10, height: 2))
        a.write("hello", x: 0, y: 0)
        var b = a
        b.write("J", x: 0, y: 0)
        b.write("x", x: 9, y: 1)
        let changes = b.changes(from: a)
        #expect(changes.count == 2)
        #expect(changes[0].x == 0 && changes[0].y == 0 && changes[0].cells.count == 1)
        #expect(changes[1].x == 9 && changes[1].y == 1)
        #expect(b.changes(from: nil).count == 2)
        #expect(b.changes(from: b).isEmpty)
    }

    @Test func barsAndSparklinesHaveASCIIFallbacks() {
        #expect(Bar.render(0.5, width: 4, glyphs: .unicode) == "██··")
        #expect(Bar.render(0.3, width: 4, glyphs: .unicode) == "█▎··") // 9.6 eighths round to 10
        #expect(Bar.render(0.5, width: 4, glyphs: .ascii) == "##..")
        #expect(Sparkline.render([0, 1, 2, 4], width: 4, glyphs: .unicode) == "▁▃▅█") // 1/4·7 → 2, 2/4·7 → 4
        #expect(Sparkline.render([0, 1, 2, 4], width: 4, glyphs: .ascii) == "_-+@")
    }
}

@Suite("Widgets")
struct WidgetTests {
    @Test func tableAsksOnlyForVisibleRows() {
        var b = CellBuffer(size: Size(width: 30, height: 6))
        var asked: [Int] = []
        Table.draw(
            &b, b.bounds, columns: [Column("N", width: 5), Column("NAME", width: 10, flex: true)], count: 1_000_000,
            offset: 500_000, selected: 500_002, glyphs: .unicode, theme: Theme()
        ) { i in
            asked.append(i)
            return [String(i), "row \(i)"]
        }
        #expect(asked == Array(500_000..<500_005))
        #expect(b.lines()[0] == "N     NAME")
        #expect(b.lines()[3].hasPrefix("500002 row 500002") || b.lines()[3].hasPrefix("5000… row 500002"))
    }

    @Test func scrollingKeepsTheSelectionVisible() {
        #expect(Table.scroll(offset: 0, selected: 25, height: 20, count: 100) == 6)
        #expect(Table.scroll(offset: 10, selected: 5, height: 20, count: 100) == 5)
        #expect(Table.scroll(offset: 90, selected: 99, height: 20, count: 100) == 80)
    }

    @Test func columnsShrinkAndFlex() {
        let cols = [Column("A", width: 10, flex: true), Column("B", width: 5), Column("C", width: 5)]
        #expect(Table.layout(cols, width: 30) == [18, 5, 5])
        #expect(Table.layout(cols, width: 16) == [10, 5, 0])
    }

    @Test func textFieldEditing() {
        var f = TextField()
        for c in "hello world" { _ = f.handle(.char(c)) }
        #expect(f.text == "hello world" && f.cursor == 11)
        _ = f.handle(.ctrl("w"))
        #expect(f.text == "hello ")
        _ = f.handle(.home)
        _ = f.handle(.delete)
        #expect(f.text == "ello " && f.cursor == 0)
        _ = f.handle(.end)
        _ = f.handle(.backspace)
        #expect(f.text == "ello")
        _ = f.handle(.left)
        _ = f.handle(.ctrl("u"))
        #expect(f.text == "o" && f.cursor == 0)
        let acceptedEscape = f.handle(.char("\u{1B}"))
        #expect(!acceptedEscape)
    }

    @Test func layoutSplits() {
        let r = Rect(x: 0, y: 0, width: 80, height: 24)
        let (top, rest) = r.splitTop(1)
        #expect(top.height == 1 && rest.y == 1 && rest.height == 23)
        let (l, rr) = r.splitLeft(ratio: 0.5)
        #expect(l.width == 40 && rr.x == 40)
        #expect(r.centered(Size(width: 20, height: 4)) == Rect(x: 30, y: 10, width: 20, height: 4))
        #expect(r.inset(1) == Rect(x: 1, y: 1, width: 78, height: 22))
    }
}

@Suite("Keymap")
struct KeymapTests {
    let open = Action("open", "open it", group: "list")
    let quit = Action("quit", "quit", group: "global")
    let down = Action("down", "move down", group: "move")

    func keymap() -> Keymap {
        Keymap(
            global: .init(name: "global", [(quit, [.char("q")]), (down, [.char("j"), .down])]),
            views: [.init(name: "list", [(open, [.enter])])])
    }

    @Test func viewBindingsFallBackToGlobal() {
        let k = keymap()
        #expect(k.action(for: .enter, in: "list")?.id == "open")
        #expect(k.action(for: .char("j"), in: "list")?.id == "down")
        #expect(k.action(for: .enter, in: "other") == nil)
    }

    @Test func keyNamesParse() {
        #expect(Key(name: "C-d") == .ctrl("d"))
        #expect(Key(name: "S-Tab") == .backTab)
        #expect(Key(name: "PgDn") == .pageDown)
        #expect(Key(name: "?") == .char("?"))
        #expect(Key(name: "F5") == .function(5))
        #expect(Key(name: "Space") == .char(" "))
        #expect(Key(name: "nonsense") == nil)
        for k: Key in [.enter, .escape, .backTab, .pageUp, .ctrl("x"), .char("G"), .function(2)] {
            #expect(Key(name: k.description) == k)
        }
    }

    @Test func rebindingReplacesKeysAndHelpFollows() {
        var k = keymap()
        let ok = k.rebind(["down": ["n", "Down"]])
        #expect(ok.isEmpty)
        #expect(k.action(for: .char("n"), in: "list")?.id == "down")
        #expect(k.action(for: .char("j"), in: "list") == nil)
        #expect(k.helpLines(for: "list").contains { $0.keys == "n Down" && $0.help == "move down" })
        let unknownAction = k.rebind(["nope": ["x"]])
        #expect(unknownAction == ["keys.nope: no such action"])
        let unknownKey = k.rebind(["down": ["Hyper-Q"]])
        #expect(!unknownKey.isEmpty)
    }

    @Test func markdownListsEveryBinding() {
        let md = keymap().markdown(viewOrder: ["list"])
        #expect(md.contains("| list | `Enter` | open it | `open` |"))
        #expect(md.contains("| global | `j` `Down` | move down | `down` |"))
    }
}

@Suite("Runtime")
struct RuntimeTests {
    struct Counter: Program {
        typealias Model = (count: Int, size: Size, done: Bool)
        typealias Message = InputEvent
        func initial(_ m: inout Model) -> [Command<InputEvent>] { [] }
        func message(for e: InputEvent, _ m: Model) -> InputEvent? { e }
        func update(_ m: inout Model, _ e: InputEvent) -> [Command<InputEvent>] {
            switch e {
            case .key(.char("q")): m.done = true
            case .key: m.count += 1
            case .resize(let s): m.size = s
            default: break
            }
            return []
        }
        func view(_ m: Model, into b: inout CellBuffer) -> Point? {
            b.write("count \(m.count) at \(m.size.width)x\(m.size.height)", x: 0, y: 0)
            b.write("bottom", x: 0, y: b.size.height - 1)
            return nil
        }
        func isFinished(_ m: Model) -> Bool { m.done }
    }

    @Test func eventsUpdateAndResizeRedraws() {
        let backend = HeadlessBackend(size: Size(width: 80, height: 24))
        backend.events = [.key(.char("a")), .key(.char("b")), .resize(Size(width: 100, height: 30)), .key(.char("q"))]
        let rt = Runtime(program: Counter(), model: (0, Size(width: 80, height: 24), false), backend: backend)
        // Resize is reported by the backend's size too, as a real terminal would.
        backend.size = Size(width: 80, height: 24)
        rt.send(.key(.char("a")))
        rt.render()
        #expect(backend.frame.lines()[0] == "count 1 at 80x24")
        backend.size = Size(width: 100, height: 30)
        rt.send(.resize(backend.size))
        rt.render()
        #expect(backend.frame.size == Size(width: 100, height: 30))
        #expect(backend.frame.lines()[0] == "count 1 at 100x30")
        #expect(backend.frame.lines()[29] == "bottom")
    }

    /// A program whose keys start commands: "w" a write that waits for a gate, "r" a read.
    struct Lanes: Program {
        typealias Model = [String]
        typealias Message = String
        let gate: DispatchSemaphore
        func initial(_ m: inout Model) -> [Command<String>] { [] }
        func message(for e: InputEvent, _ m: Model) -> String? { nil }
        func update(_ m: inout Model, _ msg: String) -> [Command<String>] {
            switch msg {
            case "w":
                return [
                    Command(lane: .write) { [gate] send in
                        gate.wait()
                        send("wrote")
                    }
                ]
            case "r": return [Command(lane: .read) { send in send("read") }]
            default:
                m.append(msg)
                return []
            }
        }
        func view(_ m: Model, into b: inout CellBuffer) -> Point? { nil }
        func isFinished(_ m: Model) -> Bool { false }
    }

    @Test func aReadIsNotHeldUpByAWriteInProgress() {
        let gate = DispatchSemaphore(value: 0)
        let rt = Runtime(program: Lanes(gate: gate), model: [], backend: HeadlessBackend())
        rt.send("w")
        rt.send("r")
        let deadline = Date().addingTimeInterval(10)
        var seen: [String] = []
        while !seen.contains("read") && Date() < deadline { seen += rt.drainInbox() }
        #expect(seen == ["read"])
        gate.signal()
        rt.settle()
        #expect(rt.model == ["wrote"])
    }

    @Test func runLoopStopsWhenFinished() {
        let backend = HeadlessBackend()
        backend.events = [.key(.char("x")), .key(.char("q"))]
        let rt = Runtime(program: Counter(), model: (0, Size(width: 80, height: 24), false), backend: backend)
        rt.run()
        #expect(rt.model.count == 1 && rt.model.done)
    }
}

@Suite("Text width against the C library")
struct WcwidthTests {
    /// Every assigned, printable scalar takes the cells glibc's wcwidth says (ncurses places
    /// characters by it), so a wide or combining character never shifts a column on screen.
    @Test func everyPrintableScalarMatchesWcwidth() throws {
        guard setlocale(LC_CTYPE, "C.UTF-8") != nil else {
            Issue.record("no C.UTF-8 locale")
            return
        }
        // wcwidth is not in Swift's Glibc module (it needs _XOPEN_SOURCE): look it up by name.
        typealias WcWidth = @convention(c) (Int32) -> Int32
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "wcwidth"))
        let wcwidth = unsafeBitCast(symbol, to: WcWidth.self)
        var mismatches: [String] = []
        for v in UInt32(0x20)...0x3FFFF {
            guard let u = Unicode.Scalar(v), v != 0x7F, !(0x80...0x9F).contains(v) else { continue }
            let expected = Int(wcwidth(Int32(bitPattern: v)))
            guard expected >= 0 else { continue } // unassigned or not printable: not drawn as is
            if TextWidth.of(u) != expected {
                mismatches.append(String(format: "U+%04X ours %d libc %d", v, TextWidth.of(u), expected))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(10))")
    }
}

@Suite("Widgets as values")
struct WidgetValueTests {
    static let context = RenderContext(glyphs: .ascii, theme: Theme())

    @Test func aFocusedBlockDrawsItsBorderAndTitleInTheFocusStyle() {
        var b = CellBuffer(size: Size(width: 8, height: 3))
        let inner = Block(title: "T", focused: true).render(b.bounds, into: &b, Self.context)
        #expect(inner == Rect(x: 1, y: 1, width: 6, height: 1))
        #expect(b.lines() == ["+ T ---+", "|      |", "+------+"])
        let legend: [Style: Character] = [.plain: ".", Theme().focusedBorder: "F"]
        #expect(b.styleLines(legend) == ["FFFFFFFF", "F......F", "FFFFFFFF"])
        var unfocused = CellBuffer(size: Size(width: 8, height: 3))
        Block(title: "T").render(unfocused.bounds, into: &unfocused, Self.context)
        #expect(!unfocused.differences(from: b).isEmpty)
    }

    @Test func widgetsGivenNoRoomDrawNothing() {
        var b = CellBuffer(size: Size(width: 3, height: 2))
        let before = b
        #expect(Block(title: "x").render(Rect(x: 0, y: 0, width: 1, height: 1), into: &b, Self.context).width == 0)
        StatusBar(left: "left", style: .reverse).render(Rect(x: 0, y: 0, width: 0, height: 1), into: &b, Self.context)
        Popup(title: "p", lines: [("a", .plain)], width: 40).render(
            Rect(x: 0, y: 0, width: 0, height: 0), into: &b, Self.context)
        #expect(b.differences(from: before).isEmpty)
    }
}
