//! One simulated future: monthly volumes of every source, routing between
//! models, and list prices with the per-path price index and step cuts
//! (SPEC 4.1, 4.2).

use rand::Rng as _;
use rand_distr::StandardNormal;

use super::plan::{Plan, SourceKind};
use crate::math::fastmath::exp_in_place;
use crate::math::rng::{stream_rng, Rng, STREAM_COMMON, STREAM_PRICES, STREAM_ROUTING, STREAM_SOURCES};
use crate::math::sum;
use crate::scenario::VolumeModel;
use crate::spec::values::{GROWTH_CEILING, GROWTH_FLOOR, MAX_MONTHLY_TOKENS};

/// The random streams of one chunk.
pub struct Streams {
    common: Rng,
    prices: Rng,
    sources: Vec<Rng>,
    routes: Vec<Rng>,
    /// The draws of the first path of an antithetic pair, replayed mirrored
    /// for the second (SPEC 6.7; unused under plain sampling).
    tape: Tape,
    /// Paths generated so far in this chunk (their parity pairs them).
    generated: u64,
    base: Vec<Rng>,
}

impl Streams {
    /// The streams of `chunk` for `plan`'s seed.
    pub fn new(plan: &Plan, chunk: u64) -> Streams {
        let seed = plan.seed;
        Streams {
            common: stream_rng(seed, chunk, STREAM_COMMON),
            prices: stream_rng(seed, chunk, STREAM_PRICES),
            sources: plan.sources.iter().map(|s| stream_rng(seed, chunk, STREAM_SOURCES + s.stream)).collect(),
            routes: (0..plan.routes.len() as u64).map(|i| stream_rng(seed, chunk, STREAM_ROUTING + i)).collect(),
            tape: Tape::default(),
            generated: 0,
            base: super::base::streams(&plan.base_spends, seed, chunk),
        }
    }
}

/// What the draws of the path being generated do with the tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    /// Plain sampling: draw, keep nothing (release 1, bit for bit).
    #[default]
    Off,
    /// First path of a pair: draw and keep every draw in order.
    Record,
    /// Second path of a pair: take the first's draws in the same order,
    /// mirrored: a normal `z` becomes `-z`, a uniform `u` becomes `1 - u`.
    Replay,
}

/// The draws of one path, in the order they were made. The second path of
/// a pair runs the same code, so it asks for the same draws in the same
/// order. Fitted (`auto`) workloads draw from their own generator directly
/// and are not mirrored: their paths stay independent within a pair, which
/// keeps every estimate unbiased and its standard error honest.
#[derive(Debug, Default)]
struct Tape {
    mode: Mode,
    values: Vec<f64>,
    pos: usize,
}

/// The largest double below 1: a mirrored uniform `1 - u` of `u = 0` is
/// kept below 1, as the generator's uniforms are.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

impl Tape {
    fn next(&mut self) -> f64 {
        let v = self.values[self.pos];
        self.pos += 1;
        v
    }

    /// A standard normal from `rng`, or the mirror of the recorded one.
    #[inline]
    fn normal(&mut self, rng: &mut Rng) -> f64 {
        match self.mode {
            Mode::Off => rng.sample(StandardNormal),
            Mode::Record => {
                let z = rng.sample(StandardNormal);
                self.values.push(z);
                z
            }
            Mode::Replay => -self.next(),
        }
    }

    /// A uniform on [0, 1) from `rng`, or the mirror of the recorded one.
    #[inline]
    fn uniform(&mut self, rng: &mut Rng) -> f64 {
        match self.mode {
            Mode::Off => rng.random(),
            Mode::Record => {
                let u: f64 = rng.random();
                self.values.push(u);
                u
            }
            Mode::Replay => (1.0 - self.next()).min(BELOW_ONE),
        }
    }

    /// Fills `out` with standard normals (see [`draw_normals`]), or with the
    /// mirrors of the recorded ones.
    #[inline]
    fn normals(&mut self, rng: &mut Rng, out: &mut [f64]) {
        match self.mode {
            Mode::Off => draw_normals(rng, out),
            Mode::Record => {
                draw_normals(rng, out);
                self.values.extend_from_slice(out);
            }
            Mode::Replay => {
                let src = &self.values[self.pos..self.pos + out.len()];
                for (x, &v) in out.iter_mut().zip(src) {
                    *x = -v;
                }
                self.pos += out.len();
            }
        }
    }

