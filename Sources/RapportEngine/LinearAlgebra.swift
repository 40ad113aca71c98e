import Foundation

/// Dense symmetric positive-definite inversion through Cholesky: A = L·Lᵀ, A⁻¹ = L⁻ᵀ·L⁻¹.
/// Row-major n×n storage. About n³/2 multiply-adds; 1,682 items take about a second in a
/// release build.
enum SPD {
    static func invert(_ a: inout [Double], n: Int) -> Bool {
        a.withUnsafeMutableBufferPointer { m -> Bool in
            // Cholesky in place (lower triangle).
            for j in 0..<n {
                var d = m[j * n + j]
                for k in 0..<j { d -= m[j * n + k] * m[j * n + k] }
                guard d > 0 else { return false }
                let ljj = d.squareRoot()
                m[j * n + j] = ljj
                for i in (j + 1)..<max(j + 1, n) {
                    var s = m[i * n + j]
                    let ri = i * n, rj = j * n
                    for k in 0..<j { s -= m[ri + k] * m[rj + k] }
                    m[i * n + j] = s / ljj
                }
            }
            // Invert L in place (lower triangle).
            for j in 0..<n {
                m[j * n + j] = 1 / m[j * n + j]
                for i in (j + 1)..<max(j + 1, n) {
                    var s = 0.0
                    for k in j..<i { s -= m[i * n + k] * m[k * n + j] }
                    m[i * n + j] = s / m[i * n + i]
                }
            }
            // A⁻¹ = L⁻ᵀ L⁻¹: (i, j) = Σ_{k ≥ max(i,j)} L⁻¹[k,i] L⁻¹[k,j]; fill both triangles.
            var out = [Double](repeating: 0, count: n * n)
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<n {
                    let rk = k * n
                    for i in 0...k {
                        let lki = m[rk + i]
                        if lki == 0 { continue }
                        let ri = i * n
                        for j in 0...i { o[ri + j] += lki * m[rk + j] }
                    }
                }
                for i in 0..<n { for j in 0..<i { o[j * n + i] = o[i * n + j] } }
            }
            for i in 0..<(n * n) { m[i] = out[i] }
            return true
        }
    }
}
