import ArgumentParser
import Foundation
import RapportService
import RapportVocabulary

struct RapportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Explore customer profiles, insights and segments in the terminal.",
        discussion: """
            With no subcommand, opens the explorer. On first use the default store is
            created from the bundled sample, and the command says where.

            Explorer options (rapport [explore] [options]):
              --store <path|url>  Store file or postgres:// URL (default:
                                  $RAPPORT_STORE, else
                                  $XDG_DATA_HOME/rapport/store.sqlite).
                                  PostgreSQL: docs/postgres.md.
              --analyst <name>    Name recorded in the audit log (default: $USER;
                                  the database user on PostgreSQL).
              --read-only         Open the store read-only: no write actions.
              --redact            Mask email addresses and phone numbers.
            Keys: 'rapport keys'; settings: docs/config.md. Shell completion:
            'rapport --generate-completion-script bash' (or zsh, fish).
            """,
        version: "0.1.0",
        subcommands: [
            Explore.self, Import.self, Sample.self, Customers.self, History.self, Profile.self,
            Gift.self, ClearHistory.self, Note.self, Export.self, Forget.self, Audit.self,
            Recommend.self, Segments.self, Segment.self, Metrics.self, Refresh.self, Copy.self, Eval.self, Keys.self,
            Admin.self, Explain.self, Undo.self, Redo.self, Log.self, Purge.self, Accounts.self, Account.self,
            Attribute.self
        ],
        defaultSubcommand: Explore.self)
}

extension RapportCommand {
    /// `rapport --store URL segments`, as the docs write it: the options every store command
    /// shares (`--store`, `--analyst`, `--read-only`) may come before the subcommand. They are
    /// moved to the end of its arguments (before a `--`), where the subcommand parses them.
    /// Without a subcommand after them they stay where they are (the explorer takes them).
    static func hoistingSharedOptions(_ args: [String]) -> [String] {
        var shared: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--store" || a == "--analyst", i + 1 < args.count {
                shared += [a, args[i + 1]]
                i += 2
            } else if a.hasPrefix("--store=") || a.hasPrefix("--analyst=") || a == "--read-only" {
                shared.append(a)
                i += 1
            } else {
                break
            }
        }
        guard !shared.isEmpty, i < args.count, !args[i].hasPrefix("-") else { return args }
        var rest = Array(args[i...])
        rest.insert(contentsOf: shared, at: rest.firstIndex(of: "--") ?? rest.count)
        return rest
    }
}

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open the explorer (the default).")
    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .long, help: "Mask email addresses and phone numbers on screen.") var redact = false

    mutating func run() throws {
        let config = try Config.load()
        let ws = try storeOptions.open(config: config)
        // The terminal belongs to the screen: no busy notice on stderr under it.
        ws.onBusy { _ in }
        try ExplorerLauncher.run(workspace: ws, config: config, readOnly: storeOptions.readOnly, redact: redact)
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import customers, products, events or notes from CSV or JSON Lines files.",
        discussion:
            "Each file is one transaction: a file with any bad row imports nothing, unless --skip-bad is given. See docs/data-format.md."
    )
    @OptionGroup var storeOptions: StoreOptions
    @Option(
        help:
            "What the files hold (default: from the header): customers, products, events, notes, accounts, memberships."
    )
    var kind: ImportFileKind?
    @Option(
        name: .customLong("skip-bad"),
        help: ArgumentHelp(
            "Import the good rows and write the bad ones to this file (with several files: to this folder, one file each).",
            valueName: "rejects"))
    var skipBad: String?
    @Flag(help: "Let --skip-bad replace rejects files that exist already.") var force = false
    @OptionGroup var output: OutputOptions
    @Argument(help: "Files to import.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to import") }
    }

    mutating func run() throws {
        for f in files where !FileManager.default.isReadableFile(atPath: f) {
            throw RuntimeError("\(f): no such file or not readable")
        }
        let ws = try storeOptions.open(create: true)
        let progress = Out.isTerminal && !output.json ? ProgressPrinter() : nil
        let refreshing = RefreshPrinter(enabled: Out.isTerminal && !output.json)
        let summaries = try ws.importFiles(
            files, request: ImportRequest(kind: kind, rejectsPath: skipBad, replaceRejects: force),
            progress: progress?.callback, refreshProgress: refreshing.update)
        progress?.finish()
        refreshing.finish()
        if let warning = ws.importWarning { ErrorReporting.printError("rapport: warning: \(warning)") }
        if let warning = ws.erasedAgainWarning { ErrorReporting.printError("rapport: warning: \(warning)") }
        if output.json {
            try Out.json(summaries)
        } else {
            try printSummaries(summaries, ws)
        }
        // Good rows are in, bad ones set aside: a script can tell this from a clean import.
        if summaries.contains(where: { $0.rejected > 0 }) { throw ExitCode.partialImport }
    }

    private func printSummaries(_ summaries: [ImportReport], _ ws: Workspace) throws {
        for s in summaries {
            var parts = [Units.count(s.rows, "row"), "\(s.inserted) new"]
            if s.updated > 0 { parts.append("\(s.updated) updated") }
            if s.duplicates > 0 { parts.append("\(s.duplicates) already imported") }
            if s.createdCustomers > 0 { parts.append("\(Units.count(s.createdCustomers, "customer")) created") }
            if s.createdProducts > 0 { parts.append("\(Units.count(s.createdProducts, "product")) created") }
            if s.rejected > 0 { parts.append("\(s.rejected) rejected to \(s.rejectsFile ?? "")") }
            if !s.droppedColumns.isEmpty {
                // Only customers files keep extra columns, when config.toml declares them.
                parts.append(
                    "columns not stored: \(s.droppedColumns.joined(separator: ", ")) "
                        + (s.kind == .customers
                            ? "(declare them in config.toml [import] keep_columns)"
                            : "(not \(s.kind.rawValue) fields; see docs/data-format.md)"))
            }
            let rate = s.seconds > 0 ? Int(Double(s.rows) / s.seconds) : 0
            let took = String(format: "%.2f", s.seconds)
            Out.line("\(s.file): \(s.kind.rawValue): \(parts.joined(separator: ", ")) in \(took) s (\(rate) rows/s)")
        }
        // The files are committed: a store that stops answering now is not the import's failure
        // (its exit code is its commit's), so the models' freshness is only shown when it can be read.
        if let fit = try? ws.modelFreshness() {
            let n = fit.eventsSinceFit
            let since = n == 0 ? "no events since" : "\(n) event\(n == 1 ? "" : "s") since"
            Out.line("models fitted \(fit.fittedAt) as of \(fit.fittedAsOf); \(since)")
        }
        // Every import says what it did about the recommender's settings: what it chose and why,
        // or why it did not tune.
        if let note = ws.lastTuningNote { Out.line(note.text) }
    }
}

