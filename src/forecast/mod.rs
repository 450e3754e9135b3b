//! Forecasting monthly usage from history (SPEC 4.1): fitting one model per
//! series (the `auto` family, or the `drift` method), and turning a
//! scenario's `[history]` into workloads whose volume paths come from those
//! fits. `simulate` and `forecast` draw from the same predictive distribution.

pub mod auto;
pub mod backtest;

use std::path::Path;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{Error, Result};
use crate::ingest::{read_history, HistoryOptions, Series};
use crate::spec::catalog::Catalog;
use crate::spec::file::{ForecastSec, HistorySec};
use crate::spec::month::Month;
use crate::spec::scenario::{check_shares, Growth, Shares, VolumeModel, Workload};

pub use auto::AutoModel;

/// Forecast methods (SPEC 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The model family of [`auto`], selected and averaged from the data.
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

/// A volume model fitted to one history series by the `auto` method.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedModel {
    /// The fitted family.
    pub model: AutoModel,
    /// Months between the end of the history and the scenario's start,
    /// simulated and discarded.
    pub skip: usize,
}

impl FittedModel {
    /// Draws one path of monthly log-volumes into `out` (SPEC 4.1; `z` is the
    /// workload's growth-copula normal, `common` the common monthly shocks).
    pub fn sample(&self, rng: &mut crate::sim::rng::Rng, z: f64, common: &[f64], corr: (f64, f64), out: &mut [f64]) {
        self.model.sample(rng, z, common, corr, self.skip, out);
    }
}

/// Student-t quantile at `Phi(z)` with `df` degrees of freedom.
pub fn student_t_from_normal(z: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => {
            // Use the symmetric tail for precision above the median.
            let p = crate::spec::dist::phi(-z.abs());
            let q = t.inverse_cdf(p);
            if z > 0.0 {
                -q
            } else {
                q
            }
        }
        Err(_) => z,
    }
}

/// SPEC 4.1 `drift` fitted to a positive series: `mu_hat`, `sigma_hat` of
/// the `n` monthly log-differences, growth `mu_hat + sigma_hat / sqrt(n) T`,
/// `T ~ t(n - 1)`. Zeros are handled as in `auto` (leading ones dropped,
/// others shifted by half the smallest positive value).
pub fn fit_drift(y: &[f64]) -> std::result::Result<(Growth, f64), auto::FitError> {
    if let Some((i, &v)) = y.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
        return Err(auto::FitError::BadValue(i, v));
    }
    let y: Vec<f64> = y.iter().copied().skip_while(|&v| v == 0.0).collect();
    if y.len() < auto::MIN_MONTHS {
        return Err(auto::FitError::TooShort(y.len()));
    }
    let min_pos = y.iter().copied().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
    let shift = if y.contains(&0.0) { 0.5 * min_pos } else { 0.0 };
    let d: Vec<f64> = y.windows(2).map(|w| ((w[1] + shift) / (w[0] + shift)).ln()).collect();
    let n = d.len() as f64;
    let mu = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Ok((Growth::LogT { mu, se: sd / n.sqrt(), df: n - 1.0 }, sd))
}

/// Monthly totals (input + cached + output tokens) of a series.
pub fn totals(s: &Series) -> Vec<f64> {
    s.months.iter().map(|m| m.input + m.output + m.cached).collect()
}

/// The token mix of a series over its last (up to) three months with usage.
pub fn recent_shares(s: &Series) -> Option<Shares> {
    let recent: Vec<_> = s.months.iter().rev().filter(|m| m.input + m.output + m.cached > 0.0).take(3).collect();
    let (i, o, c) = recent.iter().fold((0.0, 0.0, 0.0), |a, m| (a.0 + m.input, a.1 + m.output, a.2 + m.cached));
    let total = i + o + c;
    (total > 0.0).then(|| Shares { input: i / total, output: o / total, cached: c / total })
}

