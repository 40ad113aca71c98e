import Foundation

/// A parsed `postgres://` or `postgresql://` URL: where the server is and who we are, never the password.
///
/// A password in the URL is refused because URLs end up in shell history, `ps` output and logs; it comes
/// from `PGPASSWORD` or `~/.pgpass` instead (see ``password(environment:pgpassPath:)``).
///
/// Accepted forms:
///   - `postgres://user@host:5432/db?sslmode=require&application_name=rapport`
///   - `postgres://user@/db?host=/var/run/postgresql` (Unix socket directory as a query parameter)
///   - `postgres://user@%2Fvar%2Frun%2Fpostgresql/db` (percent-encoded socket directory in host position)
///   - `postgres://[::1]:5433/db`
/// The user defaults to `PGUSER`, then the OS user; the host to `PGHOST`, then `localhost`; the port to `PGPORT`,
/// then 5432; the database to the user.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`, restricted to the values we can honour.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    public var user: String
    /// A TCP host name or address; nil when connecting through a Unix socket.
    public var host: String?
    /// The directory holding the server's socket (`.s.PGSQL.<port>`); nil for TCP.
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    public var applicationName: String?
    /// `connect_timeout` in seconds, if given.
    public var connectTimeout: Int?

    public var isUnixSocket: Bool { socketDirectory != nil }

    /// The socket file itself, as libpq names it.
    public var socketPath: String? {
        socketDirectory.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + ".s.PGSQL.\(port)" }
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notPostgres
        case passwordInURL
        case invalid(String)

        public var description: String {
            switch self {
            case .notPostgres:
                return "not a PostgreSQL URL (expected postgres://… or postgresql://…)"
            case .passwordInURL:
                return "the URL contains a password; put the password in PGPASSWORD or ~/.pgpass, not in the URL"
            case .invalid(let why):
                return "invalid PostgreSQL URL: \(why)"
            }
        }
    }

    /// True when `s` looks like a PostgreSQL URL rather than a file path: used to pick the store backend.
    public static func isPostgres(_ s: String) -> Bool {
        let lower = s.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `string`; `environment` supplies PGUSER, PGHOST and PGPORT defaults (injectable for tests).
    public init(_ string: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgres(string) else { throw ParseError.notPostgres }
        var rest = Substring(string)
        rest = rest[rest.index(after: rest.firstIndex(of: ":")!)...].dropFirst(2)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }

        var queryItems: [(String, String)] = []
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = try Self.decode(kv[0])
                let value = kv.count > 1 ? try Self.decode(kv[1]) : ""
                queryItems.append((key, value))
            }
            rest = rest[..<q]
        }

        let authority: Substring
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
        }

        var userPart: Substring?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            userPart = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
        }
        if let userPart, userPart.contains(":") { throw ParseError.passwordInURL }
        if hostPort.contains(",") { throw ParseError.invalid("several hosts are not supported") }

        var hostText: Substring = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw ParseError.invalid("unterminated IPv6 address")
            }
            hostText = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw ParseError.invalid("unexpected text after the IPv6 address")
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            hostText = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }

        var user = try userPart.map { try Self.decode($0) } ?? ""
        var host = try Self.decode(hostText)
        var port: Int? = try portText.map { try Self.parsePort(String($0)) }
        var database = try Self.decode(path)
        var sslMode = SSLMode.prefer
        var applicationName: String?
        var connectTimeout: Int?

        for (key, value) in queryItems {
            switch key {
            case "host": host = value
            case "port": port = try Self.parsePort(value)
            case "user": user = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    let allowed = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ParseError.invalid("sslmode '\(value)' is not one of \(allowed)")
                }
                sslMode = mode
            case "application_name": applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw ParseError.invalid("connect_timeout '\(value)' is not a number of seconds")
                }
                connectTimeout = seconds
            case "password": throw ParseError.passwordInURL
            default: throw ParseError.invalid("unknown parameter '\(key)'")
            }
        }

        if user.isEmpty { user = environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.osUserName() }
        if host.isEmpty { host = environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost" }
        if port == nil, let envPort = environment["PGPORT"], !envPort.isEmpty { port = try Self.parsePort(envPort) }
        if database.isEmpty { database = user }

        self.user = user
        if host.hasPrefix("/") {
            self.socketDirectory = host
            self.host = nil
        } else {
            self.socketDirectory = nil
            self.host = host
        }
        self.port = port ?? 5432
        self.database = database
        self.sslMode = sslMode
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }

    /// A display form safe for logs and error messages: it cannot hold a password because we never keep one.
    public var redacted: String {
        var s = "postgres://" + Self.encode(user) + "@"
        var query: [String] = []
        if let host {
            s += host.contains(":") ? "[\(host)]" : Self.encode(host)
            if port != 5432 { s += ":\(port)" }
        } else if let socketDirectory {
            query.append("host=" + Self.encode(socketDirectory))
            if port != 5432 { query.append("port=\(port)") }
        }
        s += "/" + Self.encode(database)
        if sslMode != .prefer { query.append("sslmode=" + sslMode.rawValue) }
        if let applicationName { query.append("application_name=" + Self.encode(applicationName)) }
        if let connectTimeout { query.append("connect_timeout=\(connectTimeout)") }
        if !query.isEmpty { s += "?" + query.joined(separator: "&") }
        return s
    }

    public var description: String { redacted }

    // MARK: - Password

    /// Where the password came from, and why a `~/.pgpass` was skipped (for a hint, never the password itself).
    public struct PasswordLookup: Sendable, Equatable {
        public var password: String?
        public var warning: String?
    }

    /// The password for this URL: `PGPASSWORD`, else the first matching line of the pgpass file
    /// (`PGPASSFILE`, else `~/.pgpass`; `pgpassPath` overrides both for tests).
    public func password(
        environment: [String: String] = ProcessInfo.processInfo.environment, pgpassPath: String? = nil
    ) -> PasswordLookup {
        if let pw = environment["PGPASSWORD"], !pw.isEmpty { return PasswordLookup(password: pw, warning: nil) }
        let path: String
        if let pgpassPath {
            path = pgpassPath
        } else if let env = environment["PGPASSFILE"], !env.isEmpty {
            path = env
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            path = (home as NSString).appendingPathComponent(".pgpass")
        }
        switch PGPass.load(path: path) {
        case .missing:
            return PasswordLookup(password: nil, warning: nil)
        case .tooOpen(let mode):
            let octal = String(mode, radix: 8)
            return PasswordLookup(
                password: nil,
                warning: "\(path) ignored: its permissions (\(octal)) let others read it; run chmod 0600 \(path)")
        case .loaded(let pgpass):
            let hosts: [String]
            if let host {
                hosts = [host]
            } else {
                hosts = [socketDirectory ?? "", "localhost"]
            }
            for h in hosts {
                if let pw = pgpass.password(host: h, port: port, database: database, user: user) {
                    return PasswordLookup(password: pw, warning: nil)
                }
            }
            return PasswordLookup(password: nil, warning: nil)
        }
    }

    // MARK: - Helpers

    static func osUserName() -> String {
        #if canImport(Glibc) || canImport(Darwin) || canImport(Musl)
            if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        #endif
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }

    private static func parsePort(_ s: String) throws -> Int {
        guard let p = Int(s), (1...65535).contains(p) else { throw ParseError.invalid("port '\(s)' is not 1-65535") }
        return p
    }

    private static func decode(_ s: Substring) throws -> String {
        guard let decoded = String(s).removingPercentEncoding else {
            throw ParseError.invalid("bad percent-encoding in '\(s)'")
        }
        return decoded
    }

    private static let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        .subtracting(CharacterSet(charactersIn: "\u{80}"..."\u{10FFFF}"))

    private static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: safe) ?? s
    }
}

