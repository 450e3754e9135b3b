//! The `auto` forecast method: exponential-smoothing state-space models on
//! three Box–Cox scales, averaged by AICc, with parameter, state and noise
//! uncertainty carried into every simulated path. docs/forecast.md gives the
//! reasoning and its calibration on real series.
//!
//! Per series:
//! 1. the series is cleaned: leading zeros dropped (a workload launched
//!    mid-history), remaining zeros handled by a shift `c = min positive / 2`;
//! 2. on each scale λ ∈ {0 (log), 0.5, 1} and, with at least 24 months, with
//!    and without a seasonal pattern (classical fixed indices under 8 years,
//!    X-11's 3×5 moving seasonal filter from 8 years), three models are fitted: local
//!    level (N), level with fixed drift (Dr) and damped trend (Ad), each over a
//!    fixed grid of smoothing parameters. For each grid point the initial state
//!    is solved exactly by least squares (the filter is linear in it);
//! 3. grid points are weighted by their diffuse likelihood, models by AICc on
//!    the original scale (the Box–Cox Jacobian makes scales comparable);
//! 4. each path draws a model, a grid point, σ from SSE/χ², the final state
//!    from its Gaussian posterior and the seasonal indices from their standard
//!    errors, then Gaussian innovations month by month.
//!
//! With fewer than 6 months, one component remains: a log random walk with
//! drift (SPEC 4.1 `drift`), with σ drawn from its posterior as well.

use rand::Rng as _;
use rand_distr::{ChiSquared, Distribution, StandardNormal};

use crate::math::rng::Rng;

const M: usize = 12;
/// Months needed to fit at all.
pub const MIN_MONTHS: usize = 3;
/// Months needed for model selection (fewer: the drift fallback).
pub const MIN_AUTO_MONTHS: usize = 6;
/// Months needed for seasonal variants.
pub const MIN_SEASONAL_MONTHS: usize = 24;
const LAMBDAS: [f64; 3] = [0.0, 0.5, 1.0];
const BETA_STAR: [f64; 4] = [0.01, 0.05, 0.15, 0.40];
const PHI: [f64; 4] = [0.80, 0.88, 0.94, 0.98];

/// The 13 smoothing values `1 / (1 + exp(4 - 0.75 i))`, 0.018 to 0.993.
fn alpha_grid() -> [f64; 13] {
    std::array::from_fn(|i| 1.0 / (1.0 + (4.0 - 0.75 * i as f64).exp()))
}

/// One grid point of one model: its parameters, fit and final-state posterior.
#[derive(Debug, Clone, PartialEq)]
struct GridPoint {
    alpha: f64,
    ab: f64,
    phi: f64,
    sse: f64,
    log_weight: f64,
    /// Cholesky factor of the initial-state posterior covariance / σ².
    chol: [[f64; 2]; 2],
    /// Final level and slope at the least-squares initial state.
    xn: [f64; 2],
    /// d(final level, slope) / d(initial state).
    load: [[f64; 2]; 2],
}

/// One model on one scale: its grid and its weight in the average.
#[derive(Debug, Clone, PartialEq)]
struct Component {
    lambda: f64,
    seasonal: Option<([f64; M], [f64; M])>,
    kind: Kind,
    q: usize,
    points: Vec<GridPoint>,
    /// Cumulative within-component weights of the grid points.
    cum: Vec<f64>,
    aicc: f64,
    chi: ChiSquared<f64>,
}

/// The three model kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Local level.
    Level,
    /// Level with a fixed drift.
    Drift,
    /// Damped trend.
    Damped,
}

/// A fitted `auto` model, ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoModel {
    comps: Vec<Component>,
    /// Cumulative AICc weights of the components.
    cum: Vec<f64>,
    /// History length after cleaning.
    n: usize,
    /// Shift added before transforming (0 without zeros).
    shift: f64,
    /// Leading zeros dropped.
    pub dropped: usize,
    /// Multiplies the innovation scale of every draw: 1 as fitted, more
    /// when `[forecast] calibrate` widens the bands (docs/forecast.md).
    pub widen: f64,
}

