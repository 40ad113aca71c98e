import Foundation

/// A number with one decimal, as `String(format: "%.1f", x)` writes it: the same rounding of the
/// exact binary value (ties to even), "inf", "nan" and "-0.0". A profile writes two per damped
/// spike, hundreds for a long history, so the usual magnitudes are rounded here by exact
/// arithmetic; the rest goes to the C library's own `%.1f`.
enum OneDecimal {
    static func text(_ x: Double) -> String {
        let magnitude = x.magnitude
        // Below 2^48, ten times it is under 2^52: every half-integer there is a Double.
        guard x.isFinite, magnitude < 0x1p48 else { return printed(x) }
        let y = magnitude * 10
        // The product's rounding error, exactly (10 × magnitude = y + error).
        let error = (-y).addingProduct(magnitude, 10)
        var tenths = y.rounded(.toNearestOrEven)
        // Only a tie in `y` can round otherwise than the exact value: the error says which side
        // of the tie that value is on (none: a true tie, to even, as printf does).
        if (y - y.rounded(.towardZero)) == 0.5 && error != 0 {
            tenths = error > 0 ? y.rounded(.up) : y.rounded(.down)
        }
        let n = Int(tenths)
        return (x.sign == .minus ? "-" : "") + String(n / 10) + "." + String(n % 10)
    }

    private static func printed(_ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.1f", $0) }
            guard n >= 0, Int(n) < buffer.count else { return String(format: "%.1f", x) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }
}
