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

use rayon::prelude::*;
use serde::Serialize;

use super::levers::Predicted;
use super::simulate::{committed, ScenarioInfo};
use super::stats::{mean, percentiles, std_error, ROUNDING};
use crate::error::{Error, Result};
use crate::math::rng::CHUNK;
use crate::pricing::ViewData;
use crate::scenario::Scenario;
use crate::sim::engine::{map_paths, run, Keep, OfferPaths, RiskRule, RunOutput, Spec};
use crate::sim::view::billers_for;
use crate::sim::Plan;
use crate::spec::offer::{check_units, Offer, OfferKind, Provisioned};

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
    /// Things to know: divergences, levels outside the risk limit.
    pub warnings: Vec<String>,
    /// Currency (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
}

/// The billers of a sweep, appended to a run: every level, with its cost
/// and risk measure per path, then the levers at the level the first paths
/// predict will be recommended. When the full run recommends another level,
/// the levers are valued in a second, smaller pass ([`SweepLayout::levers`]).
pub struct SweepLayout {
    /// The offer swept.
    pub offer: Offer,
    /// The levels.
    pub levels: Vec<f64>,
    /// The offer at each level.
    pub variants: Vec<Offer>,
    /// What the pilot learned.
    pub pilot: Pilot,
    /// Each level's over-commitment rule.
    pub level_rules: Vec<RiskRule>,
    /// The levers at the predicted lever level, billed in the same run.
    pub predicted: Option<Predicted>,
}

/// Paths of the prediction: the run's first paths, billed at every level.
pub const PREDICT_PATHS: u64 = 512;

impl SweepLayout {
    /// Lays out the sweep of `offer` (index into `sc.offers`) at `levels`.
    pub fn new(sc: &Scenario, plan: &Plan, offer: usize, levels: &Levels) -> Result<SweepLayout> {
        let offer = sc.offers[offer].clone();
        let pilot = pilot(sc, plan, &offer);
        let levels = resolve_levels(sc, &offer, levels, &pilot)?;
        let variants: Vec<Offer> = levels.iter().map(|&l| at_level(&offer, l, sc.horizon)).collect();
        let level_rules = variants.iter().map(|o| risk_rule(sc, o, &pilot)).collect();
        let mut layout = SweepLayout { offer, levels, variants, pilot, level_rules, predicted: None };
        layout.predicted = Some(layout.predict(sc, plan));
        Ok(layout)
    }

    /// The offers and how to keep each, in layout order: the levels, then the
    /// predicted lever level's offer and its levers (sums only).
    pub fn specs(&self) -> Vec<(Offer, Keep, RiskRule)> {
        let mut out: Vec<_> = self.level_specs();
        if let Some(p) = &self.predicted {
            out.extend(p.offers().zip(&p.rules).map(|(o, r)| (o.clone(), Keep::Summary, *r)));
        }
        out
    }

    /// The levels' specs: cost per path, and their risk measure as sums under
    /// their over-commitment rule.
    fn level_specs(&self) -> Vec<(Offer, Keep, RiskRule)> {
        self.variants.iter().zip(&self.level_rules).map(|(o, r)| (o.clone(), Keep::CostSums, *r)).collect()
    }

    /// `base` (the offer at level `at`) and its levers, with their over-commitment rules.
    fn lever_set(&self, sc: &Scenario, at: f64, base: Offer) -> Predicted {
        let mut p = Predicted::new(at, base, sc.horizon);
        p.rules = p.offers().map(|o| risk_rule(sc, o, &self.pilot)).collect();
        p
    }

