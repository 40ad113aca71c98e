import Foundation

/// A file written aside and moved into place only when complete: a temporary file (mode 0600)
/// in the destination's own folder, so the final `rename(2)` is atomic and a failure at any
/// point leaves nothing at the destination and no temporary file behind.
public final class PendingFile {
    public let path: String
    let temporary: String
    private var fd: Int32

    /// Creates the temporary file beside `path`; throws `FileFailure` in words if the folder
    /// cannot take it (no such folder, no permission, disk full).
    public init(beside path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).rapport-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileFailure(path: path, errno: errno) }
        self.fd = fd
        temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes all of `data`, or throws `FileFailure` (a full disk says so).
    public func write(_ data: Data) throws {
        try FileFailure.writeAll(fd, data, path: path)
    }

    /// Flushes the file to disk and moves it to `path`. Without `replace`, an existing file at
    /// `path` is left as it is and the export fails.
    public func commit(replace: Bool) throws {
        guard fsync(fd) == 0 else { throw FileFailure(path: path, errno: errno) }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else { throw FileFailure(path: path, errno: errno) }
        if replace {
            guard rename(temporary, path) == 0 else { throw FileFailure(path: path, errno: errno) }
        } else {
            // link(2) refuses an existing name, so a file created meanwhile is never overwritten.
            guard link(temporary, path) == 0 else { throw FileFailure(path: path, errno: errno) }
            unlink(temporary)
        }
    }

    /// Removes the temporary file (after a failure); the destination is untouched.
    public func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporary)
    }

    deinit { if fd >= 0 { discard() } }
}

/// A file that could not be written, in words: a full disk is "the disk is full", not a
/// Foundation error domain and code.
public struct FileFailure: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var code: Int32

    public init(path: String, errno code: Int32) {
        self.path = path
        self.code = code
    }

    public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT || code == EFBIG }

    public var description: String {
        let why: String
        switch code {
        case ENOSPC, EDQUOT: why = "the disk is full (no space left on the device)"
        case EFBIG: why = "the file would be larger than this system allows (disk full or file size limit)"
        case EACCES, EPERM: why = "permission denied"
        case EROFS: why = "the file system is read-only"
        case ENOENT, ENOTDIR: why = "no such folder"
        case EEXIST: why = "the file exists already"
        case EIO: why = "an input/output error of the disk"
        case EPIPE: why = "the reader of the output went away"
        default: why = String(cString: strerror(code))
        }
        return "cannot write \(path): \(why)"
    }

    /// `write(2)` until every byte is written; a signal interrupting it is retried.
    public static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileFailure(path: path, errno: errno)
                }
                if n == 0 { throw FileFailure(path: path, errno: ENOSPC) }
                p += n
                left -= n
            }
        }
    }
}
