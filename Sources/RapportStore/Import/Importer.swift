import Foundation
import GRDB
import RapportVocabulary

extension ProfileStore {
    /// Imports one CSV or JSON Lines file in a single transaction. A file with any bad row
    /// imports nothing and throws `ImportFailure` listing the bad rows, unless
    /// `options.rejectsPath` is set, in which case good rows are imported and bad rows are
    /// written there. The import is audited.
    public func importFile(
        _ path: String, options: ImportOptions,
        progress: (@Sendable (ImportProgressReport) -> Void)? = nil
    ) throws -> ImportSummary {
        try requireWritable()
        let started = Date()
        let name = (path as NSString).lastPathComponent
        let (data, isJSONLines) = try Self.mapImportFile(path)
        var summary = try pool.writeWithoutTransaction { db -> ImportSummary in
            var result: ImportSummary?
            // The importer resolves every key itself, so SQLite's per-row foreign-key checks
            // (and the statement journals they need) are redundant here. The pragma cannot
            // change inside a transaction, hence before it; it is restored whatever happens.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction(.immediate) {
                // New customers are indexed for search in bulk at the end, not row by row.
                let customersBefore = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM customers") ?? 0
                try db.execute(sql: "DROP TRIGGER customers_search_insert")
                let keys = try KeyResolver(db)
                let lines = ImportSize.lines(data)
                var deferred = DeferredIndexes()
                let session = ImportSession(
                    file: path, options: options, progress: progress, totalBytes: data.count
                ) { kind, columns in
                    deferred = try DeferredIndexes.dropIfLarge(SQLiteDatabase(db: db), kind: kind, rows: lines)
                    return switch kind {
                    case .events: try EventWriter(db, columns: columns, keys: keys, notAfter: options.notAfter)
                    case .customers: try CustomerWriter(db, columns: columns, keys: keys, keep: options.keepColumns)
                    case .products: try ProductWriter(db, columns: columns, keys: keys)
                    case .notes:
                        try NoteWriter(db, columns: columns, keys: keys, analyst: options.analyst, now: options.now)
                    case .accounts, .memberships:
                        AccountFileWriter(SQLiteDatabase(db: db), kind: kind, columns: columns, path: path)
                    }
                }
                try session.run(data, isJSONLines: isJSONLines)
                try deferred.rebuild(SQLiteDatabase(db: db))
                try db.execute(
                    sql: """
                        INSERT INTO customers_search(rowid, name, email, external_id)
                        SELECT id, name, email, external_id FROM customers WHERE id > ?
                        """, arguments: [customersBefore])
                try db.execute(sql: Schema.searchInsertTrigger)
                result = try ImportBookkeeping.commit(
                    SQLiteDatabase(db: db), session.summary(name: name), latestEventTime: session.latestEventTime,
                    options: options)
                return .commit
            }
            return result!
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}

extension ProfileStore {
    /// Devices, FIFOs and directories cannot be mapped: a FIFO would block, `/dev/zero` never
    /// ends, and mapping them fails with a misleading permission message. Refuse them by name.
    /// Reads the file to import, refusing what is not a regular file; also says whether it is JSON Lines.
    ///
    /// The file is read into memory, not mapped: a mapped file that another process truncates
    /// (or whose disk fails) kills the reader with SIGBUS, where a read is an error in words.
    static func mapImportFile(_ path: String) throws -> (data: Data, isJSONLines: Bool) {
        try requireRegularFile(path)
        let data = try readWhole(path)
        // A UTF-8 byte-order mark (as some Windows tools write) is skipped, in CSV and JSON Lines alike.
        let first = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3).first : data.first
        let isJSONLines =
            path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson")
            || (!path.hasSuffix(".csv") && first == UInt8(ascii: "{"))
        return (data, isJSONLines)
    }

