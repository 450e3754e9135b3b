//! The share of a month's effective tokens a provisioned capacity serves
//! when the per-minute load is lognormal: the closed form (SPEC 4.3) and
//! [`ServedTable`], its cubic table with an AVX2 kernel for the sweep's many
//! capacity levels. A pure function of the load's log-sd, so it sits with
//! the other numeric leaves.

/// The lognormal served share `E[min(X, C)] / E[X]` as a function of
/// `r = ln(C / lambda)`, tabulated for cubic Hermite interpolation with the
/// exact slope `d served / dr = e^r (1 - Φ((r + s²/2) / s))`. The grid step is
/// `min(s / 48, 1 / 64)` over `|r| <= 9s + s²`; outside, the share equals `e^r` (all
/// capacity used) or 1 to within 1e-15. Error below 1e-10 (tested against the
/// closed form), at a fraction of the cost of two normal CDFs and a logarithm.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedTable {
    lo: f64,
    inv_step: f64,
    /// Cubic coefficients of each interval in its local coordinate `t` in [0, 1).
    cubics: Vec<[f64; 4]>,
}

impl ServedTable {
    /// The table for log-sd `s > 0`.
    pub fn new(s: f64) -> ServedTable {
        let half = 9.0 * s + s * s;
        let step = (s / 48.0).min(1.0 / 64.0);
        let n = (2.0 * half / step).ceil() as usize + 1;
        let points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let r = -half + i as f64 * step;
                let slope = r.exp() * super::normal::phi_exact(-(r + s * s / 2.0) / s);
                (lognormal_served_exact(r, s), slope * step)
            })
            .collect();
        // Hermite form y0 h00 + m0 h10 + y1 h01 + m1 h11, expanded into powers of t.
        let cubics = points
            .windows(2)
            .map(|w| {
                let ((y0, m0), (y1, m1)) = (w[0], w[1]);
                [y0, m0, 3.0 * (y1 - y0) - 2.0 * m0 - m1, 2.0 * (y0 - y1) + m0 + m1]
            })
            .collect();
        ServedTable { lo: -half, inv_step: 1.0 / step, cubics }
    }

    /// The served share at `r = ln(C / lambda)`.
    #[inline]
    pub fn eval(&self, r: f64) -> f64 {
        if r < self.lo {
            return crate::math::fastmath::exp(r.max(-745.0));
        }
        self.eval_with(r, || f64::NAN)
    }

    /// The served share at `r`, given how to compute `ratio = e^r`: the
    /// share below the table, where all capacity is used.
    #[inline]
    pub fn eval_with(&self, r: f64, ratio: impl FnOnce() -> f64) -> f64 {
        let x = (r - self.lo) * self.inv_step;
        if x >= 0.0 && x < self.cubics.len() as f64 {
            let i = x as usize;
            let t = x - i as f64;
            let [a0, a1, a2, a3] = self.cubics[i];
            return a0 + t * (a1 + t * (a2 + t * a3));
        }
        if x < 0.0 {
            ratio()
        } else {
            1.0
        }
    }

    /// [`Self::eval_with`] at every `r[j] = ln_cap[j] - ln_rate`, with
    /// `ratio = cap[j] * inv_rate` below the table, into `share[j]`: one month
    /// of a batch of capacities (a sweep's levels). Four at a time with AVX2
    /// where the build has it: the same operations in the same order, so the
    /// same values to the last bit (tested).
    #[inline(always)]
    pub fn eval_many(&self, ln_cap: &[f64], cap: &[f64], ln_rate: f64, inv_rate: f64, share: &mut [f64]) {
        let n = share.len().min(ln_cap.len()).min(cap.len());
        let (ln_cap, cap, share) = (&ln_cap[..n], &cap[..n], &mut share[..n]);
        let done = self.eval_avx2(ln_cap, cap, ln_rate, inv_rate, share);
        for j in done..n {
            share[j] = self.eval_with(ln_cap[j] - ln_rate, || cap[j] * inv_rate);
        }
    }

    /// The four-wide part of [`Self::eval_many`]: how many it evaluated.
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    #[inline(always)]
    fn eval_avx2(&self, ln_cap: &[f64], cap: &[f64], ln_rate: f64, inv_rate: f64, share: &mut [f64]) -> usize {
        use std::arch::x86_64::*;
        let n = share.len().min(ln_cap.len()).min(cap.len()) / 4 * 4;
        // Lanes outside the table load row 0, so there must be one; interval
        // indices are converted to 32 bits.
        if self.cubics.is_empty() || self.cubics.len() >= i32::MAX as usize {
            return 0;
        }
        // SAFETY: AVX2 is enabled for this build (the cfg above). Loads and
        // stores read and write lanes j..j+4 with j + 4 <= n, within all three
        // slices. Each lane loads the row of an interval below `cubics.len()`
        // (0 <= x < len); lanes outside the table load row 0, which exists
        // (checked above).
        unsafe {
            let base = self.cubics.as_ptr().cast::<f64>();
            let (ln_rate, lo, inv_step) =
                (_mm256_set1_pd(ln_rate), _mm256_set1_pd(self.lo), _mm256_set1_pd(self.inv_step));
            let (len, zero, one, inv_rate) = (
                _mm256_set1_pd(self.cubics.len() as f64),
                _mm256_setzero_pd(),
                _mm256_set1_pd(1.0),
                _mm256_set1_pd(inv_rate),
            );
            for j in (0..n).step_by(4) {
                let r = _mm256_sub_pd(_mm256_loadu_pd(ln_cap.as_ptr().add(j)), ln_rate);
                let x = _mm256_mul_pd(_mm256_sub_pd(r, lo), inv_step);
                let inside = _mm256_and_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(x, zero), _mm256_cmp_pd::<_CMP_LT_OQ>(x, len));
                // Truncation toward zero is `x as usize` for 0 <= x < len.
                let i = _mm256_cvttpd_epi32(_mm256_and_pd(x, inside));
                let t = _mm256_sub_pd(x, _mm256_cvtepi32_pd(i));
                // Each lane's four coefficients are one 32-byte row: four loads
                // and a 4 x 4 transpose (faster than four gathers).
                let mut at = [0i32; 4];
                _mm_storeu_si128(at.as_mut_ptr().cast(), i);
                let row = |k: usize| _mm256_loadu_pd(base.add(4 * at[k] as usize));
                let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
                let (t0, t1) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
                let (t2, t3) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
                let a0 = _mm256_permute2f128_pd::<0x20>(t0, t2);
                let a1 = _mm256_permute2f128_pd::<0x20>(t1, t3);
                let a2 = _mm256_permute2f128_pd::<0x31>(t0, t2);
                let a3 = _mm256_permute2f128_pd::<0x31>(t1, t3);
                let cubic = _mm256_add_pd(
                    a0,
                    _mm256_mul_pd(t, _mm256_add_pd(a1, _mm256_mul_pd(t, _mm256_add_pd(a2, _mm256_mul_pd(t, a3))))),
                );
                let below = _mm256_mul_pd(_mm256_loadu_pd(cap.as_ptr().add(j)), inv_rate);
                let outside = _mm256_blendv_pd(one, below, _mm256_cmp_pd::<_CMP_LT_OQ>(x, zero));
                _mm256_storeu_pd(share.as_mut_ptr().add(j), _mm256_blendv_pd(outside, cubic, inside));
            }
        }
        n
    }

    /// Without AVX2, [`Self::eval_many`] evaluates one at a time.
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    #[inline(always)]
    fn eval_avx2(&self, _: &[f64], _: &[f64], _: f64, _: f64, _: &mut [f64]) -> usize {
        0
    }
}

