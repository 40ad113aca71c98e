import Foundation

/// One customer's purchase summary in the BG/NBD sense (Fader, Hardie & Lee 2005):
/// `x` repeat purchases, the time `tx` of the last one and the customer's age `T`, both
/// measured from the first purchase, in model time units.
public struct RFMSummary: Sendable, Equatable, Codable {
    public var x: Int
    public var tx: Double
    public var T: Double
    public init(x: Int, tx: Double, T: Double) {
        self.x = x
        self.tx = tx
        self.T = T
    }

    /// From purchase times (Unix seconds): purchases on the same UTC day are merged, time runs
    /// in whole days from the first purchase day to `end`'s day, divided by `unitDays`.
    /// Purchases on the end day belong to the period. Nil if there is no purchase by `end`.
    public static func from(purchaseTimes: [Int64], end: Int64, unitDays: Double) -> RFMSummary? {
        let endDay = Day.of(end)
        var days = Set<Int64>()
        for t in purchaseTimes {
            let d = Day.of(t)
            if d <= endDay { days.insert(d) }
        }
        guard let first = days.min(), let last = days.max() else { return nil }
        return RFMSummary(x: days.count - 1, tx: Double(last - first) / unitDays, T: Double(endDay - first) / unitDays)
    }
}

/// Whole UTC days since 1970-01-01.
public enum Day {
    public static func of(_ t: Int64) -> Int64 { t >= 0 ? t / 86_400 : (t - 86_399) / 86_400 }
}

/// The BG/NBD model: purchases follow a Poisson process with rate λ ~ Gamma(r, α) while the
/// customer is alive; after each purchase they drop out with probability p ~ Beta(a, b).
///
/// The modified variant (MBG/NBD, Batislam, Denizel & Filiztekin 2007; `lifetimes`'
/// `ModifiedBetaGeoFitter`) lets the dropout happen at time 0 too, right after the first
/// purchase, so a customer without a repeat purchase can be "dead": their P(alive) falls with
/// the time since that purchase instead of staying 1.
public struct BGNBD: Sendable, Equatable, Codable {
    public enum Variant: String, Sendable, Codable, CaseIterable {
        /// Fader, Hardie & Lee 2005.
        case classic = "bgnbd"
        /// Batislam, Denizel & Filiztekin 2007: a dropout also at time 0.
        case modified = "mbgnbd"
    }

    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double
    /// Days per model time unit (7 when fitted in weeks).
    public var unitDays: Double
    /// Nil in models stored before the variant existed: the classic model.
    public var variant: Variant?
    /// Covariance of (ln r, ln α, ln a, ln b) at the maximum (the inverse Hessian of the negative
    /// log-likelihood: a Laplace approximation of the posterior under a flat prior on the log
    /// parameters), row-major 4×4; nil when the Hessian was not positive definite.
    public var covariance: [Double]?

