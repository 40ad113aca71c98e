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
        @Option(help: "Choose λ only from these values, comma separated (default 50,100,200,400,800).")
        var lambda: String?
        @Option(name: .customLong("tau-days"), help: "Choose τ (days) only from these values, comma separated.")
        var tauDays: String?
        @Option(help: "Damping of bursts: on or off (default: validation chooses).") var damping: String?
        @Flag(name: .customLong("in-use"), help: "Evaluate exactly the settings `recommend` uses now.")
        var inUse = false
        @Flag(
            help: "Save the settings validation chose: `recommend` and the explorer use them (refits the item model).")
        var apply = false

        static func numbers(_ text: String?, _ option: String) throws -> [Double]? {
            guard let text else { return nil }
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("\(option) expects positive numbers separated by commas, got '\(text)'")
            }
            return values.map { $0! }
        }

        func validate() throws {
            if k < 1 { throw ValidationError("--k must be ≥ 1") }
            _ = try Self.numbers(lambda, "--lambda")
            _ = try Self.numbers(tauDays, "--tau-days")
            if let damping, !["on", "off"].contains(damping) {
                throw ValidationError("--damping must be on or off, got '\(damping)'")
            }
            if inUse && apply { throw ValidationError("--in-use measures the settings in force; --apply changes them") }
            if apply && damping == "off" {
                throw ValidationError(
                    "--apply keeps damping on (a week's burst may not outweigh a year of habit); --damping off only measures"
                )
            }
        }

        mutating func run() throws {
            let ws = try apply ? storeOptions.open() : storeOptions.openForReading()
            let progress = EvalProgressPrinter()
            let r = try ws.evaluateRecommender(
                k: k, types: types?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                lambdas: try Self.numbers(lambda, "--lambda"), taus: try Self.numbers(tauDays, "--tau-days"),
                damping: damping.map { $0 == "on" }, inUse: inUse, progress: progress.update)
            progress.finish()
            let tuning = apply ? try ws.applyRecommenderTuning(r) : nil
            if output.json {
                try Out.json(EvalRecsOutput(evaluation: r, applied: tuning))
                return
            }
            defer {
                if let tuning {
                    Out.line(
                        "applied: recommend now uses λ=\(tuning.lambda) τ=\(tuning.tauDays) days damping \(tuning.damped ? "on" : "off")"
                    )
                } else if !inUse {
                    let u = ws.recommenderInUse
                    Out.line(
                        "recommend uses λ=\(u.lambda) τ=\(u.tauDays) days damping \(u.damped ? "on" : "off") (--apply to use the chosen settings, --in-use to measure these)"
                    )
                }
            }
            if !inUse { Out.line(Workspace.describe(r).replacingOccurrences(of: "recommender tuned", with: "chosen")) }
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
            commandName: "clv",
            abstract: "Fit BG/NBD and the modified BG/NBD on a calibration period and predict the holdout.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(
            name: .customLong("calibration-end"), help: "Last day of the calibration period.",
            transform: DateArgument.parse)
        var calibrationEnd: DateArgument
        @Option(
            name: .customLong("holdout-end"), help: "Last day of the holdout period.", transform: DateArgument.parse)
        var holdoutEnd: DateArgument
        @Option(help: "Model time unit.") var unit: TimeUnit = .week
        @Option(
            name: .customLong("per-customer"),
            help: "Also write each customer's P(alive) and expected holdout purchases under both models to this CSV.")
        var perCustomer: String?

        mutating func run() throws {
            let ws = try storeOptions.openForReading()
            let r = try ws.evaluateLifetimeValue(
                calibrationEnd: calibrationEnd.seconds, holdoutEnd: holdoutEnd.seconds, unitDays: unit.days,
                perCustomer: perCustomer != nil)
            if let perCustomer {
                try Data(try ws.lifetimeValueRowsCSV(r).utf8).write(to: URL(fileURLWithPath: perCustomer))
            }
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
            for m in r.models {
                Out.line(
                    m.model.padding(toLength: 8, withPad: " ", startingAt: 0)
                        + String(
                            format:
                                "r %.4f  alpha %.4f  a %.4f  b %.4f  LL %.2f  holdout predicted %.1f  per customer MAE %.4f RMSE %.4f",
                            m.r, m.alpha, m.a, m.b, m.logLikelihood, m.predictedHoldout, m.mae, m.rmse))
            }
            Out.line("validates better on this holdout (per-customer RMSE and total): \(r.better)")
        }
    }
}

/// `eval recs --json`: the evaluation, and the tuning `--apply` saved (null without it).
struct EvalRecsOutput<Evaluation: Encodable>: Encodable {
    var evaluation: Evaluation
    var applied: RecommenderTuning?

    func encode(to encoder: Encoder) throws {
        try evaluation.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(applied, forKey: .applied)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static var applied: Key { Key(stringValue: "applied") }
    }
}

/// The time unit of `eval clv`'s model.
enum TimeUnit: String, CaseIterable, ExpressibleByArgument {
    case day, week

    var days: Double {
        switch self {
        case .day: 1
        case .week: 7
        }
    }
}

/// `eval recs` takes minutes on a big store: every setting scored is reported on stderr, as a
/// rewritten line on a terminal and as one line each otherwise (a log or a pipe sees progress too).
final class EvalProgressPrinter: @unchecked Sendable {
    let started = Date()
    let terminal = isatty(STDERR_FILENO) != 0
    var shown = false

    func update(_ p: EvaluationProgress) {
        let elapsed = Date().timeIntervalSince(started)
        let text = String(format: "eval recs: setting %d of %d, %@ (%.1f s)", p.done, p.total, p.step, elapsed)
        let line = terminal ? "\r\u{1B}[K" + Printable.safe(text) : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
        shown = true
    }

    func finish() {
        if shown && terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
