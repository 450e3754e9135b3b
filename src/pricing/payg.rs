//! Pay-as-you-go: list cost × (1 − discount), or marginal volume tiers on each
//! tier period's in-scope list spend, like tax brackets (SPEC 4.3).

use super::ViewData;
use crate::spec::offer::Payg;

/// In-scope cost of a view's list spend during the term.
pub fn in_scope_cost(p: &Payg, v: &ViewData) -> f64 {
    if p.tiers.is_empty() {
        return (1.0 - p.discount) * v.inside;
    }
    v.list.chunks(p.tier_months).map(|period| tiered(&p.tiers, period.iter().sum())).sum()
}

/// Cost of list spend `s` under marginal tiers `(from, discount)` sorted by `from`.
pub fn tiered(tiers: &[(f64, f64)], s: f64) -> f64 {
    let mut cost = 0.0;
    for (i, &(from, d)) in tiers.iter().enumerate() {
        if s <= from {
            break;
        }
        let to = tiers.get(i + 1).map_or(f64::INFINITY, |t| t.0);
        cost += (s.min(to) - from) * (1.0 - d);
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_marginal() {
        let tiers = [(0.0, 0.0), (100.0, 0.10), (300.0, 0.20)];
        assert_eq!(tiered(&tiers, 50.0), 50.0);
        assert!((tiered(&tiers, 200.0) - (100.0 + 90.0)).abs() < 1e-12);
        assert!((tiered(&tiers, 400.0) - (100.0 + 180.0 + 80.0)).abs() < 1e-12);
    }

    #[test]
    fn tier_periods_restart_the_brackets() {
        let p = Payg { discount: 0.0, tiers: vec![(0.0, 0.0), (100.0, 0.5)], tier_months: 1 };
        let v = ViewData { list: vec![150.0, 150.0], inside: 300.0, ..ViewData::default() };
        // Two months of 150: each month 100 + 50 * 0.5.
        assert!((in_scope_cost(&p, &v) - 250.0).abs() < 1e-12);
        let y = Payg { tier_months: 12, ..p.clone() };
        // One period of 300: 100 + 200 * 0.5.
        assert!((in_scope_cost(&y, &v) - 200.0).abs() < 1e-12);
        let flat = Payg { discount: 0.1, tiers: vec![], tier_months: 1 };
        assert!((in_scope_cost(&flat, &v) - 270.0).abs() < 1e-12);
    }
}
