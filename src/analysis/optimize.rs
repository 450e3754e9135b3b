//! `optimize --portfolio` (SPEC 6.6): every layer's level chosen together on
//! the same futures: the lowest expected cost whose over-commitment
//! probability is within the risk limit, and the frontier of expected cost
//! against CVaR95 of the level combinations evaluated.
//!
//! The method (docs/sweep.md, "Optimising a portfolio"): the search paths
//! (the run's first [`SEARCH_PATHS`] paths, all of them in smaller runs) are
//! simulated once and kept. A commit or credits layer's level changes
//! nothing it passes on, so moving it re-bills that layer alone on the
//! traffic it received (kept per path); moving a provisioned layer re-bills
//! the portfolio. Two layers with grids of at most [`EXHAUSTIVE`]
//! combinations are searched exhaustively; more by coordinate search over
//! the sweep's grids until no single move improves; then each commit or
//! credits level is refined by golden-section search between its grid
//! neighbours. When the run has more paths than the search, the optimum
//! and the best feasible runners-up are billed again on every path and the
//! optimum is chosen among them; the frontier is the search's.

use rayon::prelude::*;
use serde::Serialize;

use super::simulate::ScenarioInfo;
use super::stats::tail_mean;
use super::sweep::{at_level, current_level, sweep_levels, Levels};
use crate::error::{Error, Result};
use crate::pricing::{Biller, PathBill, ViewData};
use crate::scenario::Scenario;
use crate::sim::portfolio::{bill_totals, commit_charge, layer_committed, Kept, PortfolioBiller, Scratch};
use crate::sim::Plan;
use crate::spec::offer::{Offer, OfferKind};

/// Paths the search bills (the run's first ones); the chosen levels are
/// billed again on all of the run's paths when it has more.
pub const SEARCH_PATHS: usize = 5_000;
/// The most level combinations of two layers searched exhaustively.
pub const EXHAUSTIVE: usize = 1_500;
/// Rounds of the coordinate search at most.
const ROUNDS: usize = 8;
/// Grid levels on each side of the current one a provisioned layer's
/// later rounds scan.
const NEAR: usize = 3;
/// Golden-section steps per refinement of a level.
const GOLDEN_STEPS: usize = 28;
/// Feasible runners-up billed again on every path beside the optimum.
const RUNNERS_UP: usize = 2;
/// Frontier points reported at most.
pub const FRONTIER_POINTS: usize = 12;

/// One layer's chosen level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayerLevel {
    /// The offer.
    pub offer: String,
    /// `amount` (commit, credits: every amount scaled together), `units`
    /// (provisioned), or `none` (pay as you go: nothing to choose).
    pub parameter: String,
    /// The level: mean amount per period (credits: per lot) or units; null for pay as you go.
    pub level: Option<f64>,
}

/// A level combination on the frontier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrontierPoint {
    /// One level per layer (0 for pay-as-you-go layers).
    pub levels: Vec<f64>,
    /// Expected cost.
    pub cost_mean: f64,
    /// Mean of the costliest 5%.
    pub cost_cvar95: f64,
    /// Probability that the layers' total unused commitment exceeds the waste tolerance.
    pub prob_overcommit: f64,
}

/// The `optimize` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptimizeReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// The portfolio.
    pub portfolio: String,
    /// The over-commitment probability allowed.
    pub risk_limit: f64,
    /// The chosen level of each layer.
    pub layers: Vec<LayerLevel>,
    /// Expected cost at the chosen levels.
    pub cost_mean: f64,
    /// CVaR95 of cost at the chosen levels.
    pub cost_cvar95: f64,
    /// Over-commitment probability at the chosen levels.
    pub prob_overcommit: f64,
    /// Whether the chosen levels are within the risk limit (when none of
    /// the combinations found is, the least risky is reported).
    pub within_limit: bool,
    /// Non-dominated combinations found, by increasing expected cost.
    pub frontier: Vec<FrontierPoint>,
    /// Paths the search billed (not part of the JSON interface).
    #[serde(skip)]
    pub search_paths: usize,
    /// Combinations evaluated (not part of the JSON interface).
    #[serde(skip)]
    pub evaluations: usize,
    /// Currency (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
    /// Level unit per layer: usd, tokens or units (not part of the JSON interface).
    #[serde(skip)]
    pub units: Vec<String>,
}