    /// Starts path number `k` of the chunk.
    fn start(&mut self, antithetic: bool, k: u64) {
        self.mode = match (antithetic, k % 2) {
            (false, _) => Mode::Off,
            (true, 0) => Mode::Record,
            (true, _) => Mode::Replay,
        };
        if self.mode == Mode::Record {
            self.values.clear();
        }
        self.pos = 0;
    }
}

/// Scratch buffers holding one path, reused from path to path.
pub struct PathState {
    h: usize,
    /// Monthly tokens of each segment (`segment * h + t`). Segment `i` below
    /// the number of sources is source `i` on its own model; the engine draws
    /// volumes straight into those rows, and routing then moves tokens out.
    pub tokens: Vec<f64>,
    /// List cost of each segment and month.
    pub cost: Vec<f64>,
    common_growth: f64,
    common: Vec<f64>,
    index: Vec<f64>,
    /// Price index times step cuts, per model slot and month.
    factor: Vec<f64>,
    /// Drawn volume of each event source (0 when it does not happen).
    event_scale: Vec<f64>,
    /// Sum of `tokens` over segments and months.
    pub total_tokens: f64,
    /// Sum of `cost` over segments and months.
    pub total_cost: f64,
    /// Whether [`generate`] records each uncertain input's draw in `draws`.
    pub record: bool,
    /// With `record`: the path's input draws, laid out as [`draw_slot`] says.
    pub draws: Vec<f64>,
    /// Monthly spend of each of the plan's base spends (`base * h + t`).
    pub base: Vec<f64>,
}

/// What a path's draw record holds in one slot (see [`draw_slot`]). Every
/// value is monotone in the input it stands for: the higher the draw, the
/// larger the growth, the shocks, the chance an event happens, its size,
/// the price change, the cuts or the routed share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// A source's growth draw: its standard normal `z` (drift, fitted, event).
    Growth(usize),
    /// A source's monthly shocks as one standard normal: `sum_t (h - t) e_t`
    /// over its log-increment shocks `e_t`, scaled to unit variance (the
    /// weight of month `t`'s shock on the sum of the path's log volumes).
    Shocks(usize),
    /// An event's occurrence: `1 - u`, where it happens when `u < p`.
    Occurs(usize),
    /// An event's size: the standard normal its monthly volume is drawn from.
    Size(usize),
    /// The annual price change's uniform draw.
    PriceChange,
    /// Step cuts, summed: `sum -ln(1 - s) (h - month)` over the cuts that hit.
    StepCuts,
    /// A routing rule's share: its uniform draw.
    Route(usize),
}

/// The number of slots of a path's draw record.
pub fn draw_width(plan: &Plan) -> usize {
    4 * plan.sources.len() + 2 + plan.routes.len()
}

/// The slot of `d` in a path's draw record.
pub fn draw_slot(plan: &Plan, d: Draw) -> usize {
    let n = plan.sources.len();
    match d {
        Draw::Growth(i) => 4 * i,
        Draw::Shocks(i) => 4 * i + 1,
        Draw::Occurs(i) => 4 * i + 2,
        Draw::Size(i) => 4 * i + 3,
        Draw::PriceChange => 4 * n,
        Draw::StepCuts => 4 * n + 1,
        Draw::Route(r) => 4 * n + 2 + r,
    }
}

/// `sum_t (h - t) e_t / sqrt(sum_t (h - t)^2)` for shocks `e_t = x_t - g d_t`.
fn shock_score(out: &[f64], g: f64, damp: &[f64]) -> f64 {
    let h = out.len();
    let (mut s, mut w2) = (0.0, 0.0);
    for (t, (&x, &d)) in out.iter().zip(damp).enumerate() {
        let w = (h - t) as f64;
        s += w * (x - g * d);
        w2 += w * w;
    }
    if w2 > 0.0 {
        s / w2.sqrt()
    } else {
        0.0
    }
}

