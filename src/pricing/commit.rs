//! Committed spend or volume per period, with discount tiers, overage at list
//! or discounted price, floating or locked rates, and capped rollover
//! (SPEC 4.3):
//!
//! ```text
//! avail = A_k + carry_in
//! c_k <= avail: paid = A_k; unused = avail - c_k; carry = min(f * unused, cap); waste += unused - carry
//! c_k >  avail: paid = A_k + (c_k - avail) * m; carry = 0
//! ```
//! `m` is 1 for discounted overage and `1 / (1 - d)` for overage at list.
//! What is still carried after the last period is waste.

use super::{PathBill, ViewData};
use crate::spec::offer::Commit;

/// The path-independent part of a commit offer over a term of `term` months:
/// per period its months, amount, discount factor `1 - d`, overage
/// multiplier `m` and rollover cap, computed once per offer rather than once
/// per path.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    periods: Vec<Period>,
    committed: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Period {
    months: std::ops::Range<usize>,
    amount: f64,
    keep: f64,
    m: f64,
    cap: f64,
}

impl Schedule {
    /// The schedule of `c` over `term` months.
    pub fn new(c: &Commit, term: usize) -> Schedule {
        let len = c.period_months.max(1);
        let periods: Vec<Period> = (0..term.div_ceil(len))
            .map(|k| {
                let a = c.amount(k);
                let d = c.discount.at(a);
                Period {
                    months: k * len..((k + 1) * len).min(term),
                    amount: a,
                    keep: 1.0 - d,
                    m: if c.overage_list { 1.0 / (1.0 - d) } else { 1.0 },
                    cap: if c.rollover_cap > 0.0 { c.rollover_cap * c.amount(k + 1) } else { f64::INFINITY },
                }
            })
            .collect();
        let committed = periods.iter().map(|p| p.amount).sum();
        Schedule { periods, committed }
    }
}

/// Bills a commit offer on one path, with its [`Schedule`] over the view's term.
pub fn bill(c: &Commit, sched: &Schedule, v: &ViewData) -> PathBill {
    if !c.is_plain() {
        return bill_as_sold(c, sched, v);
    }
    let basis = if c.locked { &v.locked } else { &v.list };
    // The view sums each period once for every biller of the same period.
    let summed = v.period == c.period_months && v.period_basis.len() == sched.periods.len();
    let tokens_summed = summed && v.period_tokens.len() == sched.periods.len();
    if !c.tokens && c.rollover_fraction == 0.0 && summed {
        return bill_independent(sched, v);
    }
    let (mut carry, mut waste, mut overage, mut paid) = (0.0, 0.0, 0.0, 0.0);
    let mut last_ppu = None;
    for (k, p) in sched.periods.iter().enumerate() {
        let spend = if summed { v.period_basis[k] } else { basis[p.months.clone()].iter().sum::<f64>() };
        let money = spend * p.keep;
        // Consumption in the commitment's unit, and the $ value of one unit.
        let (consumed, ppu) = if c.tokens {
            let tok: f64 = if tokens_summed { v.period_tokens[k] } else { v.tokens[p.months.clone()].iter().sum() };
            let ppu = if tok > 0.0 {
                money / tok
            } else {
                let price = if c.locked { v.mean_price_locked } else { v.mean_price[p.months.start] };
                last_ppu.unwrap_or(price * p.keep)
            };
            last_ppu = Some(ppu);
            (tok, ppu)
        } else {
            (money, 1.0)
        };
        let avail = p.amount + carry;
        if consumed <= avail {
            let unused = avail - consumed;
            let carry_out = (c.rollover_fraction * unused).min(p.cap);
            waste += unused - carry_out;
            carry = carry_out;
            paid += p.amount * ppu;
        } else {
            let over = (consumed - avail) * p.m * ppu;
            paid += p.amount * ppu + over;
            overage += over;
            carry = 0.0;
        }
    }
    waste += carry;
    let committed = sched.committed;
    let util = if committed > 0.0 { (committed - waste) / committed } else { 1.0 };
    PathBill { cost: v.outside + paid, waste, overage, util, ..PathBill::default() }
}