/// Figures of one combination.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stats {
    mean: f64,
    cvar: f64,
    prob: f64,
}

/// Feasible before infeasible; then cheaper; infeasible ones by risk.
fn better(a: &Stats, b: &Stats, limit: f64) -> bool {
    let (fa, fb) = (a.prob <= limit, b.prob <= limit);
    match (fa, fb) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => a.mean < b.mean,
        (false, false) => a.prob < b.prob || (a.prob == b.prob && a.mean < b.mean),
    }
}

/// The search's state: per path, each layer's charge and waste, what no
/// layer served, and the traffic each commit or credits layer received.
struct Search<'a> {
    sc: &'a Scenario,
    plan: &'a Plan,
    kept: &'a Kept,
    offers: Vec<Offer>,
    levels: Vec<f64>,
    charge: Vec<Vec<f64>>,
    waste: Vec<Vec<f64>>,
    rest: Vec<f64>,
    received: Vec<Vec<ViewData>>,
    committed: Vec<f64>,
    evaluations: usize,
    seen: Vec<(Vec<f64>, Stats)>,
}

impl<'a> Search<'a> {
    fn offers_at(&self, levels: &[f64]) -> Vec<Offer> {
        self.offers.iter().zip(levels).map(|(o, &l)| at(o, l, self.sc.horizon)).collect()
    }

    /// Bills the whole portfolio at `levels` on every search path.
    fn full(&mut self, levels: &[f64]) {
        self.bill_all(levels, true);
    }

    /// [`Self::full`], keeping the traffic each commit layer received only
    /// with `keep` (a provisioned layer's scan needs only the figures).
    fn bill_all(&mut self, levels: &[f64], keep_received: bool) {
        let offers = self.offers_at(levels);
        let refs: Vec<&Offer> = offers.iter().collect();
        let pf = PortfolioBiller::new(&refs, self.plan, &self.sc.catalog);
        let n = self.kept.paths();
        let l = pf.layers.len();
        let is_commit: Vec<bool> = pf.layers.iter().map(|x| matches!(x.biller.kind, OfferKind::Commit(_))).collect();
        let rows: Vec<(Vec<PathBill>, f64, Vec<ViewData>)> = (0..n)
            .into_par_iter()
            .map_init(
                || (Scratch::default(), vec![PathBill::default(); l]),
                |(s, bills), i| {
                    let mut keep = if keep_received { vec![ViewData::default(); l] } else { Vec::new() };
                    let total = pf.bill_keeping(self.plan, &self.kept.path(i), s, bills, &mut keep);
                    let layer_sum: f64 = bills.iter().map(|b| b.cost).sum();
                    for (k, c) in keep.iter_mut().zip(&is_commit) {
                        if !c {
                            *k = ViewData::default();
                        }
                    }
                    (bills.clone(), total.cost - layer_sum, keep)
                },
            )
            .collect();
        self.charge = vec![Vec::with_capacity(n); l];
        self.waste = vec![Vec::with_capacity(n); l];
        self.received = vec![Vec::with_capacity(n); l];
        self.rest = Vec::with_capacity(n);
        for (bills, rest, keep) in rows {
            for (j, b) in bills.iter().enumerate() {
                self.charge[j].push(b.cost);
                self.waste[j].push(b.waste);
            }
            for (j, k) in keep.into_iter().enumerate() {
                if is_commit[j] {
                    self.received[j].push(k);
                }
            }
            self.rest.push(rest);
        }
        self.committed = pf.layers.iter().map(|x| committed_of(&x.biller, x.view.term)).collect();
        self.levels = levels.to_vec();
    }