impl PathState {
    /// Buffers sized for `plan`.
    pub fn new(plan: &Plan) -> PathState {
        let h = plan.horizon;
        let s = plan.segments.len();
        PathState {
            h,
            tokens: vec![0.0; s * h],
            cost: vec![0.0; s * h],
            common_growth: 0.0,
            common: vec![0.0; h],
            index: vec![1.0; h],
            factor: vec![1.0; plan.models.len() * h],
            event_scale: vec![0.0; plan.sources.len()],
            total_tokens: 0.0,
            total_cost: 0.0,
            record: false,
            draws: vec![0.0; draw_width(plan)],
            base: vec![0.0; plan.base_spends.len() * h],
        }
    }

    /// Monthly tokens of segment `seg`.
    pub fn seg_tokens(&self, seg: usize) -> &[f64] {
        &self.tokens[seg * self.h..(seg + 1) * self.h]
    }

    /// Monthly spend of the plan's base spend `j`.
    pub fn base_spend(&self, j: usize) -> &[f64] {
        &self.base[j * self.h..(j + 1) * self.h]
    }

    /// Monthly list cost of segment `seg`.
    pub fn seg_cost(&self, seg: usize) -> &[f64] {
        &self.cost[seg * self.h..(seg + 1) * self.h]
    }

    /// Per-token list price of segment `seg` in month `t` on this path.
    pub fn seg_price(&self, plan: &Plan, seg: usize, t: usize) -> f64 {
        let s = &plan.segments[seg];
        s.price[t] * self.factor[s.model_slot * self.h + t]
    }
}