/// A parsed `~/.pgpass` (`hostname:port:database:username:password` lines, `*` wildcards, `\:` and `\\` escapes).
public struct PGPass: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        var text: String
        var isWildcard: Bool

        func matches(_ s: String) -> Bool { isWildcard || text == s }
    }

    struct Entry: Sendable, Equatable {
        var host: Field
        var port: Field
        var database: Field
        var user: Field
        var password: String
    }

    var entries: [Entry]

    public enum LoadResult: Sendable, Equatable {
        case missing
        /// Like libpq, a file others may read is ignored; the mode is for the hint.
        case tooOpen(mode: UInt16)
        case loaded(PGPass)
    }

    public static func load(path: String) -> LoadResult {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
            attrs[.type] as? FileAttributeType == .typeRegular
        else { return .missing }
        let mode = (attrs[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o777
        if mode & 0o077 != 0 { return .tooOpen(mode: mode) }
        guard let data = FileManager.default.contents(atPath: path) else { return .missing }
        return .loaded(PGPass(parsing: String(decoding: data, as: UTF8.self)))
    }

    public init(parsing text: String) {
        var entries: [Entry] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.hasPrefix("#") { continue }
            let fields = Self.splitFields(line)
            guard fields.count >= 5 else { continue }
            entries.append(
                Entry(
                    host: fields[0], port: fields[1], database: fields[2], user: fields[3],
                    password: fields[4].text))
        }
        self.entries = entries
    }

    /// The first matching entry's password, as libpq picks it.
    public func password(host: String, port: Int, database: String, user: String) -> String? {
        entries.first {
            $0.host.matches(host) && $0.port.matches(String(port)) && $0.database.matches(database)
                && $0.user.matches(user)
        }?.password
    }

    /// Splits on unescaped colons; a field is a wildcard only when it is exactly an unescaped `*`.
    private static func splitFields(_ line: Substring) -> [Field] {
        var fields: [Field] = []
        var current = ""
        var escapedSomething = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if c == "\\" {
                if let next = iterator.next() {
                    current.append(next)
                    escapedSomething = true
                }
            } else if c == ":" && fields.count < 4 {
                fields.append(Field(text: current, isWildcard: current == "*" && !escapedSomething))
                current = ""
                escapedSomething = false
            } else if c == "\r" {
                continue
            } else {
                current.append(c)
            }
        }
        fields.append(Field(text: current, isWildcard: current == "*" && !escapedSomething))
        return fields
    }
}
