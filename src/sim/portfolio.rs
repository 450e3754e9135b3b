//! Portfolios (SPEC 6.6, 6.10): offers billed layer by layer on one path.
//!
//! Each segment and month carries the share of its traffic that no layer
//! has served yet (1 at first). A layer reads the remaining traffic of its
//! scope during its term as a [`ViewData`] and is billed by its own
//! [`Biller`], so every layer bills as the offer does on its own. Then:
//! a provisioned layer keeps its fee and passes on what its capacity did
//! not serve (its overflow, whatever its `overflow`); a commit layer serves
//! its eligible share (overage included) and passes on the rest; credits
//! and pay-as-you-go layers serve everything in scope. What no layer serves
//! is billed at list price.

use super::path::PathState;
use super::plan::Plan;
use super::view::View;
use crate::pricing::{provisioned, Biller, PathBill, ViewData};
use crate::spec::catalog::Catalog;
use crate::spec::offer::{Offer, OfferKind};

/// One layer: what it reads of a path and how it bills.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Its view (scope, term, effective-token weights).
    pub view: View,
    /// Its biller (the `view` index is unused).
    pub biller: Biller,
}

/// A portfolio ready to bill paths.
#[derive(Debug, Clone)]
pub struct PortfolioBiller {
    /// The layers in the order traffic meets them.
    pub layers: Vec<Layer>,
}

/// Scratch space of [`PortfolioBiller::bill`], reused from path to path.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    remain: Vec<f64>,
    data: ViewData,
    served: Vec<f64>,
}

impl PortfolioBiller {
    /// The biller of `layers` (offers, in order) on `plan`.
    pub fn new(layers: &[&Offer], plan: &Plan, catalog: &Catalog) -> PortfolioBiller {
        let owned: Vec<Offer> = layers.iter().map(|o| (*o).clone()).collect();
        let (views, billers) = super::view::billers_for(&owned, plan, catalog);
        let layers = billers
            .into_iter()
            .map(|b| Layer { view: views[b.view].clone(), biller: Biller { view: 0, ..b } })
            .collect();
        PortfolioBiller { layers }
    }

    /// Bills path `ps`: the portfolio's bill, and each layer's in `layer_bills`
    /// (its cost: what the layer itself charges, without the traffic it passes on).
    pub fn bill(&self, plan: &Plan, ps: &impl Traffic, s: &mut Scratch, layer_bills: &mut [PathBill]) -> PathBill {
        self.bill_keeping(plan, ps, s, layer_bills, &mut [])
    }

    /// [`Self::bill`], also keeping in `keep[j]` (when `keep` is not empty)
    /// the traffic commit and credits layer `j` received, so that it can be
    /// re-billed at another level without billing the other layers again
    /// (its level changes nothing it passes on).
    pub fn bill_keeping(
        &self,
        plan: &Plan,
        ps: &impl Traffic,
        s: &mut Scratch,
        layer_bills: &mut [PathBill],
        keep: &mut [ViewData],
    ) -> PathBill {
        let h = plan.horizon;
        let n_seg = plan.segments.len();
        s.remain.clear();
        s.remain.resize(n_seg * h, 1.0);
        let (mut cost, mut waste, mut overage, mut committed) = (0.0, 0.0, 0.0, 0.0);
        let mut first_prov: Option<PathBill> = None;
        for (j, (layer, out)) in self.layers.iter().zip(layer_bills.iter_mut()).enumerate() {
            fill(&mut s.data, &layer.view, plan, ps, &s.remain);
            let mut bill = layer.biller.bill(&s.data);
            if let (Some(k), OfferKind::Commit(_)) = (keep.get_mut(j), &layer.biller.kind) {
                k.clone_from(&s.data);
            }
            let term = layer.view.term;
            match &layer.biller.kind {
                OfferKind::Provisioned(p) => {
                    bill.cost = layer.biller.fixed.fee;
                    bill.unserved = 0.0;
                    provisioned::served_shares(p, &s.data, &layer.biller.fixed, &mut s.served);
                    for (i, &seg) in layer.view.segments.iter().enumerate() {
                        let remain = s.remain[seg * h..seg * h + term].iter_mut().zip(&s.served);
                        match &layer.view.elig {
                            None => remain.for_each(|(r, sv)| *r *= 1.0 - sv),
                            // Only the eligible tiers are served: the rest of the
                            // in-scope traffic is passed on (SPEC 6.10), by its cost.
                            Some(el) => remain.zip(&el[i].1).for_each(|((r, sv), share)| *r *= 1.0 - sv * share),
                        }
                    }
                    first_prov.get_or_insert(bill);
                }
                OfferKind::Commit(c) => {
                    let e = c.eligible_share;
                    bill.cost = commit_charge(c, &bill, &s.data);
                    waste += bill.waste;
                    overage += bill.overage;
                    committed += layer_committed(c, term);
                    for &seg in &layer.view.segments {
                        s.remain[seg * h..seg * h + term].iter_mut().for_each(|r| *r *= 1.0 - e);
                    }
                }
                OfferKind::Payg(_) => {
                    for &seg in &layer.view.segments {
                        s.remain[seg * h..seg * h + term].iter_mut().for_each(|r| *r = 0.0);
                    }
                }
            }
            cost += bill.cost;
            *out = bill;
        }
        // What no layer served, at list price.
        let mut rest = 0.0;
        for seg in 0..n_seg {
            let c = ps.cost(seg);
            rest += s.remain[seg * h..(seg + 1) * h].iter().zip(c).map(|(r, x)| r * x).sum::<f64>();
        }
        let util = if committed > 0.0 { (committed - waste) / committed } else { 1.0 };
        let prov = first_prov.unwrap_or_default();
        PathBill { cost: cost + rest, waste, overage, util, spill: prov.spill, unserved: 0.0 }
    }

