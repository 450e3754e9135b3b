//! `sensitivity`: which uncertain input drives an offer's cost.
//!
//! One run of the engine, as `simulate` runs it, also records every path's
//! draw of each uncertain input ([`crate::sim::path::Draw`]). For each input,
//! the paths are ranked by that draw: the offer's expected cost and savings
//! over the paths in its lowest and its highest decile (`cost_low`,
//! `cost_high`, ...), and the share of the variance of cost the input
//! explains alone (first-order): the correlation ratio of cost on the
//! input's rank, from `B` equal-count bins of the ranked paths,
//! `(SSB - (B - 1) SSW / (n - B)) / SST` (the between-bin sum of squares,
//! less what noise alone would put there), clamped to [0, 1]. `B` is
//! `n / 200` within 10..=100: bins of at least 200 paths. Inputs are ranked
//! by the swing `|cost_high - cost_low|`, largest first.

use rayon::prelude::*;
use serde::Serialize;

use super::simulate::ScenarioInfo;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::engine::{run_recording, Keep, Spec};
use crate::sim::growth::GrowthRate;
use crate::sim::path::{draw_slot, draw_width, Draw};
use crate::sim::plan::SourceKind;
use crate::sim::view::billers_for;
use crate::sim::Plan;
use crate::spec::dist::Dist;

/// One uncertain input's effect on the offer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputEffect {
    /// The scenario key path, e.g. `workloads.big.growth_annual`.
    pub input: String,
    /// Expected cost over the paths whose draw of this input is in its lowest decile.
    pub cost_low: f64,
    /// Its standard error.
    pub cost_low_std_error: f64,
    /// Expected cost over the paths in its highest decile.
    pub cost_high: f64,
    /// Its standard error.
    pub cost_high_std_error: f64,
    /// Expected savings against the baseline in the lowest decile.
    pub savings_low: f64,
    /// Expected savings in the highest decile.
    pub savings_high: f64,
    /// `|cost_high - cost_low|`: the ranking key.
    pub swing: f64,
    /// First-order share of the variance of cost (0 to 1).
    pub variance_share: f64,
}

/// The whole `sensitivity` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SensitivityReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// The offer analysed.
    pub offer: String,
    /// The baseline its savings are measured against.
    pub baseline: String,
    /// Its expected cost over all paths.
    pub cost_mean: f64,
    /// Its expected savings over all paths.
    pub savings_mean: f64,
    /// Paths in each decile.
    pub paths_per_decile: u64,
    /// Bins of the variance shares.
    pub bins: u64,
    /// Per uncertain input, largest swing first.
    pub inputs: Vec<InputEffect>,
    /// Currency of money figures (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
}

fn uncertain(d: &Dist) -> bool {
    !matches!(d, Dist::Fixed(_))
}

fn varies(r: &GrowthRate) -> bool {
    !matches!(r, GrowthRate::Const(_))
}

/// The uncertain inputs of `plan` (compiled from `sc`), with their draws.
pub fn inputs(sc: &Scenario, plan: &Plan) -> Vec<(String, Draw)> {
    let mut out = Vec::new();
    for (i, src) in plan.sources.iter().enumerate() {
        match &src.kind {
            SourceKind::Workload { model, .. } => {
                let key = format!("workloads.{}", src.name);
                match model {
                    crate::scenario::VolumeModel::Drift { sigma, .. } => {
                        if varies(&src.rate) {
                            out.push((format!("{key}.growth_annual"), Draw::Growth(i)));
                        }
                        if *sigma > 0.0 {
                            out.push((format!("{key}.volatility_monthly"), Draw::Shocks(i)));
                        }
                    }
                    crate::scenario::VolumeModel::Fitted(_) => {
                        out.push((format!("{key}.growth (fitted from [history])"), Draw::Growth(i)));
                    }
                }
            }
            SourceKind::Event { probability, monthly, sigma, .. } => {
                let key = format!("forecast.events.{}", src.name);
                if *probability > 0.0 && *probability < 1.0 {
                    out.push((format!("{key}.probability"), Draw::Occurs(i)));
                }
                if uncertain(monthly) {
                    out.push((format!("{key}.monthly_tokens"), Draw::Size(i)));
                }
                if varies(&src.rate) {
                    out.push((format!("{key}.growth_annual"), Draw::Growth(i)));
                }
                if *sigma > 0.0 {
                    out.push((format!("{key}.volatility_monthly"), Draw::Shocks(i)));
                }
            }
        }
    }
    if uncertain(&plan.price_change) {
        out.push(("prices.price_change".into(), Draw::PriceChange));
    }
    if plan.step_cut.as_ref().is_some_and(|(p, _)| *p > 0.0) {
        out.push(("prices.step_cut".into(), Draw::StepCuts));
    }
    for (r, rule) in plan.routes.iter().enumerate() {
        if uncertain(&rule.share) {
            out.push((format!("forecast.routing[{r}].share"), Draw::Route(r)));
        }
    }
    let _ = sc;
    out
}

/// Mean and standard error of `xs`.
fn mean_se(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let m = xs.clone().sum::<f64>() / n;
    let v = xs.map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, (v / n).sqrt())
}

/// The number of bins for `n` paths.
pub fn bins(n: usize) -> usize {
    (n / 200).clamp(10, 100).min(n.max(1))
}

