//! What each offer reads of a path: its [`View`] (which segments, which
//! months, which sums), the reduction of a path to a [`ViewData`] per view,
//! and the billers of a list of offers, sharing identical views. The engine
//! calls this between generating a path and billing it; `pricing` only ever
//! sees the reduced [`ViewData`].

use super::path::PathState;
use super::plan::Plan;
use crate::pricing::{commit, provisioned, Biller, ViewData};
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
    /// Provisioned offers whose capacity is limits (SPEC 6.2): per limit,
    /// its capacity per unit and its load per token of each in-scope segment
    /// (0 for a list-dollar limit, whose load is the eligible list cost).
    pub limits: Vec<(f64, bool, Vec<f64>)>,
    /// Provisioned offers, when not every in-scope token is eligible: per
    /// in-scope segment, the eligible share of its tokens and, by month, of
    /// its list cost (SPEC 6.2 `eligible_tiers`).
    pub elig: Option<Vec<(f64, Vec<f64>)>>,
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
    /// The plan's base spend its commit billers draw down with (SPEC 6.3).
    pub base: Option<usize>,
}

impl View {
    /// The view of `offer` on `plan`.
    pub fn of(offer: &Offer, plan: &Plan, catalog: &Catalog) -> View {
        let segments = in_scope(&offer.scope, plan, catalog);
        let prov = match &offer.kind {
            OfferKind::Provisioned(p) => Some(p),
            _ => None,
        };
        let elig = prov.and_then(|p| eligibility(p, &segments, plan, catalog));
        let tok_share = |i: usize| elig.as_ref().map_or(1.0, |e| e[i].0);
        let eff = prov.map(|p| {
            segments
                .iter()
                .enumerate()
                .map(|(i, &s)| {
                    let sh = plan.sources[plan.segments[s].source].shares;
                    // Release 1's weights (cache writes count as input, SPEC 6.2)
                    // give its `input + cached + output_weight * output`
                    // exactly: the cache-write terms come last and are 0.
                    let w = p.weights.unwrap_or([1.0, p.output_weight, 1.0, 1.0, 1.0]);
                    let base = w[0] * sh.input + w[2] * sh.cached + w[1] * sh.output;
                    let e = match p.weights {
                        Some(_) => base + w[3] * sh.cache_write + w[4] * sh.cache_write_long,
                        None => base + (sh.cache_write + sh.cache_write_long),
                    };
                    // Only the eligible tiers load the capacity (an exact 1 otherwise).
                    e * tok_share(i)
                })
                .collect()
        });
        let limits = prov
            .map(|p| {
                p.limits
                    .iter()
                    .map(|l| {
                        let per_token = segments
                            .iter()
                            .enumerate()
                            .map(|(i, &s)| {
                                let sh = plan.sources[plan.segments[s].source].shares.classes();
                                let load: f64 = sh.iter().zip(&l.classes).map(|(a, b)| a * b).sum();
                                load * tok_share(i)
                            })
                            .collect();
                        (l.per_unit, l.list_usd, per_token)
                    })
                    .collect()
            })
            .unwrap_or_default();
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
        let base = match &offer.kind {
            // Every base spend of a plan's offers is in the plan; an offer
            // derived from one (a sweep level, a lever) keeps its base spend.
            OfferKind::Commit(c) => c.base.as_ref().map(|b| {
                plan.base_spends.iter().position(|x| x == b).expect("the plan holds every offer's base spend")
            }),
            _ => None,
        };
        View { segments, term, eff, limits, elig, locked, per_token, monthly, everything, period, needs_tokens, base }
    }
}

