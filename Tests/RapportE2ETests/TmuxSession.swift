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
        let envPrefix = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(
            separator: " ")
        // When the program exits, print a marker and keep the pane so the screen can be checked.
        let shell =
            "env \(envPrefix) \(command.map(Self.quote).joined(separator: " ")); echo \"[exit $?]\"; "
            + "stty -a | tr '\\n' ' ' | grep -o -e ' -*icanon' -e ' -*echo ' | tr -d '\\n'; echo ' [end]'; sleep 600"
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "sh", "-c", shell])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs tmux with posix_spawn and waitpid. Foundation's Process is not used: the tmux
    /// server that `new-session` forks inherits its bookkeeping descriptors and the wait
    /// never ends.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let argv = ["/usr/bin/tmux", "-S", socket] + args
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure.tmux("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Only capture-pane style commands need output; the server must not hold our pipe.
        let capture = args.first != "new-session"
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var env = ["PATH=/usr/bin:/bin", "TERM=xterm-256color", "HOME=\(workDir.path)"]
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
            env.removeAll()
        }
        // The test runner's threads may block signals; tmux, the shell and rapport must start
        // with none blocked and default handlers, as from a login shell, or a hang-up would not
        // reach them.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for sig in [SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cArgs, &cEnv)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw Failure.tmux("spawn failed: \(rc)")
        }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while capture {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        close(fds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if status != 0 { throw Failure.tmux("\(args.first ?? "") failed with status \(status)") }
        return String(decoding: output, as: UTF8.self)
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
