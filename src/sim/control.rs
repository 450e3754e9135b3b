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
    if plan.moves_tokens() || plan.step_cut.is_some() || plan.segments.len() != plan.sources.len() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Overrides, Scenario};

    /// A scenario of one workload (1e9 tokens a month, all input at $2 per
    /// 1M), growth uniform on [a, b], volatility `sigma`, damping `d` and
    /// the annual price change uniform on [lo, hi], written to a fresh folder.
    fn scenario(tag: &str, growth: (f64, f64), sigma: f64, damping: f64, change: (f64, f64), extra: &str) -> Scenario {
        let dir = std::env::temp_dir().join(format!("commitsim-control-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("prices.toml"),
            "[meta]\nas_of = \"2026-11-01\"\ncurrency = \"USD\"\n[[model]]\nid = \"m\"\nprovider = \"p\"\n\
             input_per_mtok = 2.0\noutput_per_mtok = 8.0\n",
        )
        .unwrap();
        let text = format!(
            "name = \"cv\"\nstart = \"2027-01\"\nhorizon_months = 24\ncatalog = \"prices.toml\"\n\
             [forecast]\ndamping = {damping}\n[prices]\nannual_change = {{ dist = \"uniform\", min = {}, max = {} }}\n\
             {extra}\n[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = 1.0\n\
             output_share = 0.0\ngrowth_annual = {{ dist = \"uniform\", min = {}, max = {} }}\n\
             volatility_monthly = {sigma}\n[[offers]]\nname = \"L\"\nkind = \"payg\"\n",
            change.0, change.1, growth.0, growth.1
        );
        std::fs::write(dir.join("s.toml"), text).unwrap();
        Scenario::load(&dir.join("s.toml"), Overrides::default()).unwrap()
    }

    /// `E[(1 + X)^k]` for `X` uniform on [a, b].
    fn uniform_power(a: f64, b: f64, k: f64) -> f64 {
        ((1.0 + b).powf(k + 1.0) - (1.0 + a).powf(k + 1.0)) / ((k + 1.0) * (b - a))
    }

    #[test]
    fn expected_costs_match_the_closed_form_by_hand() {
        // Growth g = ln(1 + G) / 12, so E[exp(g D)] = E[(1 + G)^(D / 12)]; the
        // index (1 + c)^(t/12); the shocks exp((t + 1) sigma^2 / 2).
        let (g, sigma, damping, c) = ((0.1, 0.9), 0.15, 0.97, (-0.3, -0.05));
        let sc = scenario("hand", g, sigma, damping, c, "");
        let plan = Plan::new(&sc);
        let e = expected_costs(&plan).expect("a closed form");
        let mut d = 0.0;
        for t in 0..24 {
            d += damping.powi(t as i32);
            let want = 2e-6
                * 1e9
                * uniform_power(c.0, c.1, t as f64 / 12.0)
                * uniform_power(g.0, g.1, d / 12.0)
                * ((t + 1) as f64 * sigma * sigma / 2.0).exp();
            let rel = (e[t] / want - 1.0).abs();
            // The quadrature error, far below any Monte Carlo error (1e-3 or so).
            assert!(rel < 1e-6, "month {t}: {} vs {want} ({rel:e})", e[t]);
        }
    }

    #[test]
    fn controls_are_the_yearly_spend_less_its_mean_and_none_without_a_closed_form() {
        let sc = scenario("rows", (0.1, 0.9), 0.15, 0.97, (-0.3, -0.05), "");
        let plan = Plan::new(&sc);
        let (views, _) = crate::sim::view::billers_for(&sc.offers, &plan, &sc.catalog);
        let c = Controls::new(&plan, &views).unwrap();
        // One view covering everything for 24 months: two years, no outside column.
        assert_eq!((c.width, c.views[0].years.clone(), c.views[0].outside), (2, vec![0..12, 12..24], false));
        let mut streams = crate::sim::path::Streams::new(&plan, 0);
        let mut ps = PathState::new(&plan);
        crate::sim::path::generate(&plan, &mut streams, &mut ps);
        let (mut row, mut cum) = (vec![0.0; 2], Vec::new());
        c.fill(&views, &ps, &mut cum, &mut row);
        let e = expected_costs(&plan).unwrap();
        for y in 0..2 {
            let spend: f64 = ps.seg_cost(0)[12 * y..12 * y + 12].iter().sum();
            let mean: f64 = e[12 * y..12 * y + 12].iter().sum();
            assert!((row[y] - (spend - mean)).abs() < 1e-9 * spend, "year {y}");
        }
        let cut = "[prices.step_cut]\nannual_probability = 0.5\nsize = 0.2\n";
        let sc = scenario("cut", (0.1, 0.9), 0.15, 0.97, (-0.3, -0.05), cut);
        assert!(expected_costs(&Plan::new(&sc)).is_none());
    }

    /// The engine's antithetic pairs (src/sim/path.rs), tested here beside
    /// the scenario builder: the second path of a pair draws the first's
    /// growth normal negated and its price uniform mirrored; the third path
    /// starts a new pair.
    #[test]
    fn the_second_path_of_a_pair_mirrors_the_first() {
        let mut sc = scenario("pairs", (0.1, 0.9), 0.15, 0.97, (-0.3, -0.05), "");
        sc.sampling = crate::spec::sampling::Sampling::Antithetic;
        let plan = Plan::new(&sc);
        let mut streams = crate::sim::path::Streams::new(&plan, 0);
        let mut ps = PathState::new(&plan);
        ps.record = true;
        let slot = |d| crate::sim::path::draw_slot(&plan, d);
        use crate::sim::path::Draw;
        let mut rows = Vec::new();
        for _ in 0..3 {
            crate::sim::path::generate(&plan, &mut streams, &mut ps);
            rows.push((
                ps.draws[slot(Draw::Growth(0))],
                ps.draws[slot(Draw::Shocks(0))],
                ps.draws[slot(Draw::PriceChange)],
            ));
        }
        let ((z0, s0, u0), (z1, s1, u1), (z2, _, _)) = (rows[0], rows[1], rows[2]);
        assert_eq!(z1, -z0);
        assert!((s1 + s0).abs() < 1e-12, "shocks {s0} {s1}");
        assert_eq!(u1, 1.0 - u0);
        assert!(z2 != z0 && z2 != -z0);
        // Plain sampling draws the second path afresh.
        sc.sampling = crate::spec::sampling::Sampling::Random;
        let plan = Plan::new(&sc);
        let mut streams = crate::sim::path::Streams::new(&plan, 0);
        crate::sim::path::generate(&plan, &mut streams, &mut ps);
        assert_eq!(ps.draws[slot(Draw::Growth(0))], z0);
        crate::sim::path::generate(&plan, &mut streams, &mut ps);
        assert!(ps.draws[slot(Draw::Growth(0))] != -z0);
    }
}