/// The eligible shares of each in-scope segment's tokens and (by month)
/// list cost for reservation `p`, or `None` when every in-scope token is
/// eligible (release 1's case: no priority or flex traffic and no
/// `eligible_tiers`, or tiers that exclude nothing present).
fn eligibility(
    p: &crate::spec::offer::Provisioned,
    segments: &[usize],
    plan: &Plan,
    catalog: &Catalog,
) -> Option<Vec<(f64, Vec<f64>)>> {
    let e = p.eligible;
    let parts = |s: usize| {
        let src = &plan.sources[plan.segments[s].source];
        let (b, q, f) = (src.batch, src.traffic.priority, src.traffic.flex);
        (b, q, f)
    };
    let all = segments.iter().all(|&s| {
        let (b, q, f) = parts(s);
        (b == 0.0 || e.batch) && (q == 0.0 || e.priority) && f == 0.0
    });
    if all {
        return None;
    }
    Some(
        segments
            .iter()
            .map(|&s| {
                let (b, q, f) = parts(s);
                let seg = &plan.segments[s];
                let std = 1.0 - b - q - f;
                let on = |yes: bool, x: f64| if yes { x } else { 0.0 };
                let tokens = std + on(e.batch, b) + on(e.priority, q);
                let m = &catalog.models[seg.model];
                let cost = (0..plan.horizon)
                    .map(|t| {
                        let md = m.modifiers_at(plan.start.plus(t as i32));
                        let total = std + b * md.batch + q * md.priority + f * md.flex;
                        let served = std + on(e.batch, b * md.batch) + on(e.priority, q * md.priority);
                        if total > 0.0 {
                            served / total
                        } else {
                            0.0
                        }
                    })
                    .collect();
                (tokens, cost)
            })
            .collect(),
    )
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

impl ViewData {
    /// Fills `self` from the path `ps` for `view`, computing only what the
    /// view's billers read.
    pub fn fill(&mut self, view: &View, plan: &Plan, ps: &PathState) {
        if !view.monthly {
            self.inside = if view.everything {
                ps.total_cost
            } else {
                view.segments.iter().map(|&s| crate::math::sum(&ps.seg_cost(s)[..view.term])).sum()
            };
            self.outside = outside(view, ps.total_cost, self.inside);
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
        reset(&mut self.elig_list, view.elig.is_some());
        reset(&mut self.elig_tokens, view.elig.is_some());
        let nl = view.limits.len();
        self.limit_load.clear();
        self.limit_load.resize(nl * t_end, 0.0);
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
            if let Some(el) = &view.elig {
                let (share, by_month) = &el[i];
                add_scaled(&mut self.elig_tokens, tok, *share);
                for t in 0..t_end {
                    self.elig_list[t] += cost[t] * by_month[t];
                }
            }
            for (j, (_, usd, per_token)) in view.limits.iter().enumerate() {
                let load = &mut self.limit_load[j * t_end..(j + 1) * t_end];
                if *usd {
                    match &view.elig {
                        Some(el) => {
                            for t in 0..t_end {
                                load[t] += cost[t] * el[i].1[t];
                            }
                        }
                        None => add(load, cost),
                    }
                } else {
                    add_scaled(load, tok, per_token[i]);
                }
            }
            if let (Some(e), true) = (&view.eff, view.limits.is_empty()) {
                add_scaled(&mut self.eff, tok, e[i]);
            }
            if view.per_token {
                p0 += ps.seg_price(plan, s, 0);
                for (t, m) in self.mean_price.iter_mut().enumerate() {
                    *m += ps.seg_price(plan, s, t);
                }
            }
        }
        // Limits (SPEC 6.2): the month's load in units of capacity is that of
        // its binding limit, the one with the least capacity over load.
        self.bind_c.clear();
        self.minutes.clear();
        if nl > 0 {
            for t in 0..t_end {
                let (mut best, mut c_b) = (0.0, view.limits[0].0);
                for (j, (c, _, _)) in view.limits.iter().enumerate() {
                    let units = self.limit_load[j * t_end + t] / c;
                    if units > best {
                        (best, c_b) = (units, *c);
                    }
                }
                self.eff[t] = best;
                self.bind_c.push(c_b);
                self.minutes.push(1440.0 * plan.days[t]);
            }
        }
        self.eff_total = self.eff.iter().sum();
        self.inv_rate.clear();
        self.ln_rate.clear();
        for (t, &e) in self.eff.iter().enumerate() {
            let minutes = 1440.0 * plan.days[t];
            self.inv_rate.push(minutes / e);
            self.ln_rate.push(crate::math::fastmath::ln(e / minutes));
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
        self.base.clear();
        self.base_period.clear();
        if let Some(j) = view.base {
            self.base.extend_from_slice(&ps.base_spend(j)[..t_end]);
            if view.period > 0 {
                self.base_period.extend(self.base.chunks(view.period).map(|c| c.iter().sum::<f64>()));
            }
        }
        self.inside = crate::math::sum(&self.list);
        self.outside = outside(view, ps.total_cost, self.inside);
    }
}

/// The list cost outside a view: zero by construction when the view covers
/// every segment over the whole horizon (the two sums then differ only by
/// rounding, which would show as a cost of -2e-13 for an offer that bills
/// nothing), and never below zero otherwise (SPEC 6.9).
fn outside(view: &View, total: f64, inside: f64) -> f64 {
    if view.everything {
        0.0
    } else {
        (total - inside).max(0.0)
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
