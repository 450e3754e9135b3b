//! The walk-away point (SPEC 6.6): for a commit or provisioned offer against
//! its alternative (the baseline, or another offer), per sweep level the
//! smallest discount (provisioned: the highest unit price) at which the offer
//! beats the alternative in expected cost and with probability at least `C`,
//! and at the offered terms the largest level that still does, both ways.
//! See docs/sweep.md ("The walk-away point") for the formulas.
//!
//! One pass over the futures keeps, per path, the alternative's cost and the
//! offer's reduced path (its [`ViewData`], the same the engine bills); every
//! bisection step then re-bills those stored paths with the same billing
//! code, so every value is solved on the same futures (common random
//! numbers), not read off a grid, and without simulating again.

use rayon::prelude::*;
use serde::Serialize;

use super::simulate::ScenarioInfo;
use super::stats::{design_std_error, ROUNDING};
use super::sweep::{at_level, current_level, find_offer, largest_level, level_unit, sweep_levels, Levels};
use crate::error::{Error, Result};
use crate::math::rng::CHUNK;
use crate::pricing::{commit, provisioned, Biller, ViewData};
use crate::scenario::Scenario;
use crate::sim::engine::map_paths;
use crate::sim::view::billers_for;
use crate::sim::Plan;
use crate::spec::offer::{DiscountRule, Offer, OfferKind};

/// Discounts are solved to this many points of discount (0.01 points).
pub const DISCOUNT_TOLERANCE: f64 = 1e-4;
/// Unit prices and levels are solved to this share of their value (0.1%).
pub const RELATIVE_TOLERANCE: f64 = 1e-3;
/// The largest discount tried: a discount of 100% is no price at all.
pub const MAX_DISCOUNT: f64 = 0.9999;

/// One level's reservation points. For commit offers the discounts are
/// present and the unit prices absent, for provisioned offers the reverse
/// (an absent key is `None`; a present `null` is "no value works").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WalkawayLevel {
    /// The level (amount per period, or units).
    pub level: f64,
    /// Commit: the smallest discount at which the expected cost beats the alternative's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_even_discount: Option<Option<f64>>,
    /// Commit: the smallest discount at which the offer is cheaper with probability at least `confidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_even_discount_confident: Option<Option<f64>>,
    /// Provisioned: the highest unit price at which the expected cost beats the alternative's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_even_unit_price: Option<Option<f64>>,
    /// Provisioned: the highest unit price at which the offer is cheaper with probability at least `confidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_even_unit_price_confident: Option<Option<f64>>,
    /// At the offered terms: expected saving against the alternative.
    pub savings_mean: f64,
    /// Its standard error.
    pub savings_std_error: f64,
    /// At the offered terms: the probability that the offer is cheaper than the alternative.
    pub prob_saving: f64,
}

/// The `walkaway` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WalkawayReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// The offer.
    pub offer: String,
    /// Its kind: `commit` or `provisioned`.
    pub kind: String,
    /// The alternative it is compared with (the baseline unless `--against`).
    pub against: String,
    /// The probability of saving asked for.
    pub confidence: f64,
    /// `amount` or `units`.
    pub parameter: String,
    /// Unit of a level: `usd` (per period), `tokens` (per period) or `units`.
    pub level_unit: String,
    /// Months per commitment period (commit offers).
    pub period_months: Option<usize>,
    /// Commit: the discount offered (at the offer's own level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered_discount: Option<f64>,
    /// Provisioned: the unit price offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered_unit_price: Option<f64>,
    /// The offer's own level.
    pub offered_level: f64,
    /// Per level of the sweep's grid (above 0).
    pub levels: Vec<WalkawayLevel>,
    /// At the offered discount (unit price), the largest level whose expected cost beats the alternative's.
    pub max_level: Option<f64>,
    /// At the offered discount (unit price), the largest level cheaper than the alternative with probability at least `confidence`.
    pub max_level_confident: Option<f64>,
    /// What the numbers mean where a value does not exist, in words.
    pub notes: Vec<String>,
    /// Currency (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
}

/// What `walkaway` is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkawayRequest<'a> {
    /// The commit or provisioned offer.
    pub offer: &'a str,
    /// The alternative offer (default: the baseline).
    pub against: Option<&'a str>,
    /// The probability of saving for the confident figures, in (0, 1).
    pub confidence: f64,
    /// The levels (as for `sweep`).
    pub levels: Levels,
}

/// The futures as the bisections read them: per path the alternative's cost
/// and the offer's reduced path.
struct Futures {
    alt: Vec<f64>,
    views: Vec<ViewData>,
    /// Days of the offer's months (its term within the horizon).
    days: Vec<f64>,
    term: usize,
    /// The alternative's expected cost.
    alt_mean: f64,
    /// The sum over the paths of what lies outside the offer.
    outside_sum: f64,
    /// The offer's per-period spends, sorted (dollar commitments without
    /// rollover): the expected cost at any level and discount without a pass
    /// over the paths.
    sorted: Option<commit::SortedPeriods>,
    /// `n - K`, with `K` the fewest winning paths whose share reaches the
    /// confidence: the offer wins with probability at least the confidence
    /// exactly when the `(n - K)`-th smallest margin (0-based) is above 0.
    rank: usize,
    /// Whether the paths come in antithetic pairs (for standard errors).
    pairs: bool,
}

/// The figures of one billing of every stored path.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    savings_mean: f64,
    savings_std_error: f64,
    prob_saving: f64,
    /// Above 0 exactly when the offer beats the alternative in expected cost
    /// (the mean saving less the rounding allowance).
    mean_score: f64,
    /// Above 0 exactly when the offer wins with probability at least the
    /// confidence (the `rank`-th smallest margin of a path's saving over
    /// its rounding allowance).
    sure_score: f64,
}

