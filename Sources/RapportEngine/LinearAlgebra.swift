import Foundation

/// Dense symmetric positive-definite inversion through Cholesky: A = L·Lᵀ, W = L⁻¹,
/// A⁻¹ = Wᵀ·W. Row-major n×n storage. Each of the three steps is about n³/6 multiply-adds
/// over contiguous rows (dot products and row updates the compiler vectorises); the last
/// step, the largest in memory traffic, runs on every core.
enum SPD {
    /// Replaces `a` by its inverse; false (and `a` undefined) if `a` is not positive definite.
    static func invert(_ a: inout [Double], n: Int) -> Bool {
        guard n > 0 else { return true }
        var w = [Double](repeating: 0, count: n * n)
        let ok = a.withUnsafeMutableBufferPointer { m in
            w.withUnsafeMutableBufferPointer { w in
                guard cholesky(m.baseAddress!, n: n) else { return false }
                invertLower(m.baseAddress!, into: w.baseAddress!, n: n)
                transposeLower(w.baseAddress!, into: m.baseAddress!, n: n)
                gramOfUpper(m.baseAddress!, into: w.baseAddress!, n: n)
                return true
            }
        }
        if ok { a = w }
        return ok
    }

    /// In place, lower triangle: L[i][j] = (A[i][j] − L[i][..<j]·L[j][..<j]) / L[j][j].
    static func cholesky(_ m: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        for i in 0..<n {
            let ri = m + i * n
            for j in 0..<i {
                let rj = m + j * n
                ri[j] = (ri[j] - dot(ri, rj, j)) / rj[j]
            }
            let d = ri[i] - dot(ri, ri, i)
            guard d > 0 else { return false }
            ri[i] = d.squareRoot()
        }
        return true
    }

    /// W = L⁻¹ by rows: W[i] = (eᵢ − Σ_{k<i} L[i][k]·W[k]) / L[i][i]; only the lower triangle of W.
    static func invertLower(_ l: UnsafePointer<Double>, into w: UnsafeMutablePointer<Double>, n: Int) {
        for i in 0..<n {
            let wi = w + i * n
            let li = l + i * n
            for k in 0..<i where li[k] != 0 {
                axpy(-li[k], w + k * n, wi, k + 1)
            }
            wi[i] = 1
            let inv = 1 / li[i]
            for j in 0...i { wi[j] *= inv }
        }
    }

    /// U = Wᵀ (upper triangle), so the product below reads contiguous rows.
    static func transposeLower(_ w: UnsafePointer<Double>, into u: UnsafeMutablePointer<Double>, n: Int) {
        for i in 0..<n {
            for j in 0..<n { u[i * n + j] = j >= i ? w[j * n + i] : 0 }
        }
    }

    /// A⁻¹ = Wᵀ·W = U·Uᵀ: entry (i, j), j ≤ i, is U[i][i...]·U[j][i...]. Rows are shared out
    /// in interleaved strides so both cores get the same mix of long and short rows.
    static func gramOfUpper(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, n: Int) {
        let u = Shared(UnsafeMutableBufferPointer(mutating: UnsafeBufferPointer(start: u, count: n * n)))
        let out = Shared(UnsafeMutableBufferPointer(start: out, count: n * n))
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, n / 64))
        DispatchQueue.concurrentPerform(iterations: workers) { t in
            for i in Swift.stride(from: t, to: n, by: workers) {
                let ui = u.buffer.baseAddress! + i * n + i
                for j in 0...i {
                    let v = dot(ui, u.buffer.baseAddress! + j * n + i, n - i)
                    out[i * n + j] = v
                    out[j * n + i] = v
                }
            }
        }
    }

    /// Σ a[k]·b[k] for k < count, with four independent sums so the loop vectorises.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>(), s2 = SIMD2<Double>(), s3 = SIMD2<Double>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var k = 0
        while k + 8 <= count {
            let o = k * 8
            s0 +=
                ra.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
            s1 +=
                ra.loadUnaligned(fromByteOffset: o + 16, as: SIMD2<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o + 16, as: SIMD2<Double>.self)
            s2 +=
                ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD2<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD2<Double>.self)
            s3 +=
                ra.loadUnaligned(fromByteOffset: o + 48, as: SIMD2<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o + 48, as: SIMD2<Double>.self)
            k += 8
        }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while k < count {
            s += a[k] * b[k]
            k += 1
        }
        return s
    }

    /// y[..<count] += alpha · x[..<count].
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
        for k in 0..<count { y[k] += alpha * x[k] }
    }
}

/// A buffer lent to `concurrentPerform` workers that read it, or write disjoint parts of it;
/// valid only inside the `withUnsafe…` call that lent it.
struct Shared<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }

    subscript(i: Int) -> T {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}
