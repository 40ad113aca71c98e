import ArgumentParser
import Foundation
import RapportService

enum ErrorReporting {
    /// Prints `error` to stderr and returns the process exit code.
    static func report(_ error: Error) -> Int32 {
        if let message = ServiceFailure.message(error) {
            printError(message)
            return 1
        }
        switch error {
        case let e as ConfigError:
            printError("rapport: error: \(e.description)")
            return 1
        case let e as RuntimeError:
            printError("rapport: error: \(e.message)")
            return 1
        default:
            let code = RapportCommand.exitCode(for: error)
            if code == .success {
                // --help, --version: ArgumentParser's text, printed as its `exit(withError:)`
                // does, with the usage line wrapped to 80 columns.
                let text = RapportCommand.fullMessage(for: error)
                if !text.isEmpty { print(UsageWrapping.wrap(text)) }
                return 0
            }
            let message = RapportCommand.message(for: error)
            if code == .validationFailure || error is ValidationError {
                let first = oneLine(message)
                printError(
                    "rapport: \(first.replacingOccurrences(of: "Error: ", with: "error: ")) (see 'rapport help')")
                return 2
            }
            printError("rapport: error: \(message.isEmpty ? String(describing: error) : message)")
            return code.rawValue == 0 ? 1 : 1
        }
    }

    /// ArgumentParser's message on one line: its first line, and when it lists the valid
    /// values below ("Please provide one of the following:" then "- name" lines), those values.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return message }
        let values = lines.dropFirst().filter { $0.hasPrefix("- ") }.map { "'\($0.dropFirst(2))'" }
        guard first.hasSuffix(":"), !values.isEmpty else { return first }
        return first + " " + values.joined(separator: ", ")
    }

    /// Every line of an error passes through the sanitiser: an import's bad value or a rule's
    /// text can hold C1 controls or bidi overrides, which must not reach the terminal raw.
    static func printError(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Printable.safe(String($0)) }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

/// A runtime failure with a message for people.
struct RuntimeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