/// Whether a saving `s` against an alternative costing `alt` counts as a
/// saving: above rounding, as `prob_negative` counts losses.
fn wins(s: f64, alt: f64) -> bool {
    s > ROUNDING * alt.abs()
}

impl Futures {
    /// The biller of `offer` over the stored paths.
    fn biller(&self, offer: &Offer) -> Biller {
        let fixed = match &offer.kind {
            OfferKind::Provisioned(p) => provisioned::term_totals(p, &self.days),
            _ => provisioned::TermTotals::default(),
        };
        let schedule = match &offer.kind {
            OfferKind::Commit(c) => Some(commit::Schedule::new(c, self.term)),
            _ => None,
        };
        Biller { view: 0, kind: offer.kind.clone(), fixed, schedule }
    }

    /// Savings per path of `offer` (sequential: callers parallelise over levels).
    fn savings(&self, offer: &Offer) -> Vec<f64> {
        let b = self.biller(offer);
        self.views.iter().zip(&self.alt).map(|(v, a)| a - b.bill(v).cost).collect()
    }

    /// Savings per path of `offer`, billed in parallel (in path order).
    fn savings_par(&self, offer: &Offer) -> Vec<f64> {
        let b = self.biller(offer);
        self.views.par_iter().zip(&self.alt).with_min_len(CHUNK).map(|(v, a)| a - b.bill(v).cost).collect()
    }

    /// Savings per path of each of `offers`, all provisioned offers that
    /// [`provisioned::Levels`] can bill together, in one pass over the paths
    /// (the same bits as billing each alone); `None` when they cannot.
    fn savings_batched(&self, offers: &[Offer]) -> Option<Vec<Vec<f64>>> {
        let billers: Vec<Biller> = offers.iter().map(|o| self.biller(o)).collect();
        let provs: Vec<(&crate::spec::offer::Provisioned, &provisioned::TermTotals)> = billers
            .iter()
            .filter_map(|b| match &b.kind {
                OfferKind::Provisioned(p) => Some((p, &b.fixed)),
                _ => None,
            })
            .collect();
        if provs.len() != billers.len() || provs.len() < 2 {
            return None;
        }
        let batch = provisioned::Levels::new(provs)?;
        let m = offers.len();
        let flat: Vec<f64> = self
            .views
            .par_iter()
            .zip(&self.alt)
            .with_min_len(CHUNK)
            .map_init(
                || (<[Vec<f64>; 3]>::default(), vec![crate::pricing::PathBill::default(); m]),
                |(scratch, out), (v, a)| {
                    batch.bill(v, scratch, out);
                    out.iter().map(|b| a - b.cost).collect::<Vec<f64>>()
                },
            )
            .flatten_iter()
            .collect();
        let n = self.views.len();
        Some((0..m).map(|j| (0..n).map(|i| flat[i * m + j]).collect()).collect())
    }

    /// Whether an outcome beats the alternative in expected cost (by more than rounding).
    #[cfg(test)]
    fn beats(&self, o: &Outcome) -> bool {
        wins(o.savings_mean, self.alt_mean)
    }

    fn outcome(&self, s: &[f64]) -> Outcome {
        let n = s.len().max(1) as f64;
        let won = s.iter().zip(&self.alt).filter(|(s, a)| wins(**s, **a)).count();
        let savings_mean = s.iter().sum::<f64>() / n;
        Outcome {
            savings_mean,
            savings_std_error: design_std_error(s, self.pairs),
            prob_saving: won as f64 / n,
            mean_score: savings_mean - ROUNDING * self.alt_mean.abs(),
            sure_score: self.sure_score(s),
        }
    }

    /// The `rank`-th smallest margin `s - ROUNDING |alt|` of the savings `s`:
    /// above 0 exactly when at least `K` paths win (see [`Futures::rank`]).
    /// A continuous, monotone function of the terms, which a secant can solve.
    fn sure_score(&self, s: &[f64]) -> f64 {
        let mut m: Vec<f64> = s.iter().zip(&self.alt).map(|(s, a)| s - ROUNDING * a.abs()).collect();
        if m.is_empty() {
            return f64::NEG_INFINITY;
        }
        *m.select_nth_unstable_by(self.rank, f64::total_cmp).1
    }

    /// For a dollar commitment without rollover: the `K`-th smallest of the
    /// paths' discounts to win (see [`commit::discount_to_win`]), above which
    /// at least `K` paths save, i.e. the confident break-even discount as a
    /// limit from above; `None` when the closed form does not apply.
    fn ranked_threshold(&self, offer: &Offer) -> Option<f64> {
        let OfferKind::Commit(c) = &offer.kind else { return None };
        let sched = commit::Schedule::new(c, self.term);
        let mut t = Vec::with_capacity(self.views.len());
        for (v, a) in self.views.iter().zip(&self.alt) {
            t.push(commit::discount_to_win(c, &sched, v, a - v.outside - ROUNDING * a.abs())?);
        }
        let k = self.views.len().checked_sub(self.rank + 1)?;
        Some(*t.select_nth_unstable_by(k, f64::total_cmp).1)
    }

    /// Both scores of `offer`: one billing of every path (sequential).
    fn scores(&self, offer: &Offer) -> (f64, f64) {
        let s = self.savings(offer);
        let n = s.len().max(1) as f64;
        (s.iter().sum::<f64>() / n - ROUNDING * self.alt_mean.abs(), self.sure_score(&s))
    }