/// The closed form of the lognormal served share at `r = ln(C / lambda)`.
pub fn lognormal_served_exact(r: f64, s: f64) -> f64 {
    let phi = super::normal::phi_exact;
    // 1 - Φ(x) is computed as Φ(-x), which keeps its precision in the tail.
    phi((r - s * s / 2.0) / s) + r.exp() * phi(-(r + s * s / 2.0) / s)
}

#[cfg(test)]
/// `E[min(X, C)] / E[X]` for lognormal `X` with mean `lambda` and log-sd `s`
/// (closed form, SPEC 4.3).
pub fn lognormal_served(lambda: f64, cap: f64, s: f64) -> f64 {
    if s <= 0.0 {
        return (cap / lambda).min(1.0);
    }
    lognormal_served_exact((cap / lambda).ln(), s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::offer::lognormal_sigma;

    /// The four-wide evaluation equals the one-at-a-time one to the last
    /// bit: inside and outside the table, at its edges, at zero capacity,
    /// at infinite and NaN log ratios, and with a table of no intervals
    /// (log-sd 0, from a peak-to-mean ratio a hair above 1).
    #[test]
    fn eval_many_is_eval_with_to_the_last_bit() {
        for s in [lognormal_sigma(1.8).unwrap(), 0.9, 0.0] {
            let t = ServedTable::new(s);
            let step = 1.0 / t.inv_step;
            let len = t.cubics.len() as f64;
            let mut ln_cap = vec![f64::NEG_INFINITY, f64::INFINITY, f64::NAN, 0.0, -0.0, 1e300, -1e300];
            ln_cap.extend([
                t.lo,
                t.lo - 1e-12,
                t.lo + len * step,
                t.lo + len * step - 1e-12,
                t.lo + (len - 0.5) * step,
            ]);
            ln_cap.extend((0..200).map(|k| t.lo - 1.0 + f64::from(k) * (len * step + 2.0) / 200.0));
            let cap: Vec<f64> = ln_cap.iter().map(|l| l.exp()).collect();
            for ln_rate in [0.0f64, 0.37, -2.5] {
                let inv_rate = (-ln_rate).exp();
                for n in [ln_cap.len(), 7, 4, 3, 0] {
                    let mut share = vec![-1.0; n];
                    t.eval_many(&ln_cap[..n], &cap[..n], ln_rate, inv_rate, &mut share);
                    for j in 0..n {
                        let want = t.eval_with(ln_cap[j] - ln_rate, || cap[j] * inv_rate);
                        assert_eq!(
                            share[j].to_bits(),
                            want.to_bits(),
                            "s {s}, ln_cap {}: {} vs {want}",
                            ln_cap[j],
                            share[j]
                        );
                    }
                }
            }
        }
        assert!(ServedTable::new(0.0).cubics.is_empty());
        assert_eq!(lognormal_sigma(1.0000000000000002), Some(0.0));
    }

    #[test]
    fn served_share_limits() {
        let s = lognormal_sigma(3.0).unwrap();
        assert!((lognormal_served(100.0, 1e12, s) - 1.0).abs() < 1e-12);
        assert!(lognormal_served(100.0, 1e-9, s) < 1e-9);
        // Monotone in capacity.
        let mut last = 0.0;
        for c in [10.0, 50.0, 100.0, 200.0, 400.0] {
            let v = lognormal_served(100.0, c, s);
            assert!(v > last && v <= 1.0);
            last = v;
        }
    }

    #[test]
    fn served_share_matches_numeric_integral() {
        // E[min(X, C)] / E[X] by midpoint quadrature over the normal quantile.
        let (lambda, cap, s) = (100.0, 150.0, 0.8);
        let mu = f64::ln(lambda) - s * s / 2.0;
        let n = 200_000;
        let mut acc = 0.0;
        for i in 0..n {
            let z = crate::math::normal::phi_inv((i as f64 + 0.5) / n as f64);
            acc += (mu + s * z).exp().min(cap);
        }
        let numeric = acc / n as f64 / lambda;
        assert!((numeric - lognormal_served(lambda, cap, s)).abs() < 1e-4);
    }

    #[test]
    fn served_table_matches_the_closed_form() {
        for q in [1.05, 1.8, 3.0, 10.0, 14.9] {
            let s = lognormal_sigma(q).unwrap();
            let t = ServedTable::new(s);
            let mut worst = 0.0f64;
            let mut r = -12.0;
            while r < 12.0 {
                worst = worst.max((t.eval(r) - lognormal_served_exact(r, s)).abs());
                r += 0.001_37;
            }
            assert!(worst < 1e-10, "q = {q}: {worst:e}");
        }
    }
}
