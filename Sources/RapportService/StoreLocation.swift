import Foundation

/// Where the store lives: `--store PATH`, else `$RAPPORT_STORE`, else
/// `$XDG_DATA_HOME/rapport/store.sqlite` (default `~/.local/share/rapport/store.sqlite`).
public struct StoreLocation: Sendable, Equatable {
    public var path: String
    /// True when no path was given: the first run creates the store from the sample.
    public var isDefault: Bool

    public init(path: String, isDefault: Bool) {
        self.path = path
        self.isDefault = isDefault
    }

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

    static func expand(_ p: String) -> String { (p as NSString).expandingTildeInPath }
}