/// Why a series cannot be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// A value is negative or not finite.
    BadValue(usize, f64),
    /// Fewer than [`MIN_MONTHS`] months after leading zeros.
    TooShort(usize),
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::BadValue(i, v) => write!(f, "month {} has an invalid total {v}", i + 1),
            FitError::TooShort(n) => {
                write!(f, "{n} month(s) of usage after any leading zeros; at least {MIN_MONTHS} are needed to fit")
            }
        }
    }
}

impl AutoModel {
    /// Fits the model family to monthly values `y` (oldest first).
    pub fn fit(y: &[f64]) -> Result<AutoModel, FitError> {
        if let Some((i, &v)) = y.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            return Err(FitError::BadValue(i, v));
        }
        let dropped = y.iter().take_while(|&&v| v == 0.0).count();
        let y = &y[dropped..];
        let n = y.len();
        if n < MIN_MONTHS {
            return Err(FitError::TooShort(n));
        }
        let min_pos = y.iter().copied().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
        let shift = if y.contains(&0.0) { 0.5 * min_pos } else { 0.0 };
        let yc: Vec<f64> = y.iter().map(|v| v + shift).collect();
        let comps = if n < MIN_AUTO_MONTHS { vec![fallback(&yc)] } else { components(&yc) };
        let best = comps.iter().map(|c| c.aicc).fold(f64::INFINITY, f64::min);
        let w: Vec<f64> = comps.iter().map(|c| (-0.5 * (c.aicc - best)).exp()).collect();
        Ok(AutoModel { cum: cumulative(&w), comps, n, shift, dropped, widen: 1.0 })
    }

    /// A description of the component with the highest weight, e.g.
    /// `log, damped trend, seasonal (weight 0.62)`.
    pub fn describe(&self) -> String {
        let mut best = (0, 0.0);
        let mut prev = 0.0;
        for (i, &c) in self.cum.iter().enumerate() {
            if c - prev > best.1 {
                best = (i, c - prev);
            }
            prev = c;
        }
        let c = &self.comps[best.0];
        let scale = if c.lambda == 0.0 {
            "log"
        } else if c.lambda == 0.5 {
            "square root"
        } else {
            "levels"
        };
        let kind = match c.kind {
            Kind::Level => "local level",
            Kind::Drift => "level with drift",
            Kind::Damped => "damped trend",
        };
        let seas = if c.seasonal.is_some() { ", seasonal" } else { "" };
        format!("{scale}, {kind}{seas} (weight {:.2} of {} models)", best.1, self.comps.len())
    }

    /// Draws one path. `skip` months after the history are simulated and
    /// discarded (the scenario starts later than the month after the history);
    /// `out` receives the next `out.len()` months as **log-volumes**. `z` is the
    /// workload's standard normal of the growth copula (it drives the
    /// initial-state draw); `common` and `corr` correlate the innovations of
    /// the months in `out` with other workloads (SPEC 4.1).
    pub fn sample(&self, rng: &mut Rng, z: f64, common: &[f64], corr: (f64, f64), skip: usize, out: &mut [f64]) {
        let c = &self.comps[pick(&self.cum, rng.random::<f64>())];
        let g = &c.points[pick(&c.cum, rng.random::<f64>())];
        let sigma = self.widen * (g.sse / c.chi.sample(rng).max(1e-300)).sqrt();
        let z2: f64 = rng.sample(StandardNormal);
        let dx = [sigma * g.chol[0][0] * z, sigma * (g.chol[1][0] * z + g.chol[1][1] * z2)];
        let mut l = g.xn[0] + g.load[0][0] * dx[0] + g.load[0][1] * dx[1];
        let mut b = g.xn[1] + g.load[1][0] * dx[0] + g.load[1][1] * dx[1];
        let mut season = [0.0; M];
        if let Some((idx, se)) = &c.seasonal {
            for j in 0..M {
                season[j] = idx[j] + se[j] * rng.sample::<f64, _>(StandardNormal);
            }
            let mean = season.iter().sum::<f64>() / M as f64;
            season.iter_mut().for_each(|s| *s -= mean);
        }
        let mut month = self.n % M;
        for h in 0..skip + out.len() {
            let zn: f64 = rng.sample(StandardNormal);
            let e = sigma * if h >= skip { corr.0 * common[h - skip] + corr.1 * zn } else { zn };
            let f = l + g.phi * b;
            let x = f + e + season[month];
            month = if month == M - 1 { 0 } else { month + 1 };
            if h >= skip {
                out[h - skip] = if c.lambda == 0.0 && self.shift == 0.0 {
                    x.min(700.0)
                } else {
                    crate::math::fastmath::ln((inv_box_cox(x, c.lambda) - self.shift).max(0.0))
                };
            }
            l = f + g.alpha * e;
            b = g.phi * b + g.ab * e;
        }
    }
}