    /// The layers' total commitment (commit and credits layers).
    pub fn committed(&self) -> f64 {
        self.layers
            .iter()
            .map(|l| match &l.biller.kind {
                OfferKind::Commit(c) => layer_committed(c, l.view.term),
                _ => 0.0,
            })
            .sum()
    }
}

/// What a commit or credits layer charges: its bill of the traffic it
/// received (`v`, with nothing outside), without its ineligible share at list.
pub fn commit_charge(c: &crate::spec::offer::Commit, bill: &PathBill, v: &ViewData) -> f64 {
    let e = c.eligible_share;
    if e < 1.0 {
        (bill.cost - (1.0 - e) * v.inside).max(0.0)
    } else {
        bill.cost
    }
}

/// What a portfolio's layers read of one path: per segment, monthly
/// tokens, list cost and per-token list price; per base spend, its path.
pub trait Traffic {
    /// Monthly tokens of segment `seg`.
    fn tokens(&self, seg: usize) -> &[f64];
    /// Monthly list cost of segment `seg`.
    fn cost(&self, seg: usize) -> &[f64];
    /// Per-token list price of segment `seg` in month `t`.
    fn price(&self, plan: &Plan, seg: usize, t: usize) -> f64;
    /// Monthly spend of the plan's base spend `j`.
    fn base(&self, j: usize) -> &[f64];
}

impl Traffic for PathState {
    fn tokens(&self, seg: usize) -> &[f64] {
        self.seg_tokens(seg)
    }
    fn cost(&self, seg: usize) -> &[f64] {
        self.seg_cost(seg)
    }
    fn price(&self, plan: &Plan, seg: usize, t: usize) -> f64 {
        self.seg_price(plan, seg, t)
    }
    fn base(&self, j: usize) -> &[f64] {
        self.base_spend(j)
    }
}

/// Paths kept in memory (their segments' tokens, costs and prices, and base
/// spends), for searches that bill the same paths many times.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    h: usize,
    segs: usize,
    bases: usize,
    prices: bool,
    /// Per path: tokens, then costs, then prices (if kept), by segment and month; then base spends.
    data: Vec<f64>,
}

/// One kept path.
#[derive(Debug, Clone, Copy)]
pub struct KeptPath<'a> {
    k: &'a Kept,
    row: &'a [f64],
}

impl Kept {
    fn width(&self) -> usize {
        (if self.prices { 3 } else { 2 }) * self.segs * self.h + self.bases * self.h
    }

    /// The values kept per path for `plan` (with prices or without).
    pub fn values_per_path(plan: &Plan, prices: bool) -> usize {
        let k =
            Kept { h: plan.horizon, segs: plan.segments.len(), bases: plan.base_spends.len(), prices, data: vec![] };
        k.width()
    }

