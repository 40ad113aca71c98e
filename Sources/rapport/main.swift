import ArgumentParser
import Foundation

// Exit codes: 0 success, 1 runtime error, 2 usage error. Errors are one clear line on
// stderr (an import rejected for bad rows lists each bad row on its own line).
do {
    var command = try RapportCommand.parseAsRoot()
    if var explore = command as? Explore {
        try explore.run()
    } else {
        try command.run()
    }
    exit(0)
} catch {
    exit(ErrorReporting.report(error))
}
