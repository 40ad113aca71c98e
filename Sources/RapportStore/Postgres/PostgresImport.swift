import Foundation
import RapportPostgres
import RapportVocabulary

// Import on PostgreSQL: the file is read and checked by the same `ImportSession` and parsers
// as on SQLite (same `file:line` errors), each good row streamed with COPY FROM STDIN into a
// temporary staging table, then merged into the store by a few set-based statements, all in
// one transaction: a file imports whole or not at all.

extension PostgresStore {
    /// After a write of this many rows the planner's statistics are refreshed at once: a list
    /// over a freshly loaded table without them is planned as if it were empty (seconds per page).
    static let analyzeAfterRows = 50_000

    /// ANALYZE, best effort: a role that does not own the tables leaves it to autovacuum.
    func analyze(_ tables: [String]) {
        try? pool.withConnection { c in
            for table in tables { _ = try? c.execute("ANALYZE \(table)") }
        }
    }

    /// The tables an import wrote to, whose statistics it refreshes (ANALYZE of a table it did
    /// not touch cost seconds after an events file).
    static func writtenTables(_ summary: ImportSummary) -> [String] {
        let made =
            (summary.createdCustomers > 0 ? ["customers", "customer_keys"] : [])
            + (summary.createdProducts > 0 ? ["products"] : [])
        switch summary.kind {
        case .events: return made + ["events"]
        case .customers: return ["customers", "customer_keys", "stated_preferences"]
        case .products: return ["products"]
        case .notes: return ["notes"]
        case .accounts, .memberships:
            return ["customers", "customer_keys", "products", "events", "stated_preferences", "notes"]
        }
    }

    /// Width of the staging table: `line`, a row kind, and text fields f1…f16.
    static let stageFields = 16