    public init(
        r: Double, alpha: Double, a: Double, b: Double, unitDays: Double, variant: Variant = .classic,
        covariance: [Double]? = nil
    ) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.unitDays = unitDays
        self.variant = variant
        self.covariance = covariance
    }

    public var isModified: Bool { variant == .modified }

    /// Sum of the individual log-likelihoods (equation 6 of the paper; for the modified model,
    /// Batislam et al.'s, as `lifetimes` computes it).
    public static func logLikelihood(
        r: Double, alpha: Double, a: Double, b: Double,
        _ data: SummaryGroups, variant: Variant = .classic
    ) -> Double {
        // The Gamma-function ratios telescope for integer x: Γ(r+x)/Γ(r) = Π (r+k), so one
        // running sum per distinct x serves every customer with that x. The modified model's
        // Beta ratio runs one step further: Γ(b+x+1)/Γ(b) and Γ(a+b)/Γ(a+b+x+1).
        let maxX = data.maxX + 1
        var lr = [Double](repeating: 0, count: maxX + 1) // ln Γ(r+x) − ln Γ(r)
        var lb = [Double](repeating: 0, count: maxX + 1) // ln Γ(b+x) − ln Γ(b)
        var lab = [Double](repeating: 0, count: maxX + 1) // ln Γ(a+b) − ln Γ(a+b+x)
        for k in 1...maxX {
            lr[k] = lr[k - 1] + log(r + Double(k - 1))
            lb[k] = lb[k - 1] + log(b + Double(k - 1))
            lab[k] = lab[k - 1] - log(a + b + Double(k - 1))
        }
        let rlogAlpha = r * log(alpha)
        let loga = log(a)
        let modified = variant == .modified
        var total = 0.0
        for g in data.groups {
            let x = g.x
            let rx = r + Double(x)
            let a3 = -rx * log(alpha + g.T)
            var ll: Double
            if modified {
                ll = lr[x] + rlogAlpha + lb[x + 1] + lab[x + 1]
                let a4 = loga - log(b + Double(x)) - rx * log(alpha + g.tx)
                let m = max(a3, a4)
                ll += m + log(exp(a3 - m) + exp(a4 - m))
            } else {
                ll = lr[x] + rlogAlpha + lb[x] + lab[x]
                if x > 0 {
                    let a4 = loga - log(b + Double(x) - 1) - rx * log(alpha + g.tx)
                    let m = max(a3, a4)
                    ll += m + log(exp(a3 - m) + exp(a4 - m))
                } else {
                    ll += a3
                }
            }
            total += ll * Double(g.count)
        }
        return total
    }

    /// Maximum-likelihood fit (Nelder–Mead on log parameters, restarted until it settles), with
    /// the parameters' covariance from the Hessian at the maximum.
    public static func fit(_ summaries: [RFMSummary], unitDays: Double, variant: Variant = .classic) -> (
        model: BGNBD, logLikelihood: Double
    ) {
        let data = SummaryGroups(summaries)
        let f: ([Double]) -> Double = { p in
            let v = -logLikelihood(r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]), data, variant: variant)
            return v.isFinite ? v : .greatestFiniteMagnitude
        }
        var best = NelderMead.minimize(f, start: [0, 0, 0, 0], step: 0.5)
        for _ in 0..<4 {
            let next = NelderMead.minimize(f, start: best.point, step: 0.1)
            let improved = best.value - next.value > 1e-9
            best = next
            if !improved { break }
        }
        let p = best.point.map(exp)
        let model = BGNBD(
            r: p[0], alpha: p[1], a: p[2], b: p[3], unitDays: unitDays, variant: variant,
            covariance: Laplace.covariance(f, at: best.point))
        return (model, -best.value)
    }

    /// Probability the customer is still alive (equation 11; for the modified model, also
    /// after no repeat purchase).
    public func pAlive(_ s: RFMSummary) -> Double {
        let x = Double(s.x)
        if isModified {
            return 1 / (1 + a / (b + x) * pow((alpha + s.T) / (alpha + s.tx), r + x))
        }
        guard s.x > 0 else { return 1 }
        let ratio = a / (b + x - 1) * pow((alpha + s.T) / (alpha + s.tx), r + x)
        return 1 / (1 + ratio)
    }

    /// Expected purchases in the next `t` time units given the history (equation 10).
    public func expectedPurchases(_ s: RFMSummary, t: Double) -> Double {
        let h = series(s, t: t)
        return expectedPurchases(s, t: t, hyp: Hypergeometric.f21(h.a, h.b, h.c, h.z))
    }

    /// `expectedPurchases(s, t:)` under each of `models`, the same figures to the bit: their
    /// hypergeometric series are summed side by side (`Hypergeometric.f21(_:)`), which is what
    /// a long history's 400 intervals draws cost.
    static func expectedPurchases(_ s: RFMSummary, t: Double, under models: [BGNBD]) -> [Double] {
        let hyps = Hypergeometric.f21(models.map { $0.series(s, t: t) })
        return zip(models, hyps).map { $0.expectedPurchases(s, t: t, hyp: $1) }
    }

    /// The arguments of equation 10's ₂F₁.
    private func series(_ s: RFMSummary, t: Double) -> (a: Double, b: Double, c: Double, z: Double) {
        let x = Double(s.x)
        return isModified
            ? (r + x, b + x + 1, a + b + x, t / (alpha + s.T + t))
            : (r + x, b + x, a + b + x - 1, t / (alpha + s.T + t))
    }

    /// Equation 10 given its ₂F₁ (`hyp`).
    private func expectedPurchases(_ s: RFMSummary, t: Double, hyp: Double) -> Double {
        let x = Double(s.x)
        if isModified {
            let num = (a + b + x) / (a - 1) * (1 - pow((alpha + s.T) / (alpha + s.T + t), r + x) * hyp)
            return num / (1 + a / (b + x) * pow((alpha + s.T) / (alpha + s.tx), r + x))
        }
        let num = (a + b + x - 1) / (a - 1) * (1 - pow((alpha + s.T) / (alpha + s.T + t), r + x) * hyp)
        let den = s.x > 0 ? 1 + a / (b + x - 1) * pow((alpha + s.T) / (alpha + s.tx), r + x) : 1
        return num / den
    }

    /// Expected purchases of a new customer in a period of length t (equation 7).
    public func expectedPurchasesNewCustomer(t: Double) -> Double {
        if isModified {
            let hyp = Hypergeometric.f21(r, b + 1, a + b, t / (alpha + t))
            return b / (a - 1) * (1 - pow(alpha / (alpha + t), r) * hyp)
        }
        let hyp = Hypergeometric.f21(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * hyp)
    }

    /// The model with parameters exp(`logParameters`), same variant and unit.
    func with(logParameters v: [Double]) -> BGNBD {
        BGNBD(
            r: exp(v[0]), alpha: exp(v[1]), a: exp(v[2]), b: exp(v[3]), unitDays: unitDays, variant: variant ?? .classic
        )
    }

    var logParameters: [Double] { [log(r), log(alpha), log(a), log(b)] }
}

