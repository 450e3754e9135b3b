//! Control variates (SPEC 6.7): per path, each offer's in-scope list spend
//! in each year of its term, and the list spend outside its scope or term,
//! whose expectations are known in closed form; `analysis` regresses each
//! offer's cost and savings on them (docs/model.md, "Sampling").
//!
//! The closed form (SPEC 4.1, 4.2): on a `drift` workload, month `t`
//! (from 0) has `log V = log B + g D_t + sigma S_t` with
//! `D_t = sum_{s<=t} damping^s` and `S_t` a sum of `t + 1` standard normals,
//! independent of the growth draw `g = rate(z)`, `z` standard normal; the
//! price index is `(1 + c)^(t/12)` with `c` drawn independently. So
//! `E[list cost] = price_t * E[(1 + c)^(t/12)] * B * E[exp(rate(z) D_t)] * exp((t + 1) sigma^2 / 2)`,
//! the two expectations by the trapezoid rule over `z` on |z| <= 7.5 in
//! steps of 1/64 (weights normalised; the Gaussian weight makes the rule
//! converge far faster than any Monte Carlo error). Scenarios with events,
//! routing, step cuts or fitted (`auto`) workloads have no such closed form
//! here: they get no controls.

use std::ops::Range;

use super::path::PathState;
use super::plan::{Plan, SourceKind};
use super::view::View;
use crate::scenario::VolumeModel;
use crate::spec::values::{GROWTH_CEILING, GROWTH_FLOOR};

/// Quadrature nodes: `z = -7.5 + i / 64`, `i = 0..=960`, with normalised
/// Gaussian weights.
fn nodes() -> Vec<(f64, f64)> {
    let n = 960;
    let raw: Vec<(f64, f64)> = (0..=n)
        .map(|i| {
            let z = -7.5 + i as f64 / 64.0;
            let w = if i == 0 || i == n { 0.5 } else { 1.0 };
            (z, w * (-0.5 * z * z).exp())
        })
        .collect();
    let total: f64 = raw.iter().map(|p| p.1).sum();
    raw.into_iter().map(|(z, w)| (z, w / total)).collect()
}

/// The expected list cost of every segment and month (`segment * h + t`),
/// when the scenario has a closed form for it (see the module docs).
pub fn expected_costs(plan: &Plan) -> Option<Vec<f64>> {
    if !plan.routes.is_empty() || plan.step_cut.is_some() || plan.segments.len() != plan.sources.len() {
        return None;
    }
    let h = plan.horizon;
    let nodes = nodes();
    // E[(1 + c)^(t/12)] by month.
    let monthly: Vec<(f64, f64)> = nodes
        .iter()
        .map(|&(z, w)| {
            let c = plan.price_change.from_normal(z).clamp(GROWTH_FLOOR, GROWTH_CEILING);
            ((c.ln_1p() / 12.0).exp(), w)
        })
        .collect();
    let mut index = vec![0.0; h];
    for &(q, w) in &monthly {
        // q^t as the engine's running product.
        let mut x = 1.0;
        for i in index.iter_mut() {
            *i += w * x;
            x *= q;
        }
    }
    let mut out = vec![0.0; plan.segments.len() * h];
    for (s, seg) in plan.segments.iter().enumerate() {
        let src = &plan.sources[seg.source];
        let SourceKind::Workload { base, model: VolumeModel::Drift { sigma, .. }, .. } = &src.kind else {
            return None;
        };
        let rates: Vec<f64> = nodes.iter().map(|&(z, _)| src.rate.at(z)).collect();
        let mut e = vec![0.0; rates.len()];
        let mut d = 0.0;
        for t in 0..h {
            d += plan.damp_pow[t];
            for (e, r) in e.iter_mut().zip(&rates) {
                *e = r * d;
            }
            crate::math::fastmath::exp_in_place(&mut e);
            let growth: f64 = e.iter().zip(&nodes).map(|(e, (_, w))| w * e).sum();
            let volume = base * growth * ((t + 1) as f64 * sigma * sigma / 2.0).exp();
            out[s * h + t] = seg.price[t] * index[t] * volume;
        }
    }
    out.iter().all(|x| x.is_finite()).then_some(out)
}

/// The controls of one view.
#[derive(Debug, Clone)]
pub struct ViewControls {
    /// Its first column among a path's controls.
    pub offset: usize,
    /// Months of each year of the term.
    pub years: Vec<Range<usize>>,
    /// Whether the last column is the list spend outside the view.
    pub outside: bool,
    /// The expectation of each column.
    pub mean: Vec<f64>,
}

impl ViewControls {
    /// Its number of columns.
    pub fn width(&self) -> usize {
        self.years.len() + usize::from(self.outside)
    }

    /// Its columns among a path's controls.
    pub fn columns(&self) -> Range<usize> {
        self.offset..self.offset + self.width()
    }
}

/// The controls of every view of a run.
#[derive(Debug, Clone)]
pub struct Controls {
    /// Per view, in the run's order.
    pub views: Vec<ViewControls>,
    /// Columns per path.
    pub width: usize,
}

impl Controls {
    /// The controls of `views` on `plan`, or None without a closed form.
    pub fn new(plan: &Plan, views: &[View]) -> Option<Controls> {
        let expected = expected_costs(plan)?;
        let h = plan.horizon;
        let total: f64 = expected.iter().sum();
        let mut offset = 0;
        let mut out = Vec::with_capacity(views.len());
        for v in views {
            let years: Vec<Range<usize>> =
                (0..v.term.div_ceil(12)).map(|y| 12 * y..(12 * y + 12).min(v.term)).collect();
            let mut mean: Vec<f64> = years
                .iter()
                .map(|r| v.segments.iter().map(|&s| expected[s * h + r.start..s * h + r.end].iter().sum::<f64>()).sum())
                .collect();
            let outside = !v.everything;
            if outside {
                mean.push(total - mean.iter().sum::<f64>());
            }
            let c = ViewControls { offset, years, outside, mean };
            offset += c.width();
            out.push(c);
        }
        Some(Controls { views: out, width: offset })
    }

    /// Writes the path's controls, centred on their expectations, into `row`.
    /// `cum` is scratch: every segment's running sum of list cost by month.
    pub fn fill(&self, views: &[View], ps: &PathState, cum: &mut Vec<f64>, row: &mut [f64]) {
        let h = ps.seg_cost(0).len();
        let n = ps.cost.len() / h.max(1);
        cum.clear();
        cum.resize(n * (h + 1), 0.0);
        for s in 0..n {
            let c = &mut cum[s * (h + 1)..(s + 1) * (h + 1)];
            for (t, &x) in ps.seg_cost(s).iter().enumerate() {
                c[t + 1] = c[t] + x;
            }
        }
        for (c, v) in self.views.iter().zip(views) {
            let cols = &mut row[c.columns()];
            let mut inside = 0.0;
            for (j, r) in c.years.iter().enumerate() {
                let x: f64 = v.segments.iter().map(|&s| cum[s * (h + 1) + r.end] - cum[s * (h + 1) + r.start]).sum();
                inside += x;
                cols[j] = x - c.mean[j];
            }
            if c.outside {
                let j = c.years.len();
                cols[j] = (ps.total_cost - inside) - c.mean[j];
            }
        }
    }
}
