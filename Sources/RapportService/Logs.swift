import Foundation
import Logging

/// swift-log to a file, never to the screen (the screen belongs to the explorer).
/// `$RAPPORT_LOG` names the file (default `$XDG_STATE_HOME/rapport/rapport.log`);
/// `$RAPPORT_LOG_LEVEL` sets the level (default info). Log messages carry counts, timings
/// and keys, never personal data.
public enum Logs {
    private static let once: Void = {
        let env = ProcessInfo.processInfo.environment
        let path =
            env["RAPPORT_LOG"]
            ?? {
                let base =
                    env["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
                    ?? (env["HOME"] ?? NSHomeDirectory()) + "/.local/state"
                return base + "/rapport/rapport.log"
            }()
        let level = env["RAPPORT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let sink = FileSink(path: path)
        LoggingSystem.bootstrap { label in
            var h = FileLogHandler(label: label, sink: sink)
            h.logLevel = level
            return h
        }
    }()

    public static func bootstrap() { _ = once }
}

/// An append-only log file shared by every logger of the process, and by every process on
/// the store: opened with `O_APPEND` and written one whole line per `write(2)`, so lines from
/// several analysts' commands interleave but never overwrite or split each other.
final class FileSink: @unchecked Sendable {
    private let fd: Int32

    init(path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ line: String) {
        guard fd >= 0 else { return }
        var bytes = Array(line.utf8)
        // Terminal controls from file names or ids never reach someone reading the log.
        // A newline inside a value would forge a log line: only the last byte may be one.
        for i in bytes.indices.dropLast() where bytes[i] < 0x20 || bytes[i] == 0x7F { bytes[i] = 0x3F }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

struct FileLogHandler: LogHandler {
    let label: String
    let sink: FileSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, sink: FileSink) {
        self.label = label
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let meta =
            merged.isEmpty
            ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        sink.write("\(time) \(level) \(label): \(message)\(meta) pid=\(getpid())\n")
    }
}
