//! Negotiation levers (SPEC 4.6): the concessions a buyer can ask for, each
//! as a changed copy of the offer, re-billed on the same futures.

use super::sweep::LeverResult;
use crate::sim::engine::{RiskRule, RunOutput};
use crate::spec::offer::{check_units, Offer, OfferKind};

/// One concession: a stable id, a label for people, and the changed offer.
#[derive(Debug, Clone)]
pub struct LeverOffer {
    /// Stable id (`rollover_25`, `overage_discounted`, ...).
    pub id: &'static str,
    /// What the buyer would ask for.
    pub label: String,
    /// The offer with the concession applied.
    pub offer: Offer,
}

/// An offer at the level its levers are valued at, with the levers: billed
/// as sums in a run, base first, then each lever.
#[derive(Debug, Clone)]
pub struct Predicted {
    /// The level.
    pub at: f64,
    /// The offer at that level.
    pub base: Offer,
    /// Its levers.
    pub levers: Vec<LeverOffer>,
    /// The over-commitment rule of each of [`Self::offers`] (empty: none).
    pub rules: Vec<RiskRule>,
}

impl Predicted {
    /// `base` (the offer at level `at`) and its levers.
    pub fn new(at: f64, base: Offer, horizon: usize) -> Predicted {
        let levers = levers_for(&base, horizon);
        let rules = vec![RiskRule::None; levers.len() + 1];
        Predicted { at, base, levers, rules }
    }

    /// The offers to bill, in order: the base, then each lever.
    pub fn offers(&self) -> impl Iterator<Item = &Offer> {
        std::iter::once(&self.base).chain(self.levers.iter().map(|l| &l.offer))
    }

    /// The levers' results from a run whose summary billers `first..` are
    /// [`Self::offers`]: each change is the difference of two means over the
    /// same paths, summed in the same order; largest saving first.
    pub fn results(&self, out: &RunOutput, first: usize) -> Vec<LeverResult> {
        let n = out.volume.len() as f64;
        let stats = |k: usize| (out.offers[first + k].cost_sum / n, out.offers[first + k].at_risk as f64 / n);
        let (base_cost, base_risk) = stats(0);
        let mut results: Vec<LeverResult> = self
            .levers
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let (c, r) = stats(k + 1);
                LeverResult {
                    id: l.id.to_string(),
                    label: l.label.clone(),
                    cost_mean_change: c - base_cost,
                    prob_overcommit_change: r - base_risk,
                }
            })
            .collect();
        results.sort_by(|a, b| a.cost_mean_change.total_cmp(&b.cost_mean_change));
        results
    }
}

/// The levers that apply to `base` (an offer already at the level being
/// negotiated), within a horizon of `horizon` months. Levers that would not
/// change the offer (overage already discounted, rollover already as
/// generous) are left out, as are those of other offer kinds.
pub fn levers_for(base: &Offer, horizon: usize) -> Vec<LeverOffer> {
    let mut out = Vec::new();
    let mut push = |id: &'static str, label: &str, f: &dyn Fn(&mut Offer)| {
        let mut o = base.clone();
        f(&mut o);
        out.push(LeverOffer { id, label: label.to_string(), offer: o });
    };
    match &base.kind {
        OfferKind::Commit(c) if c.credits.is_some() => {
            // Credits (SPEC 6.10): smaller lots, a lower price, a longer expiry.
            if c.amounts.iter().any(|&a| a > 0.0) {
                push("commit_minus_10", "Lots 10% smaller", &|o| {
                    set_commit(o, |c| c.amounts.iter_mut().for_each(|a| *a *= 0.9))
                });
            }
            push("discount_plus_2", "Two cents less per dollar of credit", &|o| {
                set_commit(o, |c| c.discount = c.discount.plus(0.02))
            });
            push("expiry_plus_6", "Credits that expire 6 months later", &|o| {
                set_commit(o, |c| {
                    if let Some(cr) = &mut c.credits {
                        cr.expires_months += 6;
                    }
                })
            });
        }
        OfferKind::Commit(c) => {
            let no_cap = c.rollover_cap == 0.0;
            for (id, share) in [("rollover_25", 0.25), ("rollover_50", 0.5)] {
                if !(c.rollover_fraction >= share && no_cap) {
                    let label = format!("Roll over {:.0}% of unused commitment, uncapped", share * 100.0);
                    push(id, &label, &|o| set_commit(o, |c| (c.rollover_fraction, c.rollover_cap) = (share, 0.0)));
                }
            }
            if c.overage_list {
                push("overage_discounted", "Overage billed at the discounted rate, not at list", &|o| {
                    set_commit(o, |c| c.overage_list = false)
                });
            }
            if c.amounts.iter().any(|&a| a > 0.0) {
                push("commit_minus_10", "Commit 10% less", &|o| {
                    set_commit(o, |c| c.amounts.iter_mut().for_each(|a| *a *= 0.9))
                });
            }
            push("discount_plus_2", "Two more points of discount", &|o| {
                set_commit(o, |c| c.discount = c.discount.plus(0.02))
            });
            let periods = base.term_months.min(horizon).div_ceil(c.period_months);
            if periods >= 2 && c.amount(0) > 0.0 {
                push("ramp_70", "Ramp: the first period at 70% of the amount", &|o| {
                    set_commit(o, |c| {
                        let mut a: Vec<f64> = (0..periods).map(|k| c.amount(k)).collect();
                        a[0] *= 0.7;
                        c.amounts = a;
                    })
                });
            }
            if base.term_months > 12 {
                push("term_minus_12", "A term 12 months shorter", &|o| {
                    let term = o.term_months - 12;
                    o.term_months = term;
                    set_commit(o, |c| {
                        let periods = term.div_ceil(c.period_months.max(1));
                        if c.period_months == base.term_months {
                            c.period_months = term;
                        }
                        c.amounts.truncate(periods.max(1));
                    })
                });
            }
        }
        OfferKind::Provisioned(p) => {
            let fewer = round_down_units(p.units * 0.9, p.min_units, p.increment);
            if fewer < p.units {
                push("units_minus_10", "Take 10% fewer units at the same unit price", &|o| {
                    if let OfferKind::Provisioned(p) = &mut o.kind {
                        p.units = fewer;
                    }
                });
            }
            push("price_minus_10", "Unit price 10% lower", &|o| {
                if let OfferKind::Provisioned(p) = &mut o.kind {
                    p.unit_price *= 0.9;
                }
            });
        }
        OfferKind::Payg(_) => {}
    }
    out
}