/// [`bill`] for a commitment as sold (SPEC 6.3, 6.10): only `eligible_share`
/// of the in-scope spend draws the commitment down (the rest is billed at
/// list), and the period's base spend `b_k` draws it down first:
///
/// ```text
/// avail = A_k + carry_in;  left = avail - b_k
/// left >= c_k:     paid = A_k; unused = left - c_k (rollover as release 1)
/// 0 <= left < c_k: paid = A_k + (c_k - left) m
/// left < 0:        paid = A_k + (b_k - avail) + c_k m
/// cost = outside + sum paid - sum b_k + (1 - e) * in-scope list
/// ```
/// `overage` is everything paid beyond the commitment (base spend beyond it
/// at its own price, the scenario's excess times `m`); the commitment
/// figures include the base spend.
pub fn bill_as_sold(c: &Commit, sched: &Schedule, v: &ViewData) -> PathBill {
    let basis = if c.locked { &v.locked } else { &v.list };
    let e = c.eligible_share;
    let (mut carry, mut waste, mut overage, mut paid, mut base_total) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut last_ppu = None;
    for p in &sched.periods {
        let months = p.months.clone();
        let spend: f64 = basis[months.clone()].iter().sum();
        let money = spend * p.keep;
        let (consumed, ppu) = if c.tokens {
            let tok: f64 = v.tokens[months.clone()].iter().sum();
            let ppu = if tok > 0.0 {
                money / tok
            } else {
                let price = if c.locked { v.mean_price_locked } else { v.mean_price[p.months.start] };
                last_ppu.unwrap_or(price * p.keep)
            };
            last_ppu = Some(ppu);
            (e * tok, ppu)
        } else {
            (e * money, 1.0)
        };
        let b: f64 = if v.base.is_empty() { 0.0 } else { v.base[months].iter().sum() };
        base_total += b;
        let avail = p.amount + carry;
        let left = avail - b;
        if left >= consumed {
            let unused = left - consumed;
            let carry_out = (c.rollover_fraction * unused).min(p.cap);
            waste += unused - carry_out;
            carry = carry_out;
            paid += p.amount * ppu;
        } else {
            let over = (b - avail).max(0.0) + (consumed - left.max(0.0)) * p.m * ppu;
            paid += p.amount * ppu + over;
            overage += over;
            carry = 0.0;
        }
    }
    waste += carry;
    let committed = sched.committed;
    let util = if committed > 0.0 { (committed - waste) / committed } else { 1.0 };
    let passed = if e < 1.0 { (1.0 - e) * v.inside } else { 0.0 };
    let cost = (v.outside + paid - base_total + passed).max(0.0);
    PathBill { cost, waste, overage, util, ..PathBill::default() }
}

/// [`bill`] for a dollar commitment without rollover, whose periods do not
/// depend on each other: the same sums, in the same order, without the
/// branch on over- or under-use that usage makes unpredictable.
fn bill_independent(sched: &Schedule, v: &ViewData) -> PathBill {
    let (mut waste, mut overage, mut paid) = (0.0, 0.0, 0.0);
    for (p, &spend) in sched.periods.iter().zip(&v.period_basis) {
        let consumed = spend * p.keep;
        let unused = (p.amount - consumed).max(0.0);
        let over = (consumed - p.amount).max(0.0) * p.m;
        waste += unused;
        paid += p.amount + over;
        overage += over;
    }
    let committed = sched.committed;
    let util = if committed > 0.0 { (committed - waste) / committed } else { 1.0 };
    PathBill { cost: v.outside + paid, waste, overage, util, ..PathBill::default() }
}

/// The discount above which `c` costs less than `budget` on the path `v`
/// (with `outside` left out of both): `-inf` when it does at no discount,
/// `+inf` when it does at no discount below 100%. For a dollar commitment
/// without rollover on the view's period sums, whose periods are billed
/// independently; `None` otherwise (or with a period of no amount).
///
/// With `u = 1 / (1 - d)`, period `k` pays `A_k + (c_k - A_k u)+` with
/// overage at list and `max(A_k, c_k / u)` with discounted overage; both
/// fall with `u` and bend only at `u_k = c_k / A_k`. Walking the bends from
/// the largest down, the periods still over their amount are known, and on
/// each stretch the sum is linear in `u` (or in `1 / u`), solved exactly.
pub fn discount_to_win(c: &Commit, sched: &Schedule, v: &ViewData, budget: f64) -> Option<f64> {
    let summed = v.period == c.period_months && v.period_basis.len() == sched.periods.len();
    if c.tokens
        || !c.is_plain()
        || c.rollover_fraction != 0.0
        || !summed
        || sched.periods.iter().any(|p| p.amount.is_nan() || p.amount <= 0.0)
    {
        return None;
    }
    let committed: f64 = sched.periods.iter().map(|p| p.amount).sum();
    // What the periods may pay above their amounts.
    let room = budget - committed;
    if room.is_nan() || room <= 0.0 {
        return Some(f64::INFINITY);
    }
    let mut bends: Vec<(f64, f64, f64)> =
        sched.periods.iter().zip(&v.period_basis).map(|(p, &spend)| (spend / p.amount, spend, p.amount)).collect();
    bends.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let (mut spend, mut amount) = (0.0, 0.0);
    for (j, &(u_k, c_k, a_k)) in bends.iter().enumerate() {
        if u_k <= 1.0 {
            break;
        }
        spend += c_k;
        amount += a_k;
        // The stretch from the next bend (or u = 1) up to this one.
        let floor = bends.get(j + 1).map_or(1.0, |b| b.0.max(1.0));
        let above = |u: f64| if c.overage_list { spend - amount * u } else { spend / u - amount };
        if above(floor) >= room {
            let u = if c.overage_list { (spend - room) / amount } else { spend / (room + amount) };
            return Some(1.0 - 1.0 / u.clamp(floor, u_k));
        }
    }
    // Even at no discount the periods pay less than the budget allows.
    Some(f64::NEG_INFINITY)
}