    /// Layer `j` (commit or credits) at `level`, re-billed on the traffic it received.
    fn rebill(&self, j: usize, level: f64) -> (Vec<f64>, Vec<f64>, f64) {
        let offer = at(&self.offers[j], level, self.sc.horizon);
        let pf = PortfolioBiller::new(&[&offer], self.plan, &self.sc.catalog);
        let layer = &pf.layers[0];
        let OfferKind::Commit(c) = &layer.biller.kind else { unreachable!("only commit layers are re-billed") };
        let bills: Vec<(f64, f64)> = self.received[j]
            .par_iter()
            .map(|v| {
                let b = layer.biller.bill(v);
                (commit_charge(c, &b, v), b.waste)
            })
            .collect();
        let (charge, waste) = bills.into_iter().unzip();
        (charge, waste, committed_of(&layer.biller, layer.view.term))
    }

    /// The figures with layer `j` replaced by `(charge, waste, committed)` (or as they are).
    fn stats(&self, with: Option<(usize, &[f64], &[f64], f64)>) -> Stats {
        let n = self.rest.len();
        let tol = self.sc.risk.waste_tolerance;
        let committed: f64 = (0..self.committed.len())
            .map(|j| match with {
                Some((k, _, _, c)) if k == j => c,
                _ => self.committed[j],
            })
            .sum();
        let per_path: Vec<(f64, f64)> = (0..n)
            .into_par_iter()
            .map(|i| {
                let (mut cost, mut waste) = (self.rest[i], 0.0);
                for j in 0..self.charge.len() {
                    let (c, w) = match with {
                        Some((k, ch, wa, _)) if k == j => (ch[i], wa[i]),
                        _ => (self.charge[j][i], self.waste[j][i]),
                    };
                    cost += c;
                    waste += w;
                }
                (cost, waste)
            })
            .collect();
        let cost: Vec<f64> = per_path.iter().map(|p| p.0).collect();
        let over = per_path.iter().filter(|p| p.1 > tol * committed).count();
        Stats { mean: cost.iter().sum::<f64>() / n as f64, cvar: tail_mean(&cost, 20), prob: over as f64 / n as f64 }
    }

    fn record(&mut self, levels: Vec<f64>, s: Stats) {
        self.evaluations += 1;
        self.seen.push((levels, s));
    }

    /// Evaluates layer `j` at `level` with the others as they are: re-billing
    /// one commit layer (the state stays), or the whole portfolio (the state
    /// moves there).
    fn try_level(&mut self, j: usize, level: f64) -> Stats {
        let mut levels = self.levels.clone();
        levels[j] = level;
        let s = if self.is_commit(j) {
            let (c, w, k) = self.rebill(j, level);
            self.stats(Some((j, &c, &w, k)))
        } else {
            // The state moves with it, without the traffic commit layers
            // received; the caller moves on with [`Self::full`] or [`Self::set`].
            self.bill_all(&levels, false);
            self.stats(None)
        };
        self.record(levels, s);
        s
    }

    /// Moves layer `j` to `level`.
    fn set(&mut self, j: usize, level: f64) {
        if self.is_commit(j) {
            let (c, w, k) = self.rebill(j, level);
            self.charge[j] = c;
            self.waste[j] = w;
            self.committed[j] = k;
            self.levels[j] = level;
        } else if self.levels[j] != level || self.received.iter().all(|r| r.is_empty()) {
            let mut levels = self.levels.clone();
            levels[j] = level;
            self.full(&levels);
        }
    }

    fn is_commit(&self, j: usize) -> bool {
        matches!(self.offers[j].kind, OfferKind::Commit(_))
    }
}

fn committed_of(b: &Biller, term: usize) -> f64 {
    match &b.kind {
        OfferKind::Commit(c) => layer_committed(c, term),
        _ => 0.0,
    }
}

/// `o` at `level` (pay-as-you-go offers have none).
fn at(o: &Offer, level: f64, horizon: usize) -> Offer {
    match o.kind {
        OfferKind::Payg(_) => o.clone(),
        _ => at_level(o, level, horizon),
    }
}

