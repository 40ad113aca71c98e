import Foundation
import RapportEngine
import TOMLKit

/// User settings from `$XDG_CONFIG_HOME/rapport/config.toml` (default
/// `~/.config/rapport/config.toml`). Every setting is optional.
///
/// ```toml
/// [keys]                 # action = key or [keys]; see docs/keys.md for action names
/// down = ["j", "Down"]
/// [insights]
/// tau_days = 90          # recency scale τ of inferred preferences, in days
/// exploration_share = 0.1
/// owned_after_views = 3  # a product viewed this often is not recommended (0: off)
/// last_session_views_owned = true   # nor one viewed in the customer's last session
/// auto_tune = true       # choose the recommender's settings on a small store's first fit
/// recommender_lambda = 200     # pin the item model's λ (no tuning changes it)
/// recommender_tau_days = 90    # pin the recommender history's τ (at least the promise's floor)
/// clv_model = "bgnbd"    # or "mbgnbd": the modified BG/NBD, where one-time buyers can drop out
/// [colors]
/// accent = "cyan"        # black red green yellow blue magenta cyan white default
/// [import]
/// keep_columns = ["loyalty_tier"]   # extra customer columns to store (others are dropped)
/// [ui]
/// mouse = false
/// [corrections]
/// hold_hours = 24        # how long a clear-history's events are held so it can be undone
/// ```
public struct Config: Sendable, Equatable {
    public var keys: [String: [String]] = [:]
    public var tauDays: Double = 90
    public var explorationShare: Double = 0.10
    /// `[insights] owned_after_views`: views that make a product "already seen" (0 turns it off).
    public var ownedAfterViews = 3
    /// `[insights] last_session_views_owned`: products viewed in the last session count as seen.
    public var lastSessionViewsOwned = true
    /// `[insights] auto_tune`: a small store's first fit chooses λ, τ and damping on validation.
    public var autoTune = true
    /// `[insights] recommender_lambda`: pins the item model's λ; no tuning changes it.
    public var recommenderLambda: Double?
    /// `[insights] recommender_tau_days`: pins the recommender history's τ (at least the floor).
    public var recommenderTauDays: Double?
    /// `[insights] clv_model`: the BG/NBD variant P(alive), expected purchases and CLV come from.
    public var clvModel = "bgnbd"
    public var colors: [String: String] = [:]
    public var mouse = false
    /// `[import] keep_columns`: extra customer columns to store; every other is dropped.
    public var keepColumns: [String] = []
    /// `[corrections] hold_hours`: how long a clear-history keeps its events, undoable (docs/corrections.md).
    public var holdHours: Double = 24
    /// `[accounts] required_roles`: the buying committee's roles an account should have filled.
    public var requiredRoles = Config.defaultRequiredRoles
    public static let defaultRequiredRoles = ["decision_maker", "buyer", "user"]
    public var path: String?

    public init() {}

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/rapport/config.toml"
    }

    /// Loads the config file; a missing file gives the defaults, a malformed one an error
    /// naming the file, line and column.
    public static func load(path: String = Config.defaultPath()) throws -> Config {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return Config() }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String = "config.toml") throws -> Config {
        var c = Config()
        c.path = path
        try ConfigGuard.check(text, path: path)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError("\(path):\(e.source.begin.line):\(e.source.begin.column): \(e.description)")
        }
        if let keys = table["keys"]?.table {
            for (action, value) in keys {
                if let s = value.string {
                    c.keys[action] = [s]
                } else if let a = value.array {
                    let names = a.compactMap(\.string)
                    guard names.count == a.count else {
                        throw ConfigError("\(path): keys.\(action): expected a key name or a list of key names")
                    }
                    c.keys[action] = names
                } else {
                    throw ConfigError("\(path): keys.\(action): expected a key name or a list of key names")
                }
            }
        }
        if let insights = table["insights"]?.table {
            if let v = insights["tau_days"] {
                guard let d = v.double ?? v.int.map(Double.init), d > 0 else {
                    throw ConfigError("\(path): insights.tau_days: expected a positive number of days")
                }
                c.tauDays = d
            }
            if let v = insights["exploration_share"] {
                guard let d = v.double ?? v.int.map(Double.init), (0...0.5).contains(d) else {
                    throw ConfigError("\(path): insights.exploration_share: expected a number from 0 to 0.5")
                }
                c.explorationShare = d
            }
            if let v = insights["owned_after_views"] {
                guard let n = v.int, n >= 0 else {
                    throw ConfigError(
                        "\(path): insights.owned_after_views: expected a whole number ≥ 0 (0 turns it off)")
                }
                c.ownedAfterViews = n
            }
            if let v = insights["last_session_views_owned"] {
                guard let b = v.bool else {
                    throw ConfigError("\(path): insights.last_session_views_owned: expected true or false")
                }
                c.lastSessionViewsOwned = b
            }
            if let v = insights["recommender_lambda"] {
                guard let d = v.double ?? v.int.map(Double.init), d > 0 else {
                    throw ConfigError("\(path): insights.recommender_lambda: expected a positive number")
                }
                c.recommenderLambda = d
            }
            if let v = insights["recommender_tau_days"] {
                let floor = TuningGuard.tauFloor(damping: PreferenceSettings().damping)
                guard let d = v.double ?? v.int.map(Double.init), d >= floor else {
                    throw ConfigError(
                        "\(path): insights.recommender_tau_days: expected a number of days of at least "
                            + "\(TuningGuard.days(tauDays: floor)) (below it a week's burst outweighs a year of habit)")
                }
                c.recommenderTauDays = d
            }
            if let v = insights["auto_tune"] {
                guard let b = v.bool else { throw ConfigError("\(path): insights.auto_tune: expected true or false") }
                c.autoTune = b
            }
            if let v = insights["clv_model"] {
                guard let name = v.string, ["bgnbd", "mbgnbd"].contains(name) else {
                    throw ConfigError(
                        "\(path): insights.clv_model: expected \"bgnbd\" (BG/NBD) or \"mbgnbd\" (the modified BG/NBD)")
                }
                c.clvModel = name
            }
        }
        if let colors = table["colors"]?.table {
            for (k, v) in colors {
                guard let s = v.string else { throw ConfigError("\(path): colors.\(k): expected a colour name") }
                c.colors[k] = s
            }
        }
        if let imports = table["import"]?.table, let v = imports["keep_columns"] {
            guard let names = v.array?.compactMap({ $0.string }), names.count == v.array?.count else {
                throw ConfigError("\(path): import.keep_columns: expected a list of column names")
            }
            c.keepColumns = names
        }
        if let corrections = table["corrections"]?.table, let v = corrections["hold_hours"] {
            guard let h = v.double ?? v.int.map(Double.init), h >= 0, h <= 24 * 365 else {
                throw ConfigError("\(path): corrections.hold_hours: expected a number of hours from 0 to 8760")
            }
            c.holdHours = h
        }
        if let accounts = table["accounts"]?.table, let v = accounts["required_roles"] {
            guard let names = v.array?.compactMap({ $0.string }), names.count == v.array?.count else {
                throw ConfigError("\(path): accounts.required_roles: expected a list of role names")
            }
            c.requiredRoles = names.map { $0.lowercased() }
        }
        if let ui = table["ui"]?.table, let m = ui["mouse"] {
            guard let b = m.bool else { throw ConfigError("\(path): ui.mouse: expected true or false") }
            c.mouse = b
        }
        return c
    }
}

public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
}