    /// Bills the baseline and every level on the run's first
    /// [`PREDICT_PATHS`] paths and predicts the level the levers will be
    /// valued at: the recommended level, or the offer's own when that is 0.
    fn predict(&self, sc: &Scenario, plan: &Plan) -> Predicted {
        let mut first = plan.clone();
        first.paths = sc.paths.min(PREDICT_PATHS);
        let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
        offers.extend(self.level_specs());
        let out = run_offers(sc, &first, &offers, false, &|_| {});
        let results = self.level_results(sc, &out, 1, &out.offers[0].cost);
        let (_, recommended) = choose(&results, sc.risk.max_overcommit_probability);
        let at = lever_level(&self.offer, recommended.map(|k| results[k].level), sc.horizon);
        self.lever_set(sc, at, at_level(&self.offer, at, sc.horizon))
    }

    fn level_results(&self, sc: &Scenario, out: &RunOutput, offset: usize, base: &[f64]) -> Vec<LevelResult> {
        self.variants
            .par_iter()
            .zip(&self.levels)
            .zip(&out.offers[offset..offset + self.levels.len()])
            .map(|((o, &l), p)| level_result(sc, o, l, p, base))
            .collect()
    }

    /// The sweep report from a run whose billers `offset..` are [`Self::specs`];
    /// `base` is the baseline's cost per path.
    /// The levers are valued in a second pass over the same futures (see
    /// [`SweepLayout::levers`]).
    pub fn report(
        &self,
        sc: &Scenario,
        plan: &Plan,
        out: &RunOutput,
        offset: usize,
        base: &[f64],
        progress: &(dyn Fn(u64) + Sync),
    ) -> SweepReport {
        let offer = &self.offer;
        let results = self.level_results(sc, out, offset, base);
        let limit = sc.risk.max_overcommit_probability;
        let (optimum, recommended) = choose(&results, limit);
        let (optimum, recommended) = (&results[optimum], recommended.map(|k| (k, &results[k])));
        let mut warnings = Vec::new();
        if recommended.is_none() {
            warnings.push(format!(
                "no level keeps the probability of over-commitment within {limit}; include lower levels"
            ));
        }
        let lever_level = lever_level(offer, recommended.map(|(_, r)| r.level), sc.horizon);
        if !matches!(recommended, Some((_, r)) if r.level > 0.0) {
            warnings.push("the recommended level is no commitment; levers are valued at the offer's own level".into());
        }
        let newsvendor = newsvendor(sc, offer, &self.pilot, optimum.level);
        if let Some(n) = &newsvendor {
            if diverges(n.level, optimum.level, &self.levels) {
                warnings.push(format!(
                    "the unconstrained optimum ({}) and the newsvendor reference ({}) diverge: {}",
                    crate::units::level(optimum.level, level_unit(offer), &sc.catalog.currency),
                    crate::units::level(n.level, level_unit(offer), &sc.catalog.currency),
                    divergence_reason(offer)
                ));
            }
        }
        let rec_offer = at_level(offer, lever_level, sc.horizon);
        let levers = match &self.predicted {
            // The prediction held: the levers were billed in this run.
            Some(p) if p.at == lever_level => p.results(out, offset + self.levels.len()),
            _ => self.levers(sc, plan, &rec_offer, progress),
        };
        SweepReport {
            tool: "commitsim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: ScenarioInfo::of(sc),
            offer: offer.name.clone(),
            parameter: if matches!(offer.kind, OfferKind::Commit(_)) { "amount" } else { "units" }.into(),
            level_unit: level_unit(offer).into(),
            period_months: match &offer.kind {
                OfferKind::Commit(c) => Some(c.period_months),
                _ => None,
            },
            baseline: sc.offers[sc.risk.baseline].name.clone(),
            risk_limit: limit,
            recommended: recommended.map(|(_, r)| r.level),
            min_expected_cost: recommended.map(|(_, r)| r.cost_mean),
            optimum: Optimum { level: optimum.level, cost_mean: optimum.cost_mean },
            newsvendor,
            break_even: break_even(&rec_offer, &self.pilot),
            levers_at: lever_level,
            levers,
            levels: results.clone(),
            warnings,
            currency: sc.catalog.currency.clone(),
        }
    }

