import Foundation

/// An account's figures as the JSON the store keeps (`account_figures.detail`), written by hand:
/// `JSONEncoder` was a fifth of the account figures' CPU in a refresh. The text is the one
/// `JSONEncoder` with sorted keys writes (a test compares the two), so stored rows of either
/// kind read back alike.
public enum AccountFiguresJSON {
    public static func encode(_ f: AccountFigures) -> String {
        var w = Writer()
        return encode(f, &w)
    }

    /// Writes many accounts' figures with one buffer (a full refresh writes every account's).
    public struct Encoder {
        private var writer = Writer()
        public init() {}

        public mutating func encode(_ f: AccountFigures) -> String {
            writer.bytes.removeAll(keepingCapacity: true)
            return AccountFiguresJSON.encode(f, &writer)
        }
    }

    static func encode(_ f: AccountFigures, _ w: inout Writer) -> String {
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

        /// An integer's decimal digits, written in place (no text made for each).
        mutating func integer(_ v: Int64) {
            if v < 0 { byte(UInt8(ascii: "-")) }
            // The magnitude as unsigned: Int64.min has none as an Int64.
            var m = v.magnitude
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes for 20 digits at most, from the right
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                repeat {
                    count += 1
                    buffer[buffer.count - count] = UInt8(ascii: "0") + UInt8(m % 10)
                    m /= 10
                } while m > 0
                bytes.append(contentsOf: buffer[(buffer.count - count)...])
            }
            first = false
        }

        /// A double as `JSONEncoder` writes it: Swift's shortest form, without a trailing ".0".
        mutating func number(_ v: Double) {
            // Most figures are amounts rounded to cents: the double nearest to k/100. Below 1e12
            // its spacing is far under a cent, so no shorter decimal is that double and the
            // shortest form is k/100's own digits (what `description` finds, by a longer way).
            // Negative zero is left to `description` ("-0").
            if v.magnitude < 1e12 && (v != 0 || v.sign == .plus) {
                let k = (v * 100).rounded()
                if k / 100 == v {
                    cents(Int64(k))
                    return
                }
            }
            var s = v.description
            s.withUTF8 { u in
                let whole = u.count >= 2 && u[u.count - 2] == UInt8(ascii: ".") && u[u.count - 1] == UInt8(ascii: "0")
                bytes.append(contentsOf: whole ? UnsafeBufferPointer(rebasing: u.dropLast(2)) : u)
            }
            first = false
        }

        /// k/100 in decimal, without trailing zeros after the point (nor the point when none remain).
        mutating func cents(_ k: Int64) {
            if k < 0 { byte(UInt8(ascii: "-")) }
            let whole = k.magnitude / 100
            let fraction = k.magnitude % 100
            integer(Int64(whole))
            guard fraction != 0 else { return }
            byte(UInt8(ascii: "."))
            byte(UInt8(ascii: "0") + UInt8(fraction / 10))
            if fraction % 10 != 0 { byte(UInt8(ascii: "0") + UInt8(fraction % 10)) }
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