/// Draws the next path of the chunk into `ps`.
///
/// The work is laid out in phases so that the compiler can vectorise all but
/// the random draws: (1) draw each source's normals and turn them into
/// monthly log-increments, (2) prefix-sum the increments of all sources at
/// once (independent chains side by side), (3) exponentiate, (4) apply
/// routing, (5) price every segment.
pub fn generate(plan: &Plan, st: &mut Streams, ps: &mut PathState) {
    let h = plan.horizon;
    st.tape.start(plan.sampling.antithetic(), st.generated);
    st.generated += 1;
    let tape = &mut st.tape;
    ps.common_growth = tape.normal(&mut st.common);
    tape.normals(&mut st.common, &mut ps.common);
    draw_prices(plan, &mut st.prices, tape, ps);
    let (a, b) = plan.corr;
    for (i, src) in plan.sources.iter().enumerate() {
        let rng = &mut st.sources[i];
        let out = &mut ps.tokens[i * h..(i + 1) * h];
        match &src.kind {
            SourceKind::Workload { log_base, model: VolumeModel::Drift { sigma, .. }, .. } => {
                let z = mix_normal(plan, ps.common_growth, tape.normal(rng));
                let g = src.rate.at(z);
                tape.normals(rng, out);
                let (sa, sb) = (sigma * a, sigma * b);
                for ((x, &d), &c) in out.iter_mut().zip(&plan.damp_pow[..h]).zip(&ps.common[..h]) {
                    *x = g * d + sa * c + sb * *x;
                }
                if ps.record {
                    ps.draws[4 * i] = z;
                    ps.draws[4 * i + 1] = shock_score(out, g, &plan.damp_pow[..h]);
                }
                out[0] += log_base;
            }
            SourceKind::Workload { model: VolumeModel::Fitted(f), .. } => {
                let z = mix_normal(plan, ps.common_growth, tape.normal(rng));
                f.sample(rng, z, &ps.common, plan.corr, out);
                if ps.record {
                    ps.draws[4 * i] = z;
                }
            }
            SourceKind::Event { probability, start, monthly, sigma, .. } => {
                let u = tape.uniform(rng);
                let active = u < *probability;
                let zm = tape.normal(rng);
                let m = monthly.from_normal(zm).clamp(0.0, MAX_MONTHLY_TOKENS);
                let z = mix_normal(plan, ps.common_growth, tape.normal(rng));
                let g = src.rate.at(z);
                tape.normals(rng, out);
                let (sa, sb) = (sigma * a, sigma * b);
                for t in 0..h {
                    let k = t as i32 - start;
                    out[t] = if k >= 1 {
                        g * plan.damp_pow[(k - 1) as usize] + sa * ps.common[t] + sb * out[t]
                    } else {
                        0.0
                    };
                }
                // An event that began k0 >= 2 months before the scenario has
                // grown over its months 1..k0-1 too, which come before month
                // 0 (SPEC 6.9): their drift, and their shocks, whose sum is
                // one normal of variance (k0 - 1) sigma^2 (before the
                // scenario there is no common factor to share).
                let before = (-start - 1).max(0) as usize;
                if before > 0 {
                    let z = tape.normal(rng);
                    out[0] += g * plan.damp_pow[..before].iter().sum::<f64>() + sigma * (before as f64).sqrt() * z;
                }
                ps.event_scale[i] = if active { m } else { 0.0 };
                if ps.record {
                    // Months from `start + 1` carry shocks, at damping age `t - start - 1`.
                    let (k, age) = ((*start + 1).max(0) as usize, (-(*start + 1)).max(0) as usize);
                    let shocks = if k < h { shock_score(&out[k..], g, &plan.damp_pow[age..age + h - k]) } else { 0.0 };
                    ps.draws[4 * i..4 * i + 4].copy_from_slice(&[z, shocks, 1.0 - u, zm]);
                }
            }
        }
    }
    prefix_sums(plan, ps);
    exp_in_place(&mut ps.tokens[..plan.sources.len() * h]);
    for (i, src) in plan.sources.iter().enumerate() {
        if let SourceKind::Event { start, ramp, .. } = &src.kind {
            let scale = ps.event_scale[i];
            for (t, v) in ps.tokens[i * h..(i + 1) * h].iter_mut().enumerate() {
                let k = t as i32 - start;
                *v = if k >= 0 { scale * ((k + 1) as f64 / ramp).min(1.0) * *v } else { 0.0 };
            }
        }
    }
    route(plan, &mut st.routes, &mut st.tape, ps);
    let (mut tok, mut cost) = (0.0, 0.0);
    for (s, seg) in plan.segments.iter().enumerate() {
        let factor = &ps.factor[seg.model_slot * h..(seg.model_slot + 1) * h];
        let range = s * h..(s + 1) * h;
        let (tokens, costs) = (&ps.tokens[range.clone()], &mut ps.cost[range]);
        for (((c, &tk), &base), &f) in costs.iter_mut().zip(tokens).zip(&seg.price).zip(factor) {
            *c = tk * (base * f);
        }
        tok += sum(tokens);
        cost += sum(costs);
    }
    ps.total_tokens = tok;
    ps.total_cost = cost;
    for (j, b) in plan.base_spends.iter().enumerate() {
        super::base::draw(b, &mut st.base[j], ps.common_growth, &ps.common, &mut ps.base[j * h..(j + 1) * h]);
    }
}

/// Fills `out` with standard normals. The generator is copied into a local
/// for the loop and written back after it, so its state stays in registers
/// instead of being stored to and reloaded from memory on every draw (the
/// compiler cannot prove the output does not alias it).
#[inline(always)]
fn draw_normals(rng: &mut Rng, out: &mut [f64]) {
    let mut local = rng.clone();
    for x in out.iter_mut() {
        *x = local.sample(StandardNormal);
    }
    *rng = local;
}

/// Running sums over months of every source whose buffer holds log-increments,
/// all sources advanced together so the additions do not wait on each other.
fn prefix_sums(plan: &Plan, ps: &mut PathState) {
    let h = plan.horizon;
    let n = plan.sources.len();
    let mut rows = ps.tokens[..n * h].chunks_mut(h).zip(&plan.is_prefix).filter(|(_, p)| **p).map(|(r, _)| r);
    loop {
        match (rows.next(), rows.next(), rows.next(), rows.next()) {
            (Some(a), Some(b), Some(c), Some(d)) => prefix4(a, b, c, d),
            (a, b, c, _) => {
                for r in [a, b, c].into_iter().flatten() {
                    for t in 1..r.len() {
                        r[t] += r[t - 1];
                    }
                }
                return;
            }
        }
    }
}