/// Each period's in-scope spend (the views' `period_basis`) over many paths,
/// sorted, with suffix sums: the sum over the paths of what a dollar
/// commitment without rollover pays (the case [`bill`] bills period by
/// period independently) is then, per period, `n A + m (1 - d) S(A / (1 - d))`
/// with `S(T)` the sum of `(spend - T)+` over the paths, found by one binary
/// search instead of a pass over the paths.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedPeriods {
    period: usize,
    n: usize,
    /// Per period: the spends, ascending.
    sorted: Vec<Vec<f64>>,
    /// Per period: `suffix[j]` is the sum of `sorted[j..]` (`n + 1` entries).
    suffix: Vec<Vec<f64>>,
}

impl SortedPeriods {
    /// The sorted sums of `views`, when every view sums the same periods of
    /// `period` months (else `None`).
    pub fn new(views: &[ViewData], period: usize) -> Option<SortedPeriods> {
        let first = views.first()?;
        let count = first.period_basis.len();
        if count == 0 || views.iter().any(|v| v.period != period || v.period_basis.len() != count) {
            return None;
        }
        let n = views.len();
        let mut sorted = Vec::with_capacity(count);
        let mut suffix = Vec::with_capacity(count);
        for k in 0..count {
            let mut col: Vec<f64> = views.iter().map(|v| v.period_basis[k]).collect();
            if col.iter().any(|x| !x.is_finite()) {
                return None;
            }
            col.sort_unstable_by(f64::total_cmp);
            let mut suf = vec![0.0; n + 1];
            for j in (0..n).rev() {
                suf[j] = suf[j + 1] + col[j];
            }
            sorted.push(col);
            suffix.push(suf);
        }
        Some(SortedPeriods { period, n, sorted, suffix })
    }