    public func importFile(
        _ path: String, options: ImportOptions, progress: (@Sendable (ImportProgressReport) -> Void)?
    ) throws -> ImportSummary {
        if isReadOnly { throw StoreError.readOnly }
        let started = Date()
        let name = (path as NSString).lastPathComponent
        let (data, isJSONLines) = try ProfileStore.mapImportFile(path)
        var summary = try write(announce: "catalogue") { c -> ImportSummary in
            let fields = (1...Self.stageFields).map { "f\($0) text" }.joined(separator: ", ")
            // The merges sort the file's rows: in memory, not in temporary files.
            _ = try c.execute("SET LOCAL work_mem = '256MB'")
            // Compiling a merge's expressions cost more than it saved (0.7 s of a 4.6 s insert).
            _ = try c.execute("SET LOCAL jit = off")
            // Indexes built after the rows sort them once: in memory for a few million rows.
            _ = try c.execute("SET LOCAL maintenance_work_mem = '256MB'")
            _ = try c.execute("CREATE TEMP TABLE stage_rows(line integer, k text, \(fields)) ON COMMIT DROP")
            var stage: StagedRows?
            let sink = CopySink()
            let session = ImportSession(file: path, options: options, progress: progress, totalBytes: data.count) {
                kind, columns in
                if kind == .accounts || kind == .memberships {
                    return AccountFileWriter(PostgresDatabase(connection: c), kind: kind, columns: columns, path: path)
                }
                let s = StagedRows(
                    kind: kind, columns: columns, options: options, path: path, connection: c, sink: sink)
                stage = s
                return s
            }
            let columns = ["line", "k"] + (1...Self.stageFields).map { "f\($0)" }
            try c.copyIn(table: "stage_rows", columns: columns) { emit in
                // The sink holds `emit` only while this scan runs.
                try withoutActuallyEscaping(emit) { emit in
                    sink.emit = emit
                    defer { sink.emit = nil }
                    try session.scan(data, isJSONLines: isJSONLines)
                }
            }
            try session.complete()
            return try ImportBookkeeping.commit(
                PostgresDatabase(connection: c), session.summary(name: name), latestEventTime: stage?.latestTime,
                options: options)
        }
        if summary.inserted + summary.updated >= Self.analyzeAfterRows {
            analyze(Self.writtenTables(summary))
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}

/// The writer of a PostgreSQL import: checks each row with the shared parsers, streams it to
/// the staging table, and merges the staged rows into the store in `finish`.
final class StagedRows: RowWriter {
    let kind: ImportFileKind
    let options: ImportOptions
    let c: PGConnection
    let path: String
    let sink: CopySink
    private let events: EventParser?
    private let customers: CustomerParser?
    private let products: ProductParser?
    private let notes: NoteParser?
    private(set) var inserted = 0
    private(set) var updated = 0
    private(set) var duplicates = 0
    private(set) var createdCustomers = 0
    private(set) var createdProducts = 0
    private(set) var latestTime: Int64?
    private(set) var touchedCustomers = Set<Int64>()
    var droppedColumns: [String] { customers?.droppedColumns ?? events?.droppedColumns ?? [] }
    private var staged = 0

    init(
        kind: ImportFileKind, columns: Columns, options: ImportOptions, path: String, connection: PGConnection,
        sink: CopySink
    ) {
        self.kind = kind
        self.options = options
        self.path = path
        self.sink = sink
        c = connection
        events = kind == .events ? EventParser(columns, notAfter: options.notAfter) : nil
        customers = kind == .customers ? CustomerParser(columns, keep: options.keepColumns) : nil
        products = kind == .products ? ProductParser(columns) : nil
        notes = kind == .notes ? NoteParser(columns: columns, defaultAnalyst: options.analyst, now: options.now) : nil
    }

    private func put(_ line: Int, _ k: String, _ fields: [String?]) throws {
        var row: [String?] = [String(line), k]
        row += fields
        row += Array(repeating: nil, count: PostgresStore.stageFields - fields.count)
        try sink.emit?(row)
        staged += 1
    }

    func write(_ r: FieldReader) throws {
        switch kind {
        case .events:
            let e = try events!.parse(r)
            try put(
                r.line, "e",
                [
                    e.eventIdText, e.customer, e.product, String(e.type), String(e.time), String(e.quantity),
                    String(e.amount), e.channel, e.gift ? "1" : "0", e.giftNote, e.content.map { String($0) },
                    e.account
                ])
        case .customers:
            let p = customers!
            let row = try p.parse(r)
            try put(
                r.line, "c",
                [row.externalId] + CustomerParser.mapped.map { row.text($0.column) } + [row.text("attributes")])
            for (polarity, list) in [("like", row.likes), ("dislike", row.dislikes)] {
                guard let list else { continue }
                try put(r.line, "P", [row.externalId, polarity])
                for (n, (kind, value)) in list.enumerated() {
                    try put(r.line, "p", [row.externalId, polarity, kind, value, String(n)])
                }
            }
            p.accepted(row, line: r.line)
        case .products:
            let p = try products!.parse(r)
            try put(
                r.line, "r",
                [
                    p.externalId, p.title, p.category, p.brand, p.price.map { String($0) },
                    p.replenishDays.map(String.init)
                ])
            products!.accepted(p, line: r.line)
        case .notes:
            let n = try notes!.parse(r)
            try put(r.line, "n", [n.customer, n.text, n.stated.map(String.init), String(n.time), n.analyst])
        case .accounts, .memberships: preconditionFailure("accounts and memberships go through AccountFileWriter")
        }
    }

    func finish() throws {
        switch kind {
        case .events: try mergeEvents()
        case .customers: try mergeCustomers()
        case .products: try mergeProducts()
        case .notes: try mergeNotes()
        case .accounts, .memberships: break
        }
    }

    private func fail(_ rows: [PGRow], field: String, reason: (PGRow) throws -> String) throws {
        guard !rows.isEmpty else { return }
        let errors = try rows.prefix(options.maxReportedErrors).map {
            RowError(line: try $0.int(0) ?? 0, field: field, reason: try reason($0))
        }
        throw ImportFailure(file: path, errors: errors, badRows: rows.count)
    }

    /// Customer keys for every customer id the staged rows name (`column`), new ones made in
    /// the order the file first names them. Returns how many were made.
    /// `values` are more customer columns with the staged expression of each (the customers
    /// file's own fields), written with the new row rather than updated after it.
    private func makeCustomers(from column: String, kind k: String, values: [(String, String)] = []) throws -> Int {
        let names = values.map { ", " + $0.0 }.joined()
        let exprs = values.map { ", " + $0.1 }.joined()
        let source =
            values.isEmpty
            ? "made" : "made JOIN stage_rows s ON s.k = '\(k)' AND s.\(column) = made.external_id"
        return try c.execute(
            """
            WITH wanted AS (
                SELECT \(column) AS ext, MIN(line) AS first FROM stage_rows
                WHERE k = '\(k)' AND NOT EXISTS (SELECT 1 FROM customer_keys ck WHERE ck.external_id = \(column))
                GROUP BY \(column)
            ), numbered AS (
                SELECT ext, nextval('customers_id_seq') AS id FROM (SELECT ext FROM wanted ORDER BY first) o
            ), made AS (
                INSERT INTO customer_keys(external_id, customer_id) SELECT ext, id FROM numbered
                ON CONFLICT DO NOTHING RETURNING external_id, customer_id
            )
            INSERT INTO customers(id, external_id\(names)) SELECT made.customer_id, made.external_id\(exprs) FROM \(source)
            """)
    }

    private func mergeEvents() throws {
        // The merges are planned on the staged rows' real counts (a fresh temp table has none).
        _ = try c.execute("ANALYZE stage_rows")
        // An event id twice for one customer in one file: the later row is the error, as on
        // SQLite. Counted by hashing first (a sort of every row by id cost half a minute on 21M rows).
        let repeated = try c.rows(
            "SELECT f1 FROM stage_rows WHERE f1 IS NOT NULL GROUP BY f2, f1 HAVING COUNT(*) > 1 LIMIT 1000"
        ).compactMap { try $0.string(0) }
        if !repeated.isEmpty {
            try fail(
                c.rows(
                    """
                    SELECT line, f1 FROM (
                        SELECT line, f1, row_number() OVER (PARTITION BY f2, f1 ORDER BY line) AS n
                        FROM stage_rows WHERE f1 = ANY($1)) d
                    WHERE n > 1 ORDER BY line LIMIT \(options.maxReportedErrors + 1)
                    """, [.stringArray(repeated)]), field: "event_id"
            ) { "duplicate event id '\(try $0.string(1) ?? "")' (repeats an earlier row of this file)" }
        }
        try fail(
            c.rows(
                """
                SELECT line, f12 FROM stage_rows s
                WHERE f12 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.external_id = s.f12)
                ORDER BY line LIMIT \(options.maxReportedErrors + 1)
                """), field: "account_id"
        ) { "unknown account '\(try $0.string(1) ?? "")' (import the accounts file first)" }
        let before = try c.scalarInt64("SELECT COALESCE(MAX(id), 0) FROM events") ?? 0
        createdCustomers = try makeCustomers(from: "f2", kind: "e")
        createdProducts = try c.execute(
            """
            INSERT INTO products(external_id)
            SELECT f3 FROM stage_rows WHERE f3 IS NOT NULL GROUP BY f3 ORDER BY MIN(line)
            ON CONFLICT DO NOTHING
            """)
        // Into an empty table every index is built after the rows and nothing can conflict;
        // otherwise the non-unique ones when the file is large, and ON CONFLICT decides.
        let db = PostgresDatabase(connection: c)
        let bare = before == 0 ? try DeferredIndexes.dropAllIfEmpty(db, table: "events") : nil
        let deferred = try bare ?? DeferredIndexes.dropIfLarge(db, kind: .events, rows: staged)
        // The k-th row of a file with the same content is its own event: only the rows without
        // an id are sorted to number them (a sort of the whole file cost more than the insert).
        let counted = try c.scalarInt64("SELECT 1 FROM stage_rows WHERE f11 IS NOT NULL LIMIT 1") != nil
        let occurrences =
            counted
            ? """
            LEFT JOIN (SELECT line, row_number() OVER (PARTITION BY f2, f11 ORDER BY line) - 1 AS n
                       FROM stage_rows WHERE f11 IS NOT NULL) o ON o.line = s.line
            """ : ""
        inserted = try c.execute(
            """
            INSERT INTO events(customer_id, external_id, product_id, type, time, quantity, amount, channel, is_gift,
                               gift_note, content_hash, content_occurrence, account_id)
            SELECT k.customer_id, s.f1, p.id, s.f4::smallint, s.f5::bigint, s.f6::integer, s.f7::float8, s.f8,
                   s.f9::boolean, s.f10, s.f11::bigint, \(counted ? "COALESCE(o.n, 0)" : "0"), a.id
            FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f2
            LEFT JOIN products p ON p.external_id = s.f3
            LEFT JOIN accounts a ON a.external_id = s.f12
            \(occurrences)
            ORDER BY s.line
            \(bare == nil ? "ON CONFLICT DO NOTHING" : "")
            """)
        duplicates = staged - inserted
        try deferred.rebuild(db)
        for r in try c.rows("SELECT DISTINCT customer_id FROM events WHERE id > $1", [.int64(before)]) {
            if let k = try r.int64(0) { touchedCustomers.insert(k) }
        }
        latestTime = try c.scalarInt64("SELECT MAX(time) FROM events WHERE id > $1", [.int64(before)])
    }

    private func mergeCustomers() throws {
        let rows = try c.scalarInt64("SELECT COUNT(*) FROM stage_rows WHERE k = 'c'") ?? 0
        let before = try c.scalarInt64("SELECT COALESCE(MAX(id), 0) FROM customers") ?? 0
        let index = Dictionary(
            uniqueKeysWithValues: (CustomerParser.mapped.map(\.column) + ["attributes"]).enumerated().map {
                ($0.element, $0.offset + 2)
            })
        let types = [
            "birth_year": "integer", "signup_time": "bigint", "consent_personalization": "boolean",
            "consent_email": "boolean", "consent_sms": "boolean", "consent_push": "boolean"
        ]
        let values = customers!.setColumns.map { col in
            (col, "s.f\(index[col]!)" + (types[col].map { "::\($0)" } ?? ""))
        }
        let deferred = try DeferredIndexes.dropIfLarge(
            PostgresDatabase(connection: c), kind: .customers, rows: Int(rows))
        // New customers are written whole; those stored before get the file's columns.
        inserted = try makeCustomers(from: "f1", kind: "c", values: values)
        updated = Int(rows) - inserted
        if !values.isEmpty && updated > 0 {
            _ = try c.execute(
                """
                UPDATE customers cu SET \(values.map { "\($0.0) = \($0.1)" }.joined(separator: ", "))
                FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f1
                WHERE s.k = 'c' AND cu.id = k.customer_id AND cu.id <= $1
                """, [.int64(before)])
        }
        _ = try c.execute(
            """
            DELETE FROM stated_preferences sp USING stage_rows s JOIN customer_keys k ON k.external_id = s.f1
            WHERE s.k = 'P' AND sp.customer_id = k.customer_id AND sp.polarity = s.f2
            """)
        _ = try c.execute(
            """
            INSERT INTO stated_preferences(customer_id, polarity, kind, value)
            SELECT k.customer_id, s.f2, s.f3, s.f4 FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f1
            WHERE s.k = 'p' ORDER BY s.line, s.f2 = 'dislike', s.f5::integer
            """)
        try deferred.rebuild(PostgresDatabase(connection: c))
    }

    private func mergeProducts() throws {
        let columns = products!.setColumns
        let index = ["title": 2, "category": 3, "brand": 4, "price": 5, "replenish_days": 6]
        let types = ["price": "::float8", "replenish_days": "::integer"]
        let names = ["external_id"] + columns
        let values = ["s.f1"] + columns.map { "s.f\(index[$0]!)\(types[$0] ?? "")" }
        let updates =
            columns.isEmpty
            ? "external_id = excluded.external_id" : columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let rows = try c.rows(
            """
            INSERT INTO products(\(names.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", ")) FROM stage_rows s ORDER BY s.line
            ON CONFLICT (external_id) DO UPDATE SET \(updates)
            RETURNING (xmax = 0)
            """)
        inserted = try rows.filter { try $0.bool(0) == true }.count
        updated = rows.count - inserted
    }

    private func mergeNotes() throws {
        try fail(
            c.rows(
                """
                SELECT line, f1 FROM stage_rows s
                WHERE NOT EXISTS (SELECT 1 FROM customer_keys k WHERE k.external_id = s.f1)
                ORDER BY line LIMIT \(options.maxReportedErrors + 1)
                """), field: "customer_id"
        ) { "unknown customer '\(try $0.string(1) ?? "")'" }
        // A note already stored (same customer and text, and time when the file gives one) is skipped.
        // The same note twice in the file is stored once, as on SQLite (DISTINCT ON keeps the first).
        inserted = try c.execute(
            """
            INSERT INTO notes(customer_id, time, analyst, text)
            SELECT customer_id, time, analyst, text FROM (
                SELECT DISTINCT ON (k.customer_id, s.f2, s.f3)
                       k.customer_id, s.f4::bigint AS time, s.f5 AS analyst, s.f2 AS text, s.line
                FROM stage_rows s JOIN customer_keys k ON k.external_id = s.f1
                WHERE NOT EXISTS (
                    SELECT 1 FROM notes n WHERE n.customer_id = k.customer_id AND n.text = s.f2
                    AND (s.f3 IS NULL OR n.time = s.f3::bigint))
                ORDER BY k.customer_id, s.f2, s.f3, s.line) first
            ORDER BY line
            """)
        duplicates = staged - inserted
    }
}

/// Where staged rows go while the COPY is open (set for the length of one import's scan).
final class CopySink {
    var emit: (([String?]) throws -> Void)?
}
