//! One simulated future: monthly volumes of every source, routing between
//! models, and list prices with the per-path price index and step cuts
//! (SPEC 4.1, 4.2).

use rand::Rng as _;
use rand_distr::StandardNormal;

use super::fastmath::exp_in_place;
use super::plan::{Plan, SourceKind};
use super::rng::{stream_rng, Rng, STREAM_COMMON, STREAM_PRICES, STREAM_ROUTING, STREAM_SOURCES};
use crate::spec::scenario::{Growth, VolumeModel, GROWTH_CEILING, GROWTH_FLOOR, MAX_MONTHLY_TOKENS};

/// The random streams of one chunk.
pub struct Streams {
    common: Rng,
    prices: Rng,
    sources: Vec<Rng>,
    routes: Vec<Rng>,
}

impl Streams {
    /// The streams of `chunk` for `plan`'s seed.
    pub fn new(plan: &Plan, chunk: u64) -> Streams {
        let seed = plan.seed;
        Streams {
            common: stream_rng(seed, chunk, STREAM_COMMON),
            prices: stream_rng(seed, chunk, STREAM_PRICES),
            sources: (0..plan.sources.len() as u64).map(|i| stream_rng(seed, chunk, STREAM_SOURCES + i)).collect(),
            routes: (0..plan.routes.len() as u64).map(|i| stream_rng(seed, chunk, STREAM_ROUTING + i)).collect(),
        }
    }
}

/// Scratch buffers holding one path, reused from path to path.
pub struct PathState {
    h: usize,
    /// Monthly tokens of each source (`source * h + t`).
    pub vol: Vec<f64>,
    /// Monthly tokens of each segment (`segment * h + t`).
    pub tokens: Vec<f64>,
    /// Per-token list price of each segment and month, index and cuts included.
    pub price: Vec<f64>,
    /// List cost of each segment and month.
    pub cost: Vec<f64>,
    common_growth: f64,
    common: Vec<f64>,
    index: Vec<f64>,
    cut: Vec<f64>,
    /// Sum of `tokens` over segments and months.
    pub total_tokens: f64,
    /// Sum of `cost` over segments and months.
    pub total_cost: f64,
}

impl PathState {
    /// Buffers sized for `plan`.
    pub fn new(plan: &Plan) -> PathState {
        let h = plan.horizon;
        let s = plan.segments.len();
        PathState {
            h,
            vol: vec![0.0; plan.sources.len() * h],
            tokens: vec![0.0; s * h],
            price: vec![0.0; s * h],
            cost: vec![0.0; s * h],
            common_growth: 0.0,
            common: vec![0.0; h],
            index: vec![1.0; h],
            cut: vec![1.0; plan.models.len() * h],
            total_tokens: 0.0,
            total_cost: 0.0,
        }
    }

    /// Monthly tokens of segment `seg`.
    pub fn seg_tokens(&self, seg: usize) -> &[f64] {
        &self.tokens[seg * self.h..(seg + 1) * self.h]
    }

    /// Monthly list cost of segment `seg`.
    pub fn seg_cost(&self, seg: usize) -> &[f64] {
        &self.cost[seg * self.h..(seg + 1) * self.h]
    }

    /// Per-token list price of segment `seg` by month.
    pub fn seg_price(&self, seg: usize) -> &[f64] {
        &self.price[seg * self.h..(seg + 1) * self.h]
    }

    /// Monthly tokens of source `src`.
    pub fn source_volume(&self, src: usize) -> &[f64] {
        &self.vol[src * self.h..(src + 1) * self.h]
    }
}