extension ImportFileKind: ExpressibleByArgument {}

/// Progress on a terminal: rows/s and ETA on one rewritten stderr line.
final class ProgressPrinter: @unchecked Sendable {
    let started = Date()
    let lock = NSLock()
    var shown = false

    func update(_ p: ImportProgressReport) {
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(p.rows) / elapsed : 0
        let fraction = p.bytesTotal > 0 ? Double(p.bytesDone) / Double(p.bytesTotal) : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let name = (p.file as NSString).lastPathComponent
        let text = String(
            format: "%@: %3.0f%%  %d rows  %.0f rows/s  ETA %.0fs ", name, fraction * 100, p.rows, rate, eta)
        // Carriage return first (rewrite the line), the file name sanitised like any data.
        FileHandle.standardError.write(Data(("\r" + Printable.safe(text)).utf8))
        shown = true
    }

    var callback: @Sendable (ImportProgressReport) -> Void { { [self] p in self.update(p) } }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a deterministic sample: CSV files (--out) or a store (--store).",
        discussion: """
            Without --products, the classic 300-product catalogue of the bundled sample. With \
            --products N, a shop: a category tree, long-tail popularity, presents with gift notes \
            and identical order lines without event ids.
            """)
    @Option(help: "Number of customers.") var customers = 2000
    @Option(help: "Average events per customer over two years.") var eventsPerCustomer: Double = 50
    @Option(
        help: ArgumentHelp(
            "Products in a shop-shaped catalogue (at least \(SampleGenerator.minimumProducts)).",
            valueName: "n"))
    var products: Int?
    @Option(help: "Random seed: the same seed gives the same data.") var seed: UInt64 = 42
    @Option(help: "B2B accounts to generate beyond the sample's few (docs/accounts.md).") var accounts = 0
    @Option(help: ArgumentHelp("Give the first generated account n members.", valueName: "n"))
    var largeAccountMembers = 0
    @Option(help: ArgumentHelp("Write CSV files into this directory.", valueName: "dir")) var out: String?
    @Option(help: ArgumentHelp("Import the sample into this store.", valueName: "path")) var store: String?
    @Option(help: "Name recorded in the audit log (default: $USER).") var analyst: String?
    @Flag(help: "Add the sample to an existing store (its synthetic people join the real ones).") var force = false

    func validate() throws {
        if let store, !force, FileManager.default.fileExists(atPath: store) {
            throw ValidationError("\(store) already exists: a sample goes into a new store (or add --force)")
        }
        if customers < 1 { throw ValidationError("--customers must be at least 1") }
        if accounts < 0 { throw ValidationError("--accounts must be at least 0") }
        if largeAccountMembers < 0 || (largeAccountMembers > 0 && accounts == 0) {
            throw ValidationError("--large-account-members needs --accounts (and is at least 0)")
        }
        if eventsPerCustomer <= 0 { throw ValidationError("--events-per-customer must be positive") }
        if let products, products < SampleGenerator.minimumProducts {
            throw ValidationError("--products must be at least \(SampleGenerator.minimumProducts)")
        }
        if (out == nil) == (store == nil) { throw ValidationError("give exactly one of --out DIR or --store PATH") }
    }

    mutating func run() throws {
        var generator = SampleGenerator(
            customers: customers, eventsPerCustomer: eventsPerCustomer, seed: seed,
            products: products)
        generator.accounts = accounts
        generator.largeAccountMembers = largeAccountMembers
        if let out {
            let o = try generate(generator, into: out)
            Out.line("wrote \(o.summary)\(accounts > 0 ? ", \(o.accounts) accounts" : "") to \(out)")
            return
        }
        let existed = store.map { FileManager.default.fileExists(atPath: $0) } ?? false
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-sample-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let o = try generate(generator, into: dir)
        var opts = StoreOptions()
        opts.store = store
        opts.analyst = analyst
        opts.readOnly = false
        let ws = try opts.open(create: true)
        // The generated customers carry one extra column, declared here as a deployment would.
        ws.keepColumns.append("loyalty_tier")
        let progress = Out.isTerminal ? ProgressPrinter() : nil
        _ = try ws.importFiles(o.files, request: ImportRequest(), progress: progress?.callback)
        progress?.finish()
        // With --force into an existing store the sample joins what is there: say so, not "created".
        let summary = o.summary + (accounts > 0 ? ", \(o.accounts) accounts" : "")
        Out.line(existed ? "added \(summary) to \(ws.storePath)" : "created \(ws.storePath): \(summary)")
    }

    /// Generation with a progress line on stderr when that is a terminal (a million customers take a while).
    private func generate(_ generator: SampleGenerator, into dir: String) throws -> SampleGenerator.Output {
        let progress = isatty(STDERR_FILENO) != 0 ? GenerationProgress() : nil
        defer { progress?.finish() }
        return try generator.write(to: dir, progress: progress.map { p in { p.update(done: $0, total: $1) } })
    }
}

