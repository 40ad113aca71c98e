import Foundation

/// Buffered CSV output with RFC 4180 quoting. Rows are built in a byte buffer that goes to
/// the file a megabyte at a time, so memory stays flat however big the sample.
final class CSVWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String, header: [String]) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let h = FileHandle(forWritingAtPath: path)
        else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = h
        buffer.reserveCapacity(1 << 21)
        row(header)
    }

    func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { comma() }
            field(f)
        }
        endRow()
    }

    /// One text field, quoted when it holds a comma, quote or line break.
    func field(_ f: String) {
        let utf8 = f.utf8
        guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(0x22)
        for b in utf8 {
            if b == 0x22 { buffer.append(0x22) }
            buffer.append(b)
        }
        buffer.append(0x22)
    }

    /// Bytes known to need no quoting (ids, numbers, codes).
    func plain(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    func byte(_ b: UInt8) { buffer.append(b) }

    func comma() { buffer.append(0x2C) }

    /// A non-negative number in decimal, zero-padded to at least `width` digits.
    func number(_ n: Int, width: Int = 1) {
        var unit = 1
        var digits = 1
        while unit <= n / 10 || digits < width {
            unit *= 10
            digits += 1
        }
        while unit > 0 {
            buffer.append(UInt8(0x30 + n / unit % 10))
            unit /= 10
        }
    }

    func endRow() {
        buffer.append(0x0A)
        if buffer.count > (1 << 20) { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { handle.write(Data($0)) }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        try handle.close()
    }
}
