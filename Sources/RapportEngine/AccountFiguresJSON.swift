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
        w.byte(UInt8(ascii: "["))
        for (i, role) in f.missingRoles.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(role)
        }
        w.byte(UInt8(ascii: "]"))
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
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Whether every number of the figures can be written (JSON has no NaN or infinity).
    public static func canEncode(_ f: AccountFigures) -> Bool {
        let scopes = [f.individual, f.children, f.total]
        let numbers: [Double?] =
            [f.revenue12m, f.pAlive, f.expectedOrders90d, f.clv12m, f.coverage, f.cadence?.intervalDays]
            + scopes.flatMap { s -> [Double?] in [s.revenue, s.aov, s.repeatRate] }
        return numbers.allSatisfy { $0?.isFinite ?? true }
    }

    /// Writes UTF-8 bytes into one buffer reserved once, made into text once: appending to a
    /// `String` piece by piece was most of the encoding's time in a refresh's profile.
    struct Writer {
        var bytes: [UInt8] = []
        var first = true

        init() {
            // Room for the whole text at once (575 bytes on average, 830 at most, on the
            // 50,000-customer store of docs/benchmarks.md).
            bytes.reserveCapacity(1024)
        }

        mutating func byte(_ b: UInt8) { bytes.append(b) }

        mutating func ascii(_ s: StaticString) {
            s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func open() {
            byte(UInt8(ascii: "{"))
            first = true
        }

        mutating func close() {
            byte(UInt8(ascii: "}"))
            first = false
        }

        mutating func key(_ name: StaticString) {
            if !first { byte(UInt8(ascii: ",")) }
            byte(UInt8(ascii: "\""))
            ascii(name)
            ascii("\":")
            first = true
        }

        mutating func integer(_ v: Int64) {
            bytes.append(contentsOf: String(v).utf8)
            first = false
        }

        /// A double as `JSONEncoder` writes it: Swift's shortest form, without a trailing ".0".
        mutating func number(_ v: Double) {
            let s = v.description.utf8
            let whole = s.count >= 2 && s.suffix(2).elementsEqual(".0".utf8)
            bytes.append(contentsOf: whole ? s.dropLast(2) : s[...])
            first = false
        }

        /// A string with `JSONEncoder`'s escapes. Every byte of a character beyond ASCII is
        /// 0x80 or more in UTF-8, so escaping by byte escapes the same characters as by scalar.
        mutating func string(_ s: String) {
            byte(UInt8(ascii: "\""))
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): ascii("\\\"")
                case UInt8(ascii: "\\"): ascii("\\\\")
                case UInt8(ascii: "/"): ascii("\\/")
                case UInt8(ascii: "\n"): ascii("\\n")
                case UInt8(ascii: "\r"): ascii("\\r")
                case UInt8(ascii: "\t"): ascii("\\t")
                case 0x08: ascii("\\b")
                case 0x0C: ascii("\\f")
                case _ where b < 0x20:
                    let hex = String(b, radix: 16)
                    bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                default: byte(b)
                }
            }
            byte(UInt8(ascii: "\""))
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