/// Customers grouped by identical (x, tx, T): the likelihood is evaluated once per group.
public struct SummaryGroups: Sendable {
    struct Group: Sendable {
        var x: Int
        var tx: Double
        var T: Double
        var count: Int
    }
    var groups: [Group] = []
    var maxX = 0

    public init(_ s: [RFMSummary]) {
        var index: [String: Int] = [:]
        for v in s {
            let key = "\(v.x)|\(v.tx)|\(v.T)"
            if let i = index[key] {
                groups[i].count += 1
            } else {
                index[key] = groups.count
                groups.append(Group(x: v.x, tx: v.tx, T: v.T, count: 1))
            }
            maxX = max(maxX, v.x)
        }
    }
}

/// Gauss's hypergeometric function 2F1(a, b; c; z) by its power series, |z| < 1.
enum Hypergeometric {
    static func f21(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0, sum = 1.0
        var n = 0.0
        while n < 10_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            if abs(term) < 1e-14 * abs(sum) { break }
            n += 1
        }
        return sum
    }

    /// `f21` of many argument sets, each summed with exactly `f21`'s operations in its order (the
    /// same bits), the series stepped side by side: one series' division need not wait for its
    /// previous term, so the processor overlaps them (a 10,000-event customer's series run to
    /// about a thousand terms each).
    static func f21(_ args: [(a: Double, b: Double, c: Double, z: Double)]) -> [Double] {
        var term = [Double](repeating: 1, count: args.count)
        var sum = [Double](repeating: 1, count: args.count)
        // The series still summing, compacted in place as they finish.
        var active = Array(args.indices)
        var live = args.count
        var n = 0.0
        while n < 10_000 && live > 0 {
            var kept = 0
            for j in 0..<live {
                let i = active[j]
                let (a, b, c, z) = args[i]
                term[i] *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
                sum[i] += term[i]
                if abs(term[i]) < 1e-14 * abs(sum[i]) { continue }
                active[kept] = i
                kept += 1
            }
            live = kept
            n += 1
        }
        return sum
    }
}

/// Derivative-free minimisation (Nelder & Mead 1965) with the standard coefficients.
enum NelderMead {
    static func minimize(
        _ f: ([Double]) -> Double, start: [Double], step: Double,
        tolerance: Double = 1e-12, maxEvaluations: Int = 20_000
    ) -> (point: [Double], value: Double) {
        let n = start.count
        var simplex = [start]
        for i in 0..<n {
            var p = start
            p[i] += step
            simplex.append(p)
        }
        var values = simplex.map(f)
        var evaluations = n + 1
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + 1e-30) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex[0..<n] { for j in 0..<n { centroid[j] += p[j] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-1)
            let fr = f(reflected)
            evaluations += 1
            if fr < values[0] {
                let expanded = along(-2)
                let fe = f(expanded)
                evaluations += 1
                if fe < fr {
                    simplex[n] = expanded
                    values[n] = fe
                } else {
                    simplex[n] = reflected
                    values[n] = fr
                }
            } else if fr < values[n - 1] {
                simplex[n] = reflected
                values[n] = fr
            } else {
                let outside = fr < values[n]
                let contracted = along(outside ? -0.5 : 0.5)
                let fc = f(contracted)
                evaluations += 1
                if fc < (outside ? fr : values[n]) {
                    simplex[n] = contracted
                    values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                        evaluations += 1
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (simplex[best], values[best])
    }
}