    /// Simulates the first `paths` paths of `plan` (the same futures as
    /// [`super::run`]) and keeps them; `prices` also keeps per-token prices
    /// (locked rates and token commitments read them).
    pub fn new(plan: &Plan, paths: usize, prices: bool, progress: &(dyn Fn(u64) + Sync)) -> Kept {
        use rayon::prelude::*;
        let mut k =
            Kept { h: plan.horizon, segs: plan.segments.len(), bases: plan.base_spends.len(), prices, data: vec![] };
        let w = k.width();
        let size = crate::math::rng::CHUNK;
        let chunks = paths.div_ceil(size) as u64;
        let rows: Vec<Vec<f64>> = (0..chunks)
            .into_par_iter()
            .map(|chunk| {
                let mut streams = super::path::Streams::new(plan, chunk);
                let mut ps = PathState::new(plan);
                let n = paths.saturating_sub(chunk as usize * size).min(size);
                let mut out = Vec::with_capacity(n * w);
                for _ in 0..n {
                    super::path::generate(plan, &mut streams, &mut ps);
                    let sh = plan.segments.len() * plan.horizon;
                    out.extend_from_slice(&ps.tokens[..sh]);
                    out.extend_from_slice(&ps.cost[..sh]);
                    if prices {
                        for seg in 0..plan.segments.len() {
                            out.extend((0..plan.horizon).map(|t| ps.seg_price(plan, seg, t)));
                        }
                    }
                    out.extend_from_slice(&ps.base);
                }
                progress(n as u64);
                out
            })
            .collect();
        k.data = rows.concat();
        k
    }

    /// The number of paths kept.
    pub fn paths(&self) -> usize {
        self.data.len().checked_div(self.width()).unwrap_or(0)
    }

    /// Path `i`.
    pub fn path(&self, i: usize) -> KeptPath<'_> {
        let w = self.width();
        KeptPath { k: self, row: &self.data[i * w..(i + 1) * w] }
    }
}

impl Traffic for KeptPath<'_> {
    fn tokens(&self, seg: usize) -> &[f64] {
        let h = self.k.h;
        &self.row[seg * h..(seg + 1) * h]
    }
    fn cost(&self, seg: usize) -> &[f64] {
        let (h, s) = (self.k.h, self.k.segs);
        &self.row[(s + seg) * h..(s + seg + 1) * h]
    }
    fn price(&self, _plan: &Plan, seg: usize, t: usize) -> f64 {
        let (h, s) = (self.k.h, self.k.segs);
        if self.k.prices {
            self.row[(2 * s + seg) * h + t]
        } else {
            f64::NAN
        }
    }
    fn base(&self, j: usize) -> &[f64] {
        let (h, s) = (self.k.h, self.k.segs);
        let off = (if self.k.prices { 3 } else { 2 }) * s * h;
        &self.row[off + j * h..off + (j + 1) * h]
    }
}

/// A commit or credits layer's committed total over `term` months.
pub fn layer_committed(c: &crate::spec::offer::Commit, term: usize) -> f64 {
    match &c.credits {
        Some(cr) => cr.committed(c),
        None => (0..term.div_ceil(c.period_months.max(1))).map(|k| c.amount(k)).sum(),
    }
}

/// [`ViewData::fill`] for the traffic not yet served: each segment and
/// month weighted by its remaining share.
fn fill(d: &mut ViewData, view: &View, plan: &Plan, ps: &impl Traffic, remain: &[f64]) {
    let h = plan.horizon;
    let t_end = view.term;
    let reset = |v: &mut Vec<f64>, on: bool| {
        v.clear();
        v.resize(if on { t_end } else { 0 }, 0.0);
    };
    reset(&mut d.list, true);
    reset(&mut d.tokens, true);
    reset(&mut d.locked, view.locked);
    reset(&mut d.eff, view.eff.is_some());
    reset(&mut d.mean_price, view.per_token);
    let mut p0 = 0.0;
    for (i, &seg) in view.segments.iter().enumerate() {
        let (tok, cost) = (&ps.tokens(seg)[..t_end], &ps.cost(seg)[..t_end]);
        let r = &remain[seg * h..seg * h + t_end];
        let price0 = if view.locked { ps.price(plan, seg, 0) } else { 0.0 };
        let w = view.eff.as_ref().map_or(0.0, |e| e[i]);
        for t in 0..t_end {
            d.list[t] += r[t] * cost[t];
            d.tokens[t] += r[t] * tok[t];
            if view.locked {
                d.locked[t] += r[t] * tok[t] * price0;
            }
            if view.eff.is_some() {
                d.eff[t] += r[t] * tok[t] * w;
            }
        }
        if view.per_token {
            p0 += ps.price(plan, seg, 0);
            for (t, m) in d.mean_price.iter_mut().enumerate() {
                *m += ps.price(plan, seg, t);
            }
        }
    }
    d.eff_total = d.eff.iter().sum();
    d.inv_rate.clear();
    d.ln_rate.clear();
    for (t, &e) in d.eff.iter().enumerate() {
        let minutes = 1440.0 * plan.days[t];
        d.inv_rate.push(minutes / e);
        d.ln_rate.push(crate::math::fastmath::ln(e / minutes));
    }
    let n = view.segments.len().max(1) as f64;
    d.mean_price.iter_mut().for_each(|p| *p /= n);
    d.mean_price_locked = p0 / n;
    // No period sums: the commit biller sums the months itself.
    d.period = 0;
    d.period_basis.clear();
    d.period_tokens.clear();
    d.base.clear();
    d.base_period.clear();
    if let Some(j) = view.base {
        d.base.extend_from_slice(&ps.base(j)[..t_end]);
    }
    d.inside = d.list.iter().sum();
    d.outside = 0.0;
}

