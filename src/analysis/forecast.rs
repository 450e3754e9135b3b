//! The `forecast` report (SPEC 5): per series (a workload's tokens on one
//! model, after routing) and in total, the mean and p5/p10/p50/p90/p95 of
//! monthly tokens, from the same paths `simulate` bills.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::stats::{mean, percentiles};
use crate::analysis::backtest::HistoryCheck;
use crate::error::{Error, Result};
use crate::forecast::{fit_volume, Method};
use crate::ingest::{read_history, HistoryOptions};
use crate::scenario::history::{fit_error, recent_shares, short_history_warning, totals};
use crate::scenario::{Risk, Scenario, VolumeModel, Workload};
use crate::sim::engine::map_paths;
use crate::sim::Plan;
use crate::spec::catalog::{Catalog, Model, Modifiers, Prices};
use crate::spec::dist::Dist;
use crate::spec::file::ForecastSec;
use crate::spec::values::Shares;

/// Quantile arrays, one value per forecast month.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bands {
    /// 5th percentile.
    pub p5: Vec<f64>,
    /// 10th percentile.
    pub p10: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 90th percentile.
    pub p90: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
    /// Mean.
    pub mean: Vec<f64>,
}

impl Bands {
    /// Month `i`'s p5, p10, p50, p90, p95 and mean, in that order.
    pub fn month(&self, i: usize) -> [f64; 6] {
        [self.p5[i], self.p10[i], self.p50[i], self.p90[i], self.p95[i], self.mean[i]]
    }
}

/// A month of history.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HistoryPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Tokens (input + cached + output).
    pub tokens: f64,
}

/// One series of the forecast.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesForecast {
    /// Workload.
    pub workload: String,
    /// Model id.
    pub model: String,
    /// The quantiles.
    #[serde(flatten)]
    pub bands: Bands,
    /// How the volume is modelled (the selected `auto` model, `drift`, an event...).
    pub method: String,
    /// Past months, when the series came from a history file.
    pub history: Vec<HistoryPoint>,
}

/// The `forecast` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForecastReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// Paths simulated.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// The forecast months.
    pub months: Vec<String>,
    /// Per series.
    pub series: Vec<SeriesForecast>,
    /// All series together.
    pub total: Bands,
    /// The back-test on the scenario's own history (workloads fitted from
    /// history only; absent without).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backtest: Option<crate::analysis::backtest::HistoryCheck>,
    /// List spend per vendor, workload and fiscal year, and the effective
    /// price per model under each offer (absent when a model has no price:
    /// `forecast --history` without a catalog).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spend: Option<crate::analysis::spend::SpendReport>,
    /// Things to know (short histories, scaled partial months).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Memory the per-path matrices of one batch of series may take.
const BATCH_BYTES: usize = 128 << 20;