    /// The sum over the paths of what `c` pays in its periods (the cost
    /// without `outside`), when `c` is a dollar commitment without rollover
    /// on these periods; `None` otherwise.
    pub fn paid_sum(&self, c: &Commit, sched: &Schedule) -> Option<f64> {
        if c.tokens || !c.is_plain() || c.rollover_fraction != 0.0 || c.period_months != self.period {
            return None;
        }
        if sched.periods.len() != self.sorted.len() || sched.periods.iter().any(|p| p.keep <= 0.0) {
            return None;
        }
        let n = self.n as f64;
        let mut total = 0.0;
        for ((p, col), suf) in sched.periods.iter().zip(&self.sorted).zip(&self.suffix) {
            let t = p.amount / p.keep;
            let j = col.partition_point(|&x| x <= t);
            let above = suf[j] - t * (self.n - j) as f64;
            total += n * p.amount + p.m * p.keep * above;
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::offer::DiscountRule;

    fn view(list: &[f64]) -> ViewData {
        ViewData {
            list: list.to_vec(),
            tokens: list.iter().map(|x| x * 1000.0).collect(),
            locked: list.to_vec(),
            ..ViewData::default()
        }
    }

    fn bill_on(c: &Commit, list: &[f64]) -> PathBill {
        bill(c, &Schedule::new(c, list.len()), &view(list))
    }

    fn commit(amount: f64, d: f64) -> Commit {
        Commit {
            tokens: false,
            period_months: 1,
            amounts: vec![amount],
            discount: DiscountRule::Flat(d),
            overage_list: false,
            locked: false,
            rollover_fraction: 0.0,
            rollover_cap: 0.0,
            eligible_share: 1.0,
            base: None,
            credits: None,
        }
    }

    #[test]
    fn under_and_over_the_commitment() {
        // Month 1: 100 list -> 90 discounted, under 95: pays 95, wastes 5.
        // Month 2: 200 list -> 180, over 95 by 85 (discounted overage).
        let b = bill_on(&commit(95.0, 0.1), &[100.0, 200.0]);
        assert!((b.cost - (95.0 + 95.0 + 85.0)).abs() < 1e-9);
        assert!((b.waste - 5.0).abs() < 1e-9);
        assert!((b.overage - 85.0).abs() < 1e-9);
        assert!((b.util - (190.0 - 5.0) / 190.0).abs() < 1e-12);
    }

    #[test]
    fn overage_at_list_undoes_the_discount() {
        let c = Commit { overage_list: true, ..commit(95.0, 0.1) };
        let b = bill_on(&c, &[200.0]);
        assert!((b.cost - (95.0 + 85.0 / 0.9)).abs() < 1e-9);
    }

    #[test]
    fn the_discount_to_win_is_where_the_bill_crosses_the_budget() {
        let views: Vec<ViewData> = [[80.0, 150.0], [130.0, 90.0], [100.0, 200.0], [300.0, 310.0], [10.0, 5.0]]
            .iter()
            .map(|s| ViewData { period_basis: s.to_vec(), period: 12, ..ViewData::default() })
            .collect();
        for overage_list in [true, false] {
            for budget in [150.0, 215.0, 240.0, 300.0, 450.0, 700.0] {
                for v in &views {
                    let at = |d: f64| {
                        let c =
                            Commit { period_months: 12, amounts: vec![100.0, 120.0], overage_list, ..commit(0.0, d) };
                        bill(&c, &Schedule::new(&c, 24), v).cost
                    };
                    let c = Commit { period_months: 12, amounts: vec![100.0, 120.0], overage_list, ..commit(0.0, 0.0) };
                    let d = discount_to_win(&c, &Schedule::new(&c, 24), v, budget).unwrap();
                    let what = format!("overage at list {overage_list}, budget {budget}, {:?}: {d}", v.period_basis);
                    if d == f64::NEG_INFINITY {
                        assert!(at(0.0) < budget, "{what}");
                    } else if d == f64::INFINITY {
                        assert!(at(0.9999) >= budget, "{what}");
                    } else {
                        assert!((0.0..1.0).contains(&d), "{what}");
                        assert!(at(d + 1e-7) < budget && at((d - 1e-7).max(0.0)) >= budget - 1e-9, "{what}");
                    }
                }
            }
        }
    }

    #[test]
    fn sorted_period_sums_pay_what_each_path_pays() {
        // Three paths of two yearly periods; amounts 100 then 120.
        let spends = [[80.0, 150.0], [130.0, 90.0], [100.0, 200.0]];
        let views: Vec<ViewData> = spends
            .iter()
            .map(|s| ViewData { period_basis: s.to_vec(), period: 12, outside: 7.0, ..ViewData::default() })
            .collect();
        let sorted = SortedPeriods::new(&views, 12).unwrap();
        for (overage_list, d) in [(true, 0.1), (false, 0.1), (true, 0.0), (false, 0.35)] {
            let c = Commit { period_months: 12, amounts: vec![100.0, 120.0], overage_list, ..commit(0.0, d) };
            let sched = Schedule::new(&c, 24);
            let each: f64 = views.iter().map(|v| bill(&c, &sched, v).cost - v.outside).sum();
            let got = sorted.paid_sum(&c, &sched).unwrap();
            assert!((got - each).abs() < 1e-9, "overage at list {overage_list}, d {d}: {got} vs {each}");
        }
        let rolled = Commit { rollover_fraction: 0.5, period_months: 12, ..commit(100.0, 0.1) };
        assert_eq!(sorted.paid_sum(&rolled, &Schedule::new(&rolled, 24)), None);
        assert_eq!(SortedPeriods::new(&views, 1), None, "the views sum other periods");
    }

    #[test]
    fn rollover_is_capped_and_what_is_left_at_the_end_is_waste() {
        let c = Commit { rollover_fraction: 0.5, rollover_cap: 0.1, ..commit(100.0, 0.0) };
        // Month 1 uses 40: unused 60, carry min(30, 10) = 10, waste 50.
        // Month 2 uses 105 of 110 available: unused 5, carry min(2.5, 10) = 2.5, waste 2.5; end: +2.5.
        let b = bill_on(&c, &[40.0, 105.0]);
        assert!((b.waste - 55.0).abs() < 1e-9, "{}", b.waste);
        assert!((b.cost - 200.0).abs() < 1e-9);
    }
}
