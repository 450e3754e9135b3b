//! Forecasting monthly usage from history (SPEC 4.1): fitting one model per
//! series (the `auto` family, or the `drift` method), and turning a
//! scenario's `[history]` into workloads whose volume paths come from those
//! fits. `simulate` and `forecast` draw from the same predictive distribution.

pub mod auto;

use rand::Rng as _;
use rand_distr::StandardNormal;

use crate::spec::file::ForecastSec;
use crate::spec::values::Growth;

pub use auto::AutoModel;

/// Forecast methods (SPEC 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The model family of `auto` (`forecast::auto`), selected and averaged from the data.
    Auto,
    /// Log random walk with a Student-t drift.
    Drift,
}

impl Method {
    /// Parses `auto` or `drift`.
    pub fn parse(s: Option<&str>) -> Option<Method> {
        match s {
            None | Some("auto") => Some(Method::Auto),
            Some("drift") => Some(Method::Drift),
            _ => None,
        }
    }
}

/// A volume model fitted to one history series, simulated from the end of
/// that history.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedModel {
    /// The fitted family.
    pub family: Family,
    /// Months between the end of the history and the scenario's start,
    /// simulated and discarded.
    pub skip: usize,
    /// Months of history the fit used (after leading zeros).
    pub months: usize,
}

/// What a history series was fitted with.
#[derive(Debug, Clone, PartialEq)]
pub enum Family {
    /// The `auto` family (the default method).
    Auto(AutoModel),
    /// SPEC 4.1 `drift` (`method = "drift"`, or `[forecast]` growth or
    /// volatility stated).
    Drift(DriftModel),
}

impl FittedModel {
    /// Draws one path of monthly log-volumes into `out` (SPEC 4.1; `z` is the
    /// workload's growth-copula normal, `common` the common monthly shocks).
    pub fn sample(&self, rng: &mut crate::math::rng::Rng, z: f64, common: &[f64], corr: (f64, f64), out: &mut [f64]) {
        match &self.family {
            Family::Auto(m) => m.sample(rng, z, common, corr, self.skip, out),
            Family::Drift(d) => d.sample(rng, z, common, corr, self.skip, out),
        }
    }

    /// Widens the bands by `k` (at least 1): the innovation scale of every
    /// draw (an `auto` model's noise and parameter draws, a `drift` model's
    /// volatility) is multiplied by `k`. `k = 1` changes no number.
    pub fn widen(&mut self, k: f64) {
        match &mut self.family {
            Family::Auto(m) => m.widen *= k,
            Family::Drift(d) => d.sigma *= k,
        }
    }

    /// How the volume is modelled, for reports.
    pub fn describe(&self) -> String {
        match &self.family {
            Family::Auto(m) => format!("auto: {}", m.describe()),
            Family::Drift(d) => d.describe(),
        }
    }

    /// True when the growth is fitted (not stated) from fewer than
    /// [`auto::MIN_AUTO_MONTHS`] months: the upper tail is then so heavy that
    /// means rest on a few extreme paths (docs/forecast.md, "Means").
    pub fn is_short(&self) -> bool {
        let fitted_growth = match &self.family {
            Family::Auto(_) => true,
            Family::Drift(d) => matches!(d.growth, Growth::LogT { .. }),
        };
        fitted_growth && self.months < auto::MIN_AUTO_MONTHS
    }
}

/// SPEC 4.1 `drift` continued from the last history month: `log V` is a
/// random walk with per-path drift `g` (damped by `[forecast] damping`) and
/// monthly volatility `sigma`, started at `ln(y_n + c)`, where `c` is the
/// shift that makes inner zeros usable (0 without zeros).
#[derive(Debug, Clone, PartialEq)]
pub struct DriftModel {
    /// Monthly log-growth of the median path: fitted (Student-t), or from
    /// `[forecast] growth_annual`.
    pub growth: Growth,
    /// Monthly volatility of the log-volume.
    pub sigma: f64,
    /// True when `sigma` is `[forecast] volatility_monthly`.
    pub sigma_stated: bool,
    /// `ln(y_n + c)`.
    log_last: f64,
    /// The shift `c`.
    shift: f64,
    /// Growth decays by this factor each month after the history.
    damping: f64,
}

impl DriftModel {
    /// Fits `drift` to monthly values `y` (oldest first), taking growth and
    /// volatility from `fc` where it states them. With both stated, one month
    /// of history (the starting level) is enough; otherwise
    /// [`auto::MIN_MONTHS`] are needed.
    pub fn fit(y: &[f64], fc: &ForecastSec) -> std::result::Result<DriftModel, auto::FitError> {
        let (y, shift) = clean(y)?;
        let stated = fc.growth_annual.is_some() && fc.volatility_monthly.is_some();
        if y.is_empty() || (!stated && y.len() < auto::MIN_MONTHS) {
            return Err(auto::FitError::TooShort(y.len()));
        }
        let fitted = if y.len() >= auto::MIN_MONTHS { Some(fit_drift(&y)?) } else { None };
        let growth = match (&fc.growth_annual, &fitted) {
            (Some(g), _) => Growth::Annual(g.clone()),
            (None, Some((g, _))) => g.clone(),
            (None, None) => unreachable!("growth is stated or fitted: checked above"),
        };
        let sigma = fc.volatility_monthly.or(fitted.map(|f| f.1)).unwrap_or(0.0);
        Ok(DriftModel {
            growth,
            sigma,
            sigma_stated: fc.volatility_monthly.is_some(),
            log_last: (y[y.len() - 1] + shift).ln(),
            shift,
            damping: fc.damping.unwrap_or(1.0),
        })
    }