    /// The file's bytes, read with `read(2)`. A file that ends before the size it had when the
    /// read began was truncated meanwhile: refused, so no half file is imported.
    static func readWhole(_ path: String) throws -> Data {
        func failure(_ code: Int32) -> StoreError {
            StoreError.invalidArgument("\(path): cannot read: \(String(cString: strerror(code)))")
        }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno) }
        defer { Glibc.close(fd) }
        var info = stat()
        guard Glibc.fstat(fd, &info) == 0 else { throw failure(errno) }
        let expected = Int(info.st_size)
        var data = Data(count: max(expected, 0))
        var done = 0
        while true {
            if done == data.count { data.count += max(1 << 16, data.count / 4) }
            let n = data.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + done, raw.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if n == 0 { break }
            done += n
        }
        data.count = done
        if done < expected {
            throw StoreError.invalidArgument(
                "\(path): the file became shorter while it was being read (\(done) of \(expected) bytes); "
                    + "it was changed or truncated during the import, so nothing of it was imported")
        }
        return data
    }

    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        guard type != S_IFREG else { return }
        let what = fileTypeName(type)
        throw StoreError.invalidArgument("\(path): not a regular file (\(what)); only regular files can be imported")
    }

    private static func fileTypeName(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a plain file"
        }
    }
}

struct AuditImportDetails: Encodable {
    var file: String, kind: String, rows: Int, inserted: Int, updated: Int, duplicates: Int, rejected: Int
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

/// The state of one import: which writer, what went wrong, where rejects go. The writer
/// comes from the backend (`makeWriter`); reading, checking and reporting are the same for all.
final class ImportSession {
    let file: String
    let options: ImportOptions
    let progress: (@Sendable (ImportProgressReport) -> Void)?
    let totalBytes: Int
    var kind: ImportFileKind = .events
    var writer: RowWriter?
    var rows = 0
    var badRows = 0
    var errors: [RowError] = []
    var failed = false
    /// The rejects file, opened at the first bad row: a clean import leaves no file behind
    /// (so running it again is not refused for a rejects file that exists).
    var rejects: FileHandle?
    /// The CSV header line of the rejects file, written when the file is opened.
    var rejectsHeader: String?
    var latestEventTime: Int64? { writer?.latestTime }
    let makeWriter: (ImportFileKind, Columns) throws -> RowWriter

    init(
        file: String, options: ImportOptions, progress: (@Sendable (ImportProgressReport) -> Void)?,
        totalBytes: Int, makeWriter: @escaping (ImportFileKind, Columns) throws -> RowWriter
    ) {
        self.file = file
        self.options = options
        self.progress = progress
        self.totalBytes = totalBytes
        self.makeWriter = makeWriter
    }

    /// Reads the whole file through the writer; throws `ImportFailure` if any row was bad
    /// (and no rejects file takes them), then lets the writer finish its work.
    func run(_ data: Data, isJSONLines: Bool) throws {
        try scan(data, isJSONLines: isJSONLines)
        try complete()
    }

    /// Reads every row through the writer.
    func scan(_ data: Data, isJSONLines: Bool) throws {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if isJSONLines { try runJSONLines(bytes) } else { try runCSV(bytes) }
        }
    }

    /// Refuses the file if a row was bad, else lets the writer finish.
    func complete() throws {
        if failed { throw ImportFailure(file: file, errors: errors, badRows: badRows) }
        try writer?.finish()
    }

    deinit { try? rejects?.close() }

    func summary(name: String) -> ImportSummary {
        ImportSummary(
            file: name, kind: kind, rows: rows, inserted: writer?.inserted ?? 0,
            updated: writer?.updated ?? 0, duplicates: writer?.duplicates ?? 0,
            rejected: badRows, createdCustomers: writer?.createdCustomers ?? 0,
            createdProducts: writer?.createdProducts ?? 0, seconds: 0,
            rejectsFile: badRows > 0 ? options.rejectsPath : nil,
            droppedColumns: writer?.droppedColumns ?? [],
            touchedCustomers: writer?.touchedCustomers.sorted() ?? [])
    }

    /// Checks the header, picks the kind and makes its writer.
    func begin(header: [String], line: Int) throws {
        var seen = Set<String>()
        for h in header {
            if h.isEmpty { throw fileError(line, "(header)", "has an empty column name") }
            if !seen.insert(h).inserted { throw fileError(line, h, "column appears twice in the header") }
        }
        let k = try options.kind ?? kind(of: header, line: line)
        kind = k
        for required in k.requiredColumns where !seen.contains(required) {
            throw fileError(
                line, required,
                "required column is missing (a \(k.rawValue) file needs \(k.requiredColumns.joined(separator: ", ")))")
        }
        writer = try makeWriter(k, Columns(header))
    }

