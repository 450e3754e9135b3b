//! Prepaid credits (SPEC 6.3, 6.10): lots bought in given months at `price`
//! dollars per dollar of credit, each usable from its purchase month for
//! `expires_months` months. Each month the in-scope list spend is drawn from
//! the usable lots, the one that expires first first (lots expiring in the
//! same month in purchase order); what no lot covers is billed at list. A
//! lot's remainder at expiry, or at the end of the term (or horizon) while
//! still usable, is waste.
//!
//! ```text
//! cost      = outside + sum_k amount_k * price + sum_t uncovered_t
//! waste     = sum of expired remainders;  overage = sum_t uncovered_t
//! committed = sum_k amount_k;             utilisation = (committed - waste) / committed
//! ```

use super::{PathBill, ViewData};
use crate::spec::offer::Commit;

/// Bills a credits offer (`c.credits` set) on one path; with no credits, bills nothing.
pub fn bill(c: &Commit, v: &ViewData) -> PathBill {
    let Some(cr) = &c.credits else { return PathBill { cost: v.outside + v.inside, ..PathBill::default() } };
    let price = 1.0 - c.discount.at(0.0);
    let n = cr.months.len();
    let mut left: Vec<f64> = (0..n).map(|k| c.amount(k)).collect();
    let committed: f64 = left.iter().sum();
    let prepaid = committed * price;
    let (mut waste, mut overage) = (0.0, 0.0);
    let e = cr.expires_months;
    for (t, &spend) in v.list.iter().enumerate() {
        let mut need = spend;
        // Lots are sorted by purchase month; with one expiry for all, that is
        // the order in which they expire.
        for (k, &from) in cr.months.iter().enumerate() {
            if need <= 0.0 {
                break;
            }
            if from <= t && t < from + e && left[k] > 0.0 {
                let take = need.min(left[k]);
                left[k] -= take;
                need -= take;
            }
        }
        overage += need;
        for (k, &from) in cr.months.iter().enumerate() {
            if from + e == t + 1 {
                waste += left[k];
                left[k] = 0.0;
            }
        }
    }
    // Lots still usable after the last month billed.
    waste += left.iter().sum::<f64>();
    let util = if committed > 0.0 { (committed - waste) / committed } else { 1.0 };
    PathBill { cost: v.outside + prepaid + overage, waste, overage, util, ..PathBill::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::offer::{Credits, DiscountRule};

    fn credits(lots: &[(usize, f64)], price: f64, expires: usize) -> Commit {
        Commit {
            tokens: false,
            period_months: 12,
            amounts: lots.iter().map(|l| l.1).collect(),
            discount: DiscountRule::Flat(1.0 - price),
            overage_list: false,
            locked: false,
            rollover_fraction: 0.0,
            rollover_cap: 0.0,
            eligible_share: 1.0,
            base: None,
            credits: Some(Credits { months: lots.iter().map(|l| l.0).collect(), expires_months: expires }),
        }
    }

    #[test]
    fn first_to_expire_is_drawn_first_and_expired_remainders_are_waste() {
        // Lot A: 100 in month 0, lot B: 100 in month 2; each lasts 3 months.
        // m0: 30 from A (A 70). m1: 30 from A (A 40). m2: 60: A first (expires end of m2):
        // 40 from A, 20 from B (B 80). A expires with 0. m3: 50 from B (B 30).
        // m4: 50: 30 from B, 20 uncovered; B expires with 0. m5: 10 uncovered.
        let c = credits(&[(0, 100.0), (2, 100.0)], 0.9, 3);
        let v = ViewData { list: vec![30.0, 30.0, 60.0, 50.0, 50.0, 10.0], outside: 7.0, ..ViewData::default() };
        let b = bill(&c, &v);
        assert!((b.overage - 30.0).abs() < 1e-12);
        assert!(b.waste.abs() < 1e-12);
        assert!((b.cost - (7.0 + 200.0 * 0.9 + 30.0)).abs() < 1e-12);
        // Little use: m0 10, m1 10, m2 10 (from A, which then expires with 70), m3 10, m4 10 from B;
        // B usable until the end of m4: expires with 80.
        let v = ViewData { list: vec![10.0; 5], ..ViewData::default() };
        let b = bill(&c, &v);
        assert!((b.waste - 150.0).abs() < 1e-12, "{}", b.waste);
        assert!((b.util - 50.0 / 200.0).abs() < 1e-12);
        assert!((b.cost - 180.0).abs() < 1e-12);
    }
}
