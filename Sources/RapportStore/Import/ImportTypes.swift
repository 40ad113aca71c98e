import Foundation
import RapportVocabulary

/// What each kind of file holds, column by column.
extension ImportFileKind {
    /// Columns a file of this kind must have.
    var requiredColumns: [String] {
        switch self {
        case .customers: ["customer_id"]
        case .products: ["product_id"]
        case .events: ["customer_id", "timestamp", "type"]
        case .notes: ["customer_id", "text"]
        case .accounts: ["account_id"]
        case .memberships: ["customer_id", "account_id"]
        }
    }

    /// Columns with a meaning for this kind (customers keep any other column as an attribute).
    var knownColumns: Set<String> {
        switch self {
        case .customers:
            [
                "customer_id", "name", "email", "phone", "birth_year", "gender", "city", "country",
                "signup_date", "stated_channel", "consent_personalization", "consent_email",
                "consent_sms", "consent_push", "likes", "dislikes"
            ]
        case .products: ["product_id", "title", "category", "brand", "price", "replenish_days"]
        case .events:
            [
                "event_id", "customer_id", "timestamp", "type", "product_id", "quantity",
                "amount", "channel", "gift", "gift_note", "account_id"
            ]
        case .notes: ["customer_id", "timestamp", "analyst", "text"]
        case .accounts: Set(AccountColumns.accounts)
        case .memberships: Set(AccountColumns.memberships)
        }
    }

    /// What a header says about its file: one kind, several (the file must say which with
    /// `--kind`), or none.
    enum Detection {
        case kind(ImportFileKind)
        /// The kinds the header fits, each with the columns that point to it.
        case ambiguous([(ImportFileKind, [String])])
        case unknown
    }

    /// Columns only an events file has. `timestamp` alone is not one: notes may have it.
    static let eventColumns = ["event_id", "type", "product_id", "quantity", "amount", "channel", "gift", "gift_note"]
    /// Columns only a customers file has.
    static let customerColumns = ImportFileKind.customers.knownColumns.subtracting(["customer_id"]).sorted()

    /// The kind from header names. A notes file needs `text` and nothing of an events or
    /// customers file: one such column and the file could be either, so nothing is guessed.
    static func detect(header: [String]) -> Detection {
        let h = Set(header)
        if h.contains("customer_id") && h.contains("text") {
            let events = eventColumns.filter(h.contains)
            let customers = customerColumns.filter(h.contains)
            var others: [(ImportFileKind, [String])] = []
            if !events.isEmpty { others.append((.events, events)) }
            if !customers.isEmpty { others.append((.customers, customers)) }
            return others.isEmpty ? .kind(.notes) : .ambiguous([(.notes, ["customer_id", "text"])] + others)
        }
        if h.contains("timestamp") || h.contains("type") || h.contains("event_id") { return .kind(.events) }
        if h.contains("account_id") { return AccountColumns.detect(h) }
        if h.contains("customer_id") { return .kind(.customers) }
        if h.contains("product_id") { return .kind(.products) }
        return .unknown
    }
}

public struct ImportOptions: Sendable {
    public var kind: ImportFileKind?
    /// With `--skip-bad`: import good rows and write bad ones (plus an `_error` column) here.
    public var rejectsPath: String?
    /// How many row errors are kept for the report; all bad rows are still counted.
    public var maxReportedErrors: Int
    public var analyst: String
    public var now: Int64
    /// Customer columns beyond the known ones that are kept as attributes; any other is
    /// dropped (data minimisation: a column nobody declared is not stored, shown or exported).
    public var keepColumns: Set<String>
    /// Events after this time are bad rows ("in the future"); nil: no such check. The service
    /// sets it to its clock plus a day, so one future-dated event cannot move every figure forward.
    public var notAfter: Int64? = nil

    public init(
        kind: ImportFileKind? = nil, rejectsPath: String? = nil, maxReportedErrors: Int = 50,
        analyst: String, now: Int64 = ProfileStore.nowSeconds(), keepColumns: Set<String> = []
    ) {
        self.kind = kind
        self.rejectsPath = rejectsPath
        self.maxReportedErrors = maxReportedErrors
        self.analyst = analyst
        self.now = now
        self.keepColumns = Set(keepColumns.map { $0.lowercased() })
    }
}

public struct ImportSummary: Codable, Sendable, Equatable {
    public var file: String
    public var kind: ImportFileKind
    public var rows: Int
    public var inserted: Int
    public var updated: Int
    public var duplicates: Int
    public var rejected: Int
    public var createdCustomers: Int
    public var createdProducts: Int
    public var seconds: Double
    /// Where this file's bad rows went, with `--skip-bad`.
    public var rejectsFile: String?
    /// Customer columns that were not stored because no configuration declared them.
    public var droppedColumns: [String] = []
    /// Customers with new events: the ones whose figures the import must bring up to date.
    public var touchedCustomers: [Int64] = []
    /// The `model_state` name of this import's "refresh needed" mark (not part of the JSON).
    public var refreshMark: String? = nil

    enum CodingKeys: String, CodingKey {
        case file, kind, rows, inserted, updated, duplicates, rejected, createdCustomers, createdProducts
        case seconds, rejectsFile, droppedColumns
    }
}

/// A file that was rejected whole: nothing of it was written.
public struct ImportFailure: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var errors: [RowError]
    public var badRows: Int

    public var description: String {
        var lines = errors.map { "\(file):\($0.line): \($0.field): \($0.reason)" }
        if badRows > errors.count { lines.append("\(file): \(badRows - errors.count) more bad rows not shown") }
        lines.append(
            "\(file): nothing imported (\(badRows) bad row\(badRows == 1 ? "" : "s")); fix them or use --skip-bad FILE")
        return lines.joined(separator: "\n")
    }
}