fn inv_box_cox(x: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        x.min(700.0).exp()
    } else if lambda == 0.5 {
        let u = (0.5 * x + 1.0).max(0.0);
        u * u
    } else if lambda == 1.0 {
        (x + 1.0).max(0.0)
    } else {
        (lambda * x + 1.0).max(0.0).powf(1.0 / lambda)
    }
}

fn box_cox(v: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        v.ln()
    } else {
        (v.powf(lambda) - 1.0) / lambda
    }
}

fn cumulative(w: &[f64]) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    w.iter()
        .map(|x| {
            acc += x / total;
            acc
        })
        .collect()
}

fn pick(cum: &[f64], u: f64) -> usize {
    cum.partition_point(|&c| c <= u).min(cum.len() - 1)
}

/// Every component of the family for a cleaned, positive series.
fn components(y: &[f64]) -> Vec<Component> {
    let n = y.len();
    let alphas = alpha_grid();
    let mut comps = Vec::new();
    for lambda in LAMBDAS {
        let x: Vec<f64> = y.iter().map(|&v| box_cox(v, lambda)).collect();
        let jac = (1.0 - lambda) * y.iter().map(|v| v.ln()).sum::<f64>();
        let mut options = vec![None];
        if n >= MIN_SEASONAL_MONTHS {
            options.push(Some(seasonal(&x)));
        }
        for option in options {
            let z: Vec<f64> = match &option {
                None => x.clone(),
                Some(s) => (0..n).map(|t| x[t] - s.path.as_ref().map_or(s.index[t % M], |p| p[t])).collect(),
            };
            let (seasonal, extra_k) = option.map_or((None, 0.0), |s| (Some((s.index, s.se)), s.params));
            for kind in [Kind::Level, Kind::Drift, Kind::Damped] {
                let (q, p) = match kind {
                    Kind::Level => (1, 1),
                    Kind::Drift => (2, 1),
                    Kind::Damped => (2, 3),
                };
                let k = (p + q + 1) as f64 + extra_k;
                if (n as f64) < k + 2.0 {
                    continue;
                }
                let mut points = Vec::new();
                for a in alphas {
                    if kind != Kind::Damped {
                        points.push(filter(&z, a, 0.0, 1.0, q));
                        continue;
                    }
                    for bs in BETA_STAR {
                        for ph in PHI {
                            points.push(filter(&z, a, a * bs, ph, q));
                        }
                    }
                }
                let dof = (n - q - p) as f64 - extra_k;
                if let Some(c) = component(lambda, seasonal, kind, q, points, k, n, jac, dof) {
                    comps.push(c);
                }
            }
        }
    }
    comps
}