    /// Draws one path: `skip` months after the history are simulated (with
    /// independent shocks) and discarded, then `out` receives the next
    /// `out.len()` months as log-volumes, their shocks correlated with the
    /// common factor. The draws are those of an explicit `drift` workload:
    /// the growth from `z`, then one normal per month.
    pub fn sample(
        &self,
        rng: &mut crate::math::rng::Rng,
        z: f64,
        common: &[f64],
        corr: (f64, f64),
        skip: usize,
        out: &mut [f64],
    ) {
        let g = self.growth.monthly_rate(z);
        let (sa, sb) = (self.sigma * corr.0, self.sigma * corr.1);
        let mut acc = self.log_last;
        for h in 0..skip + out.len() {
            let zn: f64 = rng.sample(StandardNormal);
            let trend = g * self.damping.powi(h as i32);
            if h < skip {
                acc += trend + self.sigma * zn;
                continue;
            }
            acc += trend + sa * common[h - skip] + sb * zn;
            out[h - skip] = if self.shift == 0.0 {
                acc
            } else {
                crate::math::fastmath::ln((acc.min(700.0).exp() - self.shift).max(0.0))
            };
        }
    }

    fn describe(&self) -> String {
        let growth = if matches!(self.growth, Growth::Annual(_)) { "[forecast] growth_annual" } else { "fitted" };
        let sigma = if self.sigma_stated { "[forecast] volatility_monthly" } else { "fitted" };
        format!("drift (growth {growth}, volatility {sigma})")
    }
}

/// Checks a series and drops its leading zeros (a workload launched
/// mid-history); returns the rest and the shift `c = min positive / 2`
/// applied to inner zeros (0 without zeros).
fn clean(y: &[f64]) -> std::result::Result<(Vec<f64>, f64), auto::FitError> {
    if let Some((i, &v)) = y.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
        return Err(auto::FitError::BadValue(i, v));
    }
    let y: Vec<f64> = y.iter().copied().skip_while(|&v| v == 0.0).collect();
    let min_pos = y.iter().copied().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
    let shift = if y.contains(&0.0) { 0.5 * min_pos } else { 0.0 };
    Ok((y, shift))
}

/// SPEC 4.1 `drift` fitted to a positive series: `mu_hat`, `sigma_hat` of
/// the `n` monthly log-differences, growth `mu_hat + sigma_hat / sqrt(n) T`,
/// `T ~ t(n - 1)`. Zeros are handled as in `auto` (leading ones dropped,
/// others shifted by half the smallest positive value).
pub fn fit_drift(y: &[f64]) -> std::result::Result<(Growth, f64), auto::FitError> {
    let (y, shift) = clean(y)?;
    if y.len() < auto::MIN_MONTHS {
        return Err(auto::FitError::TooShort(y.len()));
    }
    let d: Vec<f64> = y.windows(2).map(|w| ((w[1] + shift) / (w[0] + shift)).ln()).collect();
    let n = d.len() as f64;
    let mu = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Ok((Growth::LogT { mu, se: sd / n.sqrt(), df: n - 1.0 }, sd))
}