    /// The mean score of `offer`: from the sorted period sums when they
    /// apply (no pass over the paths), else by billing every path.
    fn mean_score(&self, offer: &Offer, par: bool) -> f64 {
        if let (Some(sorted), OfferKind::Commit(c)) = (&self.sorted, &offer.kind) {
            if let Some(paid) = sorted.paid_sum(c, &commit::Schedule::new(c, self.term)) {
                let n = self.alt.len().max(1) as f64;
                return self.alt_mean - (self.outside_sum + paid) / n - ROUNDING * self.alt_mean.abs();
            }
        }
        let s = if par { self.savings_par(offer) } else { self.savings(offer) };
        s.iter().sum::<f64>() / s.len().max(1) as f64 - ROUNDING * self.alt_mean.abs()
    }
}

/// The boundary of `ok(x)`, `ok(x)` being `score(x) > 0` for a continuous
/// `score` that changes sign once between `good` (where `ok`, score
/// `f_good`) and `bad` (where not, `f_bad`), in either order, solved until
/// the bracket is no wider than `tol(lo, hi)`. Returns the end where `ok`:
/// the same guarantee as bisection (a value known to work, within the
/// tolerance of the boundary). The method is ITP (interpolate, truncate,
/// project; Oliveira and Takahashi 2020): a false-position step, nudged
/// toward the middle and kept within what bisection would have left, so it
/// converges superlinearly on smooth scores and never takes more than one
/// step more than bisection (docs/sweep.md).
fn boundary(good: (f64, f64), bad: (f64, f64), tol: impl Fn(f64, f64) -> f64, score: impl Fn(f64) -> f64) -> f64 {
    let lo_ok = good.0 < bad.0;
    let ((mut lo, mut f_lo), (mut hi, mut f_hi)) = if lo_ok { (good, bad) } else { (bad, good) };
    let eps = 0.5 * tol(lo, hi).max(f64::MIN_POSITIVE);
    let n_max = ((hi - lo) / (2.0 * eps)).log2().ceil().clamp(0.0, 1100.0) + 1.0;
    let k1 = 0.2 / (hi - lo);
    let mut j = 0.0;
    while hi - lo > tol(lo, hi) && (hi - lo).is_finite() {
        let w = hi - lo;
        let half = 0.5 * (lo + hi);
        let r = (eps * 2f64.powf(n_max - j) - 0.5 * w).max(0.0);
        let delta = k1 * w * w;
        let mut xf = (f_hi * lo - f_lo * hi) / (f_hi - f_lo);
        if !xf.is_finite() {
            xf = half;
        }
        let sigma = if half > xf { 1.0 } else { -1.0 };
        let xt = if delta <= (half - xf).abs() { xf + sigma * delta } else { half };
        let x = if (xt - half).abs() <= r { xt } else { half - sigma * r };
        let f = score(x);
        // A score that cannot be computed counts as not working.
        let ok = f > 0.0;
        let f = if f.is_nan() { f64::NEG_INFINITY } else { f };
        if ok == lo_ok {
            (lo, f_lo) = (x, f);
        } else {
            (hi, f_hi) = (x, f);
        }
        j += 1.0;
    }
    if lo_ok {
        lo
    } else {
        hi
    }
}

/// The smallest `x` in `[0, MAX_DISCOUNT]` with `score(x) > 0`, for a score
/// that rises with `x`; `None` when even the largest discount fails. The
/// scores at 0 and at the top are looked up in `known` first (pairs of
/// discount and score already computed), and computed otherwise.
fn lowest_discount(known: &[(f64, f64)], score: impl Fn(f64) -> f64) -> Option<f64> {
    let at = |x: f64| known.iter().find(|k| k.0 == x).map_or_else(|| score(x), |k| k.1);
    let tol = |_: f64, _: f64| DISCOUNT_TOLERANCE;
    // The tightest bracket the known points give.
    let good_known = known.iter().filter(|k| k.1 > 0.0).min_by(|a, b| a.0.total_cmp(&b.0)).copied();
    let bad_known = known.iter().filter(|k| k.1 <= 0.0).max_by(|a, b| a.0.total_cmp(&b.0)).copied();
    let bad = match bad_known {
        Some(b) => b,
        None => {
            let f0 = at(0.0);
            if f0 > 0.0 {
                return Some(0.0);
            }
            (0.0, f0)
        }
    };
    let good = match good_known {
        Some(g) => g,
        None => {
            let f1 = at(MAX_DISCOUNT);
            if f1 <= 0.0 {
                return None;
            }
            (MAX_DISCOUNT, f1)
        }
    };
    if good.0 <= 0.0 {
        return Some(0.0);
    }
    Some(boundary(good, bad, tol, score))
}