#[allow(clippy::too_many_arguments)]
fn component(
    lambda: f64,
    seasonal: Option<([f64; M], [f64; M])>,
    kind: Kind,
    q: usize,
    points: Vec<GridPoint>,
    k: f64,
    n: usize,
    jac: f64,
    dof: f64,
) -> Option<Component> {
    let best = points.iter().map(|p| p.log_weight).fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = points.iter().map(|p| (p.log_weight - best).exp()).collect();
    let sse_min = points.iter().map(|p| p.sse).fold(f64::INFINITY, f64::min);
    let (nf, kf) = (n as f64, k);
    let aicc = nf * (sse_min / nf).ln() + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (nf - kf - 1.0) + 2.0 * jac;
    if !aicc.is_finite() || !best.is_finite() {
        return None;
    }
    let chi = ChiSquared::new(dof).ok()?;
    Some(Component { lambda, seasonal, kind, q, cum: cumulative(&w), points, aicc, chi })
}

/// The `drift` fallback for 3 to 5 months: log scale, α = 1, no damping.
fn fallback(y: &[f64]) -> Component {
    let z: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let n = y.len();
    let point = filter(&z, 1.0, 0.0, 1.0, 2);
    let dof = (n - 2) as f64;
    Component {
        lambda: 0.0,
        seasonal: None,
        kind: Kind::Drift,
        q: 2,
        cum: vec![1.0],
        points: vec![point],
        aicc: 0.0,
        chi: ChiSquared::new(dof).expect("n >= 3 gives dof >= 1"),
    }
}

/// X-11's 3×5 seasonal filter: a 3-term moving average of a 5-term one, over
/// seven years of the same month.
const S3X5: [f64; 7] = [1.0 / 15.0, 2.0 / 15.0, 3.0 / 15.0, 3.0 / 15.0, 3.0 / 15.0, 2.0 / 15.0, 1.0 / 15.0];

/// The seasonal pattern of a seasonal component.
#[derive(Debug, Clone, PartialEq)]
struct Seasonal {
    /// The indices carried into the forecast, centred to sum to zero.
    index: [f64; M],
    /// Their standard errors.
    se: [f64; M],
    /// The pattern month by month over the history when it moves (3×5
    /// filter); None when it is the fixed `index`.
    path: Option<Vec<f64>>,
    /// Seasonal parameters used: the trace of the smoother minus one (11 for
    /// fixed indices).
    params: f64,
}

/// The seasonal pattern of `x` (at least 24 months): fixed classical indices
/// when some month of the year has fewer than seven detrended values (under
/// 8 years of history), otherwise a pattern that moves, each month's value
/// being X-11's 3×5 seasonal filter of the detrended values of that month of
/// the year (docs/forecast.md, "Seasonal series").
fn seasonal(x: &[f64]) -> Seasonal {
    let n = x.len();
    if n < 12 + M * S3X5.len() {
        let (index, se) = seasonal_indices(x);
        return Seasonal { index, se, path: None, params: (M - 1) as f64 };
    }
    let w = S3X5.len();
    let mut dev: Vec<Vec<f64>> = vec![Vec::new(); M];
    for t in 6..n - 6 {
        dev[t % M].push(x[t] - ma2x12(x, t));
    }
    // Occurrence i of a month of the year uses the window [lo, lo + 7),
    // centred on i where it can be, shifted inside the data at the ends.
    let lo = |i: usize, m: usize| i.saturating_sub(w / 2).min(m - w);
    let filt = |d: &[f64], i: usize| -> f64 {
        let l = lo(i, d.len());
        S3X5.iter().zip(&d[l..l + w]).map(|(a, v)| a * v).sum()
    };
    let (mut rss, mut nd, mut trace) = (0.0, 0.0, 0.0);
    let mut raw = vec![0.0; n];
    let mut last = [0.0; M];
    for (j, d) in dev.iter().enumerate() {
        let m = d.len();
        for (i, v) in d.iter().enumerate() {
            rss += (v - filt(d, i)).powi(2);
            nd += 1.0;
            trace += S3X5[i - lo(i, m)];
        }
        // The first detrended value of month j is at t = j (j >= 6) or j + 12.
        let first = if j >= 6 { j } else { j + M };
        for t in (j..n).step_by(M) {
            raw[t] = filt(d, (t.saturating_sub(first) / M).min(m - 1));
        }
        last[j] = filt(d, m - 1);
    }
    let path = (0..n).map(|t| raw[t] - ma2x12(&raw, t.clamp(6, n - 7))).collect();
    let s2 = rss / (nd - trace);
    let mean = last.iter().sum::<f64>() / M as f64;
    let se = (s2 * S3X5.iter().map(|a| a * a).sum::<f64>()).sqrt();
    Seasonal { index: std::array::from_fn(|j| last[j] - mean), se: [se; M], path: Some(path), params: trace - 1.0 }
}