    /// Values the levers of `base` (the offer at the level they are valued
    /// at): the offer and each concession billed on the same futures. Only
    /// the sources in the offer's scope are generated, each from its own
    /// random stream, so the paths are those of the full scenario; what lies
    /// outside the scope is the same for every variant and cancels in the
    /// changes. Each change is the difference of two means over the same
    /// paths, summed in the same order.
    pub fn levers(
        &self,
        sc: &Scenario,
        plan: &Plan,
        base: &Offer,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<LeverResult> {
        let p = self.lever_set(sc, current_level(base, sc.horizon), base.clone());
        let sub = scope_plan(sc, plan, base);
        let offers: Vec<(Offer, Keep, RiskRule)> =
            p.offers().zip(&p.rules).map(|(o, r)| (o.clone(), Keep::Summary, *r)).collect();
        let out = run_offers(sc, &sub, &offers, false, progress);
        p.results(&out, 0)
    }
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

/// Sweeps offer `name` of `sc`: the pilot, one pass over the futures billing
/// the baseline and every level, and the levers' pass.
pub fn sweep(sc: &Scenario, name: &str, levels: &Levels, progress: &(dyn Fn(u64) + Sync)) -> Result<SweepReport> {
    let idx = find_offer(sc, name)?;
    let plan = Plan::new(sc);
    let layout = SweepLayout::new(sc, &plan, idx, levels)?;
    let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
    offers.extend(layout.specs());
    let out = run_offers(sc, &plan, &offers, false, progress);
    out.check_finite(sc)?;
    Ok(layout.report(sc, &plan, &out, 1, &out.offers[0].cost, progress))
}

/// Runs `plan` billing `offers` with what each keeps.
pub fn run_offers(
    sc: &Scenario,
    plan: &Plan,
    offers: &[(Offer, Keep, RiskRule)],
    monthly: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> RunOutput {
    let list: Vec<Offer> = offers.iter().map(|(o, _, _)| o.clone()).collect();
    let (views, billers) = billers_for(&list, plan, &sc.catalog);
    let specs: Vec<Spec> = billers
        .into_iter()
        .zip(offers)
        .map(|(biller, (_, keep, risk))| Spec { biller, keep: *keep, risk: *risk })
        .collect();
    run(plan, &views, &specs, monthly, progress)
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

/// The unit of a level of `o`: `usd` or `tokens` per period, or `units`.
pub fn level_unit(o: &Offer) -> &'static str {
    match &o.kind {
        OfferKind::Commit(c) if c.tokens => "tokens",
        OfferKind::Commit(_) => "usd",
        _ => "units",
    }
}

/// The offer's own level: mean amount per period, or its units.
pub fn current_level(o: &Offer, horizon: usize) -> f64 {
    match &o.kind {
        OfferKind::Commit(c) => {
            let n = o.term_months.min(horizon).div_ceil(c.period_months).max(1);
            (0..n).map(|k| c.amount(k)).sum::<f64>() / n as f64
        }
        OfferKind::Provisioned(p) => p.units,
        OfferKind::Payg(_) => 0.0,
    }
}

/// The offer at `level`: a flat amount becomes `level`; a ramp is scaled so
/// that its mean per period is `level`; provisioned units become `level`.
pub fn at_level(o: &Offer, level: f64, horizon: usize) -> Offer {
    let mut out = o.clone();
    let cur = current_level(o, horizon);
    match &mut out.kind {
        OfferKind::Commit(c) => {
            if c.amounts.iter().all(|&a| a == c.amounts[0]) || cur <= 0.0 {
                c.amounts = vec![level];
            } else {
                let k = level / cur;
                c.amounts.iter_mut().for_each(|a| *a *= k);
            }
        }
        OfferKind::Provisioned(p) => p.units = level,
        OfferKind::Payg(_) => {}
    }
    out
}

/// What the pilot learns from the first chunks of paths.
#[derive(Debug, Clone, Default)]
pub struct Pilot {
    /// Commit: per-period in-scope consumption in the commitment's unit, at the
    /// offer's own discount. Provisioned: per-month mean load in units.
    pub consumption: Vec<f64>,
    /// Provisioned: ln of each month's mean per-minute load, for the newsvendor.
    pub ln_rates: Vec<f64>,
    /// Provisioned: list $ per effective token over the term (mean over the pilot).
    pub price_per_eff: f64,
}

/// Paths in the pilot: a sixteenth of the run, between 1 and 16 chunks.
fn pilot_chunks(paths: u64) -> u64 {
    (paths / 16).div_ceil(CHUNK as u64).clamp(1, 16).min(paths.div_ceil(CHUNK as u64))
}

/// The plan of only the sources with tokens in `offer`'s scope: each keeps
/// its random stream, so their paths are those of the full plan, and what the
/// offer bills inside its scope is unchanged.
fn scope_plan(sc: &Scenario, plan: &Plan, offer: &Offer) -> Plan {
    let scope = crate::sim::view::in_scope(&offer.scope, plan, &sc.catalog);
    let mut keep: Vec<usize> = scope.iter().map(|&s| plan.segments[s].source).collect();
    keep.sort_unstable();
    keep.dedup();
    if keep.len() == plan.sources.len() {
        return plan.clone();
    }
    Plan::subset(sc, Some(&keep))
}

fn pilot(sc: &Scenario, plan: &Plan, offer: &Offer) -> Pilot {
    let plan = &scope_plan(sc, plan, offer);
    let (views, billers) = billers_for(std::slice::from_ref(offer), plan, &sc.catalog);
    let view = billers[0].view;
    let rows = map_paths(plan, &views, 0..pilot_chunks(sc.paths), |_, data| per_period(offer, &data[view]));
    let mut p = Pilot::default();
    let (mut list, mut eff) = (0.0, 0.0);
    for (c, l, lr, e) in rows {
        p.consumption.extend(c);
        p.ln_rates.extend(lr);
        list += l;
        eff += e;
    }
    p.price_per_eff = if eff > 0.0 { list / eff } else { 0.0 };
    p
}

/// One path's per-period consumption (and, for provisioned offers, the log
/// loads and the list spend and effective tokens of the term).
fn per_period(offer: &Offer, v: &ViewData) -> (Vec<f64>, f64, Vec<f64>, f64) {
    match &offer.kind {
        OfferKind::Commit(c) => {
            let basis = if c.locked { &v.locked } else { &v.list };
            let source = if c.tokens { &v.tokens } else { basis };
            let rows = source
                .chunks(c.period_months.max(1))
                .enumerate()
                .map(|(k, m)| m.iter().sum::<f64>() * if c.tokens { 1.0 } else { 1.0 - c.discount.at(c.amount(k)) })
                .collect();
            (rows, 0.0, Vec::new(), 0.0)
        }
        OfferKind::Provisioned(p) => {
            let units = v.ln_rate.iter().map(|lr| lr.exp() / p.tokens_per_minute_per_unit).collect();
            (units, v.list.iter().sum(), v.ln_rate.clone(), v.eff.iter().sum())
        }
        OfferKind::Payg(_) => (Vec::new(), 0.0, Vec::new(), 0.0),
    }
}

/// The largest level a sweep accepts: a commit's largest amount, or the
/// most provisioned units an offer may have.
fn largest_level(offer: &Offer) -> f64 {
    match &offer.kind {
        OfferKind::Commit(c) => crate::spec::offer::max_amount(c.tokens),
        _ => crate::spec::offer::MAX_UNITS,
    }
}

fn resolve_levels(sc: &Scenario, offer: &Offer, levels: &Levels, pilot: &Pilot) -> Result<Vec<f64>> {
    let usage = |m: String| Error::Usage(m);
    let list = match levels {
        Levels::List(l) => {
            if l.is_empty() {
                return Err(usage("--levels: expected at least one level, e.g. --levels 0,100000,200000".into()));
            }
            if let Some(x) = l.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(usage(format!("--levels: levels must be numbers >= 0, found {x}")));
            }
            let most = largest_level(offer);
            if let Some(x) = l.iter().find(|x| **x > most) {
                return Err(usage(format!("--levels: levels must be at most {most:e}, found {x:e}")));
            }
            if l.windows(2).any(|w| w[1] <= w[0]) {
                return Err(usage("--levels: list the levels in increasing order, each once".into()));
            }
            l.clone()
        }
        Levels::Grid { from, to, steps } => {
            if !(from.is_finite() && to.is_finite() && *from >= 0.0 && to > from) {
                return Err(usage(format!("--from/--to: expected 0 <= from < to, found from {from}, to {to}")));
            }
            let most = largest_level(offer);
            if *to > most {
                return Err(usage(format!("--to: levels must be at most {most:e}, found {to:e}")));
            }
            if *steps < 2 || *steps > 1000 {
                return Err(usage(format!("--steps: expected 2 to 1000 levels, found {steps}")));
            }
            (0..*steps).map(|i| from + (to - from) * i as f64 / (*steps - 1) as f64).collect()
        }
        Levels::Default => {
            let p95 = percentiles(&pilot.consumption, &[95.0])[0];
            let top =
                if p95.is_finite() && p95 > 0.0 { 1.5 * p95 } else { 2.0 * current_level(offer, sc.horizon).max(1.0) };
            (0..25).map(|i| round_sig(top * i as f64 / 24.0, 3)).collect()
        }
    };
    match &offer.kind {
        OfferKind::Provisioned(p) if matches!(levels, Levels::List(_)) => {
            for &l in &list {
                check_units(l, p.min_units, p.increment).map_err(|m| usage(format!("--levels: {m}")))?;
            }
            Ok(list)
        }
        OfferKind::Provisioned(p) => Ok(snap_units(&list, p)),
        _ => Ok(list),
    }
}

/// Grid levels rounded to purchasable unit counts, without repeats.
fn snap_units(list: &[f64], p: &Provisioned) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for &x in list {
        let u = if x <= 0.0 { 0.0 } else { ((x / p.increment).round() * p.increment).max(p.min_units) };
        let u =
            if check_units(u, p.min_units, p.increment).is_ok() { u } else { (u / p.increment).ceil() * p.increment };
        if out.last().is_none_or(|&l| u > l) {
            out.push(u);
        }
    }
    out
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let k = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * k).round() / k
}

