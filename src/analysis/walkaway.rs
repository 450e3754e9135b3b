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
use super::stats::{std_error, ROUNDING};
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
}

/// The figures of one billing of every stored path.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    savings_mean: f64,
    savings_std_error: f64,
    prob_saving: f64,
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

    /// Whether an outcome beats the alternative in expected cost (by more than rounding).
    fn beats(&self, o: &Outcome) -> bool {
        wins(o.savings_mean, self.alt_mean)
    }

    fn outcome(&self, s: &[f64]) -> Outcome {
        let n = s.len().max(1) as f64;
        let won = s.iter().zip(&self.alt).filter(|(s, a)| wins(**s, **a)).count();
        Outcome {
            savings_mean: s.iter().sum::<f64>() / n,
            savings_std_error: std_error(s),
            prob_saving: won as f64 / n,
        }
    }
}

/// The smallest `x` in `[lo, hi]` with `ok(x)`, for `ok` false below a point
/// and true above it; bisected until `done(lo, hi)`. `None` when even `hi`
/// fails; the value returned is one known to work.
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

fn relative_done(lo: f64, hi: f64) -> bool {
    hi - lo <= RELATIVE_TOLERANCE * lo.abs().max(f64::MIN_POSITIVE) || hi - lo <= f64::EPSILON * hi.abs()
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
        if v.period == c.period_months && !v.period_basis.is_empty() && (!c.tokens || !v.period_tokens.is_empty()) {
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
    let futures = gather(sc, &plan, &offer, &alt, progress)?;
    let h = sc.horizon;
    let levels: Vec<f64> = grid.into_iter().filter(|&l| l > 0.0).collect();
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
    let rows: Vec<(WalkawayLevel, Outcome)> = levels
        .par_iter()
        .map(|&level| {
            let base = at_level(&offer, level, h);
            let here = futures.outcome(&futures.savings(&at_offered(level)));
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
                let (mean, sure) = break_even_price(&futures, &base, offered, confidence);
                row.break_even_unit_price = Some(mean);
                row.break_even_unit_price_confident = Some(sure);
            } else {
                let (mean, sure) = break_even_discount(&futures, &base, confidence);
                row.break_even_discount = Some(mean);
                row.break_even_discount_confident = Some(sure);
            }
            (row, here)
        })
        .collect();
    let outcomes: Vec<Outcome> = rows.iter().map(|(_, o)| *o).collect();
    let rows: Vec<WalkawayLevel> = rows.into_iter().map(|(r, _)| r).collect();
    let most = largest_level(&offer);
    let eval = |level: f64| futures.outcome(&futures.savings_par(&at_offered(level)));
    let max_mean = max_level(&levels, &outcomes, most, |o| futures.beats(o), &eval);
    let max_sure = max_level(&levels, &outcomes, most, |o| o.prob_saving >= confidence, &eval);
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

/// The largest level whose outcome at the offered terms passes `ok`: from the
/// largest grid level that passes, up to the next grid level (or, when the
/// last passes, up by doubling to the largest level an offer may have), by
/// bisection to [`RELATIVE_TOLERANCE`] of the level. `None` when no grid
/// level passes.
fn max_level(
    levels: &[f64],
    outcomes: &[Outcome],
    most: f64,
    ok: impl Fn(&Outcome) -> bool,
    eval: &(dyn Fn(f64) -> Outcome + Sync),
) -> Option<f64> {
    let k = (0..levels.len()).rev().find(|&k| ok(&outcomes[k]))?;
    let lo = levels[k];
    let hi = match levels.get(k + 1) {
        Some(&x) => x,
        None => {
            let mut x = lo;
            loop {
                if x >= most {
                    return Some(most);
                }
                let next = (2.0 * x).min(most);
                if !ok(&eval(next)) {
                    break next;
                }
                x = next;
            }
        }
    };
    Some(highest(lo, hi, relative_done, |x| ok(&eval(x))))
}

/// The break-even discounts of `offer` (at its level, with one flat
/// discount): in expected cost, and with probability `confidence`.
fn break_even_discount(f: &Futures, offer: &Offer, confidence: f64) -> (Option<f64>, Option<f64>) {
    let at = |d: f64| f.outcome(&f.savings(&with_discount(offer, d)));
    let done = |lo: f64, hi: f64| hi - lo <= DISCOUNT_TOLERANCE;
    let mean = lowest(0.0, MAX_DISCOUNT, done, |d| f.beats(&at(d)));
    let sure = lowest(0.0, MAX_DISCOUNT, done, |d| at(d).prob_saving >= confidence);
    (mean, sure)
}

/// The break-even unit prices of `offer` (at its units): in expected cost,
/// and with probability `confidence`. The fee is linear in the unit price
/// and nothing else depends on it, so each path's cost is billed once at
/// price 0 and the fee added per price tried.
fn break_even_price(f: &Futures, offer: &Offer, offered: f64, confidence: f64) -> (Option<f64>, Option<f64>) {
    let OfferKind::Provisioned(p) = &offer.kind else { return (None, None) };
    if p.units <= 0.0 {
        return (None, None);
    }
    let free = f.savings(&with_price(offer, 0.0));
    let fee_per_price =
        provisioned::term_totals(&crate::spec::offer::Provisioned { unit_price: 1.0, ..p.clone() }, &f.days).fee;
    let at = |price: f64| {
        let s: Vec<f64> = free.iter().map(|s| s - price * fee_per_price).collect();
        f.outcome(&s)
    };
    let solve = |ok: &dyn Fn(&Outcome) -> bool| {
        if !ok(&at(0.0)) {
            return None;
        }
        // A price that fails: from the offered price (or 1), doubling.
        let mut hi = if offered > 0.0 { offered } else { 1.0 };
        let mut lo = 0.0;
        let mut tries = 0;
        while ok(&at(hi)) {
            lo = hi;
            hi *= 2.0;
            tries += 1;
            if tries > 200 {
                return Some(hi);
            }
        }
        Some(highest(lo, hi, relative_done, |x| ok(&at(x))))
    };
    (solve(&|o| f.beats(o)), solve(&|o| o.prob_saving >= confidence))
}

/// One pass over every path: the alternative's cost and the offer's reduced path.
fn gather(sc: &Scenario, plan: &Plan, offer: &Offer, alt: &Offer, progress: &(dyn Fn(u64) + Sync)) -> Result<Futures> {
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
    Ok(Futures { alt, views, days: plan.days[..term].to_vec(), term, alt_mean })
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
