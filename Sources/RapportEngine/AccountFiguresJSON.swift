import Foundation

/// An account's figures as the JSON the store keeps (`account_figures.detail`), written by hand:
/// `JSONEncoder` was a fifth of the account figures' CPU in a refresh. The text is the one
/// `JSONEncoder` with sorted keys writes (a test compares the two), so stored rows of either
/// kind read back alike.
public enum AccountFiguresJSON {
    public static func encode(_ f: AccountFigures) -> String {
        var w = Writer()
        w.open()
        if let c = f.cadence {
            w.key("cadence")
            w.open()
            w.key("interval_days")
            w.number(c.intervalDays)
            w.key("next_order")
            w.integer(c.nextOrder)
            w.key("orders")
            w.integer(Int64(c.orders))
            w.close()
        }
        w.key("children")
        w.scope(f.children)
        if let v = f.clv12m {
            w.key("clv_12m")
            w.number(v)
        }
        if let v = f.coverage {
            w.key("coverage")
            w.number(v)
        }
        w.key("engagement")
        w.integer(Int64(f.engagement))
        w.key("engagement_previous")
        w.integer(Int64(f.engagementPrevious))
        if let v = f.expectedOrders90d {
            w.key("expected_orders_90d")
            w.number(v)
        }
        w.key("individual")
        w.scope(f.individual)
        w.key("missing_roles")
        w.text.append("[")
        for (i, role) in f.missingRoles.enumerated() {
            if i > 0 { w.text.append(",") }
            w.string(role)
        }
        w.text.append("]")
        w.first = false
        if let v = f.pAlive {
            w.key("p_alive")
            w.number(v)
        }
        w.key("revenue_12m")
        w.number(f.revenue12m)
        w.key("total")
        w.scope(f.total)
        w.key("trend")
        w.string(f.trend.rawValue)
        w.close()
        return w.text
    }

    /// Whether every number of the figures can be written (JSON has no NaN or infinity).
    public static func canEncode(_ f: AccountFigures) -> Bool {
        let scopes = [f.individual, f.children, f.total]
        let numbers: [Double?] =
            [f.revenue12m, f.pAlive, f.expectedOrders90d, f.clv12m, f.coverage, f.cadence?.intervalDays]
            + scopes.flatMap { s -> [Double?] in [s.revenue, s.aov, s.repeatRate] }
        return numbers.allSatisfy { $0?.isFinite ?? true }
    }

    struct Writer {
        var text = ""
        var first = true

        mutating func open() {
            text.append("{")
            first = true
        }

        mutating func close() {
            text.append("}")
            first = false
        }

        mutating func key(_ name: String) {
            if !first { text.append(",") }
            text.append("\"")
            text.append(name)
            text.append("\":")
            first = true
        }

        mutating func integer(_ v: Int64) {
            text.append(String(v))
            first = false
        }

        /// A double as `JSONEncoder` writes it: Swift's shortest form, without a trailing ".0".
        mutating func number(_ v: Double) {
            var s = v.description
            if s.hasSuffix(".0") { s.removeLast(2) }
            text.append(s)
            first = false
        }

        mutating func string(_ s: String) {
            text.append("\"")
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": text.append("\\\"")
                case "\\": text.append("\\\\")
                case "/": text.append("\\/")
                case "\n": text.append("\\n")
                case "\r": text.append("\\r")
                case "\t": text.append("\\t")
                case "\u{08}": text.append("\\b")
                case "\u{0C}": text.append("\\f")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: text.unicodeScalars.append(scalar)
                }
            }
            text.append("\"")
            first = false
        }

        mutating func scope(_ s: AccountScopeFigures) {
            open()
            key("active_members_90d")
            integer(Int64(s.activeMembers))
            if let v = s.aov {
                key("aov")
                number(v)
            }
            key("customers")
            integer(Int64(s.customers))
            if let v = s.lastOrder {
                key("last_order")
                integer(v)
            }
            key("members")
            integer(Int64(s.members))
            key("orders")
            integer(Int64(s.orders))
            if let v = s.repeatRate {
                key("repeat_rate")
                number(v)
            }
            key("revenue")
            number(s.revenue)
            close()
        }
    }
}