fn level_result(sc: &Scenario, o: &Offer, level: f64, p: &OfferPaths, base: &[f64]) -> LevelResult {
    // Savings path by path, summed in path order as `mean` would, without a vector of them.
    let savings = || base.iter().zip(&p.cost).map(|(b, c)| b - c);
    let n = base.len();
    let losses = savings().zip(base).filter(|(s, b)| *s < -ROUNDING * b.abs()).count();
    // The risk measure's sum and the paths at risk under `risk_rule`, kept by the run.
    let per_path = |x: f64| if n == 0 { f64::NAN } else { x / n as f64 };
    let (unused_mean, prob_overcommit) = match &o.kind {
        OfferKind::Commit(_) => (per_path(p.risk_sum), per_path(p.at_risk as f64)),
        OfferKind::Provisioned(pr) => (provisioned_fee(sc, o, pr) * per_path(p.risk_sum), per_path(p.at_risk as f64)),
        OfferKind::Payg(_) => (0.0, 0.0),
    };
    LevelResult {
        level,
        cost_mean: mean(&p.cost),
        cost_std_error: std_error(&p.cost),
        cost_p95: percentiles(&p.cost, &[95.0])[0],
        unused_mean,
        prob_overcommit,
        prob_negative: if n == 0 { f64::NAN } else { losses as f64 / n as f64 },
        savings_mean: if n == 0 { f64::NAN } else { savings().sum::<f64>() / n as f64 },
    }
}

