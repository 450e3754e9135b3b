//! Commitment levels: the offer's own, an offer at another level, the
//! default grid from the pilot, rounding to what can be bought, and the
//! statistics of one level.

use super::*;

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
            // Credits: the mean lot.
            let n = match &c.credits {
                Some(cr) => cr.months.len().max(1),
                None => o.term_months.min(horizon).div_ceil(c.period_months).max(1),
            };
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

/// The largest level a sweep accepts: a commit's largest amount, or the
/// most provisioned units an offer may have.
pub fn largest_level(offer: &Offer) -> f64 {
    match &offer.kind {
        OfferKind::Commit(c) => crate::spec::offer::max_amount(c.tokens),
        _ => crate::spec::offer::MAX_UNITS,
    }
}

/// How far below a tier threshold the grid's "just below" level lies, as a
/// share of the threshold (`$399k` for a `$400k` tier).
pub const BELOW_TIER: f64 = 0.0025;

/// The discount tiers of a flat commitment whose thresholds lie in
/// `(0, top]`: `(threshold, just below it)` for each. Empty for a ramp (its
/// level is a mean per period, while tiers apply to each period's amount)
/// and for a flat discount.
pub fn tier_levels(offer: &Offer, top: f64) -> Vec<(f64, f64)> {
    match &offer.kind {
        OfferKind::Commit(c) if c.amounts.iter().all(|&a| a == c.amounts[0]) => match &c.discount {
            crate::spec::offer::DiscountRule::Tiers(t) => t
                .iter()
                .map(|&(min, _)| min)
                .filter(|&min| min > 0.0 && min <= top)
                .map(|min| (min, min * (1.0 - BELOW_TIER)))
                .collect(),
            crate::spec::offer::DiscountRule::Flat(_) => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The most levels a sweep bills, from `--levels` or `--steps`.
pub const MAX_LEVELS: usize = 1000;

pub(super) fn resolve_levels(sc: &Scenario, offer: &Offer, levels: &Levels, pilot: &Pilot) -> Result<Vec<f64>> {
    let usage = |m: String| Error::Usage(m);
    let list = match levels {
        Levels::List(l) => {
            if l.is_empty() {
                return Err(usage("--levels: expected at least one level, e.g. --levels 0,100000,200000".into()));
            }
            if l.len() > MAX_LEVELS {
                return Err(usage(format!("--levels: expected at most {MAX_LEVELS} levels, found {}", l.len())));
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
            if *steps < 2 || *steps > MAX_LEVELS {
                return Err(usage(format!("--steps: expected 2 to {MAX_LEVELS} levels, found {steps}")));
            }
            (0..*steps).map(|i| from + (to - from) * i as f64 / (*steps - 1) as f64).collect()
        }
        Levels::Default => {
            let p95 = percentiles(&pilot.consumption, &[95.0])[0];
            let top =
                if p95.is_finite() && p95 > 0.0 { 1.5 * p95 } else { 2.0 * current_level(offer, sc.horizon).max(1.0) };
            // Exact fractions of the top: rounding every level would move the
            // grid off the optimum; the recommendation is rounded once, where
            // it is shown (`units::level`). Each discount tier's threshold
            // and the level just below it join the grid, so that the cliff
            // between them is billed.
            let mut grid: Vec<f64> = (0..25).map(|i| top * i as f64 / 24.0).collect();
            grid.extend(tier_levels(offer, top).into_iter().flat_map(|(t, b)| [t, b]));
            grid.sort_by(f64::total_cmp);
            grid.dedup();
            grid
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
pub(super) fn snap_units(list: &[f64], p: &Provisioned) -> Vec<f64> {
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

pub(super) fn level_result(sc: &Scenario, o: &Offer, level: f64, p: &OfferPaths, base: &[f64]) -> LevelResult {
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
    let savings_mean = if n == 0 { f64::NAN } else { savings().sum::<f64>() / n as f64 };
    let pairs = sc.sampling.antithetic();
    let savings_std_error = if n < 2 {
        f64::NAN
    } else if pairs {
        design_std_error(&savings().collect::<Vec<f64>>(), true)
    } else {
        let ss: f64 = savings().map(|s| (s - savings_mean) * (s - savings_mean)).sum();
        (ss / (n - 1) as f64).sqrt() / (n as f64).sqrt()
    };
    LevelResult {
        level,
        cost_mean: mean(&p.cost),
        cost_std_error: design_std_error(&p.cost, pairs),
        cost_p95: percentiles(&p.cost, &[95.0])[0],
        unused_mean,
        prob_overcommit,
        prob_negative: if n == 0 { f64::NAN } else { losses as f64 / n as f64 },
        savings_mean,
        savings_std_error,
    }
}