    /// The kind the header names, or a header error asking for `--kind`.
    func kind(of header: [String], line: Int) throws -> ImportFileKind {
        switch ImportFileKind.detect(header: header) {
        case .kind(let k):
            return k
        case .unknown:
            throw fileError(
                line, "(header)",
                "cannot tell what this file holds from its columns "
                    + "(\(header.joined(separator: ","))); use --kind")
        case .ambiguous(let fits):
            let reasons = fits.map { "\($0.0.rawValue) (\($0.1.joined(separator: ", ")))" }
            let options = fits.map { "--kind \($0.0.rawValue)" }
            throw fileError(
                line, "(header)",
                "the columns fit \(reasons.joined(separator: " and ")); "
                    + "say which with \(options.joined(separator: " or "))")
        }
    }

    func fileError(_ line: Int, _ field: String, _ reason: String) -> ImportFailure {
        ImportFailure(file: file, errors: [RowError(line: line, field: field, reason: reason)], badRows: 1)
    }

    func writeReject(_ text: String) {
        guard !rejectsFailed, let path = options.rejectsPath else { return }
        do {
            if rejects == nil {
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw RejectsFailure(code: errno) }
                let h = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                rejects = h
                if let header = rejectsHeader { try Self.write(h, header + "\n") }
            }
            if let rejects { try Self.write(rejects, text + "\n") }
        } catch {
            // Cannot set the row aside (a full disk): the file fails as it would without --skip-bad.
            let why = (error as? RejectsFailure).map { String(cString: strerror($0.code)) } ?? "\(error)"
            errors.append(
                RowError(line: 0, field: "(rejects)", reason: "\(path): cannot write the rejects file: \(why)"))
            failed = true
            rejectsFailed = true
        }
    }

    /// Set once writing the rejects file failed: no further row is tried.
    var rejectsFailed = false

    struct RejectsFailure: Error { var code: Int32 }

    /// `write(2)` of the whole text: FileHandle's own `write(_:)` traps on an error (a full disk).
    static func write(_ handle: FileHandle, _ text: String) throws {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                Glibc.write(handle.fileDescriptor, raw.baseAddress! + done, raw.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw RejectsFailure(code: errno)
            }
            if n == 0 { throw RejectsFailure(code: ENOSPC) }
            done += n
        }
    }

    /// Records a bad row: kept for the report, written to the rejects file if there is one.
    func reject(_ e: RowError, raw: @autoclosure () -> String, csv: Bool) {
        badRows += 1
        if errors.count < options.maxReportedErrors { errors.append(e) }
        if options.rejectsPath != nil {
            let message = "\(e.field): \(e.reason)".replacingOccurrences(of: "\"", with: "\"\"")
            writeReject(csv ? raw() + ",\"line \(e.line): \(message)\"" : raw())
        } else {
            failed = true
        }
    }

    func report(position: Int) {
        if rows & 0xFFFF == 0, let progress {
            progress(ImportProgressReport(file: file, bytesDone: position, bytesTotal: totalBytes, rows: rows))
        }
    }

    func runCSV(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVScanner.Field] = []
        do {
            guard try scanner.next(into: &fields) else {
                throw fileError(1, "(file)", "is empty: expected a header line")
            }
        } catch let e as CSVScanner.ScanError {
            throw fileError(1, "(header)", describe(e))
        }
        let headerReader = FieldReader(bytes: bytes, fields: fields, line: scanner.recordLine)
        var header: [String] = []
        for i in fields.indices {
            do {
                header.append((try headerReader.text(i, "column \(i + 1)", structural: true) ?? "").lowercased())
            } catch {
                throw ImportFailure(file: file, errors: [error], badRows: 1)
            }
        }
        try begin(header: header, line: 1)
        if options.rejectsPath != nil { rejectsHeader = scanner.rawRecord() + ",_error" }
        let width = header.count
        let dropErrorColumn = header.last == "_error"
        guard let writer else { return }
        while true {
            do {
                guard try scanner.next(into: &fields) else { break }
            } catch let e as CSVScanner.ScanError {
                // The rest of the file cannot be split into rows reliably.
                reject(
                    RowError(line: scanner.recordLine, field: "(row)", reason: describe(e)),
                    raw: scanner.rawRecord(), csv: true)
                failed = true
                break
            }
            rows += 1
            if dropErrorColumn, fields.count == width { fields.removeLast() }
            let row = FieldReader(bytes: bytes, fields: fields, line: scanner.recordLine)
            if fields.count != (dropErrorColumn ? width - 1 : width) {
                reject(
                    RowError(
                        line: row.line, field: "(row)", reason: "has \(fields.count) fields; the header has \(width)"),
                    raw: scanner.rawRecord(), csv: true)
                continue
            }
            do {
                try writer.write(row)
            } catch let e as RowError {
                reject(e, raw: scanner.rawRecord(), csv: true)
            }
            report(position: scanner.position)
        }
    }

    func describe(_ e: CSVScanner.ScanError) -> String {
        switch e {
        case .unterminatedQuote: "a quoted field is never closed"
        case .strayQuote(_, let field): "field \(field) has a quote in the middle of an unquoted field"
        }
    }

    /// JSON Lines: one object per line; keys are column names, values strings, numbers,
    /// booleans or null. The columns are the union of the keys in the file.
    func runJSONLines(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var objects: [(line: Int, raw: String, object: [String: String?])] = []
        var order: [String] = []
        var known = Set<String>()
        var lineNo = 0
        // A UTF-8 byte-order mark before the first object is skipped, as the CSV scanner skips it.
        var start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNo += 1
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
            start = end + 1
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            guard let text = String(validating: slice, as: UTF8.self) else {
                reject(
                    RowError(line: lineNo, field: "(line)", reason: "is not valid UTF-8"),
                    raw: String(decoding: slice, as: UTF8.self), csv: false)
                continue
            }
            let object: [String: String?]
            do {
                object = try jsonObject(slice, line: lineNo)
            } catch {
                reject(error, raw: text, csv: false)
                continue
            }
            for k in object.keys.sorted() where !known.contains(k) {
                known.insert(k)
                order.append(k)
            }
            objects.append((lineNo, text, object))
        }
        if objects.isEmpty && badRows == 0 {
            throw fileError(1, "(file)", "is empty: expected JSON objects, one per line")
        }
        if objects.isEmpty { return }
        if order.contains("userid") && order.contains("groupid") {
            SegmentGroupCalls.convert(&objects, order: &order) { reject($0, raw: $1, csv: false) }
            if objects.isEmpty { return }
        }
        try begin(header: order, line: objects[0].line)
        guard let writer else { return }
        for (line, raw, obj) in objects {
            rows += 1
            var buffer: [UInt8] = []
            var fields: [CSVScanner.Field] = []
            for key in order {
                let s = buffer.count
                if let v = obj[key] ?? nil { buffer.append(contentsOf: Array(v.utf8)) }
                fields.append(CSVScanner.Field(start: s, end: buffer.count, hasEscapedQuotes: false))
            }
            do {
                try buffer.withUnsafeBufferPointer { b in
                    try writer.write(FieldReader(bytes: b, fields: fields, line: line))
                }
            } catch let e as RowError {
                reject(e, raw: raw, csv: false)
            }
        }
    }

    /// One line's object keyed by lower-cased column name (null is nil). Keys that
    /// are the same column, whatever their case, are an error: which one wins would be a guess.
    func jsonObject(_ slice: UnsafeBufferPointer<UInt8>, line: Int) throws(RowError) -> [String: String?] {
        let pairs: [JSONLine.Pair]
        do {
            pairs = try JSONLine.parse(slice)
        } catch {
            throw RowError(
                line: line, field: "(line)",
                reason: "is not a JSON object of strings, numbers, "
                    + "booleans or null (byte \(error.offset + 1): \(error.reason))")
        }
        var spelled: [String: String] = [:]
        var object: [String: String?] = [:]
        for (key, value) in pairs {
            let column = key.lowercased()
            if let first = spelled[column] {
                let reason =
                    first == key
                    ? "key '\(key)' appears twice"
                    : "keys '\(first)' and '\(key)' differ only in case"
                throw RowError(line: line, field: column, reason: reason)
            }
            spelled[column] = key
            object[column] = .some(value)
        }
        return object
    }
}