/// Total capacity fee of a provisioned offer over its term within the horizon.
fn provisioned_fee(sc: &Scenario, o: &Offer, p: &Provisioned) -> f64 {
    (0..o.term_months.min(sc.horizon))
        .map(|t| crate::pricing::provisioned::monthly_fee(p, f64::from(sc.start.plus(t as i32).days())))
        .sum()
}

/// Utilisation at which the capacity fee equals the list value of the tokens served.
fn break_even_util(sc: &Scenario, o: &Offer, p: &Provisioned, pilot: &Pilot) -> f64 {
    let minutes: f64 =
        (0..o.term_months.min(sc.horizon)).map(|t| 1440.0 * f64::from(sc.start.plus(t as i32).days())).sum();
    let value = p.units * p.tokens_per_minute_per_unit * minutes * pilot.price_per_eff;
    if value > 0.0 {
        provisioned_fee(sc, o, p) / value
    } else {
        f64::INFINITY
    }
}

fn break_even(o: &Offer, pilot: &Pilot) -> BreakEven {
    match &o.kind {
        OfferKind::Commit(c) => {
            let a = c.amount(0);
            let d = c.discount.at(a);
            // Under the commitment, the offer costs A; list would cost consumption / (1 - d).
            // They tie at utilisation 1 - d, i.e. list spend (or tokens) of A (resp. (1 - d) A) per period.
            BreakEven { utilization: 1.0 - d, consumption_per_period: Some(if c.tokens { (1.0 - d) * a } else { a }) }
        }
        OfferKind::Provisioned(p) => {
            let per_minute_fee = p.unit_price * if p.hourly { 1.0 / 60.0 } else { 12.0 / (365.25 * 1440.0) };
            let value = p.tokens_per_minute_per_unit * pilot.price_per_eff;
            BreakEven {
                utilization: if value > 0.0 { per_minute_fee / value } else { f64::INFINITY },
                consumption_per_period: None,
            }
        }
        OfferKind::Payg(_) => BreakEven { utilization: 0.0, consumption_per_period: None },
    }
}

