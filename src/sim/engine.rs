//! Runs the Monte Carlo: paths in fixed chunks of [`CHUNK`], in parallel with
//! rayon, each chunk writing its own slice of the per-path result columns.
//!
//! Only per-path totals are kept (one value per path and metric), never
//! paths × months × workloads. Each chunk seeds its own streams from
//! (seed, chunk index) and writes to fixed positions, so the columns, and
//! every statistic computed from them in path order, are identical at any
//! thread count.

use rayon::prelude::*;

use super::control::Controls;
use super::path::{generate, PathState, Streams};
use super::plan::Plan;
use super::view::View;
use crate::math::rng::CHUNK;
use crate::pricing::{BatchScratch, Batches, Biller, PathBill, ViewData};

/// Which per-path metrics to keep for a biller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Cost only.
    Cost,
    /// Everything the offer kind reports.
    All,
    /// Nothing per path: only the sum of costs and the count of paths at risk
    /// (see [`RiskRule`]), accumulated chunk by chunk. Enough for a lever's
    /// mean and over-commitment probability, at no memory per path.
    Summary,
    /// Cost per path (for percentiles), and of the risk measure only sums: the
    /// count of paths at risk and the sum of the measure (commit: unused
    /// commitment; provisioned: `1 - utilisation`). A sweep level's figures,
    /// with one column per path, not two.
    CostSums,
}

/// When a path counts as over-committed, for [`Keep::Summary`] billers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RiskRule {
    /// Never.
    None,
    /// Unused commitment above this amount.
    WasteAbove(f64),
    /// Utilisation below this share.
    UtilBelow(f64),
}

/// A biller with what to keep of its bills.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The biller.
    pub biller: Biller,
    /// What to keep per path.
    pub keep: Keep,
    /// The over-commitment rule of a summary.
    pub risk: RiskRule,
}

impl Spec {
    /// A biller keeping `keep`, with no risk rule.
    pub fn new(biller: Biller, keep: Keep) -> Spec {
        Spec { biller, keep, risk: RiskRule::None }
    }
}

/// Per-path results of one biller.
#[derive(Debug, Clone, Default)]
pub struct OfferPaths {
    /// Total cost per path.
    pub cost: Vec<f64>,
    /// Unused commitment per path (commit).
    pub waste: Vec<f64>,
    /// Overage $ per path (commit).
    pub overage: Vec<f64>,
    /// Utilisation per path (commit, provisioned).
    pub util: Vec<f64>,
    /// Spillover share per path (provisioned).
    pub spill: Vec<f64>,
    /// Unserved tokens per path (provisioned).
    pub unserved: Vec<f64>,
    /// [`Keep::Summary`]: sum of costs over all paths (chunk sums added in chunk order).
    pub cost_sum: f64,
    /// [`Keep::Summary`], [`Keep::CostSums`]: paths at risk under the biller's [`RiskRule`].
    pub at_risk: u64,
    /// [`Keep::CostSums`]: sum over paths of the risk measure (chunk sums added in chunk order).
    pub risk_sum: f64,
}

/// Everything a run produces.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// Total tokens per path.
    pub volume: Vec<f64>,
    /// Per biller, in the order given.
    pub offers: Vec<OfferPaths>,
    /// With `monthly`: total tokens per path and month (`path * horizon + t`).
    pub monthly: Vec<f64>,
    /// From [`run_recording`]: each path's input draws (`path * width + slot`,
    /// `width` = [`super::path::draw_width`], slots as [`super::path::draw_slot`] says).
    pub draws: Vec<f64>,
    /// With control variates (SPEC 6.7): every path's controls, centred
    /// (`path * width + column`, `width` = [`Controls::width`]).
    pub controls: Vec<f64>,
    /// The controls' layout, when the run kept them.
    pub control_set: Option<Controls>,
    /// Per biller, the index of its view (the controls of a biller are its view's).
    pub view_of: Vec<usize>,
}

impl RunOutput {
    /// Fails with an input error when a path's cost or volume overflowed: the
    /// scenario's volumes, growth or volatility are beyond computable ranges.
    pub fn check_finite(&self, sc: &crate::scenario::Scenario) -> crate::Result<()> {
        let bad = |v: &[f64]| v.iter().any(|x| !x.is_finite() || x.abs() > 1e300);
        if bad(&self.volume) || self.offers.iter().any(|o| bad(&o.cost) || !o.cost_sum.is_finite()) {
            let message = crate::scenario::history::overflow_hint(sc).unwrap_or_else(|| {
                "simulated volumes or costs overflow the range of numbers: monthly_tokens, growth_annual or \
                 volatility_monthly are too large for this horizon"
                    .into()
            });
            return Err(crate::Error::invalid(&sc.file, "workloads", message));
        }
        Ok(())
    }
}

