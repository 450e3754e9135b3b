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

/// The estimation units of a sampling design: each path, or each pair of
/// consecutive paths averaged (antithetic pairs; with an odd number of paths
/// the last is a unit of its own). `x` holds `width` values per path.
pub fn units(x: &[f64], width: usize, pairs: bool) -> Vec<f64> {
    if !pairs || width == 0 {
        return x.to_vec();
    }
    let n = x.len() / width;
    let mut out = Vec::with_capacity(n.div_ceil(2) * width);
    for p in (0..n).step_by(2) {
        if p + 1 < n {
            let (a, b) = (&x[p * width..(p + 1) * width], &x[(p + 1) * width..(p + 2) * width]);
            out.extend(a.iter().zip(b).map(|(u, v)| 0.5 * (u + v)));
        } else {
            out.extend_from_slice(&x[p * width..(p + 1) * width]);
        }
    }
    out
}

/// The standard error of the mean of per-path values `x`: of the pair means
/// when paths come in antithetic pairs (see [`units`]), else [`std_error`].
pub fn design_std_error(x: &[f64], pairs: bool) -> f64 {
    if pairs {
        std_error(&units(x, 1, true))
    } else {
        std_error(x)
    }
}

/// The control-variate estimate of a mean and its standard error, from `m`
/// independent units: outcomes `y` and, per unit, a row of `width` values
/// in `x` (`unit * width + c`) of which the columns `cols` are the `k`
/// controls, each already centred on its known expectation. The
/// least-squares coefficients `b` of `y` on the controls give the estimate
/// `mean(y) - b . mean(x)`; its standard error is that of the regression
/// residuals, `sqrt(sum r^2 / (m - 1 - k') / m)`, with `k'` the controls
/// used. A control that is constant or a linear combination of earlier
/// ones (its remaining variance below 1e-10 of its own) is left out.
pub fn controlled_mean(y: &[f64], x: &[f64], width: usize, cols: &[usize]) -> (f64, f64) {
    let (m, k) = (y.len(), cols.len());
    if m < k + 3 || k == 0 {
        return (mean(y), std_error(y));
    }
    let ybar = mean(y);
    let mut xbar = vec![0.0; k];
    for row in x.chunks(width) {
        for (a, &c) in xbar.iter_mut().zip(cols) {
            *a += row[c];
        }
    }
    xbar.iter_mut().for_each(|a| *a /= m as f64);
    let mut sxx = vec![0.0; k * k];
    let mut sxy = vec![0.0; k];
    let mut d = vec![0.0; k];
    for (row, &yi) in x.chunks(width).zip(y) {
        for j in 0..k {
            d[j] = row[cols[j]] - xbar[j];
        }
        let dy = yi - ybar;
        for i in 0..k {
            sxy[i] += d[i] * dy;
            for j in 0..=i {
                sxx[i * k + j] += d[i] * d[j];
            }
        }
    }
    let b = solve_dropping(&sxx, &sxy, k);
    let est = ybar - b.iter().zip(&xbar).map(|(b, x)| b * x).sum::<f64>();
    let used = b.iter().filter(|v| **v != 0.0).count();
    let mut ss = 0.0;
    for (row, &yi) in x.chunks(width).zip(y) {
        let fit: f64 = (0..k).map(|j| b[j] * (row[cols[j]] - xbar[j])).sum();
        let r = yi - ybar - fit;
        ss += r * r;
    }
    let dof = (m - 1 - used) as f64;
    (est, (ss / dof).sqrt() / (m as f64).sqrt())
}

