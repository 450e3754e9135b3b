//! A validated scenario (SPEC 3.3): workloads, forecast assumptions, price
//! model, risk settings and offers, with every default filled in.

use std::path::{Path, PathBuf};

pub mod actuals;
mod compile;
pub mod events;
pub mod history;
mod lint;
pub mod portfolio;

use crate::error::{closest, Error, Result};
use crate::spec::catalog::Catalog;
use crate::spec::dist::Dist;
use crate::spec::doc;
use crate::spec::file::{ScenarioFile, WorkloadSec};
use crate::spec::kind::{or_wrong_kind, FileKind};
use crate::spec::month::Month;
use crate::spec::offer::{self, Offer};
use crate::spec::offer_check::{self, OfferCtx};
use crate::spec::values::*;

/// Command-line values that take precedence over `[simulation]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    /// `--paths`.
    pub paths: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--sampling`.
    pub sampling: Option<crate::spec::sampling::Sampling>,
}

/// How a workload's volume path is generated.
#[derive(Debug, Clone)]
pub enum VolumeModel {
    /// SPEC 4.1 `drift`: log-volume is a random walk with a per-path drift.
    Drift {
        /// The drift.
        growth: Growth,
        /// Monthly log-volatility.
        sigma: f64,
    },
    /// A model fitted to history by the `auto` method.
    Fitted(crate::forecast::FittedModel),
}

/// One workload: a use case on one model.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Name.
    pub name: String,
    /// Index into the catalog's models.
    pub model: usize,
    /// Volume of the month before `start` (tokens).
    pub base_tokens: f64,
    /// Token mix.
    pub shares: Shares,
    /// Share of tokens sent through the batch API.
    pub batch_share: f64,
    /// Tiers, long context and region (SPEC 6.1).
    pub traffic: Traffic,
    /// Volume model.
    pub volume: VolumeModel,
    /// Monthly history (tokens), when it was fitted from a file.
    pub history: Option<Vec<(Month, f64)>>,
}

/// A launch that may happen (`[[forecast.events]]`).
#[derive(Debug, Clone)]
pub struct Event {
    /// Event name.
    pub name: String,
    /// Workload name its tokens are counted under.
    pub workload: String,
    /// Catalog index of its model.
    pub model: usize,
    /// Probability that it happens.
    pub probability: f64,
    /// Month index (0 = `start`) of its first month.
    pub start: i32,
    /// Monthly tokens once ramped up.
    pub monthly_tokens: Dist,
    /// Months to reach full volume.
    pub ramp_months: f64,
    /// Token mix.
    pub shares: Shares,
    /// Batch share.
    pub batch_share: f64,
    /// Tiers, long context and region (SPEC 6.1).
    pub traffic: Traffic,
}

/// Traffic moved from one model to another (`[[forecast.routing]]`).
#[derive(Debug, Clone)]
pub struct Routing {
    /// Catalog index of the source model.
    pub from: usize,
    /// Catalog index of the target model.
    pub to: usize,
    /// Share finally moved.
    pub share: Dist,
    /// Month index (0 = `start`) when the move begins.
    pub start: i32,
    /// Month index when it is complete.
    pub by: i32,
}

/// A sudden per-model list-price cut (`[prices] step_cut`).
#[derive(Debug, Clone)]
pub struct StepCut {
    /// Probability of a cut per model and year.
    pub annual_probability: f64,
    /// Size of the cut (share of the price removed).
    pub size: Dist,
}

/// Risk settings (`[risk]`).
#[derive(Debug, Clone)]
pub struct Risk {
    /// Index of the baseline offer.
    pub baseline: usize,
    /// Over-commitment means waste above this share of the committed amount.
    pub waste_tolerance: f64,
    /// Highest acceptable probability of over-commitment.
    pub max_overcommit_probability: f64,
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// First simulated month.
    pub start: Month,
    /// Months simulated.
    pub horizon: usize,
    /// Monte Carlo paths.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// How paths are drawn and means estimated (SPEC 6.7).
    pub sampling: crate::spec::sampling::Sampling,
    /// `[simulation] fiscal_year_start`: the first month (1 to 12) of the
    /// fiscal years the spend view sums by.
    pub fiscal_year_start: u32,
    /// Price catalog.
    pub catalog: Catalog,
    /// Workloads (explicit and fitted).
    pub workloads: Vec<Workload>,
    /// Possible launches.
    pub events: Vec<Event>,
    /// Routing moves.
    pub routing: Vec<Routing>,
    /// Correlation of shocks and growth draws between workloads.
    pub correlation: f64,
    /// Growth damping per month.
    pub damping: f64,
    /// Forecast-level growth (events; overrides fitted growth when given).
    pub growth_annual: Option<Dist>,
    /// Forecast-level volatility (events; overrides fitted volatility when given).
    pub volatility_monthly: Option<f64>,
    /// `[forecast] calibrate`: widen the fitted bands by the miscoverage the
    /// back-test measures on the scenario's own history (applied by the
    /// command that loads the scenario: `analysis::backtest::calibrate`).
    pub calibrate: bool,
    /// Annual list-price drift.
    pub price_change: Dist,
    /// Optional sudden cuts.
    pub step_cut: Option<StepCut>,
    /// Risk settings.
    pub risk: Risk,
    /// Offers, in file order.
    pub offers: Vec<Offer>,
    /// Portfolios of offers, in file order (SPEC 6.6).
    pub portfolios: Vec<crate::spec::offer::Portfolio>,
    /// Every input file read (scenario, catalog, history, profiles).
    pub inputs: Vec<PathBuf>,
    /// Things the user should know that are not errors.
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Reads and validates a scenario file and everything it refers to.
    pub fn load(path: &Path, ov: Overrides) -> Result<Scenario> {
        let text = doc::read_text(path, "a scenario (TOML)")?;
        let raw: ScenarioFile = doc::parse(path, &text).map_err(|e| or_wrong_kind(e, path, FileKind::Scenario))?;
        compile::compile(path, raw, ov).map_err(|e| if is_file(&e, path) { doc::with_line(e, &text) } else { e })
    }

    /// The folder relative paths in the scenario are resolved against.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }

    /// The catalog providers the scenario's usage runs on (workloads,
    /// launches and routing targets), sorted, without repeats.
    pub fn providers(&self) -> Vec<String> {
        let models = self.workloads.iter().map(|w| w.model).chain(self.events.iter().map(|e| e.model));
        let mut v: Vec<String> = models
            .chain(self.routing.iter().flat_map(|r| [r.from, r.to]))
            .map(|m| self.catalog.models[m].provider.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Names of all workloads, including events, for scopes.
    pub fn workload_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.workloads.iter().map(|w| w.name.clone()).collect();
        v.extend(self.events.iter().map(|e| e.workload.clone()));
        v.dedup();
        v
    }
}

fn is_file(e: &Error, path: &Path) -> bool {
    matches!(e, Error::Invalid { at, .. } if at.file == path)
}
