import Foundation
import PostgresNIO

/// Errors this module raises itself. Their descriptions are single human lines: no driver dump, no password.
public enum PGError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Connecting failed before any server answer (refused, no socket, unknown host, timeout).
    case cannotConnect(url: String, reason: String)
    case authenticationFailed(url: String)
    /// The server has no role of that name.
    case unknownRole(role: String, url: String)
    /// sslmode=require/verify-full but the server or the socket cannot do TLS.
    case tlsUnavailable(url: String)
    case decode(column: Int, String)
    /// `transaction` inside `transaction` on the same connection (use one transaction; there are no savepoints).
    case nestedTransaction
    /// COMMIT turned into ROLLBACK because a statement in the transaction failed and the error was swallowed.
    case transactionAborted
    case invalidIdentifier(String)
    case copyRowWidth(expected: Int, got: Int)
    /// The server did not answer within the client's limit (`PGConnection.waitLimit`); the
    /// connection was closed, and whatever its transaction did is rolled back by the server.
    case timedOut(seconds: Int)
    /// The connection broke (the server stopped or restarted, the network went); it is not used again.
    case connectionLost
    /// The connection broke while the server was committing: the change may or may not be saved.
    case commitUnknown

    public var description: String {
        switch self {
        case .cannotConnect(let url, let reason):
            return "cannot reach the PostgreSQL server at \(url) (\(reason))"
        case .authenticationFailed(let url):
            return "PostgreSQL authentication failed for \(url); check PGPASSWORD or ~/.pgpass"
        case .unknownRole(let role, _):
            return "the PostgreSQL server has no role '\(role)'; an administrator creates it "
                + "('rapport admin init-roles', then CREATE ROLE \(role) LOGIN IN ROLE rapport_analyst)"
        case .tlsUnavailable(let url):
            return "TLS is required but not available for \(url)"
        case .decode(let column, let why):
            return "cannot read column \(column): \(why)"
        case .nestedTransaction:
            return "a transaction is already open on this connection"
        case .transactionAborted:
            return "the transaction was rolled back because one of its statements failed"
        case .invalidIdentifier(let name):
            return "invalid SQL identifier \(name.debugDescription)"
        case .copyRowWidth(let expected, let got):
            return "COPY row has \(got) fields, expected \(expected)"
        case .timedOut(let seconds):
            return "the PostgreSQL server did not answer within \(seconds) s; the connection was closed "
                + "(what was not committed is rolled back)"
        case .connectionLost:
            return "the connection to the PostgreSQL server was lost (what was not committed is rolled back)"
        case .commitUnknown:
            return "the connection to the PostgreSQL server was lost while it committed: the change may or may "
                + "not have been saved; check with 'rapport audit' before doing it again"
        }
    }

    public var errorDescription: String? { description }

    /// The server's SQLSTATE for an error that came from the server, e.g. "23505".
    public static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// True for errors after which the connection cannot be used again: the server closed it or
    /// is shutting down, the socket failed, or the client gave up waiting. Nothing more is sent
    /// on such a connection (not even ROLLBACK: postgres-nio traps on a closed channel's state).
    public static func isConnectionLoss(_ error: any Error) -> Bool {
        if let own = error as? PGError {
            switch own {
            case .timedOut, .connectionLost, .commitUnknown: return true
            default: return false
            }
        }
        // postgres-nio's older error type, thrown by a COPY whose channel closed.
        if case .connectionClosed? = error as? PostgresError { return true }
        guard let psql = error as? PSQLError else { return false }
        if let state = psql.serverInfo?[.sqlState] {
            return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
        }
        switch psql.code {
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .connectionError:
            return true
        default:
            return false
        }
    }

    /// True for errors that mean "run the transaction again": serialization_failure and deadlock_detected.
    public static func isRetryable(_ error: any Error) -> Bool {
        let state = sqlState(of: error)
        return state == "40001" || state == "40P01"
    }

    /// One line for the user, or nil when `error` is not a database error we know about.
    public static func friendly(_ error: any Error) -> String? {
        if let own = error as? PGError { return own.description }
        if let parse = error as? PostgresURL.ParseError { return parse.description }
        guard let psql = error as? PSQLError else { return nil }
        if let info = psql.serverInfo, let state = info[.sqlState] {
            let message = firstLine(info[.message] ?? "")
            switch state {
            case "40001", "40P01":
                return "the change conflicts with a concurrent one; nothing was changed, try again"
            case "23505":
                let what = info[.constraintName].map { " (\($0))" } ?? ""
                return "that value already exists\(what); nothing was changed"
            case "23503":
                return "that would break a reference between records (\(message)); nothing was changed"
            case "42501":
                return "your database role may not do this (read-only role?)"
            case "25006":
                return "this is a read-only transaction or server; nothing was changed"
            case "53100":
                return "the PostgreSQL server's disk is full; nothing was changed"
            case "53300":
                return "the PostgreSQL server has too many connections; try again later"
            case "57P01", "57P02", "57P03":
                return "the PostgreSQL server is shutting down or restarting; connection lost"
            case "57014":
                return "the query was cancelled"
            case "28P01", "28000":
                return "PostgreSQL authentication failed; check the user, PGPASSWORD or ~/.pgpass"
            case "3D000":
                return "the database does not exist: \(message)"
            case _ where state.hasPrefix("08"):
                return "the connection to the PostgreSQL server was lost"
            default:
                return "PostgreSQL error \(state): \(message)"
            }
        }
        switch psql.code {
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return "the connection to the PostgreSQL server was lost"
        case .connectionError:
            return "cannot reach the PostgreSQL server"
        case .sslUnsupported:
            return "the PostgreSQL server does not support TLS (sslmode=require)"
        case .authMechanismRequiresPassword:
            return "the PostgreSQL server wants a password; set PGPASSWORD or add it to ~/.pgpass"
        case .queryCancelled:
            return "the query was cancelled"
        default:
            return "PostgreSQL client error: \(psql.code)"
        }
    }

    private static func firstLine(_ s: String) -> String {
        String(s.prefix { $0 != "\n" && $0 != "\r" })
    }
}
