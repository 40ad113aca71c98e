import Foundation
import RapportStore

/// Where the store lives: `--store PATH|URL`, else `$RAPPORT_STORE`, else
/// `$XDG_DATA_HOME/rapport/store.sqlite` (default `~/.local/share/rapport/store.sqlite`).
/// A `postgres://` URL names a shared PostgreSQL store (docs/postgres.md).
public struct StoreLocation: Sendable, Equatable {
    public var path: String
    /// True when no path was given: the first run creates the store from the sample.
    public var isDefault: Bool

    public init(path: String, isDefault: Bool) {
        self.path = path
        self.isDefault = isDefault
    }

    /// True for a PostgreSQL URL rather than a file.
    public var isServer: Bool { PostgresStore.accepts(path) }

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> StoreLocation
    {
        if let explicit, !explicit.isEmpty { return StoreLocation(path: expand(explicit), isDefault: false) }
        if let env = environment["RAPPORT_STORE"], !env.isEmpty {
            return StoreLocation(path: expand(env), isDefault: false)
        }
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return StoreLocation(path: base + "/rapport/store.sqlite", isDefault: true)
    }

    static func expand(_ p: String) -> String {
        PostgresStore.accepts(p) ? p : (p as NSString).expandingTildeInPath
    }
}
