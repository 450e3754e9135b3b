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

/// Paths per series of the back-test run on a scenario's own history.
pub const CHECK_PATHS: usize = 4_000;

/// 80% bands covering less than this share of the held-out months are
/// "badly covered": the brief says so in words.
pub const BADLY_COVERED: f64 = 0.65;

/// The widest `[forecast] calibrate` widens: the factor of 80% bands that
/// covered 20.3% (`Phi^-1(0.9) / Phi^-1(0.6)` = 5.06), capped.
pub const MAX_WIDENING: f64 = 5.0;

/// The back-test of a scenario's fitted history, pooled over its series,
/// and the widening `[forecast] calibrate` applies (docs/forecast.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HistoryCheck {
    /// Series back-tested.
    pub series: usize,
    /// Held-out months scored, over all series.
    pub months: usize,
    /// How many months each series held out: a third of its months, at
    /// least 1 and at most 12, leaving at least 3 to fit.
    pub holdout_rule: String,
    /// Share of held-out months inside the 80% band (p10–p90).
    pub coverage_80: f64,
    /// Share inside the 90% band (p5–p95).
    pub coverage_90: f64,
    /// Mean scaled interval score of the 80% band.
    pub msis_80: f64,
    /// `coverage_80 < BADLY_COVERED`.
    pub badly_covered: bool,
    /// The spread factor that would bring the 80% band to 80% coverage:
    /// `Phi^-1(0.9) / Phi^-1((1 + coverage_80) / 2)` when below 80%, else 1;
    /// at most [`MAX_WIDENING`].
    pub widening: f64,
    /// Whether the scenario's bands were widened by `widening` (`[forecast] calibrate = true`).
    pub calibrated: bool,
    /// Series left out (too short), with the reason.
    pub skipped: Vec<String>,
}

/// Months a series of `n` months holds out in the history check.
pub fn check_holdout(n: usize) -> usize {
    (n / 3).clamp(1, 12)
}

/// The spread factor that brings 80% bands covering `c` to 80%, under a
/// normal error: `Phi^-1(0.9) / Phi^-1((1 + c) / 2)`; 1 at or above 80%, at
/// most [`MAX_WIDENING`].
pub fn widening(c: f64) -> f64 {
    if c.is_nan() || c >= 0.8 {
        return 1.0;
    }
    let z = phi_inv((1.0 + c) / 2.0);
    if z <= 0.0 {
        return MAX_WIDENING;
    }
    (phi_inv(0.9) / z).min(MAX_WIDENING)
}

/// Back-tests every workload the scenario fitted from history (its own
/// months, the fitted method, [`CHECK_PATHS`] paths, the scenario's seed):
/// `None` when no workload is fitted or no series is long enough.
pub fn check_history(sc: &crate::scenario::Scenario) -> Option<HistoryCheck> {
    use crate::forecast::Family;
    use crate::scenario::VolumeModel;
    let series: Vec<(String, String, Vec<f64>, Method)> = sc
        .workloads
        .iter()
        .filter_map(|w| match (&w.volume, &w.history) {
            (VolumeModel::Fitted(f), Some(h)) => {
                let method = if matches!(f.family, Family::Auto(_)) { Method::Auto } else { Method::Drift };
                let model = sc.catalog.models[w.model].id.clone();
                Some((w.name.clone(), model, h.iter().map(|(_, v)| *v).collect(), method))
            }
            _ => None,
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    let rows: Vec<_> = series
        .par_iter()
        .enumerate()
        .map(|(i, (_, _, y, m))| {
            let h = check_holdout(y.len());
            if y.len() < h + crate::forecast::auto::MIN_MONTHS {
                return Err(format!("{} months is too short to hold out one and fit 3", y.len()));
            }
            backtest_series(y, h, *m, CHECK_PATHS, sc.seed, i as u64).map(|(lag, scores)| (h, lag, scores))
        })
        .collect();
    let mut ok = Vec::new();
    let mut skipped = Vec::new();
    for ((w, m, y, _), r) in series.iter().zip(rows) {
        match r {
            Ok((h, lag, scores)) => ok.push(SeriesResult {
                workload: w.clone(),
                model: m.clone(),
                fit_months: y.len() - h,
                scale_lag: lag,
                scores,
            }),
            Err(why) => skipped.push(format!("`{w}` on `{m}`: {why}")),
        }
    }
    if ok.is_empty() {
        return None;
    }
    let pooled = pool(&ok);
    let own = pooled.iter().find(|s| s.method == "auto" || s.method == "drift")?;
    Some(HistoryCheck {
        series: ok.len(),
        months: own.months,
        holdout_rule: "the last third of each series' months (at least 1, at most 12), forecast from the months before"
            .into(),
        coverage_80: own.coverage_80,
        coverage_90: own.coverage_90,
        msis_80: own.msis_80,
        badly_covered: own.coverage_80 < BADLY_COVERED,
        widening: widening(own.coverage_80),
        calibrated: false,
        skipped,
    })
}

/// `[forecast] calibrate = true`: back-tests the scenario's history and
/// widens every fitted workload's bands by the measured factor, with a
/// warning that states it. Returns the check (`calibrated` set).
pub fn calibrate(sc: &mut crate::scenario::Scenario) -> Option<HistoryCheck> {
    if !sc.calibrate {
        return None;
    }
    let Some(mut check) = check_history(sc) else {
        sc.warnings.push(
            "[forecast] calibrate: no workload is fitted from a history long enough to back-test (4 months or more), \
             so the bands are as fitted"
                .into(),
        );
        return None;
    };
    for w in &mut sc.workloads {
        if let crate::scenario::VolumeModel::Fitted(f) = &mut w.volume {
            f.widen(check.widening);
        }
    }
    check.calibrated = true;
    sc.warnings.push(format!(
        "[forecast] calibrate: on the history's last months the 80% bands covered {:.1}% of {} held-out months; \
         every fitted workload's spread is multiplied by {:.2}",
        100.0 * check.coverage_80,
        check.months,
        check.widening
    ));
    Some(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_restores_the_normal_quantile() {
        assert_eq!(widening(0.8), 1.0);
        assert_eq!(widening(0.95), 1.0);
        assert_eq!(widening(f64::NAN), 1.0);
        // 80% bands covering 50%: the half-width was z(0.75) sigma, so sigma' = z(0.9) / z(0.75) sigma.
        assert!((widening(0.5) - 1.2815515655446004 / 0.6744897501960817).abs() < 1e-9);
        assert_eq!(widening(0.0), MAX_WIDENING);
        assert_eq!(widening(0.1), MAX_WIDENING);
        assert_eq!((check_holdout(4), check_holdout(12), check_holdout(24), check_holdout(60)), (1, 4, 8, 12));
    }

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
