import ArgumentParser
import Foundation
import RapportService
import RapportVocabulary

extension CorrectionsBasis: ExpressibleByArgument {}

/// `--as-of DATE` and `--corrections then|today`: a view as the store stood on a past day.
struct StoodOnOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("As it stood at the end of DATE (or at a date-time).", valueName: "date"))
    var asOf: String?

    @Option(help: ArgumentHelp("With --as-of: the corrections made by then, or today's.", valueName: "then|today"))
    var corrections: CorrectionsBasis?

    func validate() throws {
        if let asOf, PointInTime.parse(asOf) == nil {
            throw ValidationError("--as-of: '\(asOf)' is not a date (YYYY-MM-DD), a date-time or Unix seconds")
        }
        if corrections != nil && asOf == nil { throw ValidationError("--corrections needs --as-of") }
    }

    /// The moment asked for, or nil for now.
    var pointInTime: PointInTime? { asOf.flatMap { PointInTime.parse($0, corrections: corrections ?? .then) } }

    /// Opens the store: for a past moment writable unless `--read-only`, so a model fit made for
    /// that moment is kept for the next time.
    func open(_ storeOptions: StoreOptions) throws -> Workspace {
        pointInTime == nil || storeOptions.readOnly ? try storeOptions.openForReading() : try storeOptions.open()
    }
}

/// The words a command's text output leads with for a past moment.
enum StoodOnText {
    /// Said on stderr, so `--json` stays clean: the cost of a whole population as of a day.
    static func fullPass(_ p: PointInTime) {
        ErrorReporting.printError(
            "rapport: as of \(p.label): computed from every event up to then (a full pass; slow on big stores)")
    }

    static func heading(_ s: StoodOnView) -> String {
        let then = s.corrections == .then ? "corrections made by then" : "today's corrections"
        return "as of \(s.moment.day) (\(then); models: \(s.models)): \(s.limits)"
    }
}
