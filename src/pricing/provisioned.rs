//! Provisioned throughput: a fixed fee for capacity, traffic above capacity
//! billed pay-as-you-go or dropped (SPEC 4.3).
//!
//! Capacity `C = units × tokens_per_minute_per_unit`; mean load
//! `lambda_t = E_t / (1440 days_t)`; the served share comes from
//! [`Provisioned::served_share`].

use super::{PathBill, ViewData};
use std::sync::Arc;

use crate::spec::offer::{Load, Provisioned, ServedTable};

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

/// The factor of month `t` on `p`'s units: 1, or with a `units_schedule`
/// its `shape[t]` (0 past the schedule).
fn shape_at(p: &Provisioned, t: usize) -> f64 {
    p.shape.as_ref().map_or(1.0, |s| s.get(t).copied().unwrap_or(0.0))
}

/// Units of `p` in month `t` of its term: `units`, or with a
/// `units_schedule` `units * shape[t]`.
pub fn units_at(p: &Provisioned, t: usize) -> f64 {
    match &p.shape {
        Some(_) => p.units * shape_at(p, t),
        None => p.units,
    }
}

/// The served share of month `t` of `v` (unclamped), at that month's
/// capacity: `totals.cap`, scaled by a `units_schedule`'s shape.
fn month_served(p: &Provisioned, v: &ViewData, totals: &TermTotals, t: usize) -> f64 {
    let (cap, ln_cap) = match &p.shape {
        None => (totals.cap, totals.ln_cap),
        Some(_) => (totals.cap * shape_at(p, t), totals.ln_cap + shape_at(p, t).ln()),
    };
    match &p.load {
        Load::LogNormal { table, .. } => table.eval_with(ln_cap - v.ln_rate[t], || cap * v.inv_rate[t]),
        Load::Profile(prof) => prof.mean_min(cap * v.inv_rate[t]),
    }
}