/// The centred 2×12 moving average of `x` at `t` (6 <= t < len - 6).
fn ma2x12(x: &[f64], t: usize) -> f64 {
    (0.5 * (x[t - 6] + x[t + 6]) + x[t - 5..=t + 5].iter().sum::<f64>()) / 12.0
}

/// Classical additive seasonal indices of `x` (centred 2×12 moving average)
/// and their standard errors.
fn seasonal_indices(x: &[f64]) -> ([f64; M], [f64; M]) {
    let n = x.len();
    let (mut sum, mut cnt) = ([0.0; M], [0.0; M]);
    let mut dev = Vec::new();
    for t in 6..n - 6 {
        let mut trend = 0.5 * (x[t - 6] + x[t + 6]);
        trend += x[t - 5..=t + 5].iter().sum::<f64>();
        let d = x[t] - trend / 12.0;
        dev.push((d, t % M));
        sum[t % M] += d;
        cnt[t % M] += 1.0;
    }
    let raw: [f64; M] = std::array::from_fn(|j| sum[j] / cnt[j]);
    let nd = dev.len() as f64;
    let s2 = if nd - 12.0 >= 1.0 {
        dev.iter().map(|(d, p)| (d - raw[*p]).powi(2)).sum::<f64>() / (nd - 12.0)
    } else {
        dev.iter().map(|(d, _)| d * d).sum::<f64>() / nd
    };
    let mean = raw.iter().sum::<f64>() / M as f64;
    (std::array::from_fn(|j| raw[j] - mean), std::array::from_fn(|j| (s2 / cnt[j]).sqrt()))
}

/// Runs the filter `f = l + φ b; e = z - f; l ← f + α e; b ← φ b + αβ e` from
/// a base state, carrying the derivative of every residual with respect to
/// the initial state, and solves for the initial state by least squares.
fn filter(z: &[f64], alpha: f64, ab: f64, phi: f64, q: usize) -> GridPoint {
    let (mut l, mut b) = (z[0], 0.0);
    let mut ll = [1.0, 0.0];
    let mut bl = if q == 2 { [0.0, 1.0] } else { [0.0, 0.0] };
    let (mut see, mut sze, mut szz) = (0.0, [0.0; 2], [[0.0; 2]; 2]);
    for &zt in z {
        let f = l + phi * b;
        let zr = [ll[0] + phi * bl[0], ll[1] + phi * bl[1]];
        let e = zt - f;
        see += e * e;
        for i in 0..2 {
            sze[i] += zr[i] * e;
            for j in 0..2 {
                szz[i][j] += zr[i] * zr[j];
            }
        }
        l = f + alpha * e;
        b = phi * b + ab * e;
        ll = [zr[0] * (1.0 - alpha), zr[1] * (1.0 - alpha)];
        bl = [phi * bl[0] - ab * zr[0], phi * bl[1] - ab * zr[1]];
    }
    let (inv, x0, det) = solve(&szz, &sze, q);
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let floor = 1e-12 * z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() + 1e-300;
    let sse = (see - sze[0] * x0[0] - sze[1] * x0[1]).max(floor);
    let n = z.len() as f64;
    let xn = [l + ll[0] * x0[0] + ll[1] * x0[1], b + bl[0] * x0[0] + bl[1] * x0[1]];
    let l11 = inv[0][0].max(0.0).sqrt();
    let (l21, l22) = if q == 2 && l11 > 0.0 {
        let l21 = inv[1][0] / l11;
        (l21, (inv[1][1] - l21 * l21).max(0.0).sqrt())
    } else {
        (0.0, 0.0)
    };
    GridPoint {
        alpha,
        ab,
        phi,
        sse,
        log_weight: -0.5 * det.ln() - 0.5 * (n - q as f64) * sse.ln(),
        chol: [[l11, 0.0], [l21, l22]],
        xn,
        load: [ll, bl],
    }
}

