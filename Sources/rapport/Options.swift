import ArgumentParser
import Foundation
import RapportService

/// Options every command that opens the store shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Store file or postgres:// URL (default: $RAPPORT_STORE, else $XDG_DATA_HOME/rapport/store.sqlite).",
            valueName: "path|url"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Name recorded in the audit log (default: $USER; on PostgreSQL the database user).", valueName: "name"))
    var analyst: String?

    @Flag(
        name: .long,
        help: "Open the store read-only: nothing is written, and commands that write (or audit) are refused.")
    var readOnly = false

    var location: StoreLocation { StoreLocation.resolve(explicit: store) }

    var analystName: String { Self.analystName(analyst, at: location) }

    /// `--analyst`, else the database user on PostgreSQL, else `$USER`.
    static func analystName(_ analyst: String?, at location: StoreLocation) -> String {
        if let analyst, !analyst.isEmpty { return analyst }
        if location.isServer, let user = Workspace.databaseUser(location) { return user }
        let env = ProcessInfo.processInfo.environment
        return env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }

    /// Opens the store for a command that only reads: read-only, so it never changes the file
    /// (bytes or mtime). A store that still needs a migration is opened for writing once.
    func openForReading() throws -> Workspace {
        do {
            return try open(readOnly: true)
        } catch let e where ServiceFailure.needsMigration(e) && !self.readOnly {
            return try open()
        }
    }

    /// Opens the store. Only `create` (import, sample) and the first run of the default store
    /// make a new one: a mistyped `--store` fails instead of answering from an empty store.
    func open(readOnly: Bool = false, config: Config? = nil, create: Bool = false) throws -> Workspace {
        Logs.bootstrap()
        let where_ = location
        if !create && !where_.isDefault && !where_.isServer && !FileManager.default.fileExists(atPath: where_.path) {
            throw RuntimeError(
                "no store at \(where_.path) (check --store or $RAPPORT_STORE; 'rapport import' or 'rapport sample' make one)"
            )
        }
        let settings = try config ?? Config.load()
        let ws = try Workspace.open(
            location, analyst: analystName, readOnly: readOnly || self.readOnly, config: settings, create: create)
        if let created = ws.createdMessage { ErrorReporting.printError("rapport: \(Printable.safe(created))") }
        for warning in ws.openWarnings { ErrorReporting.printError("rapport: warning: \(Printable.safe(warning))") }
        // A write kept waiting by another analyst's says so after about a second, not silence.
        ws.onBusy { ErrorReporting.printError("rapport: \(Printable.safe($0))") }
        return ws
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false
}

/// Printing for people (sanitised: no control character from the data reaches the terminal)
/// and for scripts (JSON).
enum Out {
    static func line(_ s: String = "") { print(Printable.safe(s)) }

    static func json<T: Encodable>(_ value: T) throws {
        let data = try JSONOutput.encode(value)
        FileHandle.standardOutput.write(Data(Printable.escapedJSON(String(decoding: data, as: UTF8.self)).utf8))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// JSON produced piece by piece (see `JSONPieces`), escaped as `json` escapes it, written
    /// to stdout in blocks.
    static func streamJSON(_ produce: (_ write: @escaping (String) throws -> Void) throws -> Void) throws {
        let buffer = stdoutBuffer()
        try produce { try buffer.add(Printable.escapedJSON($0)) }
        try buffer.flush()
    }

    /// Standard output in blocks; a full disk or a closed pipe is an error in words, not a
    /// crash in FileHandle.
    static func stdoutBuffer() -> OutputBuffer {
        OutputBuffer { try FileFailure.writeAll(STDOUT_FILENO, $0, path: "standard output") }
    }

    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}