/// The critical-fractile level (anchors §5.5): one more unit of commitment
/// costs 1 and saves the overage multiplier `m` when consumption exceeds it,
/// so the optimum has `P(c > A) = 1 / m`, i.e. `F(A) = 1 - 1/m` (= d for
/// overage at list). Provisioned: one more unit costs its fee and serves the
/// load above capacity, so `P(X > C) = fee / value of a fully used unit`.
fn newsvendor(sc: &Scenario, offer: &Offer, pilot: &Pilot, at: f64) -> Option<Reference> {
    match &offer.kind {
        OfferKind::Commit(c) => {
            let d = c.discount.at(at.max(c.amount(0)));
            let q = if c.overage_list { d } else { 0.0 };
            let level = percentiles(&pilot.consumption, &[100.0 * q])[0];
            let basis = format!(
                "the {:.0}% quantile of one period's in-scope consumption at discounted prices (critical fractile {}, overage at {})",
                100.0 * q,
                if c.overage_list { "d" } else { "0" },
                if c.overage_list { "list" } else { "the discounted rate" }
            );
            Some(Reference { level, quantile: q, basis })
        }
        OfferKind::Provisioned(p) => {
            let per_unit = at_level(offer, 1.0, sc.horizon);
            let OfferKind::Provisioned(one) = &per_unit.kind else { return None };
            // P(X > C) at the optimum: a unit's fee over the list value of a fully used unit.
            let tail = break_even_util(sc, &per_unit, one, pilot);
            if !(tail > 0.0 && tail < 1.0) || pilot.ln_rates.is_empty() {
                return None;
            }
            let cap = mixture_quantile(p, &pilot.ln_rates, tail)?;
            let level = cap / p.tokens_per_minute_per_unit;
            let basis = format!(
                "capacity where the chance that a minute's load exceeds it ({:.0}%) equals a unit's fee over the list value of a fully used unit",
                100.0 * tail
            );
            Some(Reference { level, quantile: 1.0 - tail, basis })
        }
        OfferKind::Payg(_) => None,
    }
}

