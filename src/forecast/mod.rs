//! Forecasting monthly usage from history (SPEC 4.1).

use std::path::Path;

use crate::error::{Error, Result};
use crate::spec::catalog::Catalog;
use crate::spec::file::{ForecastSec, HistorySec};
use crate::spec::month::Month;
use crate::spec::scenario::Workload;

/// A volume model fitted to one history series.
#[derive(Debug, Clone)]
pub struct FittedModel {}

/// Reads `[history]` and fits one workload per series.
pub fn workloads_from_history(
    path: &Path,
    _h: &HistorySec,
    _catalog: &Catalog,
    _start: Month,
    _fc: &ForecastSec,
    _warnings: &mut Vec<String>,
) -> Result<Vec<Workload>> {
    Err(Error::invalid(path, "history", "usage history is not supported yet"))
}

impl FittedModel {
    /// Draws one path of monthly volumes into `out`.
    pub fn sample(
        &self,
        _rng: &mut crate::sim::rng::Rng,
        _z: f64,
        _common: &[f64],
        _corr: (f64, f64),
        _base: f64,
        out: &mut [f64],
    ) {
        out.fill(0.0);
    }
}

/// Student-t quantile at `Phi(z)` with `df` degrees of freedom.
pub fn student_t_from_normal(z: f64, df: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(crate::spec::dist::phi(z)),
        Err(_) => z,
    }
}