/// Reads `[history]` and fits one workload per series (SPEC 3.3, 4.1).
pub fn workloads_from_history(
    path: &Path,
    h: &HistorySec,
    catalog: &Catalog,
    start: Month,
    fc: &ForecastSec,
    warnings: &mut Vec<String>,
) -> Result<Vec<Workload>> {
    let opts = HistoryOptions::from_sec(path, h)?;
    let file = path.parent().unwrap_or(Path::new(".")).join(&h.file);
    if !file.is_file() {
        return Err(Error::invalid(path, "history.file", format!("usage history `{}` not found", file.display())));
    }
    let history = read_history(&file, &opts, Some(catalog))?;
    warnings.extend(history.warnings.iter().map(|w| format!("{}: {w}", file.display())));
    let method = Method::parse(fc.method.as_deref())
        .ok_or_else(|| Error::invalid(path, "forecast.method", "expected `auto` or `drift`"))?;
    let overridden = fc.growth_annual.is_some() || fc.volatility_monthly.is_some();
    let mut out = Vec::new();
    for s in &history.series {
        let model = catalog.find(&s.model).map_err(|m| Error::invalid(&file, "model", m))?;
        let last = s.last();
        if last >= start {
            return Err(Error::invalid(
                path,
                "start",
                format!("the history of `{}` runs to {last}, but the scenario starts at {start}; start after the history ends", s.workload),
            ));
        }
        let y = totals(s);
        let skip = (start.since(last) - 1) as usize;
        let shares = recent_shares(s).ok_or_else(|| {
            Error::invalid(
                &file,
                "input_tokens",
                format!("series `{}` on `{}` has no usage at all", s.workload, s.model),
            )
        })?;
        let shares =
            check_shares(shares.input, shares.output, shares.cached).map_err(|(k, m)| Error::invalid(&file, k, m))?;
        let volume = fit_volume(&y, method, overridden, fc, skip).map_err(|e| fit_error(&file, s, e))?;
        if y.len() < auto::MIN_AUTO_MONTHS {
            warnings.push(format!(
                "`{}` on `{}` has only {} months of history: its forecast is very wide; state growth_annual under [forecast] if you know better",
                s.workload, s.model, y.len()
            ));
        }
        out.push(Workload {
            name: s.workload.clone(),
            model,
            base_tokens: *y.last().unwrap_or(&0.0),
            shares,
            batch_share: h.batch_share.get(&s.workload).copied().unwrap_or(0.0),
            volume,
            history: Some(y.iter().enumerate().map(|(i, v)| (s.first.plus(i as i32), *v)).collect()),
        });
    }
    Ok(out)
}

/// The volume model of one series: `auto`, or `drift` (also whenever
/// `[forecast]` overrides growth or volatility, which are `drift` parameters).
pub fn fit_volume(
    y: &[f64],
    method: Method,
    overridden: bool,
    fc: &ForecastSec,
    skip: usize,
) -> std::result::Result<VolumeModel, auto::FitError> {
    if method == Method::Auto && !overridden {
        return Ok(VolumeModel::Fitted(FittedModel { model: AutoModel::fit(y)?, skip }));
    }
    let (growth, sigma) = fit_drift(y)?;
    let growth = fc.growth_annual.clone().map_or(growth, Growth::Annual);
    Ok(VolumeModel::Drift { growth, sigma: fc.volatility_monthly.unwrap_or(sigma) })
}

/// The input error for a series that cannot be fitted.
pub(crate) fn fit_error(file: &Path, s: &Series, e: auto::FitError) -> Error {
    match e {
        auto::FitError::TooShort(n) => Error::invalid(
            file,
            "month",
            format!(
                "series `{}` on `{}` has {n} month(s) of usage; at least {} are needed to fit a forecast. \
                 Add earlier months to the file, or give the workload explicitly as [[workloads]] with growth_annual",
                s.workload,
                s.model,
                auto::MIN_MONTHS
            ),
        ),
        auto::FitError::BadValue(i, v) => Error::invalid(
            file,
            "input_tokens",
            format!("series `{}` has an invalid total {v} in month {}", s.workload, s.first.plus(i as i32)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
