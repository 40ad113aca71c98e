import Foundation
import Logging

/// swift-log to a file, never to the screen (the screen belongs to the explorer).
/// `$RAPPORT_LOG` names the file (default `$XDG_STATE_HOME/rapport/rapport.log`);
/// `$RAPPORT_LOG_LEVEL` sets the level (default info). Log messages carry counts, timings
/// and keys, never personal data.
public enum Logs {
    private static let once: Void = {
        let env = ProcessInfo.processInfo.environment
        let path = env["RAPPORT_LOG"] ?? {
            let base = env["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
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

/// An append-only log file shared by every logger of the process.
final class FileSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?

    init(path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    func write(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        handle?.write(Data(line.utf8))
    }
}

struct FileLogHandler: LogHandler {
    let label: String
    let sink: FileSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, sink: FileSink) { self.label = label; self.sink = sink }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let meta = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        sink.write("\(time) \(level) \(label): \(message)\(meta) pid=\(getpid())\n")
    }
}