fn set_commit(o: &mut Offer, f: impl FnOnce(&mut crate::spec::offer::Commit)) {
    if let OfferKind::Commit(c) = &mut o.kind {
        f(c);
    }
}

/// The largest purchasable unit count at or below `x` (0 when below the minimum).
pub fn round_down_units(x: f64, min_units: f64, increment: f64) -> f64 {
    let k = (x / increment + 1e-9).floor() * increment;
    if k < min_units || check_units(k, min_units, increment).is_err() {
        0.0
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::offer::{Commit, DiscountRule, Scope};

    fn commit(term: usize, list_overage: bool, rollover: f64) -> Offer {
        Offer {
            name: "c".into(),
            scope: Scope::default(),
            term_months: term,
            kind: OfferKind::Commit(Commit {
                tokens: false,
                period_months: 12,
                amounts: vec![100.0],
                discount: DiscountRule::Flat(0.1),
                overage_list: list_overage,
                locked: false,
                rollover_fraction: rollover,
                rollover_cap: 0.0,
                eligible_share: 1.0,
                base: None,
                credits: None,
            }),
        }
    }

    fn ids(l: &[LeverOffer]) -> Vec<&str> {
        l.iter().map(|x| x.id).collect()
    }

    #[test]
    fn levers_that_change_nothing_are_left_out() {
        let all = levers_for(&commit(36, true, 0.0), 36);
        assert_eq!(
            ids(&all),
            [
                "rollover_25",
                "rollover_50",
                "overage_discounted",
                "commit_minus_10",
                "discount_plus_2",
                "ramp_70",
                "term_minus_12"
            ]
        );
        let some = levers_for(&commit(12, false, 0.3), 36);
        assert_eq!(ids(&some), ["rollover_50", "commit_minus_10", "discount_plus_2"]);
    }

    #[test]
    fn levers_apply_their_concession() {
        let all = levers_for(&commit(36, true, 0.0), 36);
        let get = |id: &str| match &all.iter().find(|l| l.id == id).unwrap().offer.kind {
            OfferKind::Commit(c) => c.clone(),
            _ => unreachable!(),
        };
        assert_eq!(get("commit_minus_10").amounts, vec![90.0]);
        assert_eq!(get("ramp_70").amounts, vec![70.0, 100.0, 100.0]);
        assert!(matches!(get("discount_plus_2").discount, DiscountRule::Flat(d) if (d - 0.12).abs() < 1e-15));
        let t = all.iter().find(|l| l.id == "term_minus_12").unwrap();
        assert_eq!(t.offer.term_months, 24);
    }

    #[test]
    fn unit_rounding_respects_minimum_and_increment() {
        assert_eq!(round_down_units(135.0, 15.0, 5.0), 135.0);
        assert_eq!(round_down_units(134.9, 15.0, 5.0), 130.0);
        assert_eq!(round_down_units(13.5, 15.0, 5.0), 0.0);
    }
}
