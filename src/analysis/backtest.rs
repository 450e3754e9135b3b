//! Back-testing forecasts on a user's own history (`commitsim backtest`):
//! hold out the last months of each series, forecast them, and score the
//! intervals, beside two baselines a user can check by hand.
//!
//! Scores, per series and pooled over series and horizons (the definitions of
//! the M4 competition, used for the M3 calibration in docs/forecast.md):
//! - coverage of the 50%, 80% and 90% intervals (p25–p75, p10–p90, p5–p95);
//! - the mean scaled interval score of the 80% interval,
//!   `mean_h [(U - L) + (2/α)(L - y)⁺ + (2/α)(y - U)⁺] / scale`, α = 0.2;
//! - the scaled error of the median, `mean_h |y - p50| / scale`;
//!
//! where `scale` is the in-sample mean absolute 12-month difference (the
//! 1-month difference when the fit window is shorter than 13 months).
//! Pooled coverage counts every held-out month; pooled MSIS and errors are
//! means over series.

use rand::Rng as _;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::stats::percentiles;
use crate::forecast::auto::FitError;
use crate::forecast::{fit_volume, Method};
use crate::math::rng::stream_rng;
use crate::spec::dist::phi_inv;
use crate::spec::file::ForecastSec;

/// Random stream of the back-test (per series index as the "chunk").
const STREAM_BACKTEST: u64 = 1 << 41;
/// Probability levels of the interval ends: p5, p10, p25, p50, p75, p90, p95.
const LEVELS: [f64; 7] = [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0];

/// Interval scores of one method on one or many series.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Score {
    /// `auto`, `drift`, `rw_drift` or `seasonal_naive`.
    pub method: String,
    /// Held-out months scored.
    pub months: usize,
    /// Share inside p25–p75.
    pub coverage_50: f64,
    /// Share inside p10–p90.
    pub coverage_80: f64,
    /// Share inside p5–p95.
    pub coverage_90: f64,
    /// Mean scaled interval score of the 80% interval.
    pub msis_80: f64,
    /// Mean absolute error of the median over the scale.
    pub scaled_median_error: f64,
}

/// One series' results.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesResult {
    /// Workload.
    pub workload: String,
    /// Model.
    pub model: String,
    /// Months fitted.
    pub fit_months: usize,
    /// The scale's lag: 12, or 1 for short fit windows.
    pub scale_lag: usize,
    /// Per method.
    pub scores: Vec<Score>,
}

/// The `backtest` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BacktestReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// The history file.
    pub file: String,
    /// Months held out at the end of each series.
    pub holdout: usize,
    /// The method under test.
    pub method: String,
    /// Paths per series.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Pooled scores per method.
    pub pooled: Vec<Score>,
    /// Per series.
    pub series: Vec<SeriesResult>,
    /// Series left out, with the reason.
    pub skipped: Vec<String>,
}

/// Quantile forecasts `[p5, p10, p25, p50, p75, p90, p95]` for each held-out month.
type Bands = Vec<[f64; 7]>;

/// Back-tests one series `y` (oldest first) holding out its last `holdout`
/// months. Returns None (with the reason) when the series is too short.
pub fn backtest_series(
    y: &[f64],
    holdout: usize,
    method: Method,
    paths: usize,
    seed: u64,
    index: u64,
) -> Result<(usize, Vec<Score>), String> {
    if holdout == 0 || y.len() < holdout + 3 {
        return Err(format!("{} months is too short to hold out {holdout} and fit at least 3", y.len()));
    }
    let (fit, test) = y.split_at(y.len() - holdout);
    let lag = if fit.len() > 12 { 12 } else { 1 };
    let scale = fit.windows(lag + 1).map(|w| (w[lag] - w[0]).abs()).sum::<f64>() / (fit.len() - lag) as f64;
    if !(scale > 0.0 && scale.is_finite()) {
        return Err("the fit window is constant, so no error scale exists".into());
    }
    let mut rng = stream_rng(seed, index, STREAM_BACKTEST);
    let mut scores = Vec::new();
    let bands = simulate_bands(fit, holdout, method, paths, &mut rng).map_err(|e| e.to_string())?;
    scores.push(score(if method == Method::Auto { "auto" } else { "drift" }, &bands, test, scale));
    if let Some(b) = rw_drift_bands(fit, holdout) {
        scores.push(score("rw_drift", &b, test, scale));
    }
    if let Some(b) = seasonal_naive_bands(fit, holdout) {
        scores.push(score("seasonal_naive", &b, test, scale));
    }
    Ok((lag, scores))
}

