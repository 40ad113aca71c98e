import ArgumentParser
import Foundation
import RapportService

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the models on the store's own data.",
        subcommands: [Recs.self, CLV.self])

    struct Recs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leave-last-out hit rate, NDCG and coverage at K, with a popularity baseline.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "K.") var k = 10
        @Option(help: "Only these event types count as interactions, comma separated.") var types: String?

        func validate() throws {
            if k < 1 { throw ValidationError("--k must be ≥ 1") }
        }

        mutating func run() throws {
            let ws = try storeOptions.openForReading()
            let r = try ws.evaluateRecommender(
                k: k, types: types?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if output.json {
                try Out.json(r)
                return
            }
            Out.line(
                String(
                    format:
                        "users %d  HR@%d %.4f  NDCG@%d %.4f  coverage %.3f  (popularity: HR %.4f, NDCG %.4f)  λ=%g τ=%g days damping %@  %.1f s",
                    r.users, k, r.hrAtK, k, r.ndcgAtK, r.coverageAtK, r.popularity.hrAtK, r.popularity.ndcgAtK,
                    r.lambda, r.tauDays, r.damped ? "on" : "off", r.seconds))
        }
    }

    struct CLV: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clv", abstract: "Fit BG/NBD on a calibration period and predict the holdout.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("calibration-end"), help: "Last day of the calibration period.") var calibrationEnd:
            String
        @Option(name: .customLong("holdout-end"), help: "Last day of the holdout period.") var holdoutEnd: String
        @Option(help: "Model time unit: day or week.") var unit = "week"

        func validate() throws {
            guard Dates.timestamp(calibrationEnd) != nil else {
                throw ValidationError("--calibration-end '\(calibrationEnd)' is not a date")
            }
            guard Dates.timestamp(holdoutEnd) != nil else {
                throw ValidationError("--holdout-end '\(holdoutEnd)' is not a date")
            }
            guard ["day", "week"].contains(unit) else { throw ValidationError("--unit must be day or week") }
        }

        mutating func run() throws {
            let ws = try storeOptions.openForReading()
            let r = try ws.evaluateLifetimeValue(
                calibrationEnd: Dates.timestamp(calibrationEnd)!,
                holdoutEnd: Dates.timestamp(holdoutEnd)!, unitDays: unit == "week" ? 7 : 1)
            if output.json {
                try Out.json(r)
                return
            }
            Out.line(
                String(
                    format:
                        "customers %d  r %.4f  alpha %.4f  a %.4f  b %.4f  LL %.2f  holdout predicted %.1f, actual %d  (fit %.3f s)",
                    r.customers, r.r, r.alpha, r.a, r.b, r.logLikelihood, r.predictedHoldout, r.actualHoldout,
                    r.fitSeconds))
        }
    }
}
