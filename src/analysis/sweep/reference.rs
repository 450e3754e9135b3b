//! Reference points beside the sweep: the break-even levels and the
//! newsvendor level, with the reason when the optimum differs from it.

use super::*;

/// Total capacity fee of a provisioned offer over its term within the horizon.
pub(super) fn provisioned_fee(sc: &Scenario, o: &Offer, p: &Provisioned) -> f64 {
    (0..o.term_months.min(sc.horizon))
        .map(|t| crate::pricing::provisioned::monthly_fee(p, f64::from(sc.start.plus(t as i32).days())))
        .sum()
}

/// Utilisation at which the capacity fee equals the list value of the tokens served.
pub(super) fn break_even_util(sc: &Scenario, o: &Offer, p: &Provisioned, pilot: &Pilot) -> f64 {
    let minutes: f64 =
        (0..o.term_months.min(sc.horizon)).map(|t| 1440.0 * f64::from(sc.start.plus(t as i32).days())).sum();
    let value = p.units * p.tokens_per_minute_per_unit * minutes * pilot.price_per_eff;
    if value > 0.0 {
        provisioned_fee(sc, o, p) / value
    } else {
        f64::INFINITY
    }
}

pub(super) fn break_even(o: &Offer, pilot: &Pilot) -> BreakEven {
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
pub(super) fn newsvendor(sc: &Scenario, offer: &Offer, pilot: &Pilot, at: f64) -> Option<Reference> {
    match &offer.kind {
        // Credits expire lot by lot, and base spend shifts the quantile: no pooled closed form.
        OfferKind::Commit(c) if c.credits.is_some() || c.base.is_some() => None,
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
pub(super) fn mixture_quantile(p: &Provisioned, ln_rates: &[f64], tail: f64) -> Option<f64> {
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

pub(super) fn diverges(reference: f64, optimum: f64, levels: &[f64]) -> bool {
    let step = levels.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    (reference - optimum).abs() > step.max(0.1 * reference.abs())
}

pub(super) fn divergence_reason(o: &Offer) -> &'static str {
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
    use crate::math::normal::phi_exact;
    use crate::spec::offer::{lognormal_sigma, Load, Profile, ServedTable};

    fn provisioned(load: Load) -> Provisioned {
        Provisioned {
            units: 10.0,
            unit_price: 100.0,
            hourly: false,
            tokens_per_minute_per_unit: 1000.0,
            output_weight: 1.0,
            weights: None,
            limits: Vec::new(),
            eligible: Default::default(),
            shape: None,
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