/// The metric columns kept for a biller of this kind.
fn columns(b: &Biller, keep: Keep) -> [bool; 6] {
    use crate::spec::offer::OfferKind::*;
    let (commit, prov) = (matches!(b.kind, Commit(_)), matches!(b.kind, Provisioned(_)));
    match keep {
        Keep::Summary => [false; 6],
        Keep::Cost | Keep::CostSums => [true, false, false, false, false, false],
        Keep::All => [true, commit, commit, commit || prov, prov, prov],
    }
}

/// Memory the per-path results of one run may take: 1 GiB. What a run keeps
/// is 8 bytes per path for the volume, for every metric column every biller
/// keeps (offers × kept metrics, levels in a sweep) and, with `monthly`, for
/// every month; [`run`] refuses a run that would keep more (docs/model.md,
/// "Limits").
pub const RESULT_BUDGET_BYTES: u64 = 1 << 30;

/// The values a run billing `specs` keeps per path (see [`RESULT_BUDGET_BYTES`]).
pub fn values_per_path(specs: &[Spec], horizon: usize, monthly: bool) -> u64 {
    let columns: usize = specs.iter().map(|s| columns(&s.biller, s.keep).iter().filter(|&&c| c).count()).sum();
    (1 + columns + if monthly { horizon } else { 0 }) as u64
}

/// Fails with a usage error (exit 2) when `paths` paths of `per_path` values
/// each exceed [`RESULT_BUDGET_BYTES`], naming the most paths that fit.
pub fn check_budget(paths: u64, per_path: u64, what: &str) -> crate::Result<()> {
    let bytes = paths as f64 * per_path as f64 * 8.0;
    if bytes <= RESULT_BUDGET_BYTES as f64 {
        return Ok(());
    }
    let most = RESULT_BUDGET_BYTES / (8 * per_path.max(1));
    Err(crate::Error::Usage(format!(
        "{paths} paths with {per_path} values kept per path ({what}) would take {:.1} GiB, more than the 1 GiB \
         budget for per-path results; use --paths {most} or fewer (or simulation.paths in the scenario), or fewer \
         offers or levels",
        bytes / RESULT_BUDGET_BYTES as f64
    )))
}