/// Per-path bills of portfolios: `cost[p][i]` etc. for portfolio `p`, path
/// `i`, and each layer's bills.
#[derive(Debug, Clone, Default)]
pub struct PortfolioPaths {
    /// The portfolio's bill per path.
    pub bills: Vec<PathBill>,
    /// Per layer, its bill per path.
    pub layers: Vec<Vec<PathBill>>,
}

/// Simulates `plan`'s paths (the same futures as [`super::run`]: the same
/// streams chunk by chunk) and bills each portfolio on every path, in path
/// order at any thread count. `progress` is called with each chunk's paths.
pub fn bill_paths(plan: &Plan, portfolios: &[PortfolioBiller], progress: &(dyn Fn(u64) + Sync)) -> Vec<PortfolioPaths> {
    use rayon::prelude::*;
    let chunk_size = crate::math::rng::CHUNK;
    let per_chunk: Vec<Vec<(PathBill, Vec<PathBill>)>> = (0..plan.chunks())
        .into_par_iter()
        .map(|chunk| {
            let mut streams = super::path::Streams::new(plan, chunk);
            let mut ps = PathState::new(plan);
            let mut scratch = Scratch::default();
            let n = (plan.paths as usize).saturating_sub(chunk as usize * chunk_size).min(chunk_size);
            let mut rows = Vec::with_capacity(n * portfolios.len());
            for _ in 0..n {
                super::path::generate(plan, &mut streams, &mut ps);
                for pf in portfolios {
                    let mut layers = vec![PathBill::default(); pf.layers.len()];
                    let bill = pf.bill(plan, &ps, &mut scratch, &mut layers);
                    rows.push((bill, layers));
                }
            }
            progress(n as u64);
            rows
        })
        .collect();
    let mut out: Vec<PortfolioPaths> = portfolios
        .iter()
        .map(|pf| PortfolioPaths {
            bills: Vec::with_capacity(plan.paths as usize),
            layers: vec![Vec::with_capacity(plan.paths as usize); pf.layers.len()],
        })
        .collect();
    for rows in per_chunk {
        for (k, (bill, layers)) in rows.into_iter().enumerate() {
            let p = &mut out[k % portfolios.len()];
            p.bills.push(bill);
            for (l, b) in p.layers.iter_mut().zip(layers) {
                l.push(b);
            }
        }
    }
    out
}

/// Each portfolio's cost and total unused commitment on every path of
/// `plan` (the same futures as [`super::run`]), in path order at any thread
/// count: `out[p][i]` for portfolio `p`, path `i`. Lean where
/// [`bill_paths`] keeps every figure of every layer.
pub fn bill_totals(
    plan: &Plan,
    portfolios: &[PortfolioBiller],
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Vec<(f64, f64)>> {
    use rayon::prelude::*;
    let size = crate::math::rng::CHUNK;
    let per_chunk: Vec<Vec<Vec<(f64, f64)>>> = (0..plan.chunks())
        .into_par_iter()
        .map(|chunk| {
            let mut streams = super::path::Streams::new(plan, chunk);
            let mut ps = PathState::new(plan);
            let mut scratch = Scratch::default();
            let n = (plan.paths as usize).saturating_sub(chunk as usize * size).min(size);
            let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(n); portfolios.len()];
            let mut layers = Vec::new();
            for _ in 0..n {
                super::path::generate(plan, &mut streams, &mut ps);
                for (pf, col) in portfolios.iter().zip(out.iter_mut()) {
                    layers.clear();
                    layers.resize(pf.layers.len(), PathBill::default());
                    let b = pf.bill(plan, &ps, &mut scratch, &mut layers);
                    col.push((b.cost, b.waste));
                }
            }
            progress(n as u64);
            out
        })
        .collect();
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(plan.paths as usize); portfolios.len()];
    for chunk in per_chunk {
        for (o, c) in out.iter_mut().zip(chunk) {
            o.extend(c);
        }
    }
    out
}
