import Foundation
import RapportStore

extension Workspace {
    /// `rapport admin init-roles`: creates the owner, analyst and reader roles of a PostgreSQL
    /// store with their grants and default privileges (`PostgresRoles.apply`); returns the
    /// statements run. A SQLite store has no roles: refused in words.
    public static func initRoles(_ location: StoreLocation, owner: String, analyst: String, reader: String) throws
        -> [String]
    {
        guard location.isServer else {
            throw StoreError.invalidArgument(
                "init-roles is for a PostgreSQL store (--store postgres://…); a SQLite store is a file with no roles")
        }
        return try PostgresRoles(owner: owner, analyst: analyst, reader: reader).apply(url: location.path)
    }
}