/// The [`TermTotals`] of `p` over months with `days` days.
pub fn term_totals(p: &Provisioned, days: &[f64]) -> TermTotals {
    if p.shape.is_some() {
        return TermTotals {
            fee: days.iter().enumerate().map(|(t, &d)| shape_at(p, t) * monthly_fee(p, d)).sum(),
            capacity: days
                .iter()
                .enumerate()
                .map(|(t, &d)| units_at(p, t) * p.tokens_per_minute_per_unit * 1440.0 * d)
                .sum(),
            cap: p.units * p.tokens_per_minute_per_unit,
            ln_cap: (p.units * p.tokens_per_minute_per_unit).ln(),
        };
    }
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
        // Clamped to [0, 1]: rounding in the table never serves more than
        // all, nor a negative share (SPEC 6.9).
        let share = if e > 0.0 { served(t).clamp(0.0, 1.0) } else { 1.0 };
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

/// The bill of a view with limits or ineligible tiers (SPEC 6.2, 6.10): the
/// overflow of eligible traffic is billed at list (or dropped), in-scope
/// traffic of ineligible tiers is billed at list; utilisation is the
/// binding limit's served load over its capacity, month by month weighted
/// by capacity-minutes; the spillover share is overflowed eligible tokens
/// over eligible tokens.
fn bill_extended(p: &Provisioned, v: &ViewData, totals: &TermTotals) -> PathBill {
    let TermTotals { cap, fee, capacity, .. } = *totals;
    let served = |t: usize| month_served(p, v, totals, t);
    let drop = p.drop;
    let (mut served_load, mut billed, mut over) = (0.0, 0.0, 0.0);
    let n = v.list.len();
    let (elig_list, elig_tokens) =
        if v.elig_list.is_empty() { (&v.list[..n], &v.tokens[..n]) } else { (&v.elig_list[..n], &v.elig_tokens[..n]) };
    for t in 0..n {
        let e = v.eff[t];
        let share = if e > 0.0 { served(t).clamp(0.0, 1.0) } else { 1.0 };
        let miss = 1.0 - share;
        served_load += share * e * v.bind_c.get(t).copied().unwrap_or(1.0);
        over += miss * elig_tokens[t];
        // Ineligible tiers always at list; the eligible overflow too unless dropped.
        billed += (v.list[t] - elig_list[t]).max(0.0);
        if !drop {
            billed += miss * elig_list[t];
        }
    }
    // Capacity-minutes of the binding limits (units x c_b(t) x minutes), or
    // release 1's capacity when the view has no limits.
    let cap_minutes = if v.bind_c.is_empty() {
        capacity
    } else {
        cap * v.bind_c.iter().zip(&v.minutes).enumerate().map(|(t, (c, m))| shape_at(p, t) * c * m).sum::<f64>()
    };
    let eligible: f64 = elig_tokens.iter().sum();
    PathBill {
        cost: v.outside + fee + billed,
        util: if cap_minutes > 0.0 { served_load / cap_minutes } else { 0.0 },
        spill: if eligible > 0.0 { (over / eligible).clamp(0.0, 1.0) } else { 0.0 },
        unserved: if drop { over } else { 0.0 },
        ..PathBill::default()
    }
}

/// Per limit of reservation `p` (SPEC 6.2) on one path: its served load
/// over the term, its capacity-minutes over the term (units x capacity per
/// unit x minutes, month by month), and the months in which it binds (has
/// the least capacity over load; a month without load binds none).
pub fn limit_use(p: &Provisioned, v: &ViewData, totals: &TermTotals) -> Vec<(f64, f64, f64)> {
    let n = v.list.len();
    let mut shares = Vec::with_capacity(n);
    served_shares(p, v, totals, &mut shares);
    let mut out = vec![(0.0, 0.0, 0.0); p.limits.len()];
    for t in 0..n {
        let units = units_at(p, t);
        let mut bind: Option<(usize, f64)> = None;
        for (j, l) in p.limits.iter().enumerate() {
            let load = v.limit_load[j * n + t];
            out[j].0 += shares[t] * load;
            out[j].1 += units * l.per_unit * v.minutes[t];
            let x = load / l.per_unit;
            if x > 0.0 && bind.is_none_or(|(_, b)| x > b) {
                bind = Some((j, x));
            }
        }
        if let Some((j, _)) = bind {
            out[j].2 += 1.0;
        }
    }
    out
}

/// Bills a provisioned offer on one path with its [`term_totals`].
pub fn bill(p: &Provisioned, v: &ViewData, totals: &TermTotals) -> PathBill {
    if v.is_extended() || p.shape.is_some() {
        return bill_extended(p, v, totals);
    }
    let TermTotals { cap, ln_cap, .. } = *totals;
    // The load shape is chosen once, not per month: this loop runs for
    // every level of a sweep on every path.
    let (served_eff, spill_cost, unserved) = match &p.load {
        Load::LogNormal { table, .. } => sums(p, v, |t| table.eval_with(ln_cap - v.ln_rate[t], || cap * v.inv_rate[t])),
        Load::Profile(prof) => sums(p, v, |t| prof.mean_min(cap * v.inv_rate[t])),
    };
    finish(p.drop, v, totals, served_eff, if p.drop { unserved } else { spill_cost })
}

/// The served share of each month of `v` (1 in a month without load), as
/// [`bill`] computes it: what a portfolio's later layers do not receive.
pub fn served_shares(p: &Provisioned, v: &ViewData, totals: &TermTotals, out: &mut Vec<f64>) {
    out.clear();
    for t in 0..v.list.len() {
        let share = if v.eff[t] > 0.0 { month_served(p, v, totals, t) } else { 1.0 };
        out.push(share.clamp(0.0, 1.0));
    }
}

/// The bill from the sums over the months: served effective tokens and what
/// missed capacity (spillover list cost, or with `drop` unserved tokens).
#[inline(always)]
fn finish(drop: bool, v: &ViewData, totals: &TermTotals, served_eff: f64, missed: f64) -> PathBill {
    let TermTotals { fee, capacity, .. } = *totals;
    PathBill {
        cost: v.outside + fee + if drop { 0.0 } else { missed },
        util: if capacity > 0.0 { served_eff / capacity } else { 0.0 },
        // A share of what was drawn: in [0, 1] whatever the summation order.
        spill: if v.eff_total > 0.0 { ((v.eff_total - served_eff) / v.eff_total).clamp(0.0, 1.0) } else { 0.0 },
        unserved: if drop { missed } else { 0.0 },
        ..PathBill::default()
    }
}

/// Provisioned billers on one view with one lognormal load table and one
/// overflow rule (a sweep's levels and levers; they may differ in units,
/// price and tokens per unit, which set only capacities and fees). Billed
/// together month by month, so each month's load is read once for all of
/// them, the served share is evaluated once per distinct capacity (the
/// levers at the recommended level share its capacity, or differ only in
/// price), and the inner loop over capacities runs four at a time. Each
/// offer's sums take the same operations in the same order as [`bill`], so
/// its bill is the same to the last bit.
#[derive(Debug, Clone)]
pub struct Levels {
    table: Arc<ServedTable>,
    drop: bool,
    /// Per offer.
    totals: Vec<TermTotals>,
    /// Per offer, the index of its capacity in `cap`.
    slot: Vec<usize>,
    /// The distinct capacities per minute.
    cap: Vec<f64>,
    /// Their logarithms.
    ln_cap: Vec<f64>,
    /// The offers, for views that need SPEC 6.2's rules (billed one by one).
    offers: Vec<Provisioned>,
}

impl Levels {
    /// Whether `p` can be billed in one batch with `first`: both with a
    /// lognormal load of one table, and one overflow rule.
    pub fn joins(first: &Provisioned, p: &Provisioned) -> bool {
        match (&first.load, &p.load) {
            (Load::LogNormal { table: a, .. }, Load::LogNormal { table: b, .. }) => {
                (Arc::ptr_eq(a, b) || a == b) && first.drop == p.drop && first.shape.is_none() && p.shape.is_none()
            }
            _ => false,
        }
    }

    /// The batch of `(offer, totals)` pairs, or `None` unless each
    /// [`Levels::joins`] the first.
    pub fn new<'a>(offers: impl IntoIterator<Item = (&'a Provisioned, &'a TermTotals)>) -> Option<Levels> {
        let mut offers = offers.into_iter().peekable();
        let &(first, _) = offers.peek()?;
        let Load::LogNormal { table, .. } = &first.load else { return None };
        let mut b = Levels {
            table: table.clone(),
            drop: first.drop,
            totals: Vec::new(),
            slot: Vec::new(),
            cap: Vec::new(),
            ln_cap: Vec::new(),
            offers: Vec::new(),
        };
        for (p, t) in offers {
            if !Levels::joins(first, p) {
                return None;
            }
            b.totals.push(*t);
            b.offers.push(p.clone());
            let slot = b.cap.iter().position(|&c| c == t.cap).unwrap_or_else(|| {
                b.cap.push(t.cap);
                b.ln_cap.push(t.ln_cap);
                b.cap.len() - 1
            });
            b.slot.push(slot);
        }
        Some(b)
    }

    /// How many offers it bills.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Bills every offer on one path into `out` (one bill per offer), with
    /// `scratch` for the sums and shares per capacity.
    pub fn bill(&self, v: &ViewData, scratch: &mut [Vec<f64>; 3], out: &mut [PathBill]) {
        if v.is_extended() {
            for ((o, p), t) in out.iter_mut().zip(&self.offers).zip(&self.totals) {
                *o = bill(p, v, t);
            }
            return;
        }
        let l = self.cap.len();
        for s in scratch.iter_mut() {
            s.clear();
            s.resize(l, 0.0);
        }
        let [served, missed, share] = scratch;
        let (served, missed, share) = (&mut served[..l], &mut missed[..l], &mut share[..l]);
        let n = v.list.len();
        let weight = if self.drop { &v.tokens[..n] } else { &v.list[..n] };
        for t in 0..n {
            let e = v.eff[t];
            if e > 0.0 {
                self.table.eval_many(&self.ln_cap, &self.cap, v.ln_rate[t], v.inv_rate[t], share);
                let w = weight[t];
                for j in 0..l {
                    // Clamped as in [`bill`], so both give the same bill.
                    share[j] = share[j].clamp(0.0, 1.0);
                    served[j] += share[j] * e;
                    missed[j] += (1.0 - share[j]) * w;
                }
            } else {
                // All of nothing is served: what [`bill`] adds with a share of 1.
                served.iter_mut().for_each(|s| *s += e);
            }
        }
        for ((bill, totals), &k) in out.iter_mut().zip(&self.totals).zip(&self.slot) {
            *bill = finish(self.drop, v, totals, served[k], missed[k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::offer::lognormal_sigma;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn offer(units: f64, table: &Arc<ServedTable>, drop: bool) -> Provisioned {
        Provisioned {
            units,
            unit_price: 7.0,
            hourly: false,
            tokens_per_minute_per_unit: 1000.0,
            output_weight: 1.0,
            weights: None,
            limits: Vec::new(),
            eligible: Default::default(),
            shape: None,
            min_units: 0.0,
            increment: 1.0,
            load: Load::LogNormal { peak_to_mean: 1.8, s: lognormal_sigma(1.8).unwrap(), table: table.clone() },
            drop,
        }
    }

    /// A path's view: 12 months of loads from far below to far above the
    /// capacities billed, with some empty months.
    fn view(rng: &mut Xoshiro256PlusPlus) -> ViewData {
        let mut v = ViewData::default();
        for _ in 0..12 {
            let e =
                if rng.random::<f64>() < 0.15 { 0.0 } else { 1440.0 * 30.0 * 10f64.powf(rng.random_range(1.0..6.0)) };
            v.eff.push(e);
            v.tokens.push(e * 1.3);
            v.list.push(e * 2e-6);
            v.inv_rate.push(1440.0 * 30.0 / e);
            v.ln_rate.push((e / (1440.0 * 30.0)).ln());
        }
        v.eff_total = v.eff.iter().sum();
        v.outside = 123.0;
        v
    }

    #[test]
    fn levels_bill_like_each_offer_alone_to_the_last_bit() {
        let table = Arc::new(ServedTable::new(lognormal_sigma(1.8).unwrap()));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for drop in [false, true] {
            // Unsorted, with a repeat and zero units; 27 levels, so the
            // four-wide loop also leaves a remainder.
            let mut units: Vec<f64> = (0..25).map(|k| f64::from(k) * 40.0).collect();
            units.extend([520.0, 3.5]);
            let offers: Vec<Provisioned> = units.iter().map(|&u| offer(u, &table, drop)).collect();
            let totals: Vec<TermTotals> = offers.iter().map(|p| term_totals(p, &[30.0; 12])).collect();
            let levels = Levels::new(offers.iter().zip(&totals)).expect("one table, one overflow rule");
            assert_eq!(levels.len(), 27);
            assert_eq!(levels.cap.len(), 26, "the repeated capacity is evaluated once");
            let mut scratch = Default::default();
            let mut out = vec![PathBill::default(); 27];
            for _ in 0..200 {
                let v = view(&mut rng);
                levels.bill(&v, &mut scratch, &mut out);
                for ((p, t), got) in offers.iter().zip(&totals).zip(&out) {
                    let want = bill(p, &v, t);
                    for (a, b) in [(got.cost, want.cost), (got.util, want.util), (got.spill, want.spill)]
                        .into_iter()
                        .chain([(got.unserved, want.unserved)])
                    {
                        assert_eq!(a.to_bits(), b.to_bits(), "units {}: {a} vs {b}", p.units);
                    }
                }
            }
        }
    }

    /// The engine batches runs of compatible provisioned billers on one view,
    /// and bills the rest one by one, each biller exactly once.
    #[test]
    fn batches_group_runs_of_compatible_billers() {
        use crate::pricing::{Batches, Biller};
        use crate::spec::offer::{OfferKind, Profile};
        let table = Arc::new(ServedTable::new(0.3));
        let profile = Provisioned {
            load: Load::Profile(Arc::new(Profile::new("p.csv".into(), &[1.0, 3.0]).unwrap())),
            ..offer(5.0, &table, false)
        };
        let biller = |p: Provisioned, view: usize| Biller {
            view,
            fixed: term_totals(&p, &[30.0; 12]),
            kind: OfferKind::Provisioned(p),
            schedule: None,
        };
        let billers = [
            biller(offer(1.0, &table, false), 0),
            biller(offer(2.0, &table, false), 0),
            biller(profile, 0),
            biller(offer(3.0, &table, false), 0),
            biller(offer(4.0, &table, false), 0),
            biller(offer(5.0, &table, true), 0),
            biller(offer(6.0, &table, true), 1),
        ];
        let refs: Vec<&Biller> = billers.iter().collect();
        let groups =
            Batches::new(&refs).groups.iter().map(|(b, g)| (*b, g.as_ref().map(Levels::len))).collect::<Vec<_>>();
        assert_eq!(groups, [(0, Some(2)), (2, None), (3, Some(2)), (5, None), (6, None)]);
    }

    #[test]
    fn levels_need_one_table_and_one_overflow_rule() {
        let (a, b) = (ServedTable::new(0.25), ServedTable::new(0.5));
        let (a, b) = (Arc::new(a), Arc::new(b));
        let t = TermTotals::default();
        let pair = |x: Provisioned, y: Provisioned| Levels::new([(&x, &t), (&y, &t)]).is_some();
        assert!(pair(offer(1.0, &a, false), offer(2.0, &a, false)));
        assert!(!pair(offer(1.0, &a, false), offer(2.0, &b, false)));
        assert!(!pair(offer(1.0, &a, false), offer(2.0, &a, true)));
    }
}