/// Finds portfolio `name` of `sc`.
fn find(sc: &Scenario, name: &str) -> Result<usize> {
    sc.portfolios.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<String> = sc.portfolios.iter().map(|p| format!("`{}`", p.name)).collect();
        let hint = crate::error::closest(name, sc.portfolios.iter().map(|p| p.name.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let list = if names.is_empty() {
            "the scenario has no [[portfolios]]".to_string()
        } else {
            format!("portfolios: {}", names.join(", "))
        };
        Error::Usage(format!("--portfolio: no portfolio named `{name}` in {}{hint} ({list})", sc.file.display()))
    })
}

/// Optimises portfolio `name` of `sc` within over-commitment probability `risk_limit`.
pub fn optimize(sc: &Scenario, name: &str, risk_limit: f64, progress: &(dyn Fn(u64) + Sync)) -> Result<OptimizeReport> {
    let idx = find(sc, name)?;
    if !(risk_limit.is_finite() && (0.0..=1.0).contains(&risk_limit)) {
        return Err(Error::Usage(format!("--risk-limit: expected a probability from 0 to 1, found {risk_limit}")));
    }
    let pf = &sc.portfolios[idx];
    let plan = Plan::new(sc);
    let offers: Vec<Offer> = pf.layers.iter().map(|&i| sc.offers[i].clone()).collect();
    // Each layer's grid: the sweep's default levels and its own level.
    let mut grids: Vec<Vec<f64>> = Vec::new();
    for o in &offers {
        let g = match o.kind {
            OfferKind::Payg(_) => Vec::new(),
            _ => {
                let mut g = sweep_levels(sc, &plan, o, &Levels::Default)?;
                g.push(current_level(o, sc.horizon));
                g.sort_by(f64::total_cmp);
                g.dedup();
                g
            }
        };
        grids.push(g);
    }
    let prices = offers.iter().any(|o| matches!(&o.kind, OfferKind::Commit(c) if c.locked || c.tokens));
    let n_search = (sc.paths as usize).min(SEARCH_PATHS);
    crate::sim::engine::check_budget(
        n_search as u64,
        Kept::values_per_path(&plan, prices) as u64 * 2,
        "the search paths of optimize, kept in memory",
    )?;
    let kept = Kept::new(&plan, n_search, prices, progress);
    let own: Vec<f64> = offers.iter().map(|o| current_level(o, sc.horizon)).collect();
    let mut s = Search {
        sc,
        plan: &plan,
        kept: &kept,
        offers: offers.clone(),
        levels: own.clone(),
        charge: vec![],
        waste: vec![],
        rest: vec![],
        received: vec![],
        committed: vec![],
        evaluations: 0,
        seen: vec![],
    };
    s.full(&own);
    let st = s.stats(None);
    s.record(own.clone(), st);
    let dims: Vec<usize> = (0..offers.len()).filter(|&j| !grids[j].is_empty()).collect();
    let combos: usize = dims.iter().map(|&j| grids[j].len()).product();
    let limit = risk_limit;
    if dims.len() == 2 && combos <= EXHAUSTIVE {
        // Provisioned layers outside (each of their moves re-bills the portfolio).
        let (outer, inner) =
            if s.is_commit(dims[0]) && !s.is_commit(dims[1]) { (dims[1], dims[0]) } else { (dims[0], dims[1]) };
        for &a in &grids[outer].clone() {
            s.set(outer, a);
            for &b in &grids[inner].clone() {
                s.try_level(inner, b);
            }
        }
    } else {
        for round in 0..ROUNDS {
            let mut moved = false;
            for &j in &dims {
                let cur = s.levels[j];
                let mut best = (cur, s.stats(None));
                // A provisioned move re-bills the portfolio: after the first
                // round, only the grid levels next to the current one.
                let g = &grids[j];
                let at = g.iter().position(|&x| x >= cur).unwrap_or(g.len() - 1);
                let near = |k: usize| round == 0 || s.is_commit(j) || k.abs_diff(at) <= NEAR;
                let scan: Vec<f64> = g.iter().enumerate().filter(|&(k, _)| near(k)).map(|(_, &x)| x).collect();
                for &l in &scan {
                    if l == cur {
                        continue;
                    }
                    let st = s.try_level(j, l);
                    if better(&st, &best.1, limit) {
                        best = (l, st);
                    }
                }
                moved |= best.0 != cur;
                // Back to the current level, or on to the better one.
                let mut to = s.levels.clone();
                to[j] = best.0;
                if s.is_commit(j) {
                    s.set(j, best.0);
                } else {
                    s.full(&to);
                }
            }
            if !moved {
                break;
            }
        }
    }
    // Move to the best combination found, then refine commit levels.
    let best_of = |seen: &[(Vec<f64>, Stats)]| {
        seen.iter()
            .fold(None::<&(Vec<f64>, Stats)>, |b, x| match b {
                Some(b) if !better(&x.1, &b.1, limit) => Some(b),
                _ => Some(x),
            })
            .map(|x| x.0.clone())
            .unwrap_or_else(|| own.clone())
    };
    let best = best_of(&s.seen);
    s.full(&best);
    for _ in 0..2 {
        for &j in &dims {
            if !s.is_commit(j) {
                continue;
            }
            let g = &grids[j];
            let cur = s.levels[j];
            let pos = g.iter().position(|&x| x >= cur).unwrap_or(g.len() - 1);
            let lo = if pos > 0 { g[pos - 1] } else { g[0] };
            let hi = g.get(pos + 1).copied().unwrap_or(g[pos]).max(cur);
            let lo = lo.min(cur);
            if hi <= lo {
                continue;
            }
            let value = |s: &mut Search, l: f64| {
                let st = s.try_level(j, l);
                if st.prob <= limit {
                    st.mean
                } else {
                    f64::INFINITY
                }
            };
            let r = 0.5 * (5f64.sqrt() - 1.0);
            let (mut a, mut b) = (lo, hi);
            let mut x1 = b - r * (b - a);
            let mut x2 = a + r * (b - a);
            let (mut f1, mut f2) = (value(&mut s, x1), value(&mut s, x2));
            for _ in 0..GOLDEN_STEPS {
                if f1 <= f2 {
                    b = x2;
                    x2 = x1;
                    f2 = f1;
                    x1 = b - r * (b - a);
                    f1 = value(&mut s, x1);
                } else {
                    a = x1;
                    x1 = x2;
                    f1 = f2;
                    x2 = a + r * (b - a);
                    f2 = value(&mut s, x2);
                }
            }
            let best = best_of(&s.seen);
            if best != s.levels {
                s.full(&best);
            }
        }
    }
    let mut best = best_of(&s.seen);
    let mut best_stats = s.seen.iter().find(|x| x.0 == best).map(|x| x.1).unwrap_or(st);
    let frontier = non_dominated(&s.seen);
    if kept.paths() < sc.paths as usize {
        // Bill the optimum and the best feasible runners-up on every path.
        let mut feasible: Vec<&(Vec<f64>, Stats)> = s.seen.iter().filter(|x| x.1.prob <= limit).collect();
        feasible.sort_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
        let mut cands: Vec<Vec<f64>> = vec![best.clone()];
        for x in feasible.iter().take(RUNNERS_UP + 1).map(|x| x.0.clone()) {
            if !cands.contains(&x) {
                cands.push(x);
            }
        }
        let billers: Vec<PortfolioBiller> = cands
            .iter()
            .map(|l| {
                let o = s.offers_at(l);
                let refs: Vec<&Offer> = o.iter().collect();
                PortfolioBiller::new(&refs, &plan, &sc.catalog)
            })
            .collect();
        let totals = bill_totals(&plan, &billers, progress);
        let tol = sc.risk.waste_tolerance;
        let full: Vec<(Vec<f64>, Stats)> = cands
            .into_iter()
            .zip(totals.iter().zip(&billers))
            .map(|(l, (t, b))| {
                let cost: Vec<f64> = t.iter().map(|x| x.0).collect();
                let k = b.committed();
                let over = t.iter().filter(|x| x.1 > tol * k).count();
                let n = cost.len() as f64;
                (l, Stats { mean: cost.iter().sum::<f64>() / n, cvar: tail_mean(&cost, 20), prob: over as f64 / n })
            })
            .collect();
        best = best_of(&full);
        best_stats = full.iter().find(|x| x.0 == best).map(|x| x.1).unwrap_or(best_stats);
    }
    let layers = offers
        .iter()
        .zip(&best)
        .map(|(o, &l)| LayerLevel {
            offer: o.name.clone(),
            parameter: match o.kind {
                OfferKind::Payg(_) => "none",
                OfferKind::Commit(_) => "amount",
                OfferKind::Provisioned(_) => "units",
            }
            .into(),
            level: (!matches!(o.kind, OfferKind::Payg(_))).then_some(l),
        })
        .collect();
    Ok(OptimizeReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo::of(sc),
        portfolio: pf.name.clone(),
        risk_limit,
        layers,
        cost_mean: best_stats.mean,
        cost_cvar95: best_stats.cvar,
        prob_overcommit: best_stats.prob,
        within_limit: best_stats.prob <= risk_limit,
        frontier: frontier
            .into_iter()
            .map(|(levels, st)| FrontierPoint {
                levels: levels
                    .iter()
                    .zip(&offers)
                    .map(|(&l, o)| if matches!(o.kind, OfferKind::Payg(_)) { 0.0 } else { l })
                    .collect(),
                cost_mean: st.mean,
                cost_cvar95: st.cvar,
                prob_overcommit: st.prob,
            })
            .collect(),
        search_paths: kept.paths(),
        evaluations: s.evaluations,
        currency: sc.catalog.currency.clone(),
        units: offers.iter().map(|o| super::sweep::level_unit(o).to_string()).collect(),
    })
}