/// Simulates `plan.paths` paths and bills each with every biller; with
/// `monthly`, also keeps every path's total tokens by month. `progress` is
/// called with the number of paths of each finished chunk. Fails, before
/// any work, when the results would exceed [`RESULT_BUDGET_BYTES`].
pub fn run(
    plan: &Plan,
    views: &[View],
    specs: &[Spec],
    monthly: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> crate::Result<RunOutput> {
    run_with(plan, views, specs, monthly, false, progress)
}

/// [`run`], also keeping every path's draw of each uncertain input (for
/// `sensitivity`): the same paths, the same bills, one row of
/// [`super::path::draw_width`] numbers more per path.
pub fn run_recording(
    plan: &Plan,
    views: &[View],
    specs: &[Spec],
    progress: &(dyn Fn(u64) + Sync),
) -> crate::Result<RunOutput> {
    run_with(plan, views, specs, false, true, progress)
}

/// [`run`], with the choice of keeping every path's draws (`record`, as
/// [`run_recording`]) and its monthly tokens (`monthly`) together.
pub fn run_with(
    plan: &Plan,
    views: &[View],
    specs: &[Spec],
    monthly: bool,
    record: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> crate::Result<RunOutput> {
    let what =
        format!("{} offers or levels and their metrics{}", specs.len(), if monthly { ", and months" } else { "" });
    let draws = if record { super::path::draw_width(plan) as u64 } else { 0 };
    // Controls for the means of a simulate (billers keeping everything), when
    // the sampling method uses them and the scenario has their closed form.
    let controls = if plan.sampling.control() && specs.iter().any(|s| s.keep == Keep::All) {
        Controls::new(plan, views)
    } else {
        None
    };
    let cw = controls.as_ref().map_or(0, |c| c.width);
    check_budget(plan.paths, values_per_path(specs, plan.horizon, monthly) + draws + cw as u64, &what)?;
    let n = plan.paths as usize;
    let h = plan.horizon;
    let w = super::path::draw_width(plan);
    let mut out = RunOutput {
        volume: vec![0.0; n],
        offers: Vec::with_capacity(specs.len()),
        monthly: if monthly { vec![0.0; n * h] } else { Vec::new() },
        draws: if record { vec![0.0; n * w] } else { Vec::new() },
        controls: vec![0.0; n * cw],
        control_set: None,
        view_of: specs.iter().map(|s| s.biller.view).collect(),
    };
    for spec in specs {
        let cols = columns(&spec.biller, spec.keep);
        let col = |on: bool| if on { vec![0.0; n] } else { Vec::new() };
        out.offers.push(OfferPaths {
            cost: col(cols[0]),
            waste: col(cols[1]),
            overage: col(cols[2]),
            util: col(cols[3]),
            spill: col(cols[4]),
            unserved: col(cols[5]),
            ..OfferPaths::default()
        });
    }
    let summaries: Vec<usize> =
        (0..specs.len()).filter(|&b| matches!(specs[b].keep, Keep::Summary | Keep::CostSums)).collect();
    let chunks = plan.chunks() as usize;
    let mut sums = vec![(0.0f64, 0u64, 0.0f64); chunks * summaries.len()];
    // Split every column into per-chunk slices, then hand each chunk its own set.
    let mut month_rows: Box<dyn Iterator<Item = &mut [f64]>> = if monthly {
        Box::new(out.monthly.chunks_mut(CHUNK * h))
    } else {
        Box::new(std::iter::repeat_with(|| &mut [][..]))
    };
    let mut draw_rows: Box<dyn Iterator<Item = &mut [f64]>> = if record {
        Box::new(out.draws.chunks_mut(CHUNK * w))
    } else {
        Box::new(std::iter::repeat_with(|| &mut [][..]))
    };
    let mut control_rows: Box<dyn Iterator<Item = &mut [f64]>> = if cw > 0 {
        Box::new(out.controls.chunks_mut(CHUNK * cw))
    } else {
        Box::new(std::iter::repeat_with(|| &mut [][..]))
    };
    let mut sum_rows: Box<dyn Iterator<Item = &mut [(f64, u64, f64)]>> = if summaries.is_empty() {
        Box::new(std::iter::repeat_with(|| &mut [][..]))
    } else {
        Box::new(sums.chunks_mut(summaries.len()))
    };
    let mut slots: Vec<ChunkSlots> = out
        .volume
        .chunks_mut(CHUNK)
        .map(|v| ChunkSlots {
            volume: v,
            cols: Vec::new(),
            monthly: month_rows.next().unwrap_or_default(),
            draws: draw_rows.next().unwrap_or_default(),
            controls: control_rows.next().unwrap_or_default(),
            sums: sum_rows.next().unwrap_or_default(),
        })
        .collect();
    drop((month_rows, draw_rows, control_rows, sum_rows));
    // Per biller, the indices of the metric columns it keeps, in order.
    let kept: Vec<Vec<usize>> =
        specs.iter().map(|s| (0..6).filter(|&c| columns(&s.biller, s.keep)[c]).collect()).collect();
    for (offer, kept) in out.offers.iter_mut().zip(&kept) {
        let mut iters: Vec<Box<dyn Iterator<Item = &mut [f64]>>> = Vec::new();
        for c in [
            &mut offer.cost,
            &mut offer.waste,
            &mut offer.overage,
            &mut offer.util,
            &mut offer.spill,
            &mut offer.unserved,
        ] {
            iters.push(if c.is_empty() {
                Box::new(std::iter::repeat_with(|| &mut [][..]))
            } else {
                Box::new(c.chunks_mut(CHUNK))
            });
        }
        for slot in slots.iter_mut() {
            let mut cols: Vec<&mut [f64]> = iters.iter_mut().map(|it| it.next().unwrap_or_default()).collect();
            slot.cols.push(kept.iter().map(|&c| std::mem::take(&mut cols[c])).collect());
        }
    }
    let billers: Vec<&Biller> = specs.iter().map(|s| &s.biller).collect();
    let batches = Batches::new(&billers);
    let billing = Billing {
        specs,
        billers: &billers,
        batches: &batches,
        summaries: &summaries,
        kept: &kept,
        controls: controls.as_ref(),
    };
    slots.into_par_iter().enumerate().for_each(|(chunk, mut slot)| {
        run_chunk(plan, views, &billing, chunk as u64, &mut slot);
        progress(slot.volume.len() as u64);
    });
    // Reduce the summaries in chunk order: the same sums at any thread count.
    for (k, &b) in summaries.iter().enumerate() {
        let o = &mut out.offers[b];
        for c in 0..chunks {
            let (s, r, m) = sums[c * summaries.len() + k];
            o.cost_sum += s;
            o.at_risk += r;
            o.risk_sum += m;
        }
    }
    out.control_set = controls;
    Ok(out)
}

struct ChunkSlots<'a> {
    volume: &'a mut [f64],
    /// Per biller, its kept metric columns (of the six, those [`Billing::kept`] lists).
    cols: Vec<Vec<&'a mut [f64]>>,
    /// Monthly totals of the chunk's paths (empty unless asked for).
    monthly: &'a mut [f64],
    /// Input draws of the chunk's paths (empty unless recording).
    draws: &'a mut [f64],
    /// Controls of the chunk's paths (empty without control variates).
    controls: &'a mut [f64],
    /// Cost sum, paths at risk and risk-measure sum of each summary biller over the chunk.
    sums: &'a mut [(f64, u64, f64)],
}

/// The billers of a run, how they are grouped, and which keep summaries.
struct Billing<'a> {
    specs: &'a [Spec],
    billers: &'a [&'a Biller],
    batches: &'a Batches,
    summaries: &'a [usize],
    /// Per biller, the indices of the metric columns it keeps, in order.
    kept: &'a [Vec<usize>],
    /// The controls to keep per path, if any.
    controls: Option<&'a Controls>,
}