/// First-order share of the variance of `y` explained by the order `idx`
/// (path indices sorted by the input's draw), from `b` equal-count bins.
pub fn variance_share(y: &[f64], idx: &[usize], b: usize) -> f64 {
    let n = y.len();
    if n <= b || b < 2 {
        return 0.0;
    }
    let mean = y.iter().sum::<f64>() / n as f64;
    let sst: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    if sst <= 0.0 {
        return 0.0;
    }
    let (mut ssb, mut ssw) = (0.0, 0.0);
    for k in 0..b {
        let bin = &idx[k * n / b..(k + 1) * n / b];
        let m = bin.iter().map(|&i| y[i]).sum::<f64>() / bin.len() as f64;
        ssb += bin.len() as f64 * (m - mean) * (m - mean);
        ssw += bin.iter().map(|&i| (y[i] - m) * (y[i] - m)).sum::<f64>();
    }
    let between = ssb - (b as f64 - 1.0) * ssw / (n - b) as f64;
    (between / sst).clamp(0.0, 1.0)
}

/// Runs `sc` once and measures each uncertain input's effect on `offer`
/// (default: the offer with the highest expected saving against the
/// baseline, the baseline itself when it is the only offer).
pub fn sensitivity(sc: &Scenario, offer: Option<&str>, progress: &(dyn Fn(u64) + Sync)) -> Result<SensitivityReport> {
    let target = match offer {
        Some(name) => Some(sc.offers.iter().position(|o| o.name == name).ok_or_else(|| {
            let names: Vec<&str> = sc.offers.iter().map(|o| o.name.as_str()).collect();
            Error::Usage(format!("--offer: no offer named \"{name}\"; the scenario's offers are {}", names.join(", ")))
        })?),
        None => None,
    };
    let plan = Plan::new(sc);
    let (views, billers) = billers_for(&sc.offers, &plan, &sc.catalog);
    let specs: Vec<_> = billers.into_iter().map(|b| Spec::new(b, Keep::Cost)).collect();
    let out = run_recording(&plan, &views, &specs, progress)?;
    out.check_finite(sc)?;
    let base_i = sc.risk.baseline;
    let base = &out.offers[base_i].cost;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let saving = |k: usize| mean(base) - mean(&out.offers[k].cost);
    let k = target.unwrap_or_else(|| {
        (0..sc.offers.len())
            .filter(|&k| k != base_i)
            .max_by(|&a, &b| saving(a).total_cmp(&saving(b)).then(b.cmp(&a)))
            .unwrap_or(base_i)
    });
    Ok(report(sc, &plan, &out.draws, base, &out.offers[k].cost, &sc.offers[k].name))
}

/// The sensitivity of the cost column `cost` (per path) of the offer named
/// `offer`, against the baseline's `base`, with the paths' input draws
/// `draws` (from a recording run of `plan`).
pub fn report(sc: &Scenario, plan: &Plan, draws: &[f64], base: &[f64], cost: &[f64], offer: &str) -> SensitivityReport {
    let base_i = sc.risk.baseline;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let savings: Vec<f64> = base.iter().zip(cost).map(|(b, c)| b - c).collect();
    let n = cost.len();
    let w = draw_width(plan);
    let d = (n / 10).max(1);
    let b = bins(n);
    let mut effects: Vec<InputEffect> = inputs(sc, plan)
        .into_par_iter()
        .filter_map(|(name, draw)| {
            let slot = draw_slot(plan, draw);
            // (draw, path) pairs: path indices are distinct, so the order is total and the same on every run.
            let mut keyed: Vec<(f64, usize)> = (0..n).map(|i| (draws[i * w + slot], i)).collect();
            keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            if n == 0 || keyed[0].0 == keyed[n - 1].0 {
                return None; // never varied on these paths
            }
            let idx: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
            let (lo, hi) = (&idx[..d], &idx[n - d..]);
            let (cost_low, cost_low_std_error) = mean_se(lo.iter().map(|&i| cost[i]));
            let (cost_high, cost_high_std_error) = mean_se(hi.iter().map(|&i| cost[i]));
            Some(InputEffect {
                input: name,
                cost_low,
                cost_low_std_error,
                cost_high,
                cost_high_std_error,
                savings_low: mean_se(lo.iter().map(|&i| savings[i])).0,
                savings_high: mean_se(hi.iter().map(|&i| savings[i])).0,
                swing: (cost_high - cost_low).abs(),
                variance_share: variance_share(cost, &idx, b),
            })
        })
        .collect();
    effects.sort_by(|a, b| b.swing.total_cmp(&a.swing).then_with(|| a.input.cmp(&b.input)));
    SensitivityReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo::of(sc),
        offer: offer.to_string(),
        baseline: sc.offers[base_i].name.clone(),
        cost_mean: mean(cost),
        savings_mean: mean(&savings),
        paths_per_decile: d as u64,
        bins: b as u64,
        inputs: effects,
        currency: sc.catalog.currency.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_share_of_a_function_of_the_rank_is_one_and_of_noise_is_near_zero() {
        let n = 20_000;
        let idx: Vec<usize> = (0..n).collect();
        let y: Vec<f64> = (0..n).map(|i| (i as f64 / n as f64).powi(2)).collect();
        assert!(variance_share(&y, &idx, bins(n)) > 0.999);
        // A deterministic scramble unrelated to the order.
        let noise: Vec<f64> = (0..n).map(|i| ((i as u64).wrapping_mul(2_654_435_761) % 1000) as f64).collect();
        assert!(variance_share(&noise, &idx, bins(n)) < 0.01);
        // Half the variance: y = rank part + an independent part of the same variance.
        let half: Vec<f64> = (0..n).map(|i| (i as f64 / n as f64) + ((i * 7919) % n) as f64 / n as f64).collect();
        let s = variance_share(&half, &idx, bins(n));
        assert!((s - 0.5).abs() < 0.03, "{s}");
    }
}
