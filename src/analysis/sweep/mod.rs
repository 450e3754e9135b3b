//! The commitment sweep and recommendation (SPEC 4.5), break-even points and
//! the newsvendor reference, and the levers at the recommended level
//! (SPEC 4.6). See docs/sweep.md for the reasoning.
//!
//! Three passes over the same futures (the same seed regenerates the same
//! paths, so nothing per path needs to be stored between passes):
//! 1. a pilot on the first chunks: per-period consumption, which sets the
//!    default levels and the newsvendor reference;
//! 2. the sweep: every level billed on every path, with the baseline;
//! 3. the levers: the offer at the recommended level and each concession.

mod layout;
mod levels;
mod negotiate;
mod pilot;
mod reference;

use rayon::prelude::*;
use serde::Serialize;

use super::levers::Predicted;
use super::simulate::{committed, ScenarioInfo};
use super::stats::{design_std_error, mean, percentiles, ROUNDING};
use crate::error::{Error, Result};
use crate::math::rng::CHUNK;
use crate::pricing::ViewData;
use crate::scenario::Scenario;
use crate::sim::engine::{map_paths, run_with, Keep, OfferPaths, RiskRule, RunOutput, Spec};
use crate::sim::view::billers_for;
use crate::sim::Plan;
use crate::spec::offer::{check_units, Offer, OfferKind, Provisioned};

pub use layout::SweepLayout;
use levels::*;
pub use levels::{at_level, current_level, largest_level, level_unit};
pub use negotiate::Recommend;
pub use pilot::Pilot;
use pilot::*;
use reference::*;

/// Which levels to sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// Exactly these (ascending, non-negative).
    List(Vec<f64>),
    /// `steps` evenly spaced levels from `from` to `to`.
    Grid {
        /// First level.
        from: f64,
        /// Last level.
        to: f64,
        /// Number of levels (at least 2).
        steps: usize,
    },
    /// 25 levels from 0 to 1.5 × the p95 of one period's in-scope consumption.
    Default,
}

/// One level's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelResult {
    /// The level (amount per period, or units).
    pub level: f64,
    /// Expected cost over the horizon.
    pub cost_mean: f64,
    /// Its standard error.
    pub cost_std_error: f64,
    /// 95th percentile of cost.
    pub cost_p95: f64,
    /// Expected unused commitment (commit: in the commitment's unit; provisioned: $ of idle capacity).
    pub unused_mean: f64,
    /// Probability of over-commitment (see docs/sweep.md for provisioned offers).
    pub prob_overcommit: f64,
    /// Probability of costing more than the baseline.
    pub prob_negative: f64,
    /// Expected saving against the baseline.
    pub savings_mean: f64,
    /// Its standard error (of the path-by-path savings, common random numbers).
    pub savings_std_error: f64,
}

/// A discount tier's cliff: the threshold and the level just below it, both
/// billed on the same futures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierStep {
    /// The tier's threshold (`min_commit`).
    pub threshold: f64,
    /// Its discount.
    pub discount: f64,
    /// The level just below the threshold.
    pub below: f64,
    /// The discount there.
    pub discount_below: f64,
    /// Expected cost at the threshold.
    pub cost_mean: f64,
    /// Expected cost just below it.
    pub cost_mean_below: f64,
}

/// A lever's value at the recommended level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeverResult {
    /// Stable id.
    pub id: String,
    /// What to ask for.
    pub label: String,
    /// Change in expected cost (negative = saving).
    pub cost_mean_change: f64,
    /// Change in the probability of over-commitment.
    pub prob_overcommit_change: f64,
}

/// A reference level with how it was derived.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reference {
    /// The level.
    pub level: f64,
    /// The probability level of the quantile it is.
    pub quantile: f64,
    /// How it was derived, in words.
    pub basis: String,
}

/// Where the offer ties with the baseline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BreakEven {
    /// Utilisation at which the offer costs what list price would.
    pub utilization: f64,
    /// Commit: list-price spend (or tokens) per period at which it ties.
    pub consumption_per_period: Option<f64>,
}

/// The level with the lowest expected cost.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Optimum {
    /// The level.
    pub level: f64,
    /// Its expected cost.
    pub cost_mean: f64,
}

/// The `sweep` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SweepReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// The offer swept.
    pub offer: String,
    /// `amount` or `units`.
    pub parameter: String,
    /// Unit of a level: `usd` (per period), `tokens` (per period) or `units`.
    pub level_unit: String,
    /// Months per commitment period (commit offers).
    pub period_months: Option<usize>,
    /// The baseline offer.
    pub baseline: String,
    /// `max_overcommit_probability`.
    pub risk_limit: f64,
    /// Per level.
    pub levels: Vec<LevelResult>,
    /// Lowest expected cost among levels within the risk limit.
    pub recommended: Option<f64>,
    /// Expected cost at the recommended level.
    pub min_expected_cost: Option<f64>,
    /// The recommended level refined between its grid neighbours and
    /// rounded to a figure to propose, with what the rounding costs.
    pub recommend: Option<Recommend>,
    /// Lowest expected cost at any level.
    pub optimum: Optimum,
    /// The newsvendor critical-fractile level, where it applies.
    pub newsvendor: Option<Reference>,
    /// Break-even at the recommended level (or the offer's own, when 0 is recommended).
    pub break_even: BreakEven,
    /// The level the levers were valued at.
    pub levers_at: f64,
    /// Levers, largest saving first.
    pub levers: Vec<LeverResult>,
    /// Each discount tier whose threshold and the level just below it were
    /// both billed (the default grid holds them), lowest threshold first.
    pub tiers: Vec<TierStep>,
    /// Things to know: divergences, levels outside the risk limit.
    pub warnings: Vec<String>,
    /// Currency (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
    /// The cost per path at `recommend.level` (empty without one; not part
    /// of the JSON interface): the brief's ranges and tornado there.
    #[serde(skip)]
    pub proposed_cost: Vec<f64>,
}

