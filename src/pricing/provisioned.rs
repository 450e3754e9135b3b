//! Provisioned throughput: a fixed fee for capacity, traffic above capacity
//! billed pay-as-you-go or dropped (SPEC 4.3).
//!
//! Capacity `C = units × tokens_per_minute_per_unit`; mean load
//! `lambda_t = E_t / (1440 days_t)`; the served share comes from
//! [`Provisioned::served_share`].

use super::{PathBill, ViewData};
use crate::spec::offer::{Load, Provisioned};

/// The monthly fee of `p` for a month of `days` days.
pub fn monthly_fee(p: &Provisioned, days: f64) -> f64 {
    p.units * p.unit_price * if p.hourly { 24.0 * days } else { 1.0 }
}

/// What a provisioned offer's bill needs that does not depend on the path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TermTotals {
    /// Capacity fee over the term.
    pub fee: f64,
    /// Capacity over the term, in effective tokens.
    pub capacity: f64,
    /// Capacity per minute, in effective tokens.
    pub cap: f64,
    /// Its logarithm (`-inf` with no units).
    pub ln_cap: f64,
}

/// The [`TermTotals`] of `p` over months with `days` days.
pub fn term_totals(p: &Provisioned, days: &[f64]) -> TermTotals {
    TermTotals {
        fee: days.iter().map(|&d| monthly_fee(p, d)).sum(),
        capacity: days.iter().map(|&d| p.units * p.tokens_per_minute_per_unit * 1440.0 * d).sum(),
        cap: p.units * p.tokens_per_minute_per_unit,
        ln_cap: (p.units * p.tokens_per_minute_per_unit).ln(),
    }
}

/// Served effective tokens, spillover list cost and unserved tokens over
/// the months of `v`, with `served(t)` the served share of month `t`.
#[inline(always)]
fn sums(p: &Provisioned, v: &ViewData, served: impl Fn(usize) -> f64) -> (f64, f64, f64) {
    let (mut served_eff, mut spill_cost, mut unserved) = (0.0, 0.0, 0.0);
    let n = v.list.len();
    let (eff, list) = (&v.eff[..n], &v.list[..n]);
    for t in 0..n {
        let e = eff[t];
        let share = if e > 0.0 { served(t) } else { 1.0 };
        let miss = 1.0 - share;
        served_eff += share * e;
        // What misses capacity is billed (spill cost) or dropped (unserved tokens), never both.
        if p.drop {
            unserved += miss * v.tokens[t];
        } else {
            spill_cost += miss * list[t];
        }
    }
    (served_eff, spill_cost, unserved)
}

/// Bills a provisioned offer on one path with its [`term_totals`].
pub fn bill(p: &Provisioned, v: &ViewData, totals: &TermTotals) -> PathBill {
    let TermTotals { fee, capacity, cap, ln_cap } = *totals;
    // The load shape is chosen once, not per month: this loop runs for
    // every level of a sweep on every path.
    let (served_eff, spill_cost, unserved) = match &p.load {
        Load::LogNormal { table, .. } => sums(p, v, |t| table.eval_with(ln_cap - v.ln_rate[t], || cap / v.rate[t])),
        Load::Profile(prof) => sums(p, v, |t| prof.mean_min(cap / v.rate[t])),
    };
    PathBill {
        cost: v.outside + fee + if p.drop { 0.0 } else { spill_cost },
        util: if capacity > 0.0 { served_eff / capacity } else { 0.0 },
        spill: if v.eff_total > 0.0 { (v.eff_total - served_eff) / v.eff_total } else { 0.0 },
        unserved: if p.drop { unserved } else { 0.0 },
        ..PathBill::default()
    }
}