/// Draws the next path of the chunk into `ps`.
pub fn generate(plan: &Plan, st: &mut Streams, ps: &mut PathState) {
    let h = plan.horizon;
    ps.common_growth = st.common.sample(StandardNormal);
    for z in ps.common.iter_mut() {
        *z = st.common.sample(StandardNormal);
    }
    draw_prices(plan, &mut st.prices, ps);
    for (i, src) in plan.sources.iter().enumerate() {
        let rng = &mut st.sources[i];
        let out = &mut ps.vol[i * h..(i + 1) * h];
        match &src.kind {
            SourceKind::Workload { base, log_base, model } => {
                workload_path(plan, rng, ps.common_growth, &ps.common, (*base, *log_base), model, out)
            }
            SourceKind::Event { probability, start, monthly, ramp, growth, sigma } => {
                let active = rng.random::<f64>() < *probability;
                let m = monthly.from_normal(rng.sample(StandardNormal)).clamp(0.0, MAX_MONTHLY_TOKENS);
                let g = growth_rate(growth, mix_normal(plan, ps.common_growth, rng));
                let mut log_f = 0.0;
                for t in 0..h {
                    let e = plan.corr.0 * ps.common[t] + plan.corr.1 * rng.sample::<f64, _>(StandardNormal);
                    let k = t as i32 - start;
                    if k >= 1 {
                        log_f += g * plan.damp_pow[(k - 1) as usize] + sigma * e;
                    }
                    out[t] = log_f;
                }
                exp_in_place(out);
                for (t, v) in out.iter_mut().enumerate() {
                    let k = t as i32 - start;
                    *v = if active && k >= 0 { m * ((k + 1) as f64 / ramp).min(1.0) * *v } else { 0.0 };
                }
            }
        }
    }
    let n_src = plan.sources.len();
    ps.tokens[..n_src * h].copy_from_slice(&ps.vol);
    ps.tokens[n_src * h..].fill(0.0);
    for (r, route) in plan.routes.iter().enumerate() {
        let f = route.share.quantile(st.routes[r].random::<f64>()).clamp(0.0, 1.0);
        let span = f64::from(route.by - route.start + 1);
        for t in 0..h {
            let moved = f * (f64::from(t as i32 - route.start + 1) / span).clamp(0.0, 1.0);
            if moved == 0.0 {
                continue;
            }
            for &(a, b) in &route.pairs {
                let x = ps.tokens[a * h + t] * moved;
                ps.tokens[a * h + t] -= x;
                ps.tokens[b * h + t] += x;
            }
        }
    }
    let (mut tok, mut cost) = (0.0, 0.0);
    for (s, seg) in plan.segments.iter().enumerate() {
        let cut = &ps.cut[seg.model_slot * h..(seg.model_slot + 1) * h];
        let range = s * h..(s + 1) * h;
        let (tokens, price, costs) = (&ps.tokens[range.clone()], &mut ps.price[range.clone()], &mut ps.cost[range]);
        for t in 0..h {
            price[t] = seg.price[t] * ps.index[t] * cut[t];
            costs[t] = tokens[t] * price[t];
        }
        tok += sum(tokens);
        cost += sum(costs);
    }
    ps.total_tokens = tok;
    ps.total_cost = cost;
}

/// Sum with four interleaved accumulators: a fixed order (so deterministic)
/// that does not wait on one addition at a time.
pub fn sum(x: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut chunks = x.chunks_exact(4);
    for c in &mut chunks {
        for k in 0..4 {
            acc[k] += c[k];
        }
    }
    let tail: f64 = chunks.remainder().iter().sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// A standard normal correlated with the common factor at `rho`.
fn mix_normal(plan: &Plan, common: f64, rng: &mut Rng) -> f64 {
    plan.corr.0 * common + plan.corr.1 * rng.sample::<f64, _>(StandardNormal)
}

/// The monthly log-growth drawn from a growth source at standard normal `z`.
pub fn growth_rate(g: &Growth, z: f64) -> f64 {
    match g {
        Growth::Annual(d) => d.from_normal(z).clamp(GROWTH_FLOOR, GROWTH_CEILING).ln_1p() / 12.0,
        Growth::LogT { mu, se, df } => mu + se * crate::forecast::student_t_from_normal(z, *df),
    }
}

fn workload_path(
    plan: &Plan,
    rng: &mut Rng,
    common_growth: f64,
    common: &[f64],
    base: (f64, f64),
    model: &VolumeModel,
    out: &mut [f64],
) {
    let z = mix_normal(plan, common_growth, rng);
    match model {
        VolumeModel::Drift { growth, sigma } => {
            let g = growth_rate(growth, z);
            let mut log_v = base.1;
            let (a, b) = plan.corr;
            for t in 0..out.len() {
                let e = a * common[t] + b * rng.sample::<f64, _>(StandardNormal);
                log_v += g * plan.damp_pow[t] + sigma * e;
                out[t] = log_v;
            }
            exp_in_place(out);
        }
        VolumeModel::Fitted(f) => f.sample(rng, z, common, plan.corr, base.0, out),
    }
}

/// The price index `(1 + c)^(t/12)` and per-model step cuts of this path.
fn draw_prices(plan: &Plan, rng: &mut Rng, ps: &mut PathState) {
    let c = plan.price_change.quantile(rng.random::<f64>()).clamp(GROWTH_FLOOR, GROWTH_CEILING);
    let r = c.ln_1p() / 12.0;
    for (t, x) in ps.index.iter_mut().enumerate() {
        *x = r * t as f64;
    }
    exp_in_place(&mut ps.index);
    let Some((p, size)) = &plan.step_cut else {
        return;
    };
    let h = plan.horizon;
    ps.cut.fill(1.0);
    for slot in 0..plan.models.len() {
        for year in 0..h.div_ceil(12) {
            let hit = rng.random::<f64>() < *p;
            let month = year * 12 + (rng.random::<f64>() * 12.0) as usize;
            let s = size.quantile(rng.random::<f64>()).clamp(0.0, 1.0);
            if hit && month < h {
                for x in &mut ps.cut[slot * h + month..(slot + 1) * h] {
                    *x *= 1.0 - s;
                }
            }
        }
    }
}
