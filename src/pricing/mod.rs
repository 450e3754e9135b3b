//! Billing an offer on one simulated path (SPEC 4.3).
//!
//! Every offer bills every segment: what is outside its scope, or after its
//! term, is billed at list price, so all offers' totals are comparable. The
//! engine first reduces a path to a [`ViewData`] per distinct (scope, term,
//! effective-token weight): the in-scope monthly sums during the term and the
//! list cost of everything else. A [`Biller`] turns that into a [`PathBill`].
//! Many billers can share a view (a sweep re-bills one view at 25 levels).

pub mod commit;
pub mod payg;
pub mod provisioned;

use crate::sim::path::PathState;
use crate::sim::plan::Plan;
use crate::spec::catalog::Catalog;
use crate::spec::offer::{Offer, OfferKind, Scope};

/// Which part of a path an offer looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// In-scope segment indices.
    pub segments: Vec<usize>,
    /// Months of the term inside the horizon.
    pub term: usize,
    /// Effective-token factor per in-scope segment (provisioned offers only).
    pub eff: Option<Vec<f64>>,
    /// Whether a biller needs costs at the start month's prices (locked rate).
    pub locked: bool,
    /// Whether a biller needs mean per-token prices (token commitments).
    pub per_token: bool,
    /// Whether billers need month-by-month sums (all but flat pay-as-you-go,
    /// which needs only the in-scope total).
    pub monthly: bool,
    /// Whether the view covers every segment for the whole horizon.
    pub everything: bool,
    /// Months per commitment period of its commit billers (0: none): the
    /// view then also sums each period once for all of them.
    pub period: usize,
    /// Whether billers read in-scope tokens (token commitments, provisioned
    /// capacity); dollar commitments and tiers need only spend.
    pub needs_tokens: bool,
}

impl View {
    /// The view of `offer` on `plan`.
    pub fn of(offer: &Offer, plan: &Plan, catalog: &Catalog) -> View {
        let segments = in_scope(&offer.scope, plan, catalog);
        let eff = match &offer.kind {
            OfferKind::Provisioned(p) => Some(
                segments
                    .iter()
                    .map(|&s| {
                        let sh = plan.sources[plan.segments[s].source].shares;
                        sh.input + sh.cached + p.output_weight * sh.output
                    })
                    .collect(),
            ),
            _ => None,
        };
        let (locked, per_token) = match &offer.kind {
            OfferKind::Commit(c) => (c.locked, c.tokens),
            _ => (false, false),
        };
        let monthly = !matches!(&offer.kind, OfferKind::Payg(p) if p.tiers.is_empty());
        let term = offer.term_months.min(plan.horizon);
        let everything = segments.len() == plan.segments.len() && term == plan.horizon;
        let period = match &offer.kind {
            OfferKind::Commit(c) => c.period_months,
            _ => 0,
        };
        let needs_tokens = per_token || eff.is_some();
        View { segments, term, eff, locked, per_token, monthly, everything, period, needs_tokens }
    }
}

/// Segments covered by `scope`.
pub fn in_scope(scope: &Scope, plan: &Plan, catalog: &Catalog) -> Vec<usize> {
    (0..plan.segments.len())
        .filter(|&s| {
            let seg = &plan.segments[s];
            let m = &catalog.models[seg.model];
            scope.covers(&m.provider, &m.id, &plan.sources[seg.source].name)
        })
        .collect()
}

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
    /// The period length the two sums above are for (0: none).
    pub period: usize,
    /// In-scope list cost during the term.
    pub inside: f64,
    /// List cost of everything outside the scope or after the term.
    pub outside: f64,
}

