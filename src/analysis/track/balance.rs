//! The commitment balance `track` follows through a term: a month-by-month
//! quantity (in-scope spend at the commitment's basis, or tokens) drawn
//! against what was committed. [`Balance`] is what a kind of commitment
//! supplies; [`CommitBalance`] is the one for `commit` offers (SPEC 4.3).
//! Credits (lots that expire) and portfolios (their commitment layers) plug
//! in as further implementations: the burn-down, run-out, catch-up and
//! headroom code reads only this trait.

use crate::spec::offer::Commit;

/// One path's monthly quantities over the term: `basis` is in-scope spend
/// at the prices the commitment counts (list, or the start month's list for
/// locked rates), `tokens` the in-scope tokens.
#[derive(Debug, Clone, Copy)]
pub struct Usage<'a> {
    /// In-scope spend by month, at the commitment's basis.
    pub basis: &'a [f64],
    /// In-scope tokens by month (empty unless the commitment counts tokens).
    pub tokens: &'a [f64],
}

/// A commitment period: its months (indices into the term) and amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Months of the term it spans.
    pub months: std::ops::Range<usize>,
    /// The amount committed for it, in the commitment's unit.
    pub amount: f64,
}

/// What one path's usage did to the commitment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settled {
    /// Consumption by month in the commitment's own terms.
    pub draw: Vec<f64>,
    /// Per period: unused commitment that is lost (the last period also
    /// holds what is still carried at the end).
    pub waste: Vec<f64>,
    /// Per period: overage as billed.
    pub overage: Vec<f64>,
    /// Term total of unused commitment (summed as the biller sums it).
    pub waste_total: f64,
    /// Term total of overage as billed.
    pub overage_total: f64,
}

/// A commitment drawn down month by month.
pub trait Balance: Sync {
    /// Its periods, in order, covering the term.
    fn periods(&self) -> &[Period];

    /// The term's total commitment.
    fn total(&self) -> f64 {
        self.periods().iter().map(|p| p.amount).sum()
    }

    /// Settles one path's usage into `out`.
    fn settle(&self, u: Usage, out: &mut Settled);

    /// The term's unused commitment only (the catch-up search calls this
    /// many times per path); the same number as [`Settled::waste_total`].
    fn waste(&self, u: Usage) -> f64;

    /// Which of the two quantities of [`Usage`] the commitment counts
    /// (`true`: tokens): what extra list spend adds to.
    fn counts_tokens(&self) -> bool;

    /// The term's unused commitment from each period's sum of the counted
    /// quantity alone, for a balance whose settlement depends on nothing
    /// else (`None`: it does; the search then settles month by month).
    fn waste_of_sums(&self, _sums: &mut dyn Iterator<Item = f64>) -> Option<f64> {
        None
    }
}

/// A `commit` offer's balance: SPEC 4.3 period by period, as
/// `pricing::commit::bill` bills it (the same sums in the same order, so
/// that at signature `track` and `simulate` agree to the last digit).
#[derive(Debug, Clone, PartialEq)]
pub struct CommitBalance {
    periods: Vec<Period>,
    /// Per period: `1 - d`, the overage multiplier `m`, the rollover cap.
    terms: Vec<(f64, f64, f64)>,
    tokens: bool,
    rollover: f64,
}

impl CommitBalance {
    /// The balance of `c` over a term of `term` months.
    pub fn new(c: &Commit, term: usize) -> CommitBalance {
        let len = c.period_months.max(1);
        let mut periods = Vec::new();
        let mut terms = Vec::new();
        for k in 0..term.div_ceil(len) {
            let a = c.amount(k);
            let d = c.discount.at(a);
            let m = if c.overage_list { 1.0 / (1.0 - d) } else { 1.0 };
            let cap = if c.rollover_cap > 0.0 { c.rollover_cap * c.amount(k + 1) } else { f64::INFINITY };
            periods.push(Period { months: k * len..((k + 1) * len).min(term), amount: a });
            terms.push((1.0 - d, m, cap));
        }
        CommitBalance { periods, terms, tokens: c.tokens, rollover: c.rollover_fraction }
    }

    /// Period `k`'s consumption in the commitment's unit and the money of one unit.
    fn consumed(&self, k: usize, u: Usage) -> (f64, f64) {
        let p = &self.periods[k];
        let money = u.basis[p.months.clone()].iter().sum::<f64>() * self.terms[k].0;
        if self.tokens {
            let tok: f64 = u.tokens[p.months.clone()].iter().sum();
            (tok, if tok > 0.0 { money / tok } else { 0.0 })
        } else {
            (money, 1.0)
        }
    }
}

impl Balance for CommitBalance {
    fn periods(&self) -> &[Period] {
        &self.periods
    }

