//! The pilot: per-period consumption on the first chunks of paths, which
//! sets the default levels and the newsvendor reference.

use super::*;

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
pub(super) fn pilot_chunks(paths: u64) -> u64 {
    (paths / 16).div_ceil(CHUNK as u64).clamp(1, 16).min(paths.div_ceil(CHUNK as u64))
}

/// The plan of only the sources with tokens in `offer`'s scope: each keeps
/// its random stream, so their paths are those of the full plan, and what the
/// offer bills inside its scope is unchanged.
pub(super) fn scope_plan(sc: &Scenario, plan: &Plan, offer: &Offer) -> Plan {
    let scope = crate::sim::view::in_scope(&offer.scope, plan, &sc.catalog);
    let mut keep: Vec<usize> = scope.iter().map(|&s| plan.segments[s].source).collect();
    keep.sort_unstable();
    keep.dedup();
    if keep.len() == plan.sources.len() {
        return plan.clone();
    }
    Plan::subset(sc, Some(&keep))
}

pub(super) fn pilot(sc: &Scenario, plan: &Plan, offer: &Offer) -> Pilot {
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
pub(super) fn per_period(offer: &Offer, v: &ViewData) -> (Vec<f64>, f64, Vec<f64>, f64) {
    match &offer.kind {
        OfferKind::Commit(c) if c.credits.is_some() => {
            // Credits are drawn at list: the term's spend per lot.
            let lots = c.credits.as_ref().map_or(1, |cr| cr.months.len().max(1));
            (vec![v.list.iter().sum::<f64>() / lots as f64], 0.0, Vec::new(), 0.0)
        }
        OfferKind::Commit(c) => {
            let basis = if c.locked { &v.locked } else { &v.list };
            let source = if c.tokens { &v.tokens } else { basis };
            let len = c.period_months.max(1);
            let rows = source
                .chunks(len)
                .enumerate()
                .map(|(k, m)| {
                    let own = m.iter().sum::<f64>() * if c.tokens { 1.0 } else { 1.0 - c.discount.at(c.amount(k)) };
                    if c.is_plain() {
                        own
                    } else {
                        // As sold: the eligible share, and the base spend drawing the same commitment down.
                        let base: f64 = v.base.chunks(len).nth(k).map_or(0.0, |b| b.iter().sum());
                        c.eligible_share * own + base
                    }
                })
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
