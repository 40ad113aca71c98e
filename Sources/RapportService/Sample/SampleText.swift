import Foundation

/// Text for the sample's fields without `String(format:)`, which costs more than everything
/// else when a sample has twenty million events.
enum SampleText {
    /// `n` in decimal, zero-padded to `width` digits (like `%0*d`).
    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func isoDate(_ t: Int64) -> String {
        let (y, m, d) = ByteDate.civil(fromDays: floorDays(t))
        return "\(padded(y, 4))-\(padded(m, 2))-\(padded(d, 2))"
    }

    static func floorDays(_ t: Int64) -> Int64 { t >= 0 ? t / 86_400 : (t - 86_399) / 86_400 }
}

/// Writes ISO-8601 date-times (`2026-03-01T14:05:00Z`) remembering each day's date text, since
/// a sample covers only about 730 days.
struct DateTimeWriter {
    private var days: [Int64: [UInt8]] = [:]

    mutating func write(_ t: Int64, to out: CSVWriter) {
        let day = SampleText.floorDays(t)
        out.plain(date(day))
        let secs = Int(t - day * 86_400)
        out.byte(UInt8(ascii: "T"))
        out.number(secs / 3600, width: 2)
        out.byte(UInt8(ascii: ":"))
        out.number(secs / 60 % 60, width: 2)
        out.byte(UInt8(ascii: ":"))
        out.number(secs % 60, width: 2)
        out.byte(UInt8(ascii: "Z"))
    }

    private mutating func date(_ day: Int64) -> [UInt8] {
        if let d = days[day] { return d }
        let d = Array(SampleText.isoDate(day * 86_400).utf8)
        days[day] = d
        return d
    }
}

/// Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian, UTC).
enum ByteDate {
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int64? {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        return Int64(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
    }

    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = Int(z0) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let f = Foundation.pow(10.0, Double(p))
        return (self * f).rounded() / f
    }
}