/// The product's predictive distribution for the held-out months: the same
/// fit and the same sampler `forecast` and `simulate` use, for one series
/// (no common factor).
fn simulate_bands(
    fit: &[f64],
    h: usize,
    method: Method,
    paths: usize,
    rng: &mut crate::math::rng::Rng,
) -> Result<Bands, FitError> {
    let model = fit_volume(fit, method, &ForecastSec::default(), 0)?;
    let mut cols = vec![Vec::with_capacity(paths); h];
    let mut out = vec![0.0; h];
    let zeros = vec![0.0; h];
    for _ in 0..paths {
        let z: f64 = rng.sample(StandardNormal);
        model.sample(rng, z, &zeros, (0.0, 1.0), &mut out);
        cols.iter_mut().zip(&out).for_each(|(c, v)| c.push(v.exp()));
    }
    Ok(cols.iter().map(|c| percentiles(c, &LEVELS).try_into().expect("seven levels")).collect())
}

/// A random walk with drift on log values, Gaussian, no parameter
/// uncertainty: `exp(ln y_n + h μ ± z √h σ)`.
fn rw_drift_bands(fit: &[f64], h: usize) -> Option<Bands> {
    let y: Vec<f64> = fit.iter().copied().skip_while(|&v| v == 0.0).collect();
    let min_pos = y.iter().copied().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
    let c = if y.contains(&0.0) { 0.5 * min_pos } else { 0.0 };
    let d: Vec<f64> = y.windows(2).map(|w| ((w[1] + c) / (w[0] + c)).ln()).collect();
    if d.len() < 2 {
        return None;
    }
    let n = d.len() as f64;
    let mu = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let last = (y.last()? + c).ln();
    Some(
        (1..=h)
            .map(|k| {
                let k = k as f64;
                LEVELS.map(|p| ((last + k * mu + phi_inv(p / 100.0) * k.sqrt() * sd).exp() - c).max(0.0))
            })
            .collect(),
    )
}

/// Seasonal naive: `y_(n+h-12k)` with Gaussian intervals `± z σ √k`, σ the
/// root mean square of the method's residuals `y_t - y_(t-12)` (Hyndman &
/// Athanasopoulos, FPP3 §5.5), k the number of years ahead.
fn seasonal_naive_bands(fit: &[f64], h: usize) -> Option<Bands> {
    let n = fit.len();
    if n < 14 {
        return None;
    }
    let d: Vec<f64> = fit.windows(13).map(|w| w[12] - w[0]).collect();
    let sd = (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64).sqrt();
    Some(
        (1..=h)
            .map(|step| {
                let k = (step - 1) / 12 + 1;
                let point = fit[n + step - 12 * k - 1];
                LEVELS.map(|p| point + phi_inv(p / 100.0) * (k as f64).sqrt() * sd)
            })
            .collect(),
    )
}

fn score(method: &str, bands: &Bands, test: &[f64], scale: f64) -> Score {
    let alpha = 0.2;
    let (mut c50, mut c80, mut c90, mut is, mut err) = (0usize, 0usize, 0usize, 0.0, 0.0);
    for (b, &y) in bands.iter().zip(test) {
        let inside = |lo: f64, hi: f64| usize::from(lo <= y && y <= hi);
        c50 += inside(b[2], b[4]);
        c80 += inside(b[1], b[5]);
        c90 += inside(b[0], b[6]);
        let (l, u) = (b[1], b[5]);
        is += (u - l) + 2.0 / alpha * (l - y).max(0.0) + 2.0 / alpha * (y - u).max(0.0);
        err += (y - b[3]).abs();
    }
    let h = test.len() as f64;
    Score {
        method: method.into(),
        months: test.len(),
        coverage_50: c50 as f64 / h,
        coverage_80: c80 as f64 / h,
        coverage_90: c90 as f64 / h,
        msis_80: is / h / scale,
        scaled_median_error: err / h / scale,
    }
}