/// Solves `S b = c` for the symmetric positive semi-definite `S` (lower
/// triangle, `k x k`) by Cholesky, leaving out (coefficient 0) every column
/// whose pivot is below 1e-10 of its diagonal.
fn solve_dropping(s: &[f64], c: &[f64], k: usize) -> Vec<f64> {
    let mut l = vec![0.0; k * k];
    let mut on = vec![false; k];
    for j in 0..k {
        let diag = s[j * k + j];
        let mut p = diag;
        for q in 0..j {
            if on[q] {
                p -= l[j * k + q] * l[j * k + q];
            }
        }
        if !(diag > 0.0 && p > 1e-10 * diag) {
            continue;
        }
        on[j] = true;
        let ljj = p.sqrt();
        l[j * k + j] = ljj;
        for i in j + 1..k {
            let mut v = s[i * k + j];
            for q in 0..j {
                if on[q] {
                    v -= l[i * k + q] * l[j * k + q];
                }
            }
            l[i * k + j] = v / ljj;
        }
    }
    // L z = c, then L' b = z, over the kept columns.
    let mut z = vec![0.0; k];
    for i in (0..k).filter(|&i| on[i]) {
        let v: f64 = (0..i).filter(|&q| on[q]).map(|q| l[i * k + q] * z[q]).sum();
        z[i] = (c[i] - v) / l[i * k + i];
    }
    let mut b = vec![0.0; k];
    for i in (0..k).rev().filter(|&i| on[i]) {
        let v: f64 = (i + 1..k).filter(|&q| on[q]).map(|q| l[q * k + i] * b[q]).sum();
        b[i] = (z[i] - v) / l[i * k + i];
    }
    b
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
    /// Mean of the costliest 5% of values (see [`tail_mean`]).
    pub cvar95: f64,
}

/// Mean, standard error, p5/p50/p95 and cvar95 of `x`.
pub fn summarize(x: &[f64]) -> Summary {
    let q = percentiles(x, &[5.0, 50.0, 95.0]);
    Summary { mean: mean(x), std_error: std_error(x), p5: q[0], p50: q[1], p95: q[2], cvar95: tail_mean(x, 20) }
}

