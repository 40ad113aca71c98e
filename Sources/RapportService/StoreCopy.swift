import Foundation
import RapportStore

/// What `rapport copy` did.
public struct CopySummary: Codable, Sendable {
    public var customers: Int
    public var products: Int
    public var events: Int
    public var notes: Int
    public var segments: Int
    public var auditEntries: Int
    public var seconds: Double
}

/// Copies one store into another, whichever backends they are on (`rapport copy --from A --to B`,
/// typically a SQLite file into a PostgreSQL database). The data goes through the importer
/// (so the target checks every row as it would a file) by way of CSV files in a private
/// temporary folder that is removed afterwards; rule segments, the recommender's tuning, the
/// audit key and the audit log are carried over as they are, and the corrections' action log,
/// held events, account notes and record of account corrections with their keys translated
/// (`CorrectionsCopy`). Customer keys are the target's own.
public enum StoreCopy {
    public static func run(
        from source: StoreLocation, to target: StoreLocation, analyst: String, config: Config = Config(),
        progress: ((String) -> Void)? = nil
    ) throws -> CopySummary {
        let started = Date()
        guard source.path != target.path else { throw StoreError.invalidArgument("--from and --to are the same store") }
        let from = try Workspace.open(source, analyst: analyst, readOnly: true, config: config, create: false)
        var fromDefaults = config
        fromDefaults.autoTune = false
        let to = try Workspace.open(target, analyst: analyst, config: fromDefaults, unfinishedCopy: .allow)
        if let earlier = try to.store.unfinishedCopy() {
            // A copy that died (killed, the server gone) left its mark: it is started over.
            progress?("\(to.store.path) holds an unfinished copy of \(earlier.source): emptying it first")
            try to.store.discardUnfinishedCopy()
        }
        let counts = try to.store.counts()
        guard counts.customers + counts.products + counts.events + counts.notes + counts.segments == 0 else {
            throw StoreError.invalidArgument("\(to.store.path) is not empty: copy into a new store")
        }
        let folder = try privateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // All or nothing: the target is marked while it fills, and emptied again if the copy fails.
        try to.store.markCopyStarted(UnfinishedCopy(source: from.store.path, started: to.clock()))
        let log: [AuditEntry]
        do {
            log = try fill(to, from: from, folder: folder, analyst: analyst, progress: progress)
            try to.store.markCopyFinished()
        } catch {
            progress?("the copy failed: emptying \(to.store.path) again")
            do {
                try to.store.discardUnfinishedCopy()
            } catch let cleanup {
                throw StoreError.invalidArgument(
                    "\(StoreError.friendly(error) ?? "\(error)"); emptying the target failed too "
                        + "(\(StoreError.friendly(cleanup) ?? "\(cleanup)")): run the copy again to start over")
            }
            throw error
        }
        let done = try to.store.counts()
        try from.store.closeStore()
        try to.store.closeStore()
        return CopySummary(
            customers: done.customers, products: done.products, events: done.events, notes: done.notes,
            segments: done.segments, auditEntries: log.count, seconds: Date().timeIntervalSince(started))
    }

    /// Everything of the source into the (empty, marked) target; returns the audit entries carried over.
    static func fill(
        _ to: Workspace, from: Workspace, folder: String, analyst: String, progress: ((String) -> Void)?
    ) throws -> [AuditEntry] {
        progress?("reading \(from.store.path)")
        let files = try dump(from.store, into: folder)
        // The tuning and the audit key first: the import's refresh fits with them.
        for name in [RecommenderTuning.stateName, "audit_key"] {
            if let value = try from.store.modelState(name) {
                try to.store.writeModelState([name: value], now: to.clock())
            }
        }
        if let tuning = try to.recommenderTuning() { to.apply(tuning) }
        progress?("importing into \(to.store.path)")
        var options = ImportOptions(analyst: analyst, now: to.clock())
        options.keepColumns = files.attributeColumns
        _ = try to.importFiles(files.paths, options: options)
        if let warning = to.importWarning { throw StoreError.invalidArgument(warning) }
        for segment in try from.store.segments() {
            _ = try to.saveRuleSegment(name: segment.name, rule: segment.rule, replace: true)
        }
        // The source's log, its customer keys translated to the target's (an erased customer's
        // entries keep their pseudonym and lose the key, which meant nothing in the new store).
        var keys: [Int64: Int64] = [:]
        for c in try from.store.allCustomers() {
            if let old = c.id, let new = try to.store.customerKey(externalId: c.externalId) { keys[old] = new }
        }
        let log = try from.store.auditEntries(customer: nil, limit: Int.max, offset: 0).reversed().map { e in
            var copied = e
            copied.customerId = e.customerId.flatMap { keys[$0] }
            return copied
        }
        try to.store.appendAudit(log)
        try CorrectionsCopy.run(from: from.store, to: to.store, customers: keys)
        try to.store.setModelState(
            "copied_from", Data(from.store.path.utf8), action: .storeCopy, details: ["from": from.store.path],
            by: to.actor)
        return log
    }

