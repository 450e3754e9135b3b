//! Billing an offer on one simulated path (SPEC 4.3).
//!
//! Every offer bills every segment: what is outside its scope, or after its
//! term, is billed at list price, so all offers' totals are comparable. The
//! engine first reduces a path to a [`ViewData`] per distinct (scope, term,
//! effective-token weight): the in-scope monthly sums during the term and the
//! list cost of everything else. A [`Biller`] turns that into a [`PathBill`].
//! Many billers can share a view (a sweep re-bills one view at 25 levels).

pub mod commit;
pub mod credits;
pub mod payg;
pub mod provisioned;

use crate::spec::offer::OfferKind;

/// A path reduced to what one view needs; months `0..term`.
#[derive(Debug, Clone, Default)]
pub struct ViewData {
    /// In-scope list cost by month.
    pub list: Vec<f64>,
    /// In-scope tokens by month.
    pub tokens: Vec<f64>,
    /// In-scope cost at the start month's list prices (for locked rates).
    pub locked: Vec<f64>,
    /// In-scope effective tokens by month (provisioned views only).
    pub eff: Vec<f64>,
    /// The reciprocal of the mean per-minute effective load by month
    /// (provisioned views only): a capacity times it is the ratio of
    /// capacity to load, one multiplication per capacity, not a division.
    pub inv_rate: Vec<f64>,
    /// The logarithm of the mean per-minute effective load by month.
    pub ln_rate: Vec<f64>,
    /// Sum of `eff` over the term.
    pub eff_total: f64,
    /// Eligible in-scope list cost by month, when not all of it is
    /// eligible for a reservation (SPEC 6.2); empty otherwise.
    pub elig_list: Vec<f64>,
    /// Eligible in-scope tokens by month (with `elig_list`).
    pub elig_tokens: Vec<f64>,
    /// Reservations with limits: each limit's load by month
    /// (`limit * term + t`), in its own unit (tokens or list dollars).
    pub limit_load: Vec<f64>,
    /// Reservations with limits: the binding limit's capacity per unit per
    /// minute by month (`eff` is then the load in units of capacity).
    pub bind_c: Vec<f64>,
    /// Reservations with limits: the minutes of each month.
    pub minutes: Vec<f64>,
    /// Mean in-scope per-token list price by month (prices a token commitment
    /// in a period without usage).
    pub mean_price: Vec<f64>,
    /// Start-month mean in-scope per-token list price.
    pub mean_price_locked: f64,
    /// Per commitment period (of the view's `period`): the sum of `locked`
    /// (locked views) or `list`.
    pub period_basis: Vec<f64>,
    /// Per commitment period: the sum of `tokens`.
    pub period_tokens: Vec<f64>,
    /// Base spend by month (commit views with `base_spend` only, SPEC 6.3).
    pub base: Vec<f64>,
    /// Per commitment period: the sum of `base`.
    pub base_period: Vec<f64>,
    /// The period length the sums above are for (0: none).
    pub period: usize,
    /// In-scope list cost during the term.
    pub inside: f64,
    /// List cost of everything outside the scope or after the term.
    pub outside: f64,
}

impl ViewData {
    /// Whether a reservation's bill needs SPEC 6.2's rules: capacity in
    /// limits, or in-scope traffic of tiers the reservation does not serve.
    pub fn is_extended(&self) -> bool {
        !self.bind_c.is_empty() || !self.elig_list.is_empty()
    }
}

/// What one offer costs on one path, with its risk measures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathBill {
    /// Total cost over the horizon.
    pub cost: f64,
    /// Commit: unused commitment (in the commitment's unit).
    pub waste: f64,
    /// Commit: overage billed ($).
    pub overage: f64,
    /// Utilisation (commit: of the commitment; provisioned: of capacity).
    pub util: f64,
    /// Provisioned: share of effective tokens above capacity.
    pub spill: f64,
    /// Provisioned with overflow = drop: tokens not served.
    pub unserved: f64,
}

/// An offer ready to bill a [`ViewData`].
#[derive(Debug, Clone)]
pub struct Biller {
    /// Index of the view it reads.
    pub view: usize,
    /// The offer's billing rule.
    pub kind: OfferKind,
    /// Provisioned: fee, capacity and log capacity over the term (path-independent).
    pub fixed: provisioned::TermTotals,
    /// Commit: the per-period schedule over the term (path-independent).
    pub schedule: Option<commit::Schedule>,
}

impl Biller {
    /// Bills one path.
    pub fn bill(&self, v: &ViewData) -> PathBill {
        match &self.kind {
            OfferKind::Payg(p) => {
                PathBill { cost: v.outside + payg::in_scope_cost(p, v), util: 1.0, ..PathBill::default() }
            }
            OfferKind::Commit(c) if c.credits.is_some() => credits::bill(c, v),
            OfferKind::Commit(c) => match &self.schedule {
                Some(sched) => commit::bill(c, sched, v),
                None => commit::bill(c, &commit::Schedule::new(c, v.list.len()), v),
            },
            OfferKind::Provisioned(p) => provisioned::bill(p, v, &self.fixed),
        }
    }
}

/// How a list of billers is billed on each path: one by one, except runs of
/// two or more consecutive provisioned billers on one view that can be
/// billed together as [`provisioned::Levels`] (a sweep's levels and levers).
#[derive(Debug, Clone)]
pub struct Batches {
    /// Each group: its first biller, and the batch it forms (none: a single biller).
    groups: Vec<(usize, Option<provisioned::Levels>)>,
}

/// Scratch space of [`Batches::bill`], one per thread.
#[derive(Debug, Clone, Default)]
pub struct BatchScratch([Vec<f64>; 3]);

impl Batches {
    /// Groups `billers`: each run of consecutive billers that
    /// [`provisioned::Levels::joins`] the run's first is one batch.
    pub fn new(billers: &[&Biller]) -> Batches {
        let prov = |k: usize| match &billers[k].kind {
            OfferKind::Provisioned(p) => Some((p, &billers[k].fixed)),
            _ => None,
        };
        let mut groups = Vec::new();
        let mut b = 0;
        while b < billers.len() {
            let mut end = b + 1;
            if let Some((first, _)) = prov(b) {
                while end < billers.len()
                    && billers[end].view == billers[b].view
                    && prov(end).is_some_and(|(p, _)| provisioned::Levels::joins(first, p))
                {
                    end += 1;
                }
            }
            let batch = if end - b >= 2 { provisioned::Levels::new((b..end).filter_map(prov)) } else { None };
            let next = if batch.is_some() { end } else { b + 1 };
            groups.push((b, batch));
            b = next;
        }
        Batches { groups }
    }

    /// Bills one path with every biller: `out[b]` is biller `b`'s bill.
    pub fn bill(&self, billers: &[&Biller], data: &[ViewData], scratch: &mut BatchScratch, out: &mut [PathBill]) {
        for (first, batch) in &self.groups {
            let v = &data[billers[*first].view];
            match batch {
                Some(levels) => {
                    let out = &mut out[*first..*first + levels.len()];
                    levels.bill(v, &mut scratch.0, out);
                }
                None => out[*first] = billers[*first].bill(v),
            }
        }
    }
}