impl ViewData {
    /// Fills `self` from the path `ps` for `view`, computing only what the
    /// view's billers read.
    pub fn fill(&mut self, view: &View, plan: &Plan, ps: &PathState) {
        if !view.monthly {
            self.inside = if view.everything {
                ps.total_cost
            } else {
                view.segments.iter().map(|&s| crate::sim::path::sum(&ps.seg_cost(s)[..view.term])).sum()
            };
            self.outside = ps.total_cost - self.inside;
            return;
        }
        let t_end = view.term;
        let reset = |v: &mut Vec<f64>, on: bool| {
            v.clear();
            v.resize(if on { t_end } else { 0 }, 0.0);
        };
        reset(&mut self.list, true);
        reset(&mut self.tokens, view.needs_tokens);
        reset(&mut self.locked, view.locked);
        reset(&mut self.eff, view.eff.is_some());
        reset(&mut self.mean_price, view.per_token);
        let mut p0 = 0.0;
        for (i, &s) in view.segments.iter().enumerate() {
            let (tok, cost) = (&ps.seg_tokens(s)[..t_end], &ps.seg_cost(s)[..t_end]);
            add(&mut self.list, cost);
            if view.needs_tokens {
                add(&mut self.tokens, tok);
            }
            if view.locked {
                add_scaled(&mut self.locked, tok, ps.seg_price(plan, s, 0));
            }
            if let Some(e) = &view.eff {
                add_scaled(&mut self.eff, tok, e[i]);
            }
            if view.per_token {
                p0 += ps.seg_price(plan, s, 0);
                for (t, m) in self.mean_price.iter_mut().enumerate() {
                    *m += ps.seg_price(plan, s, t);
                }
            }
        }
        self.eff_total = self.eff.iter().sum();
        self.inv_rate.clear();
        self.ln_rate.clear();
        for (t, &e) in self.eff.iter().enumerate() {
            let minutes = 1440.0 * plan.days[t];
            self.inv_rate.push(minutes / e);
            self.ln_rate.push(crate::sim::fastmath::ln(e / minutes));
        }
        let n = view.segments.len().max(1) as f64;
        for p in &mut self.mean_price {
            *p /= n;
        }
        self.mean_price_locked = p0 / n;
        self.period = view.period;
        self.period_basis.clear();
        self.period_tokens.clear();
        if view.period > 0 {
            let basis = if view.locked { &self.locked } else { &self.list };
            self.period_basis.extend(basis.chunks(view.period).map(|c| c.iter().sum::<f64>()));
            if view.needs_tokens {
                self.period_tokens.extend(self.tokens.chunks(view.period).map(|c| c.iter().sum::<f64>()));
            }
        }
        self.inside = crate::sim::path::sum(&self.list);
        self.outside = ps.total_cost - self.inside;
    }
}

/// `acc += x`, element by element (equal lengths; vectorised).
fn add(acc: &mut [f64], x: &[f64]) {
    let n = acc.len().min(x.len());
    let (acc, x) = (&mut acc[..n], &x[..n]);
    for t in 0..n {
        acc[t] += x[t];
    }
}

/// `acc += k * x`, element by element (equal lengths; vectorised).
fn add_scaled(acc: &mut [f64], x: &[f64], k: f64) {
    let n = acc.len().min(x.len());
    let (acc, x) = (&mut acc[..n], &x[..n]);
    for t in 0..n {
        acc[t] += k * x[t];
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

/// Views and billers for a list of offers, sharing identical views.
pub fn billers_for(offers: &[Offer], plan: &Plan, catalog: &Catalog) -> (Vec<View>, Vec<Biller>) {
    let mut views: Vec<View> = Vec::new();
    let mut billers = Vec::new();
    for o in offers {
        let v = View::of(o, plan, catalog);
        let idx = views.iter().position(|x| *x == v).unwrap_or_else(|| {
            views.push(v);
            views.len() - 1
        });
        let fixed = match &o.kind {
            OfferKind::Provisioned(p) => provisioned::term_totals(p, &plan.days[..views[idx].term]),
            _ => provisioned::TermTotals::default(),
        };
        let schedule = match &o.kind {
            OfferKind::Commit(c) => Some(commit::Schedule::new(c, views[idx].term)),
            _ => None,
        };
        billers.push(Biller { view: idx, kind: o.kind.clone(), fixed, schedule });
    }
    (views, billers)
}