fn run_chunk(plan: &Plan, views: &[View], billing: &Billing, chunk: u64, slot: &mut ChunkSlots) {
    let Billing { specs, billers, batches, summaries, kept, controls } = *billing;
    let mut bills = vec![PathBill::default(); specs.len()];
    let mut scratch = BatchScratch::default();
    let mut cum = Vec::new();
    let mut streams = Streams::new(plan, chunk);
    let mut ps = PathState::new(plan);
    let mut data: Vec<ViewData> = vec![ViewData::default(); views.len()];
    let h = plan.horizon;
    let n_seg = plan.segments.len();
    ps.record = !slot.draws.is_empty();
    let w = ps.draws.len();
    for i in 0..slot.volume.len() {
        generate(plan, &mut streams, &mut ps);
        slot.volume[i] = ps.total_tokens;
        if ps.record {
            slot.draws[i * w..(i + 1) * w].copy_from_slice(&ps.draws);
        }
        if !slot.monthly.is_empty() {
            let row = &mut slot.monthly[i * h..(i + 1) * h];
            row.fill(0.0);
            for s in 0..n_seg {
                for (r, x) in row.iter_mut().zip(ps.seg_tokens(s)) {
                    *r += x;
                }
            }
        }
        for (v, d) in views.iter().zip(data.iter_mut()) {
            d.fill(v, plan, &ps);
        }
        if let Some(c) = controls {
            c.fill(views, &ps, &mut cum, &mut slot.controls[i * c.width..(i + 1) * c.width]);
        }
        batches.bill(billers, &data, &mut scratch, &mut bills);
        let mut k = 0;
        for (b, (spec, bill)) in specs.iter().zip(&bills).enumerate() {
            if matches!(spec.keep, Keep::Summary | Keep::CostSums) {
                debug_assert_eq!(summaries[k], b);
                let at_risk = match spec.risk {
                    RiskRule::None => false,
                    RiskRule::WasteAbove(x) => bill.waste > x,
                    RiskRule::UtilBelow(u) => bill.util < u,
                };
                let measure = match spec.biller.kind {
                    crate::spec::offer::OfferKind::Provisioned(_) => 1.0 - bill.util,
                    _ => bill.waste,
                };
                slot.sums[k].0 += bill.cost;
                slot.sums[k].1 += u64::from(at_risk);
                slot.sums[k].2 += measure;
                k += 1;
                if spec.keep == Keep::Summary {
                    continue;
                }
            }
            let metrics = [bill.cost, bill.waste, bill.overage, bill.util, bill.spill, bill.unserved];
            for (col, &c) in slot.cols[b].iter_mut().zip(&kept[b]) {
                col[i] = metrics[c];
            }
        }
    }
}

/// Runs `f` on every path of chunks `chunks` (with the views filled) and
/// returns the results in path order: the building block for passes that
/// need more than per-path totals, such as a sweep's pilot or a forecast's
/// monthly volumes. Deterministic at any thread count, like [`run`].
pub fn map_paths<T, F>(plan: &Plan, views: &[View], chunks: std::ops::Range<u64>, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(&PathState, &[ViewData]) -> T + Sync,
{
    let per_chunk: Vec<Vec<T>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut streams = Streams::new(plan, chunk);
            let mut ps = PathState::new(plan);
            let mut data: Vec<ViewData> = vec![ViewData::default(); views.len()];
            let n = (plan.paths as usize).saturating_sub(chunk as usize * CHUNK).min(CHUNK);
            (0..n)
                .map(|_| {
                    generate(plan, &mut streams, &mut ps);
                    for (v, d) in views.iter().zip(data.iter_mut()) {
                        d.fill(v, plan, &ps);
                    }
                    f(&ps, &data)
                })
                .collect()
        })
        .collect();
    per_chunk.into_iter().flatten().collect()
}