/// Mean of the costliest `1/denom` of `x` (`denom = 20`: the costliest 5%),
/// the standard tail expectation: with `k = n / denom` paths in the tail,
/// the `floor(k)` largest values count whole and the next one counts for
/// the fraction `k - floor(k)`. Values tied at the tail's edge count only
/// as far as they fall inside it, so an atom that straddles the 95% point
/// (a commitment's cost is its amount on every path that does not exceed
/// it) is not averaged in whole. Continuous in the data, unlike the mean of
/// every value at or above p95.
///
/// The tail is summed in path order (values at or above the edge value,
/// less the edge value for each tied copy beyond the tail), so the result
/// does not depend on how the paths were split among threads.
pub fn tail_mean(x: &[f64], denom: usize) -> f64 {
    let n = x.len();
    if n == 0 {
        return f64::NAN;
    }
    let k = n as f64 / denom as f64;
    let whole = k.floor() as usize; // < n
    let frac = k - whole as f64;
    let mut v = x.to_vec();
    if whole == 0 {
        // Fewer than `denom` paths: the tail is a fraction of the largest value.
        return v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    }
    // v[..whole] = the `whole` largest values, v[whole - 1] the smallest of them.
    let (_, &mut edge, rest) = v.select_nth_unstable_by(whole - 1, |a, b| b.total_cmp(a));
    let next = rest.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut sum, mut count) = (0.0, 0usize);
    for &c in x {
        if c >= edge {
            sum += c;
            count += 1;
        }
    }
    if count > whole {
        sum -= (count - whole) as f64 * edge;
    }
    if frac > 0.0 {
        sum += frac * next;
    }
    sum / k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_average_consecutive_paths_and_keep_a_lone_last_one() {
        let x = [1.0, 10.0, 3.0, 30.0, 5.0, 50.0, 7.0, 70.0, 9.0, 90.0];
        assert_eq!(units(&x, 2, true), vec![2.0, 20.0, 6.0, 60.0, 9.0, 90.0]);
        assert_eq!(units(&x, 2, false), x.to_vec());
        assert_eq!(units(&[1.0, 2.0, 3.0], 1, true), vec![1.5, 3.0]);
    }

    #[test]
    fn controls_remove_the_linear_part_exactly() {
        // y = 5 + 2 x1 - 3 x2 + e with x centred on their true means (0):
        // the estimate is 5 + mean(e) - (its regression on x), the standard
        // error that of e alone. Hand-checkable with e alternating +-1.
        let m = 1_000;
        let (mut y, mut x) = (Vec::new(), Vec::new());
        for i in 0..m {
            let x1 = ((i * 37) % 101) as f64 - 50.0;
            let x2 = ((i * 53) % 97) as f64 - 48.0;
            let e = if i % 2 == 0 { 1.0 } else { -1.0 };
            y.push(5.0 + 2.0 * x1 - 3.0 * x2 + e);
            x.extend([x1, x2, 2.0 * x1]); // the third is collinear: left out
        }
        let (est, se) = controlled_mean(&y, &x, 3, &[0, 1, 2]);
        let (xb1, xb2) = (
            mean(&x.iter().step_by(3).copied().collect::<Vec<_>>()),
            mean(&x.iter().skip(1).step_by(3).copied().collect::<Vec<_>>()),
        );
        assert!((est - 5.0).abs() < 0.01, "{est} (control means {xb1}, {xb2})");
        // Residual sd about 1 (e, less what the controls explain by chance).
        assert!((se * (m as f64).sqrt() - 1.0).abs() < 0.01, "{se}");
        // Without controls the error is that of y itself, far larger.
        assert!(std_error(&y) > 50.0 * se);
    }

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

    #[test]
    fn tail_mean_weighs_an_atom_straddling_the_95_point_by_its_share() {
        // 97% of paths cost exactly 100 (a commitment not exceeded), 3% cost
        // 101..=400. The costliest 5% = those 300 plus 200 paths at 100:
        // (sum 101..=400 + 200 * 100) / 500 = (75_150 + 20_000) / 500 = 190.3.
        let mut x = vec![100.0; 9_700];
        x.extend((101..=400).map(f64::from));
        x.rotate_left(4_321); // path order must not matter
        assert!((tail_mean(&x, 20) - 190.3).abs() < 1e-9, "{}", tail_mean(&x, 20));
        // p95 is 100, so the mean of every value at or above it is the mean.
        assert_eq!(summarize(&x).p95, 100.0);
        assert!((summarize(&x).cvar95 - 190.3).abs() < 1e-9);
    }

    #[test]
    fn tail_mean_of_equal_values_is_that_value() {
        for n in [1, 7, 19, 20, 21, 1_000, 2_010] {
            assert_eq!(tail_mean(&vec![42.5; n], 20), 42.5, "n = {n}");
        }
    }

    #[test]
    fn tail_mean_counts_the_edge_path_by_its_fraction() {
        // n = 30: k = 1.5 paths: the largest whole, the second for half.
        let x: Vec<f64> = (1..=30).map(f64::from).collect();
        assert!((tail_mean(&x, 20) - (30.0 + 0.5 * 29.0) / 1.5).abs() < 1e-12);
        // n = 10: k = 0.5 path: the largest value.
        assert_eq!(tail_mean(&x[..10], 20), 10.0);
    }

    #[test]
    fn tail_mean_of_a_continuous_sample_is_the_mean_above_p95() {
        // Distinct values, k = n / 20 whole: the tail is exactly the values at
        // or above p95 (type 7), as the earlier definition had it, to the bit.
        let x: Vec<f64> = (0..20_000u64).map(|i| ((i * 7_919) % 20_011) as f64 * 0.37).collect();
        let p95 = percentiles(&x, &[95.0])[0];
        let above: Vec<f64> = x.iter().copied().filter(|&c| c >= p95).collect();
        assert_eq!(above.len(), 1_000);
        assert_eq!(tail_mean(&x, 20), above.iter().sum::<f64>() / 1_000.0);
    }
}