    static func privateFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "rapport-copy-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StoreError.invalidArgument("cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// The source's rows as import files, in the order they must be imported.
    static func dump(_ store: any StoreBackend, into folder: String) throws -> (
        paths: [String], attributeColumns: Set<String>
    ) {
        let customers = try store.allCustomers()
        var stated: [Int64: [StatedPreferenceRecord]] = [:]
        for p in try store.allStatedPreferences() { stated[p.customerId, default: []].append(p) }
        let attributeNames = Set(customers.flatMap { $0.attributeDictionary.keys }).sorted()
        let customerPath = folder + "/customers.csv"
        try writeCSV(
            customerPath,
            header: [
                "customer_id", "name", "email", "phone", "birth_year", "gender", "city", "country", "signup_date",
                "stated_channel", "consent_personalization", "consent_email", "consent_sms", "consent_push",
                "likes", "dislikes"
            ] + attributeNames
        ) { out in
            for c in customers {
                let prefs = stated[c.id ?? -1] ?? []
                func list(_ polarity: String) -> String {
                    prefs.filter { $0.polarity == polarity }.map { "\($0.kind):\($0.value)" }.joined(separator: ";")
                }
                let attributes = c.attributeDictionary
                out(
                    [
                        c.externalId, c.name, c.email, c.phone, c.birthYear.map(String.init), c.gender, c.city,
                        c.country, c.signupTime.map(DateParsing.isoDateTime), c.statedChannel,
                        c.consentPersonalization.map(flag), c.consentEmail.map(flag), c.consentSms.map(flag),
                        c.consentPush.map(flag), list("like"), list("dislike")
                    ] + attributeNames.map { attributes[$0] })
            }
        }
        let products = try store.allProducts()
        let productPath = folder + "/products.csv"
        try writeCSV(productPath, header: ["product_id", "title", "category", "brand", "price", "replenish_days"]) {
            out in
            for p in products {
                out([
                    p.externalId, p.title, p.category, p.brand, p.price.map { "\($0)" },
                    p.replenishDays.map(String.init)
                ])
            }
        }
        let eventPath = folder + "/events.csv"
        // Accounts before the events that name them (issue 21); nothing when the source has none.
        let ids = Dictionary(uniqueKeysWithValues: customers.compactMap { c in c.id.map { ($0, c.externalId) } })
        let accountPaths = try AccountCopy.dump(store, customers: ids, into: folder)
        let eventAccounts = accountPaths.isEmpty ? [:] : try store.eventAccounts()
        try writeCSV(
            eventPath,
            header: [
                "event_id", "customer_id", "timestamp", "type", "product_id", "quantity", "amount", "channel", "gift",
                "gift_note"
            ] + (accountPaths.isEmpty ? [] : ["account_id"])
        ) { out in
            for c in customers {
                guard let key = c.id else { continue }
                try store.forEachEvent(customer: key, newestFirst: false) { e in
                    out(
                        [
                            e.externalId, c.externalId, DateParsing.isoDateTime(e.time), e.typeName,
                            e.productExternalId,
                            String(e.quantity), "\(e.amount)", e.channel, e.isGift ? "1" : "0", e.giftNote
                        ] + (accountPaths.isEmpty ? [] : [eventAccounts[e.id]]))
                }
            }
        }
        let notePath = folder + "/notes.csv"
        try writeCSV(notePath, header: ["customer_id", "timestamp", "analyst", "text"]) { out in
            for n in try store.allNotes() {
                guard let ext = ids[n.customerId] else { continue }
                out([ext, DateParsing.isoDateTime(n.time), n.analyst, n.text])
            }
        }
        return ([customerPath, productPath] + accountPaths + [eventPath, notePath], Set(attributeNames))
    }

    static func flag(_ b: Bool) -> String { b ? "1" : "0" }

    /// One import file through the sample generator's `CSVWriter`; an absent value is an empty field.
    static func writeCSV(_ path: String, header: [String], _ rows: (_ out: ([String?]) -> Void) throws -> Void) throws {
        let writer = try CSVWriter(path: path, header: header)
        try rows { fields in writer.row(fields.map { $0 ?? "" }) }
        try writer.close()
    }
}
