//! Provisioned throughput: a fixed fee for capacity, traffic above capacity
//! billed pay-as-you-go or dropped (SPEC 4.3).
//!
//! Capacity `C = units × tokens_per_minute_per_unit`; mean load
//! `lambda_t = E_t / (1440 days_t)`; the served share comes from
//! [`Provisioned::served_share`].

use super::{PathBill, ViewData};
use crate::spec::offer::Provisioned;

/// The monthly fee of `p` for a month of `days` days.
pub fn monthly_fee(p: &Provisioned, days: f64) -> f64 {
    p.units * p.unit_price * if p.hourly { 24.0 * days } else { 1.0 }
}

/// Bills a provisioned offer on one path.
pub fn bill(p: &Provisioned, v: &ViewData, days: &[f64]) -> PathBill {
    let cap = p.units * p.tokens_per_minute_per_unit;
    let ln_cap = cap.ln();
    let mut cost = v.outside;
    let (mut served_eff, mut capacity, mut spill_eff, mut eff_total, mut unserved) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (t, &d) in days.iter().enumerate().take(v.list.len()) {
        let minutes = 1440.0 * d;
        let e = v.eff[t];
        let served = if e > 0.0 { p.served_at(ln_cap - v.ln_rate[t]) } else { 1.0 };
        cost += monthly_fee(p, d);
        if p.drop {
            unserved += (1.0 - served) * v.tokens[t];
        } else {
            cost += (1.0 - served) * v.list[t];
        }
        served_eff += served * e;
        spill_eff += (1.0 - served) * e;
        eff_total += e;
        capacity += cap * minutes;
    }
    PathBill {
        cost,
        util: if capacity > 0.0 { served_eff / capacity } else { 0.0 },
        spill: if eff_total > 0.0 { spill_eff / eff_total } else { 0.0 },
        unserved,
        ..PathBill::default()
    }
}