    fn settle(&self, u: Usage, out: &mut Settled) {
        let months = self.periods.last().map_or(0, |p| p.months.end);
        out.draw.clear();
        out.waste.clear();
        out.overage.clear();
        for (p, &(keep, _, _)) in self.periods.iter().zip(&self.terms) {
            for t in p.months.clone() {
                out.draw.push(if self.tokens { u.tokens[t] } else { u.basis[t] * keep });
            }
        }
        debug_assert_eq!(out.draw.len(), months);
        let (mut carry, mut waste, mut overage) = (0.0, 0.0, 0.0);
        for (k, p) in self.periods.iter().enumerate() {
            let (_, m, cap) = self.terms[k];
            let (consumed, ppu) = self.consumed(k, u);
            let avail = p.amount + carry;
            if consumed <= avail {
                let unused = avail - consumed;
                let carry_out = (self.rollover * unused).min(cap);
                waste += unused - carry_out;
                out.waste.push(unused - carry_out);
                out.overage.push(0.0);
                carry = carry_out;
            } else {
                let over = (consumed - avail) * m * ppu;
                overage += over;
                out.waste.push(0.0);
                out.overage.push(over);
                carry = 0.0;
            }
        }
        waste += carry;
        if let Some(w) = out.waste.last_mut() {
            *w += carry;
        }
        out.waste_total = waste;
        out.overage_total = overage;
    }

    fn waste(&self, u: Usage) -> f64 {
        let (mut carry, mut waste) = (0.0, 0.0);
        for (k, p) in self.periods.iter().enumerate() {
            let (consumed, _) = self.consumed(k, u);
            let avail = p.amount + carry;
            if consumed <= avail {
                let unused = avail - consumed;
                let carry_out = (self.rollover * unused).min(self.terms[k].2);
                waste += unused - carry_out;
                carry = carry_out;
            } else {
                carry = 0.0;
            }
        }
        waste + carry
    }

    fn counts_tokens(&self) -> bool {
        self.tokens
    }

    fn waste_of_sums(&self, sums: &mut dyn Iterator<Item = f64>) -> Option<f64> {
        let (mut carry, mut waste) = (0.0, 0.0);
        for (p, &(keep, _, cap)) in self.periods.iter().zip(&self.terms) {
            let q = sums.next()?;
            let consumed = if self.tokens { q } else { q * keep };
            let avail = p.amount + carry;
            if consumed <= avail {
                let unused = avail - consumed;
                let carry_out = (self.rollover * unused).min(cap);
                waste += unused - carry_out;
                carry = carry_out;
            } else {
                carry = 0.0;
            }
        }
        Some(waste + carry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::commit::{bill, Schedule};
    use crate::pricing::ViewData;
    use crate::spec::offer::DiscountRule;

    fn commit(tokens: bool, period: usize, rollover: f64, cap: f64, overage_list: bool) -> Commit {
        Commit {
            tokens,
            period_months: period,
            amounts: vec![90.0, 120.0, 60.0],
            discount: DiscountRule::Tiers(vec![(0.0, 0.05), (100.0, 0.1)]),
            overage_list,
            locked: false,
            rollover_fraction: rollover,
            rollover_cap: cap,
            eligible_share: 1.0,
            base: None,
            credits: None,
        }
    }

    /// The balance settles every path as the biller bills it: the same
    /// waste and overage, to the last digit, for every option of 4.3.
    #[test]
    fn settles_as_the_biller_bills() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for tokens in [false, true] {
            for period in [1, 3, 12] {
                for (rollover, cap) in [(0.0, 0.0), (0.5, 0.0), (1.0, 0.2)] {
                    for overage_list in [false, true] {
                        let c = commit(tokens, period, rollover, cap, overage_list);
                        let term = 14;
                        let list: Vec<f64> = (0..term).map(|_| 200.0 * next() * period as f64 / 3.0).collect();
                        let tok: Vec<f64> = list.iter().map(|x| x * (0.5 + next())).collect();
                        let v = ViewData { list: list.clone(), tokens: tok.clone(), ..ViewData::default() };
                        let want = bill(&c, &Schedule::new(&c, term), &v);
                        let b = CommitBalance::new(&c, term);
                        let mut s = Settled::default();
                        let u = Usage { basis: &list, tokens: &tok };
                        b.settle(u, &mut s);
                        let what = format!("tokens {tokens}, period {period}, rollover {rollover}/{cap}");
                        assert_eq!(s.waste_total, want.waste, "{what}");
                        assert_eq!(s.overage_total, want.overage, "{what}");
                        assert_eq!(b.waste(u), want.waste, "{what}");
                        let q = if tokens { &tok } else { &list };
                        let mut sums = b.periods().iter().map(|p| q[p.months.clone()].iter().sum::<f64>());
                        assert_eq!(b.waste_of_sums(&mut sums), Some(want.waste), "{what}");
                        assert!((s.waste.iter().sum::<f64>() - want.waste).abs() < 1e-9, "{what}");
                        assert_eq!(s.draw.len(), term);
                    }
                }
            }
        }
    }
}