/// The per-minute load `C` with `mean_t P(X_t > C) = tail` over the pilot's
/// months, where `X_t` has mean `exp(ln_rate_t)` and the offer's load shape.
///
/// Solved for `y = ln C`. A lognormal load has a smooth, decreasing left
/// side with a known slope, so Newton's method is used, kept inside a
/// bracket that each step narrows (a step that would leave it bisects
/// instead), from the one-month solution at the middle month; it stops
/// when a step moves `y` by less than 1e-12, about 6 steps. A measured
/// profile gives a step function: plain bisection, 48 halvings. The means
/// over the pilot's months are summed in fixed chunks on all threads and
/// added in chunk order, so the result does not depend on the thread count.
fn mixture_quantile(p: &Provisioned, ln_rates: &[f64], tail: f64) -> Option<f64> {
    let finite: Vec<f64> = ln_rates.iter().copied().filter(|x| x.is_finite()).collect();
    let (min, max) = (
        finite.iter().copied().fold(f64::INFINITY, f64::min),
        finite.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let (mut lo, mut hi) = (min - 20.0, max + 20.0);
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let n = ln_rates.len() as f64;
    // (mean of f.0, mean of f.1) over the months, in a fixed order.
    let mean2 = |f: &(dyn Fn(f64) -> (f64, f64) + Sync)| -> (f64, f64) {
        let parts: Vec<(f64, f64)> = ln_rates
            .par_chunks(4096)
            .map(|c| {
                c.iter().fold((0.0, 0.0), |(a, b), &lr| {
                    let (x, y) = f(lr);
                    (a + x, b + y)
                })
            })
            .collect();
        let (a, b) = parts.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
        (a / n, b / n)
    };
    match &p.load {
        crate::spec::offer::Load::LogNormal { s, .. } => {
            let s = *s;
            // P(X > C) = Phi(-(r + s^2/2) / s) at r = ln(C / lambda); its slope in r is -pdf(..) / s.
            let one_month = -s * crate::spec::dist::phi_inv(tail) - 0.5 * s * s;
            let mut y = 0.5 * (min + max) + one_month;
            for _ in 0..100 {
                let (g, slope) = mean2(&|lr| {
                    let z = (y - lr + 0.5 * s * s) / s;
                    (crate::spec::dist::phi(-z), -(-0.5 * z * z).exp() / (s * (2.0 * std::f64::consts::PI).sqrt()))
                });
                let g = g - tail;
                if g > 0.0 {
                    lo = y;
                } else {
                    hi = y;
                }
                let newton = y - g / slope;
                let next = if slope < 0.0 && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
                let step = (next - y).abs();
                y = next;
                if step < 1e-12 * (1.0 + y.abs()) {
                    break;
                }
            }
            Some(y.exp())
        }
        crate::spec::offer::Load::Profile(_) => {
            for _ in 0..48 {
                let mid = 0.5 * (lo + hi);
                if mean2(&|lr| (p.exceed_at(mid - lr), 0.0)).0 > tail {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            Some((0.5 * (lo + hi)).exp())
        }
    }
}

fn diverges(reference: f64, optimum: f64, levels: &[f64]) -> bool {
    let step = levels.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    (reference - optimum).abs() > step.max(0.1 * reference.abs())
}

fn divergence_reason(o: &Offer) -> &'static str {
    match &o.kind {
        OfferKind::Commit(c) if matches!(c.discount, crate::spec::offer::DiscountRule::Tiers(_)) => {
            "the discount changes with the amount (tiers), which the single-discount reference ignores"
        }
        OfferKind::Commit(c) if c.rollover_fraction > 0.0 => {
            "rollover makes unused commitment partly reusable, which the reference ignores"
        }
        OfferKind::Commit(c) if !c.overage_list => {
            "with overage at the discounted rate a commitment buys nothing the reference can value"
        }
        OfferKind::Commit(_) => {
            "the grid is coarse, or consumption varies between periods more than one pooled quantile captures"
        }
        _ => "the grid is coarse around the optimum, or the months differ more than one pooled quantile captures",
    }
}

impl Provisioned {
    /// `P(X > C)` for per-minute load `X` with mean `lambda`, at `r = ln(C / lambda)`.
    pub fn exceed_at(&self, r: f64) -> f64 {
        match &self.load {
            crate::spec::offer::Load::LogNormal { s, .. } => crate::spec::dist::phi(-(r + s * s / 2.0) / s),
            crate::spec::offer::Load::Profile(p) => {
                let x = r.exp();
                let above = p.sorted.len() - p.sorted.partition_point(|&v| v <= x);
                above as f64 / p.sorted.len() as f64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::spec::dist::phi_exact;
    use crate::spec::offer::{lognormal_sigma, Load, Profile, ServedTable};

    fn provisioned(load: Load) -> Provisioned {
        Provisioned {
            units: 10.0,
            unit_price: 100.0,
            hourly: false,
            tokens_per_minute_per_unit: 1000.0,
            output_weight: 1.0,
            min_units: 0.0,
            increment: 1.0,
            load,
            drop: false,
        }
    }

    fn lognormal(peak_to_mean: f64) -> (Provisioned, f64) {
        let s = lognormal_sigma(peak_to_mean).unwrap();
        (provisioned(Load::LogNormal { peak_to_mean, s, table: Arc::new(ServedTable::new(s)) }), s)
    }

    /// One month: the closed form `ln C = ln lambda - s Phi^-1(tail) - s^2/2`.
    /// Several months: the mean exceedance at the answer is the tail (to the
    /// accuracy of the tabulated `phi` the solver uses).
    #[test]
    fn mixture_quantile_solves_the_exceedance_equation() {
        let (p, s) = lognormal(2.5);
        for tail in [0.01, 0.2, 0.5, 0.93] {
            let c = mixture_quantile(&p, &[8.0], tail).unwrap();
            let want = (8.0 - s * crate::spec::dist::phi_inv(tail) - 0.5 * s * s).exp();
            assert!((c / want - 1.0).abs() < 1e-9, "tail {tail}: {c} vs {want}");
        }
        let ln_rates: Vec<f64> = (0..10_000).map(|k| 7.0 + (k % 97) as f64 * 0.03).chain([f64::NEG_INFINITY]).collect();
        for tail in [0.005, 0.1, 0.6] {
            let c = mixture_quantile(&p, &ln_rates, tail).unwrap();
            let exceed: f64 = ln_rates.iter().map(|lr| phi_exact(-((c.ln() - lr) + 0.5 * s * s) / s)).sum::<f64>()
                / ln_rates.len() as f64;
            assert!((exceed - tail).abs() < 1e-9, "tail {tail}: {exceed}");
        }
        // A measured profile: the load exceeds C in `tail` of the minutes.
        let prof = Profile::new("p".into(), &(1..=100).map(f64::from).collect::<Vec<_>>()).unwrap();
        let p = provisioned(Load::Profile(Arc::new(prof)));
        let c = mixture_quantile(&p, &[0.0], 0.1).unwrap();
        // Normalised values k / 50.5; P(X > C) = 0.1 for C in [90, 91) / 50.5.
        assert!((90.0 / 50.5 - 1e-12..91.0 / 50.5).contains(&c), "{c}");
    }
}