/// The volume model of one series, simulated from the end of its history
/// (`skip` months before the first month wanted): `auto`, or `drift` (also
/// whenever `[forecast]` states growth or volatility, which are `drift`
/// parameters).
pub fn fit_volume(
    y: &[f64],
    method: Method,
    fc: &ForecastSec,
    skip: usize,
) -> std::result::Result<FittedModel, auto::FitError> {
    let overridden = fc.growth_annual.is_some() || fc.volatility_monthly.is_some();
    let months = y.len() - y.iter().take_while(|&&v| v == 0.0).count();
    let family = if method == Method::Auto && !overridden {
        Family::Auto(AutoModel::fit(y)?)
    } else {
        Family::Drift(DriftModel::fit(y, fc)?)
    };
    Ok(FittedModel { family, skip, months })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::normal::student_t_from_normal;

    #[test]
    fn drift_fit_is_the_spec_formula() {
        let y = [100.0, 110.0, 121.0, 133.1];
        let (g, sd) = fit_drift(&y).unwrap();
        match g {
            Growth::LogT { mu, se, df } => {
                assert!((mu - 1.1f64.ln()).abs() < 1e-12);
                assert!(sd < 1e-9 && se < 1e-9);
                assert_eq!(df, 2.0);
            }
            _ => panic!(),
        }
    }

    /// One path of `f` with the common factor switched off.
    fn path(f: &FittedModel, h: usize, seed: u64) -> Vec<f64> {
        use rand::SeedableRng;
        let mut rng = crate::math::rng::Rng::seed_from_u64(seed);
        let mut out = vec![0.0; h];
        f.sample(&mut rng, 0.3, &vec![0.0; h], (0.0, 1.0), &mut out);
        out
    }

    fn drift_sec() -> ForecastSec {
        ForecastSec { method: Some("drift".into()), ..ForecastSec::default() }
    }

    /// Regression: `drift` fitted to a history that ends months before the
    /// scenario's start began at the last history month as if it were the
    /// month before `start`, so the gap's growth was lost (`auto` simulated
    /// it). Both now continue from the end of the history.
    #[test]
    fn drift_from_history_starts_after_the_gap() {
        let y: Vec<f64> = (0..12).map(|t| 1e9 * 1.05f64.powi(t)).collect();
        let fc = drift_sec();
        let no_gap = fit_volume(&y, Method::Drift, &fc, 0).unwrap();
        let gap = fit_volume(&y, Method::Drift, &fc, 6).unwrap();
        // A noiseless series: zero volatility, growth exactly 5% a month.
        let (p0, p6) = (path(&no_gap, 3, 1), path(&gap, 3, 1));
        for t in 0..3 {
            let want = y[11].ln() + (t as f64 + 1.0) * 1.05f64.ln();
            assert!((p0[t] - want).abs() < 1e-9, "month {t}: {} vs {want}", p0[t]);
            assert!((p6[t] - (want + 6.0 * 1.05f64.ln())).abs() < 1e-9, "month {t} after a 6-month gap");
        }
    }

    #[test]
    fn drift_damping_counts_from_the_first_month_after_the_history() {
        let y: Vec<f64> = (0..12).map(|t| 1e9 * 1.05f64.powi(t)).collect();
        let fc = ForecastSec { damping: Some(0.5), ..drift_sec() };
        let g = 1.05f64.ln();
        let p = path(&fit_volume(&y, Method::Drift, &fc, 2).unwrap(), 2, 1);
        // Months after the history grow by g, g/2 (both skipped), g/4, g/8.
        assert!((p[0] - (y[11].ln() + g * 1.75)).abs() < 1e-9);
        assert!((p[1] - (y[11].ln() + g * 1.875)).abs() < 1e-9);
    }

    #[test]
    fn drift_after_a_zero_month_restarts_from_the_shift() {
        // The last month is zero: the path starts at the shift c, not at zero forever.
        let y = [100.0, 120.0, 90.0, 130.0, 0.0];
        let f = fit_volume(&y, Method::Drift, &drift_sec(), 0).unwrap();
        let any_positive = (0..200).any(|seed| path(&f, 6, seed).iter().any(|v| v.exp() > 0.0));
        assert!(any_positive);
    }

    #[test]
    fn stated_growth_and_volatility_need_only_one_month() {
        let fc = ForecastSec {
            growth_annual: Some(crate::spec::dist::Dist::Fixed(0.0)),
            volatility_monthly: Some(0.0),
            ..ForecastSec::default()
        };
        let f = fit_volume(&[0.0, 5e8], Method::Auto, &fc, 0).unwrap();
        assert!(!f.is_short());
        assert!(path(&f, 4, 3).iter().all(|v| (v - 5e8f64.ln()).abs() < 1e-12));
        // Growth alone is not enough: volatility is then fitted, from 3 months or more.
        let fc = ForecastSec { volatility_monthly: None, ..fc };
        assert_eq!(fit_volume(&[5e8, 6e8], Method::Auto, &fc, 0).unwrap_err(), auto::FitError::TooShort(2));
    }

    #[test]
    fn short_means_fitted_growth_on_few_months_after_leading_zeros() {
        let y = [0.0, 0.0, 0.0, 10.0, 11.0, 12.0, 13.0];
        let f = fit_volume(&y, Method::Auto, &ForecastSec::default(), 0).unwrap();
        assert_eq!(f.months, 4);
        assert!(f.is_short());
        let long: Vec<f64> = (0..8).map(|t| 10.0 + t as f64).collect();
        assert!(!fit_volume(&long, Method::Auto, &ForecastSec::default(), 0).unwrap().is_short());
    }

    #[test]
    fn student_t_quantile_is_symmetric_and_heavier_than_normal() {
        for z in [0.5, 1.0, 2.0, 3.0] {
            let t = student_t_from_normal(z, 3.0);
            assert!((t + student_t_from_normal(-z, 3.0)).abs() < 1e-9);
            assert!(t > z);
        }
        // Many degrees of freedom: close to the normal (t_1000 at Φ(1) is 1.0005).
        assert!((student_t_from_normal(1.0, 1000.0) - 1.0).abs() < 1e-3);
    }
}
