import Foundation

/// What a terminal must do for the runtime. Only `RapportTerminal` implements it for a real
/// terminal; `HeadlessBackend` implements it for tests.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    var glyphs: Glyphs { get }
    /// Waits up to `timeoutMs` for input; nil when none arrived.
    func readEvent(timeoutMs: Int) -> InputEvent?
    /// Draws the differences between `previous` (nil: everything) and `buffer`.
    func draw(_ buffer: CellBuffer, previous: CellBuffer?, cursor: Point?)
    /// Leaves the terminal as it was found.
    func restore()
}

/// Work that runs off the UI loop and reports back with messages (and may report progress
/// on the way). Commands never touch the model.
public struct Command<Message: Sendable>: Sendable {
    /// Where a command runs. Writes run one at a time, in the order they were asked for;
    /// reads run beside them and beside each other, so a long write (an erase, a refresh)
    /// never holds up paging, a profile, a count or a popup. A named queue runs its commands
    /// one at a time beside everything else: a command queued behind a newer one of its kind
    /// (the next key of a filter) can see that and skip its work.
    public enum Lane: Sendable, Hashable { case read, write, queue(String) }

    public let lane: Lane
    public let run: @Sendable (_ send: @escaping @Sendable (Message) -> Void) -> Void

    /// A command is a read unless it says it writes: a write left on the read lane by mistake
    /// costs ordering, which a test of writes sees, and a read forgotten on the write lane
    /// would cost latency behind every refresh, which nothing sees. So writes say `.write`.
    public init(lane: Lane = .read, _ run: @escaping @Sendable (_ send: @escaping @Sendable (Message) -> Void) -> Void)
    {
        self.lane = lane
        self.run = run
    }
}

/// An Elm-style program: messages update the model, the view renders it into cells.
public protocol Program {
    associatedtype Model
    associatedtype Message: Sendable
    func initial(_ model: inout Model) -> [Command<Message>]
    func message(for event: InputEvent, _ model: Model) -> Message?
    func update(_ model: inout Model, _ message: Message) -> [Command<Message>]
    func view(_ model: Model, into buffer: inout CellBuffer) -> Point?
    func isFinished(_ model: Model) -> Bool
    /// A message the loop sends about once a second while idle (to notice changes made
    /// elsewhere); nil for none.
    func tick(_ model: Model) -> Message?
}

extension Program {
    public func tick(_ model: Model) -> Message? { nil }
}

/// Runs a program against a backend: input and command results become messages, each
/// message updates the model, and a frame is drawn as a diff against the previous one.
public final class Runtime<P: Program>: @unchecked Sendable {
    public let program: P
    public private(set) var model: P.Model
    let backend: TerminalBackend
    private var previous: CellBuffer?
    private var current: CellBuffer
    private let lock = NSLock()
    private var inbox: [P.Message] = []
    private let writes = DispatchQueue(label: "rapport.writes", qos: .userInitiated)
    private let reads = DispatchQueue(label: "rapport.reads", qos: .userInitiated, attributes: .concurrent)
    private var queues: [String: DispatchQueue] = [:]

    private func queue(for lane: Command<P.Message>.Lane) -> DispatchQueue {
        switch lane {
        case .read: return reads
        case .write: return writes
        case .queue(let name):
            if let q = queues[name] { return q }
            let q = DispatchQueue(label: "rapport.\(name)", qos: .userInitiated)
            queues[name] = q
            return q
        }
    }
    private var dirty = true

    public init(program: P, model: P.Model, backend: TerminalBackend) {
        self.program = program
        self.model = model
        self.backend = backend
        current = CellBuffer(size: backend.size, ascii: backend.glyphs.isASCII)
    }

    func post(_ m: P.Message) {
        lock.lock()
        inbox.append(m)
        lock.unlock()
    }

    func start(_ commands: [Command<P.Message>]) {
        for c in commands {
            queue(for: c.lane).async { [self] in c.run { m in self.post(m) } }
        }
    }

    /// Handles one message now (used by the loop and by tests).
    public func send(_ m: P.Message) {
        start(program.update(&model, m))
        dirty = true
    }

    /// Renders the current model into the back buffer and draws the difference.
    public func render() {
        if current.size != backend.size {
            current.resize(backend.size)
            previous = nil
        }
        current.clear()
        let cursor = program.view(model, into: &current)
        backend.draw(current, previous: previous, cursor: cursor)
        // Two buffers, swapped: the drawn frame becomes the one the next frame diffs against.
        let spare = previous ?? CellBuffer(size: current.size, ascii: current.ascii)
        previous = current
        current = spare
        dirty = false
    }

    /// Messages that arrived from commands since the last call.
    func drainInbox() -> [P.Message] {
        lock.lock()
        defer { lock.unlock() }
        let m = inbox
        inbox.removeAll()
        return m
    }

    /// The main loop. Returns when the program says it is finished.
    public func run() {
        start(program.initial(&model))
        var lastTick = Date()
        while !program.isFinished(model) {
            for m in drainInbox() { send(m) }
            // Twice a second: a change another analyst made shows within a second.
            if Date().timeIntervalSince(lastTick) >= 0.5 {
                lastTick = Date()
                if let m = program.tick(model) { send(m) }
            }
            if dirty { render() }
            if program.isFinished(model) { break }
            guard var event = backend.readEvent(timeoutMs: 25) else { continue }
            // A paste arrives as many keys at once: every key already waiting is handled before
            // the next frame is drawn (at most 4,096), not one frame per key.
            var burst = 0
            while true {
                if case .resize = event {
                    dirty = true
                    previous = nil
                }
                if let m = program.message(for: event, model) { send(m) }
                burst += 1
                guard burst < 4096, !program.isFinished(model), let next = backend.readEvent(timeoutMs: 0) else {
                    break
                }
                event = next
            }
        }
    }

    /// For tests: runs every pending command to completion on this thread and applies results,
    /// until nothing is left.
    public func settle(maxRounds: Int = 100) {
        for _ in 0..<maxRounds {
            writes.sync {}
            for q in queues.values { q.sync {} }
            reads.sync(flags: .barrier) {}
            let ms = drainInbox()
            if ms.isEmpty { return }
            for m in ms { send(m) }
        }
    }

    public func startInitial() { start(program.initial(&model)) }
}

/// A terminal in memory for tests: scripted input, the last frame kept as a `CellBuffer`.
public final class HeadlessBackend: TerminalBackend {
    public var size: Size
    public var glyphs: Glyphs
    public var events: [InputEvent] = []
    public private(set) var frame: CellBuffer
    public private(set) var restored = false
    public private(set) var drawCount = 0

    public init(size: Size = Size(width: 80, height: 24), glyphs: Glyphs = .unicode) {
        self.size = size
        self.glyphs = glyphs
        frame = CellBuffer(size: size, ascii: glyphs.isASCII)
    }

    public func readEvent(timeoutMs: Int) -> InputEvent? { events.isEmpty ? nil : events.removeFirst() }

    public func draw(_ buffer: CellBuffer, previous: CellBuffer?, cursor: Point?) {
        if frame.size != buffer.size || previous == nil {
            frame = buffer
        } else {
            for change in buffer.changes(from: previous) {
                for (i, c) in change.cells.enumerated() { frame[change.x + i, change.y] = c }
            }
        }
        drawCount += 1
    }

    public func restore() { restored = true }
}
