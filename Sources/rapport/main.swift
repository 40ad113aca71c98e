import ArgumentParser
import Foundation

// Exit codes: 0 success, 1 runtime error, 2 usage error, 3 an import with --skip-bad that set
// rows aside (the good rows are imported). Errors are one clear line on stderr (an import
// rejected for bad rows lists each bad row on its own line).
do {
    var command = try RapportCommand.parseAsRoot(
        RapportCommand.hoistingSharedOptions(Array(CommandLine.arguments.dropFirst())))
    if var explore = command as? Explore {
        try explore.run()
    } else {
        try command.run()
    }
    exit(0)
} catch let code as ExitCode where code == .partialImport {
    exit(code.rawValue)
} catch {
    exit(ErrorReporting.report(error))
}

extension ExitCode {
    /// An import with --skip-bad that set rows aside: scripts can tell it from a clean one.
    static let partialImport = ExitCode(3)
}