/// Simulates the volumes of `sc` and summarises them by month. Sources are
/// processed in batches small enough to keep one batch's per-path monthly
/// volumes in memory; each source keeps its own random stream and the common
/// factor is the same in every batch, so the result is that of one joint run.
/// Fails, before any work, when the per-path monthly volumes of the total
/// and of one batch (at least one series and its routed parts) exceed the
/// memory budget of a run ([`crate::sim::engine::RESULT_BUDGET_BYTES`]).
pub fn forecast(sc: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Result<ForecastReport> {
    let full = Plan::new(sc);
    let h = full.horizon;
    let n_src = full.sources.len();
    let last = sc.start.plus(h as i32 - 1);
    if last > crate::spec::month::Month::LAST {
        return Err(Error::Usage(format!(
            "{h} months from {} run to {last}, past {}, the last month a report can name; shorten --horizon",
            sc.start,
            crate::spec::month::Month::LAST
        )));
    }
    let per_path = (h * (2 + sc.routing.len())) as u64;
    crate::sim::engine::check_budget(full.paths, per_path, &format!("{h} months of the total and of a series"))?;
    let per_src = full.paths as usize * h * 8 * (1 + sc.routing.len());
    let batch = (BATCH_BYTES / per_src.max(1)).clamp(1, n_src.max(1));
    let mut series = Vec::new();
    let mut total = vec![vec![0.0; h]; full.paths as usize];
    for first in (0..n_src).step_by(batch) {
        let keep: Vec<usize> = (first..(first + batch).min(n_src)).collect();
        let plan = Plan::subset(sc, Some(&keep));
        let segs = plan.segments.len();
        let rows = map_paths(&plan, &[], 0..plan.chunks(), |ps, _| ps.tokens[..segs * h].to_vec());
        progress(plan.paths * keep.len() as u64 / n_src as u64);
        for (row, tot) in rows.iter().zip(total.iter_mut()) {
            for s in 0..segs {
                for t in 0..h {
                    tot[t] += row[s * h + t];
                }
            }
        }
        let all: Vec<Bands> = (0..segs).into_par_iter().map(|seg| bands(&rows, seg * h, h)).collect();
        for (seg, b) in all.into_iter().enumerate() {
            series.push(describe(sc, &plan, &keep, seg, b));
        }
    }
    let spend = if crate::analysis::spend::priced(sc) {
        Some(crate::analysis::spend::measure(sc, &full, progress)?)
    } else {
        None
    };
    Ok(ForecastReport {
        spend,
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        paths: full.paths,
        seed: full.seed,
        months: (0..h).map(|t| sc.start.plus(t as i32).to_string()).collect(),
        series,
        total: bands(&total, 0, h),
        backtest: crate::analysis::backtest::check_history(sc).map(|c| HistoryCheck { calibrated: sc.calibrate, ..c }),
        warnings: sc.warnings.clone(),
    })
}

/// Quantiles of columns `offset..offset + h` of the per-path rows.
/// Months are summarised in parallel; each month's statistics are computed
/// in path order, so the result does not depend on the thread count.
fn bands(rows: &[Vec<f64>], offset: usize, h: usize) -> Bands {
    let months: Vec<(Vec<f64>, f64)> = (0..h)
        .into_par_iter()
        .map(|t| {
            let col: Vec<f64> = rows.iter().map(|r| r[offset + t]).collect();
            (percentiles(&col, &[5.0, 10.0, 50.0, 90.0, 95.0]), mean(&col))
        })
        .collect();
    let q = |k: usize| months.iter().map(|(p, _)| p[k]).collect();
    Bands { p5: q(0), p10: q(1), p50: q(2), p90: q(3), p95: q(4), mean: months.iter().map(|m| m.1).collect() }
}

fn describe(sc: &Scenario, plan: &Plan, keep: &[usize], seg: usize, bands: Bands) -> SeriesForecast {
    let s = &plan.segments[seg];
    let local = s.source;
    let src = keep[local];
    let model = sc.catalog.models[s.model].id.clone();
    let routed = s.model != plan.sources[local].model;
    let (method, history) = if src < sc.workloads.len() {
        let w = &sc.workloads[src];
        let method = match &w.volume {
            VolumeModel::Fitted(f) => f.describe(),
            VolumeModel::Drift { .. } => "drift (stated growth and volatility)".to_string(),
        };
        let hist = if routed {
            Vec::new()
        } else {
            w.history.iter().flatten().map(|(m, v)| HistoryPoint { month: m.to_string(), tokens: *v }).collect()
        };
        (method, hist)
    } else {
        ("event".to_string(), Vec::new())
    };
    let method = if routed {
        format!("{method}; traffic routed from {}", sc.catalog.models[plan.sources[local].model].id)
    } else {
        method
    };
    SeriesForecast { workload: plan.sources[local].name.clone(), model, bands, method, history }
}

/// How `forecast --history` builds its scenario.
#[derive(Debug, Clone)]
pub struct HistoryForecast {
    /// Months to forecast.
    pub horizon: usize,
    /// Paths.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// `auto` or `drift`.
    pub method: Method,
    /// How the paths are drawn.
    pub sampling: crate::spec::sampling::Sampling,
}

/// A scenario with one fitted workload per series of a history file and no
/// offers, starting the month after the history ends.
pub fn scenario_from_history(
    file: &Path,
    opts: &HistoryOptions,
    catalog: Option<Catalog>,
    f: &HistoryForecast,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Scenario> {
    let history = read_history(file, opts, catalog.as_ref())?;
    if history.series.is_empty() {
        return Err(Error::invalid(file, "input_tokens", "the file has no token usage to forecast"));
    }
    let end = history.series.iter().map(|s| s.last()).max().expect("non-empty");
    let start = end.plus(1);
    let mut catalog = catalog.unwrap_or_else(|| Catalog {
        file: file.to_path_buf(),
        as_of: String::new(),
        currency: "USD".into(),
        models: vec![],
    });
    let n = history.series.len();
    let max_paths = (crate::spec::values::MAX_CELLS / (f.horizon as f64 * (n as f64 + 1.0))) as u64;
    if f.paths < 100 || f.paths > max_paths.min(crate::spec::values::MAX_PATHS) {
        return Err(Error::Usage(format!(
            "--paths: expected 100 to {} for {n} series",
            max_paths.min(crate::spec::values::MAX_PATHS)
        )));
    }
    // Fits are independent and about a millisecond each: run them in parallel
    // (collected in series order, so the result does not depend on threads).
    let fits: Vec<Result<_>> = history
        .series
        .par_iter()
        .map(|s| {
            let skip = (start.since(s.last()) - 1) as usize;
            let fit =
                fit_volume(&totals(s), f.method, &ForecastSec::default(), skip).map_err(|e| fit_error(file, s, e));
            progress(n as u64, 1);
            fit
        })
        .collect();
    let mut workloads = Vec::new();
    let mut warnings: Vec<String> = history.warnings.clone();
    for (s, fitted) in history.series.iter().zip(fits) {
        let fitted = fitted?;
        let model = match catalog.find(&s.model) {
            Ok(i) => i,
            Err(_) => {
                catalog.models.push(placeholder_model(&s.model));
                catalog.models.len() - 1
            }
        };
        let y = totals(s);
        warnings.extend(short_history_warning(s, &fitted));
        workloads.push(Workload {
            name: s.workload.clone(),
            model,
            base_tokens: *y.last().unwrap_or(&0.0),
            shares: recent_shares(s).unwrap_or(Shares { input: 1.0, ..Shares::default() }),
            batch_share: 0.0,
            traffic: Default::default(),
            volume: VolumeModel::Fitted(fitted),
            history: Some(y.iter().enumerate().map(|(i, v)| (s.first.plus(i as i32), *v)).collect()),
        });
    }
    Ok(Scenario {
        name: file.display().to_string(),
        file: file.to_path_buf(),
        start,
        horizon: f.horizon,
        paths: f.paths,
        seed: f.seed,
        sampling: f.sampling,
        fiscal_year_start: 1,
        catalog,
        workloads,
        events: vec![],
        routing: vec![],
        correlation: 0.0,
        damping: 1.0,
        growth_annual: None,
        volatility_monthly: None,
        calibrate: false,
        price_change: Dist::Fixed(0.0),
        step_cut: None,
        risk: Risk { baseline: 0, waste_tolerance: 0.05, max_overcommit_probability: 0.1 },
        offers: vec![],
        portfolios: vec![],
        inputs: vec![file.to_path_buf()],
        warnings,
    })
}

/// A model the forecast needs only by name (no catalog given).
fn placeholder_model(id: &str) -> Model {
    let zero = Prices { input: 0.0, output: 0.0, cached: 0.0, cache_write: 0.0, cache_write_long: 0.0 };
    Model {
        id: id.into(),
        provider: String::new(),
        base: zero,
        batch_multiplier: 1.0,
        aliases: vec![],
        source: None,
        read: None,
        schedule: vec![],
        cached_is_input: true,
        cache_write_is_input: true,
        cache_write_long_is_short: true,
        retirement: None,
        modifiers: Modifiers { batch: 1.0, priority: 1.0, flex: 1.0, regional: 1.0, long_context: None },
    }
}
