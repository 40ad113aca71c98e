import Foundation

/// Parsers for numbers, booleans and timestamps straight from UTF-8 bytes, so the importer
/// does not allocate a String per numeric field.
enum ByteParsing {
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
        while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
        return UnsafeBufferPointer(rebasing: b[s..<e])
    }

    static func int(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let b = trimmed(raw)
        guard !b.isEmpty else { return nil }
        var i = 0
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B {
            negative = b[0] == 0x2D
            i = 1
        }
        guard i < b.count, b.count - i <= 18 else { return nil }
        var v = 0
        while i < b.count {
            let d = Int(b[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
            i += 1
        }
        return negative ? -v : v
    }

    static func double(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let b = trimmed(raw)
        guard !b.isEmpty, b.count < 64 else { return nil }
        // Fast path: plain decimals such as 12.34 or -5.
        var i = 0
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B {
            negative = b[0] == 0x2D
            i = 1
        }
        var mantissa: Int64 = 0
        var digits = 0
        var scale = 0
        var seenDot = false
        var simple = i < b.count
        while i < b.count {
            let c = b[i]
            if c == 0x2E, !seenDot {
                seenDot = true
                i += 1
                continue
            }
            let d = Int64(c) - 48
            if d < 0 || d > 9 {
                simple = false
                break
            }
            if digits >= 15 {
                simple = false
                break
            }
            mantissa = mantissa * 10 + d
            digits += 1
            if seenDot { scale += 1 }
            i += 1
        }
        if simple && digits > 0 {
            let v = Double(mantissa) / pow10[scale]
            return negative ? -v : v
        }
        // Slow path: exponents and long mantissas.
        let s = String(decoding: b, as: UTF8.self)
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(s)
    }

    private static let pow10: [Double] = (0...16).map { pow(10.0, Double($0)) }

    static func bool(_ raw: UnsafeBufferPointer<UInt8>) -> Bool? {
        let s = String(decoding: trimmed(raw), as: UTF8.self).lowercased()
        switch s {
        case "1", "true", "t", "yes", "y": return true
        case "0", "false", "f", "no", "n": return false
        default: return nil
        }
    }

    /// Unix seconds from Unix seconds, `YYYY-MM-DD`, or an ISO-8601 date-time
    /// (`T` or space separator, optional fraction, `Z` or `±HH:MM` or `±HHMM`; UTC when absent).
    static func timestamp(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        let b = trimmed(raw)
        guard !b.isEmpty else { return nil }
        if b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            || (b[0] == 0x2D && b.count > 1 && b.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }))
        {
            // All digits: Unix seconds, unless it is exactly a compact date like 19970101.
            if b.count == 8, let d = digits(b, 0, 4), let m = digits(b, 4, 2), let dd = digits(b, 6, 2),
                (1...12).contains(m), (1...31).contains(dd), d >= 1900
            {
                return civil(d, m, dd).map { $0 * 86_400 }
            }
            return int(b).map(Int64.init)
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
            let y = digits(b, 0, 4), let mo = digits(b, 5, 2), let d = digits(b, 8, 2),
            let days = civil(y, mo, d)
        else { return nil }
        var secs = days * 86_400
        if b.count == 10 { return secs }
        guard b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20, b.count >= 16,
            let h = digits(b, 11, 2), b[13] == 0x3A, let mi = digits(b, 14, 2),
            h < 24, mi < 60
        else { return nil }
        secs += Int64(h * 3600 + mi * 60)
        var i = 16
        if i < b.count, b[i] == 0x3A {
            guard let s = digits(b, 17, 2), s <= 60 else { return nil }
            secs += Int64(s)
            i = 19
            if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                if i == start { return nil }
            }
        }
        if i == b.count { return secs }
        if b[i] == 0x5A || b[i] == 0x7A { return i + 1 == b.count ? secs : nil }
        guard b[i] == 0x2B || b[i] == 0x2D else { return nil }
        let sign: Int64 = b[i] == 0x2B ? 1 : -1
        guard let oh = digits(b, i + 1, 2), oh <= 23 else { return nil }
        var om = 0
        if i + 3 == b.count {
        } else if i + 6 == b.count, b[i + 3] == 0x3A, let m = digits(b, i + 4, 2) {
            om = m
        } else if i + 5 == b.count, let m = digits(b, i + 3, 2) {
            om = m
        } else {
            return nil
        }
        return secs - sign * Int64(oh * 3600 + om * 60)
    }

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var v = 0
        for k in at..<(at + count) {
            let d = Int(b[k]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date, or nil if the date does not exist.
    static func civil(_ y: Int, _ m: Int, _ d: Int) -> Int64? {
        guard (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[m - 1] else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468)
    }
}

/// Date parsing shared by the importer and command options.
public enum DateParsing {
    /// Unix seconds from `YYYY-MM-DD`, an ISO-8601 date-time (UTC when no zone) or Unix seconds.
    public static func timestamp(_ text: String) -> Int64? {
        var s = text
        return s.withUTF8 { ByteParsing.timestamp($0) }
    }

    /// `YYYY-MM-DD` of a Unix time (UTC).
    public static func isoDate(_ t: Int64) -> String {
        let f = Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601.year().month().day())
        return f
    }

    /// ISO-8601 date-time of a Unix time, in UTC.
    public static func isoDateTime(_ t: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601)
    }
}