/// The level with the lowest expected cost, and the one among those within
/// the risk limit `limit` (indices into `results`).
fn choose(results: &[LevelResult], limit: f64) -> (usize, Option<usize>) {
    let best = |ok: &dyn Fn(&LevelResult) -> bool| {
        (0..results.len())
            .filter(|&k| ok(&results[k]))
            .min_by(|&a, &b| results[a].cost_mean.total_cmp(&results[b].cost_mean))
    };
    (best(&|_| true).expect("at least one level"), best(&|r| r.prob_overcommit <= limit))
}

impl SweepReport {
    /// Whether the levers are valued at the offer's own level, the
    /// recommendation being no commitment (or none within the risk limit).
    pub fn levers_at_own_level(&self) -> bool {
        !self.recommended.is_some_and(|r| r > 0.0)
    }
}

/// The level the levers are valued at: the recommended level, or the
/// offer's own when the recommendation is no commitment (or none).
fn lever_level(offer: &Offer, recommended: Option<f64>, horizon: usize) -> f64 {
    match recommended {
        Some(l) if l > 0.0 => l,
        _ => current_level(offer, horizon),
    }
}

/// The over-commitment rule of an offer, as `level_result` applies it.
fn risk_rule(sc: &Scenario, o: &Offer, pilot: &Pilot) -> RiskRule {
    match &o.kind {
        OfferKind::Commit(c) => {
            RiskRule::WasteAbove(sc.risk.waste_tolerance * committed(c, o.term_months.min(sc.horizon)))
        }
        OfferKind::Provisioned(p) if p.units > 0.0 => RiskRule::UtilBelow(break_even_util(sc, o, p, pilot)),
        _ => RiskRule::None,
    }
}

/// The over-commitment rule of offer `idx` as written, as a sweep of it
/// counts it (a reservation: utilisation below its break-even, from the
/// sweep's pilot), for an offer the brief bills without sweeping it.
pub fn as_written_rule(sc: &Scenario, plan: &Plan, idx: usize) -> RiskRule {
    let o = &sc.offers[idx];
    match &o.kind {
        OfferKind::Provisioned(_) => risk_rule(sc, o, &pilot::pilot(sc, plan, o)),
        _ => risk_rule(sc, o, &Pilot::default()),
    }
}

/// Sweeps offer `name` of `sc`: the pilot, one pass over the futures billing
/// the baseline and every level, and the levers' pass.
pub fn sweep(sc: &Scenario, name: &str, levels: &Levels, progress: &(dyn Fn(u64) + Sync)) -> Result<SweepReport> {
    let idx = find_offer(sc, name)?;
    let plan = Plan::new(sc);
    let layout = SweepLayout::new(sc, &plan, idx, levels)?;
    let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
    offers.extend(layout.specs());
    let out = run_offers(sc, &plan, &offers, false, progress)?;
    out.check_finite(sc)?;
    layout.report(sc, &plan, &out, 1, &out.offers[0].cost, progress)
}

/// The levels a sweep of `offer` bills for `levels` (the default grid comes
/// from the pilot on the run's first chunks): what `walkaway` solves over,
/// so that its rows are the sweep's.
pub fn sweep_levels(sc: &Scenario, plan: &Plan, offer: &Offer, levels: &Levels) -> Result<Vec<f64>> {
    let pilot = pilot(sc, plan, offer);
    resolve_levels(sc, offer, levels, &pilot)
}

/// Runs `plan` billing `offers` with what each keeps (an error when what
/// they keep exceeds the memory budget of `sim::engine::run`).
pub fn run_offers(
    sc: &Scenario,
    plan: &Plan,
    offers: &[(Offer, Keep, RiskRule)],
    monthly: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunOutput> {
    run_offers_with(sc, plan, offers, monthly, false, progress)
}

/// [`run_offers`], also keeping each path's input draws when `record` (for
/// [`crate::analysis::sensitivity`]): the same paths and bills.
pub fn run_offers_with(
    sc: &Scenario,
    plan: &Plan,
    offers: &[(Offer, Keep, RiskRule)],
    monthly: bool,
    record: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunOutput> {
    let list: Vec<Offer> = offers.iter().map(|(o, _, _)| o.clone()).collect();
    let (views, billers) = billers_for(&list, plan, &sc.catalog);
    let specs: Vec<Spec> = billers
        .into_iter()
        .zip(offers)
        .map(|(biller, (_, keep, risk))| Spec { biller, keep: *keep, risk: *risk })
        .collect();
    run_with(plan, &views, &specs, monthly, record, progress)
}

/// The index of the offer named `name`, which must be a commit or provisioned
/// offer; a usage error names the offers that can be swept otherwise.
pub fn find_offer(sc: &Scenario, name: &str) -> Result<usize> {
    let list = || sc.offers.iter().map(|o| format!("`{}` ({})", o.name, o.kind.name())).collect::<Vec<_>>().join(", ");
    let idx = sc.offers.iter().position(|o| o.name == name).ok_or_else(|| {
        let hint = crate::error::closest(name, sc.offers.iter().map(|o| o.name.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        Error::Usage(format!("--offer: no offer named `{name}` in {}{hint} (offers: {})", sc.file.display(), list()))
    })?;
    if matches!(sc.offers[idx].kind, OfferKind::Payg(_)) {
        return Err(Error::Usage(format!(
            "--offer: `{name}` is a payg offer, which has no commitment to sweep; sweep a commit or provisioned offer (offers: {})",
            list()
        )));
    }
    Ok(idx)
}