/// Running sums of four rows side by side: four independent chains.
fn prefix4(a: &mut [f64], b: &mut [f64], c: &mut [f64], d: &mut [f64]) {
    let h = a.len();
    let (b, c, d) = (&mut b[..h], &mut c[..h], &mut d[..h]);
    for t in 1..h {
        a[t] += a[t - 1];
        b[t] += b[t - 1];
        c[t] += c[t - 1];
        d[t] += d[t - 1];
    }
}

/// Moves tokens between models by the routing rules, in order.
fn route(plan: &Plan, rngs: &mut [Rng], tape: &mut Tape, ps: &mut PathState) {
    let h = plan.horizon;
    let n_src = plan.sources.len();
    ps.tokens[n_src * h..].fill(0.0);
    for (r, rule) in plan.routes.iter().enumerate() {
        let u = tape.uniform(&mut rngs[r]);
        if ps.record {
            ps.draws[4 * plan.sources.len() + 2 + r] = u;
        }
        let f = rule.share.quantile(u).clamp(0.0, 1.0);
        let span = f64::from(rule.by - rule.start + 1);
        for t in 0..h {
            let moved = f * (f64::from(t as i32 - rule.start + 1) / span).clamp(0.0, 1.0);
            if moved == 0.0 {
                continue;
            }
            for &(a, b) in &rule.pairs {
                let x = ps.tokens[a * h + t] * moved;
                ps.tokens[a * h + t] -= x;
                ps.tokens[b * h + t] += x;
            }
        }
    }
    // Retirements, after routing: every token left on a retired model runs
    // on its successor.
    for step in &plan.retirements {
        for &(a, b) in &step.pairs {
            for t in step.from..h {
                let x = std::mem::take(&mut ps.tokens[a * h + t]);
                ps.tokens[b * h + t] += x * step.ratio;
            }
        }
    }
}

/// A standard normal correlated with the common factor at `rho`, from the
/// source's own standard normal `own`.
fn mix_normal(plan: &Plan, common: f64, own: f64) -> f64 {
    plan.corr.0 * common + plan.corr.1 * own
}

/// The price index `(1 + c)^(t/12)` and per-model step cuts of this path,
/// combined into one factor per model slot and month.
fn draw_prices(plan: &Plan, rng: &mut Rng, tape: &mut Tape, ps: &mut PathState) {
    let h = plan.horizon;
    let u = tape.uniform(rng);
    let c = plan.price_change.quantile(u).clamp(GROWTH_FLOOR, GROWTH_CEILING);
    let n = plan.sources.len();
    if ps.record {
        ps.draws[4 * n] = u;
        ps.draws[4 * n + 1] = 0.0;
    }
    // (1 + c)^(t/12) as a running product of the monthly factor.
    let q = (c.ln_1p() / 12.0).exp();
    let off = plan.index_offset;
    let mut x = 1.0;
    for _ in 0..off {
        x *= q;
    }
    for v in ps.index.iter_mut() {
        *v = x;
        x *= q;
    }
    for slot in 0..plan.models.len() {
        ps.factor[slot * h..(slot + 1) * h].copy_from_slice(&ps.index);
    }
    let Some((p, size)) = &plan.step_cut else { return };
    for slot in 0..plan.models.len() {
        for year in 0..(h + off).div_ceil(12) {
            let hit = tape.uniform(rng) < *p;
            // The month counted from the index's month 0; a cut before this
            // plan's month 0 (index_offset > 0) holds from month 0 on.
            let month = (year * 12 + (tape.uniform(rng) * 12.0) as usize).saturating_sub(off);
            let s = size.quantile(tape.uniform(rng)).clamp(0.0, 1.0);
            if hit && month < h {
                if ps.record {
                    ps.draws[4 * n + 1] -= (1.0 - s).ln() * (h - month) as f64;
                }
                for x in &mut ps.factor[slot * h + month..(slot + 1) * h] {
                    *x *= 1.0 - s;
                }
            }
        }
    }
}