/// "generating: 42% (420,000 of 1,000,000 customers), ETA 31 s", rewritten in place at most
/// five times a second.
final class GenerationProgress {
    let started = Date()
    var shownAt: Date?

    func update(done: Int, total: Int) {
        let now = Date()
        if let shownAt, now.timeIntervalSince(shownAt) < 0.2, done < total { return }
        shownAt = now
        let elapsed = now.timeIntervalSince(started)
        let fraction = Double(done) / Double(max(total, 1))
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let text =
            "generating: \(Int(fraction * 100))% (\(done.formatted()) of \(total.formatted()) customers), "
            + "ETA \(Int(eta.rounded())) s "
        FileHandle.standardError.write(Data(("\r" + text).utf8))
    }

    func finish() {
        if shownAt != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up a shared PostgreSQL store.", subcommands: [InitRoles.self])
}

struct InitRoles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-roles",
        abstract: "Create the owner, analyst and reader roles of a PostgreSQL store, with their grants.",
        discussion: """
            Run once, as a role that may create roles (a superuser), before the owner's first import or copy. \
            Each analyst then gets a login role IN ROLE the analyst role, each reader one IN ROLE the reader role. \
            See docs/postgres.md.
            """)
    @Option(help: ArgumentHelp("The PostgreSQL store (a postgres:// URL).", valueName: "url")) var store: String
    @Option(help: "The role that owns the tables.") var owner = "rapport_owner"
    @Option(name: .customLong("analyst-role"), help: "The group role of analysts.") var analystRole = "rapport_analyst"
    @Option(name: .customLong("reader-role"), help: "The group role of readers.") var readerRole = "rapport_reader"

    mutating func run() throws {
        let done = try Workspace.initRoles(
            StoreLocation.resolve(explicit: store), owner: owner, analyst: analystRole, reader: readerRole)
        for statement in done { Out.line(statement + ";") }
        Out.line("roles ready: owner \(owner), analysts \(analystRole), readers \(readerRole)")
    }
}
