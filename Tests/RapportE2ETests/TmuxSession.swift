import Foundation

/// Drives the real `rapport` binary inside a detached tmux session: keys in with
/// `send-keys`, screen out with `capture-pane`. Waiting is polling with a deadline, never a
/// fixed sleep.
final class TmuxSession {
    let name: String
    let socket: String
    let workDir: URL
    private(set) var exited = false

    enum Failure: Error, CustomStringConvertible {
        case timeout(waitingFor: String, screen: String)
        case tmux(String)
        var description: String {
            switch self {
            case .timeout(let what, let screen): "timed out waiting for \(what); screen was:\n\(screen)"
            case .tmux(let s): "tmux: \(s)"
            }
        }
    }

    /// Starts `command` (argv) in an 80×24 (or given size) session with `environment` added.
    init(command: [String], environment: [String: String], width: Int = 80, height: Int = 24, workDir: URL) throws {
        self.workDir = workDir
        name = "rapport-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        socket = workDir.appendingPathComponent("tmux.sock").path
        let envPrefix = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        // When the program exits, print a marker and keep the pane so the screen can be checked.
        let shell = "env \(envPrefix) \(command.map(Self.quote).joined(separator: " ")); echo \"[exit $?]\"; stty -a | tr -s ' ' | head -c 400; echo; sleep 600"
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "sh", "-c", shell])
    }

    deinit { try? tmux(["kill-server"]) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "-S", socket] + args
        p.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": workDir.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            throw Failure.tmux(String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends tmux key names (`Enter`, `Escape`, `Down`, `C-c`) or literal text.
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// Polls the screen until `predicate` holds or the deadline passes.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 20, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            usleep(20_000) // polling interval, not synchronisation: the deadline bounds the wait
        }
        throw Failure.timeout(waitingFor: what, screen: last)
    }

    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 20) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }
}
