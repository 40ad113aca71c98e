import Foundation

/// A number with one decimal, as `String(format: "%.1f", x)` writes it: the C library's own
/// `%.1f` (the same rounding, "inf", "nan" and "-0.0"), called directly.
enum OneDecimal {
    static func text(_ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.1f", $0) }
            guard n >= 0, Int(n) < buffer.count else { return String(format: "%.1f", x) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }
}