/// The smallest `x` in `[lo, hi]` with `ok(x)`, for `ok` false below a point
/// and true above it; bisected until `done(lo, hi)`. `None` when even `hi`
/// fails; the value returned is one known to work.
#[cfg(test)]
fn lowest(mut lo: f64, mut hi: f64, done: impl Fn(f64, f64) -> bool, ok: impl Fn(f64) -> bool) -> Option<f64> {
    if ok(lo) {
        return Some(lo);
    }
    if !ok(hi) {
        return None;
    }
    while !done(lo, hi) {
        let mid = 0.5 * (lo + hi);
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// The largest `x` in `[lo, hi]` with `ok(x)`, given `ok(lo)` and not `ok(hi)`;
/// bisected until `done(lo, hi)`. The value returned is one known to work.
#[cfg(test)]
fn highest(mut lo: f64, mut hi: f64, done: impl Fn(f64, f64) -> bool, ok: impl Fn(f64) -> bool) -> f64 {
    while !done(lo, hi) {
        let mid = 0.5 * (lo + hi);
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
fn relative_done(lo: f64, hi: f64) -> bool {
    hi - lo <= relative_tol(lo, hi)
}

/// The width to which a level or unit price is solved: [`RELATIVE_TOLERANCE`]
/// of its value (and no finer than the numbers can tell apart).
fn relative_tol(lo: f64, hi: f64) -> f64 {
    (RELATIVE_TOLERANCE * lo.abs().max(f64::MIN_POSITIVE)).max(f64::EPSILON * hi.abs())
}

/// The offer with one flat discount `d` in place of its discount rule.
fn with_discount(o: &Offer, d: f64) -> Offer {
    let mut out = o.clone();
    if let OfferKind::Commit(c) = &mut out.kind {
        c.discount = DiscountRule::Flat(d);
    }
    out
}

/// The offer at unit price `price`.
fn with_price(o: &Offer, price: f64) -> Offer {
    let mut out = o.clone();
    if let OfferKind::Provisioned(p) = &mut out.kind {
        p.unit_price = price;
    }
    out
}

/// The discount a commit offer gives at its own level (the tier in force
/// there, for discount tiers).
fn offered_discount(o: &Offer, horizon: usize) -> f64 {
    match &o.kind {
        OfferKind::Commit(c) => c.discount.at(current_level(o, horizon)),
        _ => 0.0,
    }
}

/// A path's reduced view with only what the offer's billing reads (the
/// per-period sums of a commit view replace its monthly columns).
fn compact(offer: &Offer, mut v: ViewData) -> ViewData {
    if let OfferKind::Commit(c) = &offer.kind {
        let summed = v.period == c.period_months && !v.period_basis.is_empty();
        if c.is_plain() && summed && (!c.tokens || !v.period_tokens.is_empty()) {
            v.list = Vec::new();
            v.locked = Vec::new();
            v.tokens = Vec::new();
        }
        v.eff = Vec::new();
        v.inv_rate = Vec::new();
        v.ln_rate = Vec::new();
    }
    v
}

/// Finds the offer `name`: a commit or provisioned offer.
fn find(sc: &Scenario, name: &str) -> Result<usize> {
    let idx = match sc.offers.iter().position(|o| o.name == name) {
        Some(i) => i,
        None => return find_offer(sc, name),
    };
    match sc.offers[idx].kind {
        OfferKind::Payg(_) => Err(Error::Usage(format!(
            "--offer: `{name}` is a payg offer, which has no commitment to walk away from; walkaway takes a commit \
             or provisioned offer (credits offers and portfolios come with a later release)"
        ))),
        _ => Ok(idx),
    }
}

/// The alternative: `--against NAME` (any other offer) or the baseline.
fn find_against(sc: &Scenario, offer: usize, name: Option<&str>) -> Result<usize> {
    let Some(name) = name else { return Ok(sc.risk.baseline) };
    let idx = sc.offers.iter().position(|o| o.name == name).ok_or_else(|| {
        let hint = crate::error::closest(name, sc.offers.iter().map(|o| o.name.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let names = sc.offers.iter().map(|o| format!("`{}`", o.name)).collect::<Vec<_>>().join(", ");
        Error::Usage(format!(
            "--against: no offer named `{name}` in {}{hint} (offers: {names}; portfolios are not supported by \
             walkaway yet)",
            sc.file.display()
        ))
    })?;
    if idx == offer {
        return Err(Error::Usage(format!(
            "--against: `{name}` is the offer itself; name another offer, or leave --against out to compare with \
             the baseline"
        )));
    }
    Ok(idx)
}

/// Checks `--confidence`.
pub fn check_confidence(c: f64) -> Result<f64> {
    if c.is_finite() && c > 0.0 && c < 1.0 {
        Ok(c)
    } else {
        Err(Error::Usage(format!(
            "--confidence: expected a probability between 0 and 1 (exclusive), e.g. 0.9, found {c}"
        )))
    }
}

/// The walk-away point of `req.offer` in `sc`.
pub fn walkaway(sc: &Scenario, req: &WalkawayRequest, progress: &(dyn Fn(u64) + Sync)) -> Result<WalkawayReport> {
    let confidence = check_confidence(req.confidence)?;
    let idx = find(sc, req.offer)?;
    let alt_idx = find_against(sc, idx, req.against)?;
    let offer = sc.offers[idx].clone();
    let alt = sc.offers[alt_idx].clone();
    let plan = Plan::new(sc);
    let grid = sweep_levels(sc, &plan, &offer, &req.levels)?;
    let futures = gather(sc, &plan, &offer, &alt, confidence, progress)?;
    let h = sc.horizon;
    let mut levels: Vec<f64> = grid.into_iter().filter(|&l| l > 0.0).collect();
    // The default grid also holds the offer's own level, where the counter-offer is quoted.
    let own = current_level(&offer, h);
    if req.levels == Levels::Default && own > 0.0 && !levels.contains(&own) {
        levels.push(own);
        levels.sort_by(f64::total_cmp);
    }
    if levels.is_empty() {
        return Err(Error::Usage("--levels: walkaway needs at least one level above 0".into()));
    }
    let provisioned = matches!(offer.kind, OfferKind::Provisioned(_));
    // The offered terms: the discount at the offer's own level, held at every level; or the unit price.
    let offered = match &offer.kind {
        OfferKind::Provisioned(p) => p.unit_price,
        _ => offered_discount(&offer, h),
    };
    let at_offered = |level: f64| {
        let o = at_level(&offer, level, h);
        if provisioned {
            o
        } else {
            with_discount(&o, offered)
        }
    };
    // Provisioned: every level at the offered price and at price 0, billed
    // together in one pass (each month's served share once per capacity).
    let batched = if provisioned {
        let offers: Vec<Offer> =
            levels.iter().flat_map(|&l| [at_offered(l), with_price(&at_level(&offer, l, h), 0.0)]).collect();
        futures.savings_batched(&offers)
    } else {
        None
    };
    let rows: Vec<(WalkawayLevel, Outcome)> = levels
        .par_iter()
        .enumerate()
        .map(|(k, &level)| {
            let base = at_level(&offer, level, h);
            let pre = batched.as_ref().map(|b| (&b[2 * k], &b[2 * k + 1]));
            let here = match pre {
                Some((here, _)) => futures.outcome(here),
                None => futures.outcome(&futures.savings(&at_offered(level))),
            };
            let mut row = WalkawayLevel {
                level,
                break_even_discount: None,
                break_even_discount_confident: None,
                break_even_unit_price: None,
                break_even_unit_price_confident: None,
                savings_mean: here.savings_mean,
                savings_std_error: here.savings_std_error,
                prob_saving: here.prob_saving,
            };
            if provisioned {
                let free = pre.map(|(_, free)| futures.outcome(free));
                let (mean, sure) = break_even_price(&futures, &base, offered, free);
                row.break_even_unit_price = Some(mean);
                row.break_even_unit_price_confident = Some(sure);
            } else {
                let (mean, sure) = break_even_discount(&futures, &base, offered, &here);
                row.break_even_discount = Some(mean);
                row.break_even_discount_confident = Some(sure);
            }
            (row, here)
        })
        .collect();
    let outcomes: Vec<Outcome> = rows.iter().map(|(_, o)| *o).collect();
    let rows: Vec<WalkawayLevel> = rows.into_iter().map(|(r, _)| r).collect();
    let most = largest_level(&offer);
    let mean_at = |level: f64| futures.mean_score(&at_offered(level), true);
    let sure_at = |level: f64| futures.sure_score(&futures.savings_par(&at_offered(level)));
    let max_mean = max_level(&levels, &outcomes, most, |o| o.mean_score, &mean_at);
    let max_sure = max_level(&levels, &outcomes, most, |o| o.sure_score, &sure_at);
    let against = alt.name.clone();
    let mut report = WalkawayReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo::of(sc),
        offer: offer.name.clone(),
        kind: offer.kind.name().into(),
        against,
        confidence,
        parameter: if provisioned { "units" } else { "amount" }.into(),
        level_unit: level_unit(&offer).into(),
        period_months: match &offer.kind {
            OfferKind::Commit(c) => Some(c.period_months),
            _ => None,
        },
        offered_discount: (!provisioned).then_some(offered),
        offered_unit_price: provisioned.then_some(offered),
        offered_level: current_level(&offer, h),
        levels: rows,
        max_level: max_mean,
        max_level_confident: max_sure,
        notes: Vec::new(),
        currency: sc.catalog.currency.clone(),
    };
    report.notes = notes(&report);
    Ok(report)
}

/// The largest level whose outcome at the offered terms has `pick(outcome)`
/// above 0: from the largest grid level that passes, up to the next grid
/// level (or, when the last passes, up by doubling to the largest level an
/// offer may have), solved by [`boundary`] on `score` (the same score at any
/// level) to [`RELATIVE_TOLERANCE`] of the level. `None` when no grid level
/// passes.
fn max_level(
    levels: &[f64],
    outcomes: &[Outcome],
    most: f64,
    pick: impl Fn(&Outcome) -> f64,
    score: &(dyn Fn(f64) -> f64 + Sync),
) -> Option<f64> {
    let k = (0..levels.len()).rev().find(|&k| pick(&outcomes[k]) > 0.0)?;
    let mut lo = (levels[k], pick(&outcomes[k]));
    let hi = match levels.get(k + 1) {
        Some(&x) => (x, pick(&outcomes[k + 1])),
        None => loop {
            if lo.0 >= most {
                return Some(most);
            }
            let next = (2.0 * lo.0).min(most);
            let f = score(next);
            if f <= 0.0 {
                break (next, f);
            }
            lo = (next, f);
        },
    };
    Some(boundary(lo, hi, relative_tol, score))
}

/// The break-even discounts of `offer` (at its level, with one flat
/// discount): in expected cost, and with probability `confidence`. `here` is
/// the outcome already billed at discount `offered`, a free first point of
/// both searches.
fn break_even_discount(f: &Futures, offer: &Offer, offered: f64, here: &Outcome) -> (Option<f64>, Option<f64>) {
    let mean = lowest_discount(&[(offered, here.mean_score)], |d| f.mean_score(&with_discount(offer, d), false));
    let sure_at = |d: f64| f.scores(&with_discount(offer, d)).1;
    let sure = match f.ranked_threshold(offer) {
        // Every path's own threshold known: the answer is the K-th smallest,
        // checked by one billing just above it.
        Some(t) if t < 0.0 => Some(0.0),
        Some(t) if t >= MAX_DISCOUNT => None,
        Some(t) => {
            let x = (t + 0.5 * DISCOUNT_TOLERANCE).min(MAX_DISCOUNT);
            let fx = sure_at(x);
            if fx > 0.0 {
                Some(x)
            } else {
                lowest_discount(&[(offered, here.sure_score), (x, fx)], sure_at)
            }
        }
        None => lowest_discount(&[(offered, here.sure_score)], sure_at),
    };
    (mean, sure)
}

/// [`break_even_discount`] by plain bisection, as the specification words
/// it: the reference the secant must agree with.
#[cfg(test)]
fn break_even_discount_bisected(f: &Futures, offer: &Offer, confidence: f64) -> (Option<f64>, Option<f64>) {
    let at = |d: f64| f.outcome(&f.savings(&with_discount(offer, d)));
    let done = |lo: f64, hi: f64| hi - lo <= DISCOUNT_TOLERANCE;
    let mean = lowest(0.0, MAX_DISCOUNT, done, |d| f.beats(&at(d)));
    let sure = lowest(0.0, MAX_DISCOUNT, done, |d| at(d).prob_saving >= confidence);
    (mean, sure)
}

/// The break-even unit prices of `offer` (at its units): in expected cost,
/// and with probability `confidence`. The fee is linear in the unit price
/// and nothing else depends on it, so each path's cost is billed once at
/// price 0 and the fee added per price tried; both scores are then linear in
/// the price (the fee shifts every path's margin alike, so the ranked margin
/// moves with it), and the secant lands on the boundary at once.
fn break_even_price(f: &Futures, offer: &Offer, offered: f64, free: Option<Outcome>) -> (Option<f64>, Option<f64>) {
    let OfferKind::Provisioned(p) = &offer.kind else { return (None, None) };
    if p.units <= 0.0 {
        return (None, None);
    }
    let free = free.unwrap_or_else(|| f.outcome(&f.savings(&with_price(offer, 0.0))));
    let fee_per_price =
        provisioned::term_totals(&crate::spec::offer::Provisioned { unit_price: 1.0, ..p.clone() }, &f.days).fee;
    let solve = |at_free: f64| {
        let score = |price: f64| at_free - price * fee_per_price;
        highest_price(offered, &score, &|good, bad| boundary(good, bad, relative_tol, score))
    };
    (solve(free.mean_score), solve(free.sure_score))
}

/// The highest price with `score(price) > 0` (the score falling with the
/// price), from a bracket found by doubling from the offered price (or 1);
/// `solve` closes the bracket. `None` when even price 0 fails.
fn highest_price(
    offered: f64,
    score: &dyn Fn(f64) -> f64,
    solve: &dyn Fn((f64, f64), (f64, f64)) -> f64,
) -> Option<f64> {
    let f0 = score(0.0);
    if f0 <= 0.0 {
        return None;
    }
    let mut lo = (0.0, f0);
    let mut hi = if offered > 0.0 { offered } else { 1.0 };
    let mut tries = 0;
    loop {
        let f = score(hi);
        if f <= 0.0 {
            return Some(solve(lo, (hi, f)));
        }
        lo = (hi, f);
        hi *= 2.0;
        tries += 1;
        if tries > 200 {
            return Some(hi);
        }
    }
}

/// [`break_even_price`] by plain bisection: the reference for tests.
#[cfg(test)]
fn break_even_price_bisected(f: &Futures, offer: &Offer, offered: f64, confidence: f64) -> (Option<f64>, Option<f64>) {
    let OfferKind::Provisioned(p) = &offer.kind else { return (None, None) };
    let free = f.savings(&with_price(offer, 0.0));
    let fee_per_price =
        provisioned::term_totals(&crate::spec::offer::Provisioned { unit_price: 1.0, ..p.clone() }, &f.days).fee;
    let at = |price: f64| {
        let s: Vec<f64> = free.iter().map(|s| s - price * fee_per_price).collect();
        f.outcome(&s)
    };
    let solve = |ok: &dyn Fn(&Outcome) -> bool| {
        let score = |x: f64| if ok(&at(x)) { 1.0 } else { -1.0 };
        highest_price(offered, &score, &|good, bad| highest(good.0, bad.0, relative_done, |x| score(x) > 0.0))
    };
    (solve(&|o| f.beats(o)), solve(&|o| o.prob_saving >= confidence))
}

/// One pass over every path: the alternative's cost and the offer's reduced path.
fn gather(
    sc: &Scenario,
    plan: &Plan,
    offer: &Offer,
    alt: &Offer,
    confidence: f64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Futures> {
    let (views, billers) = billers_for(&[alt.clone(), offer.clone()], plan, &sc.catalog);
    let (alt_b, view) = (&billers[0], billers[1].view);
    let term = views[view].term;
    let rows: Vec<(f64, ViewData)> = map_paths(plan, &views, 0..plan.chunks(), |_, data| {
        (alt_b.bill(&data[alt_b.view]).cost, compact(offer, data[view].clone()))
    });
    progress(plan.paths);
    let (alt, views): (Vec<f64>, Vec<ViewData>) = rows.into_iter().unzip();
    if alt.iter().chain(views.iter().map(|v| &v.outside)).any(|x| !x.is_finite() || x.abs() > 1e300) {
        return Err(Error::invalid(
            &sc.file,
            "workloads",
            "simulated volumes or costs overflow the range of numbers: monthly_tokens, growth_annual or \
             volatility_monthly are too large for this horizon",
        ));
    }
    let alt_mean = alt.iter().sum::<f64>() / alt.len().max(1) as f64;
    let outside_sum = views.iter().map(|v| v.outside).sum();
    let sorted = match &offer.kind {
        OfferKind::Commit(c) => commit::SortedPeriods::new(&views, c.period_months),
        _ => None,
    };
    let rank = alt.len() - fewest_wins(alt.len(), confidence).min(alt.len());
    let pairs = plan.sampling.antithetic();
    Ok(Futures { alt, views, days: plan.days[..term].to_vec(), term, alt_mean, outside_sum, sorted, rank, pairs })
}

/// The fewest of `n` paths whose share `k / n` reaches `confidence` (as
/// `prob_saving >= confidence` compares it).
fn fewest_wins(n: usize, confidence: f64) -> usize {
    let share = |k: usize| k as f64 / n.max(1) as f64;
    let mut k = ((confidence * n as f64).ceil() as usize).min(n);
    while k > 0 && share(k - 1) >= confidence {
        k -= 1;
    }
    while k < n && share(k) < confidence {
        k += 1;
    }
    k
}

/// The notes: where no value works, in words.
fn notes(r: &WalkawayReport) -> Vec<String> {
    let cur = r.currency.as_str();
    let lv = |x: f64| crate::units::level(x, &r.level_unit, cur);
    let c = crate::units::pct(r.confidence);
    let mut out = Vec::new();
    let first_none = |pick: &dyn Fn(&WalkawayLevel) -> Option<Option<f64>>| {
        r.levels.iter().find(|l| matches!(pick(l), Some(None))).map(|l| l.level)
    };
    if r.kind == "provisioned" {
        if let Some(l) = first_none(&|l| l.break_even_unit_price) {
            out.push(format!(
                "From {} up, no unit price makes `{}` cheaper than `{}` in expected cost: even free capacity does \
                 not pay for itself there.",
                lv(l),
                r.offer,
                r.against
            ));
        }
        if let Some(l) = first_none(&|l| l.break_even_unit_price_confident) {
            out.push(format!(
                "From {} up, no unit price makes `{}` cheaper than `{}` on {c} of the futures.",
                lv(l),
                r.offer,
                r.against
            ));
        }
    } else {
        if let Some(l) = first_none(&|l| l.break_even_discount) {
            out.push(format!(
                "From {} up, no discount makes `{}` cheaper than `{}` in expected cost: the commitment is more than \
                 the usage it would discount.",
                lv(l),
                r.offer,
                r.against
            ));
        }
        if let Some(l) = first_none(&|l| l.break_even_discount_confident) {
            out.push(format!(
                "From {} up, no discount makes `{}` cheaper than `{}` on {c} of the futures: usage falls short of \
                 the commitment too often, and a future that leaves enough of it unused loses at any discount.",
                lv(l),
                r.offer,
                r.against
            ));
        }
    }
    let terms = match (r.offered_discount, r.offered_unit_price) {
        (Some(d), _) => format!("{} off", crate::units::pct(d)),
        (_, Some(p)) => format!("{} per unit", crate::units::money(p, cur)),
        _ => String::new(),
    };
    if r.max_level.is_none() {
        out.push(format!("At the offered {terms}, no level beats `{}` in expected cost.", r.against));
    }
    if r.max_level_confident.is_none() {
        out.push(format!("At the offered {terms}, no level beats `{}` on {c} of the futures.", r.against));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(paths: u64) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example.toml");
        Scenario::load(&path, crate::scenario::Overrides { paths: Some(paths), seed: Some(11), sampling: None })
            .unwrap()
    }

    /// The futures of offer `name` against the baseline, and its grid levels above 0.
    fn futures_of(sc: &Scenario, name: &str, confidence: f64) -> (Offer, Futures, Vec<f64>) {
        let plan = Plan::new(sc);
        let offer = sc.offers.iter().find(|o| o.name == name).unwrap().clone();
        let alt = sc.offers[sc.risk.baseline].clone();
        let grid = sweep_levels(sc, &plan, &offer, &Levels::Default).unwrap();
        let f = gather(sc, &plan, &offer, &alt, confidence, &|_| {}).unwrap();
        (offer, f, grid.into_iter().filter(|&l| l > 0.0).collect())
    }

    fn close(a: Option<f64>, b: Option<f64>, tol: f64, what: &str) {
        match (a, b) {
            (Some(x), Some(y)) => assert!((x - y).abs() <= tol, "{what}: {x} vs bisection {y}"),
            _ => assert_eq!(a, b, "{what}"),
        }
    }

    #[test]
    fn the_secant_finds_the_boundary_bisection_finds() {
        let tol = |_: f64, _: f64| 1e-4;
        // A smooth root, a root at a kink, a step (a ranked margin) and a flat zero below the root.
        let fs: [(&dyn Fn(f64) -> f64, f64); 4] = [
            (&|x: f64| x * x - 0.3, 0.3f64.sqrt()),
            (&|x: f64| (x - 0.7).max(0.0) * 5.0 - (0.7 - x).max(0.0) * 0.01, 0.7),
            (&|x: f64| ((x * 40.0).floor() - 13.0) / 40.0 + 1e-3, 13.0 / 40.0),
            (&|x: f64| (x - 0.123).max(0.0), 0.123),
        ];
        for (k, (f, root)) in fs.iter().enumerate() {
            let calls = std::cell::Cell::new(0);
            let score = |x: f64| {
                calls.set(calls.get() + 1);
                f(x)
            };
            let got = boundary((1.0, f(1.0)), (0.0, f(0.0)), tol, score);
            assert!(f(got) > 0.0, "case {k}: the answer works");
            assert!(got >= root - 1e-12 && got - root <= 1e-4, "case {k}: {got} vs {root}");
            assert!(calls.get() <= 14 + 2, "case {k}: {} evaluations, more than bisection", calls.get());
            if k == 0 {
                assert!(calls.get() <= 8, "a smooth root takes few steps: {}", calls.get());
            }
        }
        // Falling scores, answers from the other side.
        let got = boundary((0.0, 1.0), (2.0, -1.0), |lo, _| 1e-3 * lo, |x: f64| 1.5 - x);
        assert!(got <= 1.5 && 1.5 - got <= 1.5e-3, "{got}");
    }

    #[test]
    fn fewest_wins_is_the_share_prob_saving_compares() {
        for n in [1usize, 7, 10, 2000, 20000] {
            for c in [0.05, 0.1, 0.5, 0.9, 0.95, 0.999, 0.9999] {
                let k = fewest_wins(n, c);
                assert!(k as f64 / n as f64 >= c, "n {n}, c {c}: {k}");
                assert!(k == 0 || ((k - 1) as f64 / n as f64) < c, "n {n}, c {c}: {k} is not the fewest");
            }
        }
    }

    #[test]
    fn commit_break_evens_equal_bisection_within_its_tolerance() {
        let sc = example(1500);
        let h = sc.horizon;
        for c in [0.9, 0.5] {
            let (with_rollover, f, levels) = futures_of(&sc, "Anthropic commit", c);
            assert!(f.sorted.is_some(), "a yearly dollar commitment sums its periods");
            // The example rolls a quarter over (searched); without rollover the
            // periods are independent (sorted sums and closed-form thresholds).
            let mut without = with_rollover.clone();
            if let OfferKind::Commit(k) = &mut without.kind {
                k.rollover_fraction = 0.0;
            }
            assert!(f.ranked_threshold(&with_rollover).is_none());
            assert!(f.ranked_threshold(&without).is_some(), "each path's threshold in closed form");
            for offer in [with_rollover, without] {
                let offered = offered_discount(&offer, h);
                for &l in &levels {
                    let base = at_level(&offer, l, h);
                    let here = f.outcome(&f.savings(&with_discount(&base, offered)));
                    assert_eq!(here.mean_score > 0.0, f.beats(&here));
                    assert_eq!(here.sure_score > 0.0, here.prob_saving >= c);
                    let (m, s) = break_even_discount(&f, &base, offered, &here);
                    let (bm, bs) = break_even_discount_bisected(&f, &base, c);
                    close(m, bm, DISCOUNT_TOLERANCE, &format!("level {l}, mean"));
                    close(s, bs, DISCOUNT_TOLERANCE, &format!("level {l}, confidence {c}"));
                }
            }
        }
    }

    #[test]
    fn provisioned_break_evens_equal_bisection_within_its_tolerance() {
        let sc = example(1500);
        let (offer, f, levels) = futures_of(&sc, "Azure PTU x 150 (1-yr)", 0.9);
        let OfferKind::Provisioned(p) = &offer.kind else { panic!() };
        for &l in &levels {
            let base = at_level(&offer, l, sc.horizon);
            let (m, s) = break_even_price(&f, &base, p.unit_price, None);
            let (bm, bs) = break_even_price_bisected(&f, &base, p.unit_price, 0.9);
            let tol = |x: Option<f64>| x.map_or(0.0, |x| 2.0 * RELATIVE_TOLERANCE * x);
            close(m, bm, tol(bm), &format!("units {l}, mean"));
            close(s, bs, tol(bs), &format!("units {l}, confident"));
        }
    }

    #[test]
    fn provisioned_levels_billed_together_are_billed_alone_to_the_last_bit() {
        let sc = example(800);
        let (offer, f, levels) = futures_of(&sc, "Azure PTU x 150 (1-yr)", 0.9);
        let offers: Vec<Offer> = levels
            .iter()
            .flat_map(|&l| [at_level(&offer, l, sc.horizon), with_price(&at_level(&offer, l, sc.horizon), 0.0)])
            .collect();
        let together = f.savings_batched(&offers).expect("one load table, one overflow rule");
        for (o, got) in offers.iter().zip(&together) {
            let alone = f.savings(o);
            assert!(alone.iter().zip(got).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn max_levels_equal_bisection_within_its_tolerance() {
        let sc = example(1500);
        let h = sc.horizon;
        let (offer, f, levels) = futures_of(&sc, "Anthropic commit", 0.9);
        let offered = offered_discount(&offer, h);
        let at = |l: f64| with_discount(&at_level(&offer, l, h), offered);
        let outcomes: Vec<Outcome> = levels.iter().map(|&l| f.outcome(&f.savings(&at(l)))).collect();
        let most = largest_level(&offer);
        let eval = |l: f64| f.outcome(&f.savings_par(&at(l)));
        // The reference: bisection between the same grid levels on the outcomes themselves.
        let reference = |ok: &dyn Fn(&Outcome) -> bool| {
            let k = (0..levels.len()).rev().find(|&k| ok(&outcomes[k]))?;
            let hi = levels.get(k + 1).copied()?;
            Some(highest(levels[k], hi, relative_done, |x| ok(&eval(x))))
        };
        let mean = max_level(&levels, &outcomes, most, |o| o.mean_score, &|l| f.mean_score(&at(l), true));
        let sure = max_level(&levels, &outcomes, most, |o| o.sure_score, &|l| f.sure_score(&f.savings_par(&at(l))));
        let (rm, rs) = (reference(&|o| f.beats(o)), reference(&|o| o.prob_saving >= 0.9));
        assert!(rm.is_some() && rs.is_some(), "the example's commitment has both bounds inside the grid");
        close(mean, rm, 2.0 * RELATIVE_TOLERANCE * rm.unwrap(), "max_level");
        close(sure, rs, 2.0 * RELATIVE_TOLERANCE * rs.unwrap(), "max_level_confident");
    }
}