/// The combinations no other improves on in both expected cost and CVaR95
/// (ties in both kept once), by increasing expected cost; at most
/// [`FRONTIER_POINTS`], evenly spread along it.
fn non_dominated(seen: &[(Vec<f64>, Stats)]) -> Vec<(Vec<f64>, Stats)> {
    let mut v: Vec<&(Vec<f64>, Stats)> = seen.iter().filter(|x| x.1.mean.is_finite() && x.1.cvar.is_finite()).collect();
    v.sort_by(|a, b| a.1.mean.total_cmp(&b.1.mean).then(a.1.cvar.total_cmp(&b.1.cvar)));
    let mut out: Vec<(Vec<f64>, Stats)> = Vec::new();
    for x in v {
        if out.last().is_none_or(|l| x.1.cvar < l.1.cvar) {
            out.push(x.clone());
        }
    }
    // Thin points closer than 0.1% of the frontier's CVaR95 range to the last one kept.
    if let (Some(first), Some(last)) = (out.first(), out.last()) {
        let step = 1e-3 * (first.1.cvar - last.1.cvar);
        let mut thin: Vec<(Vec<f64>, Stats)> = Vec::new();
        for (k, x) in out.iter().enumerate() {
            if k + 1 == out.len() || thin.last().is_none_or(|l| l.1.cvar - x.1.cvar >= step) {
                thin.push(x.clone());
            }
        }
        out = thin;
    }
    if out.len() > FRONTIER_POINTS {
        let n = out.len();
        let keep: Vec<usize> = (0..FRONTIER_POINTS).map(|k| k * (n - 1) / (FRONTIER_POINTS - 1)).collect();
        out = keep.into_iter().map(|k| out[k].clone()).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(mean: f64, cvar: f64) -> (Vec<f64>, Stats) {
        (vec![mean], Stats { mean, cvar, prob: 0.0 })
    }

    #[test]
    fn the_frontier_keeps_only_non_dominated_points() {
        let seen = [st(10.0, 30.0), st(11.0, 25.0), st(12.0, 26.0), st(13.0, 20.0), st(10.0, 31.0), st(14.0, 20.0)];
        let f = non_dominated(&seen);
        let means: Vec<f64> = f.iter().map(|x| x.1.mean).collect();
        assert_eq!(means, [10.0, 11.0, 13.0]);
    }

    #[test]
    fn feasibility_comes_first() {
        let a = Stats { mean: 10.0, cvar: 0.0, prob: 0.2 };
        let b = Stats { mean: 12.0, cvar: 0.0, prob: 0.05 };
        assert!(better(&b, &a, 0.1));
        assert!(better(&a, &b, 0.3));
    }
}