/// Pools per-series scores by method: coverage over all months, MSIS and
/// errors averaged over series.
pub fn pool(results: &[SeriesResult]) -> Vec<Score> {
    let mut names: Vec<String> = Vec::new();
    for r in results {
        for s in &r.scores {
            if !names.contains(&s.method) {
                names.push(s.method.clone());
            }
        }
    }
    names
        .iter()
        .map(|name| {
            let all: Vec<&Score> = results.iter().flat_map(|r| r.scores.iter().filter(|s| &s.method == name)).collect();
            let months: usize = all.iter().map(|s| s.months).sum();
            let wmean =
                |f: &dyn Fn(&Score) -> f64| all.iter().map(|s| f(s) * s.months as f64).sum::<f64>() / months as f64;
            let smean = |f: &dyn Fn(&Score) -> f64| all.iter().map(|s| f(s)).sum::<f64>() / all.len() as f64;
            Score {
                method: name.clone(),
                months,
                coverage_50: wmean(&|s| s.coverage_50),
                coverage_80: wmean(&|s| s.coverage_80),
                coverage_90: wmean(&|s| s.coverage_90),
                msis_80: smean(&|s| s.msis_80),
                scaled_median_error: smean(&|s| s.scaled_median_error),
            }
        })
        .collect()
}

/// Back-tests every series in parallel (deterministic: each series has its own stream).
pub fn backtest_all(
    series: &[(String, String, Vec<f64>)],
    holdout: usize,
    method: Method,
    paths: usize,
    seed: u64,
) -> (Vec<SeriesResult>, Vec<String>) {
    let rows: Vec<_> = series
        .par_iter()
        .enumerate()
        .map(|(i, (w, m, y))| (w, m, y.len(), backtest_series(y, holdout, method, paths, seed, i as u64)))
        .collect();
    let mut ok = Vec::new();
    let mut skipped = Vec::new();
    for (w, m, n, r) in rows {
        match r {
            Ok((lag, scores)) => ok.push(SeriesResult {
                workload: w.clone(),
                model: m.clone(),
                fit_months: n - holdout,
                scale_lag: lag,
                scores,
            }),
            Err(why) => skipped.push(format!("`{w}` on `{m}`: {why}")),
        }
    }
    (ok, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_score_by_hand() {
        // One month, 80% interval [10, 20], median 15; y = 25 is 5 above U.
        let b = vec![[5.0, 10.0, 12.0, 15.0, 18.0, 20.0, 30.0]];
        let s = score("x", &b, &[25.0], 2.0);
        assert_eq!((s.coverage_50, s.coverage_80, s.coverage_90), (0.0, 0.0, 1.0));
        assert!((s.msis_80 - (10.0 + 10.0 * 5.0) / 2.0).abs() < 1e-12);
        assert!((s.scaled_median_error - 5.0).abs() < 1e-12);
    }

    #[test]
    fn seasonal_naive_repeats_last_year_and_widens_by_year() {
        let fit: Vec<f64> = (0..24).map(|t| 100.0 + (t % 12) as f64 + if t >= 12 { 10.0 } else { 0.0 }).collect();
        let b = seasonal_naive_bands(&fit, 13).unwrap();
        assert_eq!(b[0][3], fit[12]);
        assert_eq!(b[12][3], fit[12]);
        // Every 12-month residual is 10: sigma = 10, so p95 - p5 = 2 × 1.645 × 10.
        assert!((b[0][6] - b[0][0] - 2.0 * 1.644_853_626_951_472_2 * 10.0).abs() < 1e-9);
        // Thirteen months ahead is the second year: sqrt(2) wider.
        assert!(((b[12][6] - b[12][0]) / (b[0][6] - b[0][0]) - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn rw_drift_median_follows_the_mean_log_growth() {
        let fit: Vec<f64> = (0..10).map(|t| 100.0 * 1.05f64.powi(t)).collect();
        let b = rw_drift_bands(&fit, 3).unwrap();
        assert!((b[2][3] / (fit[9] * 1.05f64.powi(3)) - 1.0).abs() < 1e-9);
    }
}
