//! Summary statistics of per-path results: mean and its standard error,
//! percentiles (linear interpolation between order statistics, the default of
//! NumPy and R type 7), and the conditional value at risk.

/// Mean, by a sequential sum in path order (deterministic).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Standard error of the mean: sample standard deviation (n − 1) / sqrt(n).
pub fn std_error(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 {
        return f64::NAN;
    }
    let m = mean(x);
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (ss / (n - 1) as f64).sqrt() / (n as f64).sqrt()
}

/// Relative size below which a difference between two billings of the same
/// path is rounding, not money: sums of the same spend in a different order
/// differ in the last bits, and such a path does not "lose" to the baseline.
pub const ROUNDING: f64 = 1e-9;

/// Share of paths on which the offer costs more than the baseline: savings
/// below `-ROUNDING` times the baseline's cost on that path.
pub fn prob_loss(savings: &[f64], base: &[f64]) -> f64 {
    if savings.is_empty() {
        return f64::NAN;
    }
    let n = savings.iter().zip(base).filter(|(s, b)| **s < -ROUNDING * b.abs()).count();
    n as f64 / savings.len() as f64
}

/// Share of values for which `pred` holds.
pub fn share(x: &[f64], pred: impl Fn(f64) -> bool) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().filter(|&&v| pred(v)).count() as f64 / x.len() as f64
}

/// Percentiles `qs` (0–100) of `x`, by linear interpolation (type 7).
/// Works on a copy with selection, not a full sort: when the levels ascend,
/// each selection searches only the part above the previous one.
pub fn percentiles(x: &[f64], qs: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    let n = v.len();
    let mut done = 0; // v[..done] holds the smallest `done` values, v[done..] the rest
    let mut out = Vec::with_capacity(qs.len());
    for &q in qs {
        if n == 0 {
            out.push(f64::NAN);
            continue;
        }
        let pos = q / 100.0 * (n - 1) as f64;
        let lo = pos.floor() as usize;
        if lo < done {
            done = 0; // levels out of order: search everything again
        }
        let (_, &mut a, right) = v[done..].select_nth_unstable_by(lo - done, f64::total_cmp);
        let frac = pos - lo as f64;
        let b = if frac > 0.0 && !right.is_empty() { right.iter().copied().fold(f64::INFINITY, f64::min) } else { a };
        out.push(a + frac * (b - a));
        done = lo + 1;
    }
    out
}

/// One percentile of `v`, reordering `v`.
pub fn percentile_in_place(v: &mut [f64], q: f64) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q / 100.0 * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut a, right) = v.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 || right.is_empty() {
        return a;
    }
    let b = right.iter().copied().fold(f64::INFINITY, f64::min);
    a + frac * (b - a)
}

/// Summary of a cost-like quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean of the values at or above the 95th percentile.
    pub cvar95: f64,
}

/// Mean, standard error, p5/p50/p95 and cvar95 of `x`.
pub fn summarize(x: &[f64]) -> Summary {
    let q = percentiles(x, &[5.0, 50.0, 95.0]);
    let (p5, p50, p95) = (q[0], q[1], q[2]);
    // Mean of the tail, summed in path order for determinism.
    let (mut s, mut k) = (0.0, 0usize);
    for &c in x {
        if c >= p95 {
            s += c;
            k += 1;
        }
    }
    Summary {
        mean: mean(x),
        std_error: std_error(x),
        p5,
        p50,
        p95,
        cvar95: if k > 0 { s / k as f64 } else { f64::NAN },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_type_7() {
        // numpy.percentile([1..10], [5, 50, 95]) = [1.45, 5.5, 9.55]
        let x: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let p = percentiles(&x, &[5.0, 50.0, 95.0, 0.0, 100.0]);
        let want = [1.45, 5.5, 9.55, 1.0, 10.0];
        for (a, b) in p.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn summary_moments_and_tail() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        let s = summarize(&x);
        assert!((s.mean - 49.5).abs() < 1e-12);
        // sd of 0..99 with n-1 is sqrt(841.6666...) ; se = sd / 10
        assert!((s.std_error - (841.666_666_666_666_7f64).sqrt() / 10.0).abs() < 1e-12);
        assert!((s.p95 - 94.05).abs() < 1e-12);
        // values >= 94.05: 95..99, mean 97
        assert!((s.cvar95 - 97.0).abs() < 1e-12);
        assert!(s.p5 <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.cvar95);
    }
}