/// `(Szz⁻¹, Szz⁻¹ Sze, det Szz)` restricted to the first `q` components.
fn solve(szz: &[[f64; 2]; 2], sze: &[f64; 2], q: usize) -> ([[f64; 2]; 2], [f64; 2], f64) {
    if q == 1 {
        let d = szz[0][0];
        return ([[1.0 / d, 0.0], [0.0, 0.0]], [sze[0] / d, 0.0], d);
    }
    let det = szz[0][0] * szz[1][1] - szz[0][1] * szz[1][0];
    let inv = [[szz[1][1] / det, -szz[0][1] / det], [-szz[1][0] / det, szz[0][0] / det]];
    let x0 = [inv[0][0] * sze[0] + inv[0][1] * sze[1], inv[1][0] * sze[0] + inv[1][1] * sze[1]];
    (inv, x0, det)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn quantiles(m: &AutoModel, h: usize, paths: usize) -> Vec<[f64; 3]> {
        let mut rng = Rng::seed_from_u64(1);
        let mut out = vec![0.0; h];
        let mut cols = vec![Vec::new(); h];
        for _ in 0..paths {
            let z: f64 = rng.sample(StandardNormal);
            m.sample(&mut rng, z, &vec![0.0; h], (0.0, 1.0), 0, &mut out);
            for (c, v) in cols.iter_mut().zip(&out) {
                c.push(v.exp());
            }
        }
        cols.iter()
            .map(|c| {
                let p = crate::analysis::stats::percentiles(c, &[10.0, 50.0, 90.0]);
                [p[0], p[1], p[2]]
            })
            .collect()
    }

    #[test]
    fn a_steady_exponential_series_is_continued() {
        // 36 months growing 4% a month with mild noise: the median carries on.
        let y: Vec<f64> = (0..36).map(|t| 1e9 * (0.04 * t as f64 + 0.02 * ((t * 7 % 5) as f64 - 2.0)).exp()).collect();
        let m = AutoModel::fit(&y).unwrap();
        let q = quantiles(&m, 12, 4000);
        let last = y[35];
        for (h, [p10, p50, p90]) in q.iter().enumerate() {
            let trend = last * (0.04 * (h + 1) as f64).exp();
            assert!(p10 < p50 && p50 < p90);
            assert!((p50 / trend).ln().abs() < 0.25, "h {h}: median {p50:e} vs trend {trend:e}");
        }
        // The interval widens with the horizon.
        assert!(q[11][2] / q[11][0] > q[0][2] / q[0][0]);
    }

    #[test]
    fn leading_zeros_are_dropped_and_short_series_fall_back_to_drift() {
        let y = [0.0, 0.0, 100.0, 110.0, 121.0, 133.0];
        let m = AutoModel::fit(&y).unwrap();
        assert_eq!(m.dropped, 2);
        assert_eq!(m.n, 4);
        assert_eq!(m.comps.len(), 1);
        assert!(m.describe().starts_with("log, level with drift"));
        assert_eq!(AutoModel::fit(&[0.0, 5.0, 6.0]), Err(FitError::TooShort(2)));
        assert_eq!(AutoModel::fit(&[1.0, -5.0, 6.0]), Err(FitError::BadValue(1, -5.0)));
    }

    #[test]
    fn inner_zeros_are_shifted_not_rejected() {
        let y: Vec<f64> = (0..30).map(|t| if t % 3 == 0 { 0.0 } else { 5.0 + (t % 4) as f64 }).collect();
        let m = AutoModel::fit(&y).unwrap();
        assert!(m.shift > 0.0);
        let q = quantiles(&m, 3, 2000);
        assert!(q.iter().all(|[a, b, c]| a.is_finite() && b.is_finite() && c.is_finite() && *a >= 0.0));
    }

    /// Under 8 years the seasonal pattern is the classical fixed indices with
    /// 11 parameters, as before; from 8 years it moves (X-11 3×5 filter), and
    /// its parameter count is the smoother's trace minus one: per month of the
    /// year with m detrended values, (1+2+3+3+2+1)/15 at the ends and 3/15
    /// for each of the m − 6 inner ones, (3m − 6)/15.
    #[test]
    fn seasonal_pattern_is_fixed_under_eight_years_and_moves_from_eight() {
        let x: Vec<f64> = (0..95).map(|t| (t as f64 * std::f64::consts::FRAC_PI_6).sin() + 0.01 * t as f64).collect();
        let s = seasonal(&x);
        assert_eq!((s.index, s.se), seasonal_indices(&x));
        assert!(s.path.is_none() && s.params == 11.0);
        for years in [8usize, 10, 20] {
            let n = 12 * years;
            let x: Vec<f64> = (0..n)
                .map(|t| (t as f64 * std::f64::consts::FRAC_PI_6).sin() + 0.1 * ((t * 7919) % 13) as f64)
                .collect();
            let m = (n - 12) / 12;
            let want = 12.0 * (3.0 * m as f64 - 6.0) / 15.0 - 1.0;
            let s = seasonal(&x);
            assert!((s.params - want).abs() < 1e-9, "{years} years: {} vs {want}", s.params);
            assert!(s.path.as_ref().unwrap().len() == n);
        }
    }

    /// A seasonal pattern whose amplitude grows from 0.2 to 1 over 20 years:
    /// the moving pattern carries the recent amplitude into the forecast,
    /// where fixed indices average the whole history (about 0.6).
    #[test]
    fn a_changing_seasonal_pattern_is_followed() {
        let n = 240;
        let amp = |t: usize| 0.2 + 0.8 * t as f64 / (n - 1) as f64;
        let x: Vec<f64> = (0..n).map(|t| 5.0 + amp(t) * (std::f64::consts::PI * t as f64 / 6.0).cos()).collect();
        let s = seasonal(&x);
        let fixed = seasonal_indices(&x).0;
        // Month 0 of the year is the peak: cos(0) = 1.
        assert!(fixed[0] > 0.5 && fixed[0] < 0.7, "fixed {}", fixed[0]);
        // January's detrended values run from t = 12 to 228; the last 3×5
        // window covers the last seven, centred on t = 192.
        assert!((s.index[0] - amp(192)).abs() < 0.02, "moving {} vs {}", s.index[0], amp(192));
        assert!(s.index.iter().sum::<f64>().abs() < 1e-12);
        // The path follows the amplitude over the history.
        let p = s.path.unwrap();
        assert!((p[120] - amp(120)).abs() < 0.03, "{} vs {}", p[120], amp(120));
    }

    #[test]
    fn least_squares_initial_state_recovers_a_line() {
        // A noiseless line with drift model, α small: the final state is exact.
        let z: Vec<f64> = (0..20).map(|t| 3.0 + 0.5 * t as f64).collect();
        let g = filter(&z, 0.1, 0.0, 1.0, 2);
        assert!((g.xn[0] - (3.0 + 0.5 * 19.0)).abs() < 1e-9 && (g.xn[1] - 0.5).abs() < 1e-9, "{:?}", g.xn);
    }
}
