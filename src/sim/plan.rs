//! A scenario compiled into flat arrays for the hot loop: sources of volume,
//! segments (a source's tokens on one model, after routing), per-token list
//! prices by segment and month, and the random-stream layout.

use super::growth::GrowthRate;
use crate::scenario::{Scenario, VolumeModel};
use crate::spec::dist::Dist;
use crate::spec::values::{Growth, Shares, Traffic};

/// Where one source's volume comes from.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// An existing workload with its volume model and base volume.
    Workload {
        /// Volume of the month before the start.
        base: f64,
        /// Its logarithm (`-inf` for 0).
        log_base: f64,
        /// Volume model.
        model: VolumeModel,
    },
    /// A launch that may happen.
    Event {
        /// Probability it happens on a path.
        probability: f64,
        /// Month index of its first month.
        start: i32,
        /// Drawn monthly volume once ramped.
        monthly: Dist,
        /// Ramp length in months.
        ramp: f64,
        /// Growth from the start (forecast-level).
        growth: Growth,
        /// Monthly volatility (forecast-level).
        sigma: f64,
    },
}

/// A source of tokens (a workload or an event).
#[derive(Debug, Clone)]
pub struct Source {
    /// Workload name (for scopes and output).
    pub name: String,
    /// Catalog index of its own model.
    pub model: usize,
    /// Token mix.
    pub shares: Shares,
    /// Tiers, long context and region (SPEC 6.1).
    pub traffic: Traffic,
    /// Share of its tokens sent through the batch API.
    pub batch: f64,
    /// How its volume is generated.
    pub kind: SourceKind,
    /// Its monthly log-growth as a function of the growth draw (drift
    /// workloads and events; a constant 0, unused, for fitted workloads).
    pub rate: GrowthRate,
    /// Its random stream: its position among all the scenario's sources, so
    /// that a plan of a subset of sources draws the same volumes for them.
    pub stream: u64,
}

/// A source's tokens on one model.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Index of the source.
    pub source: usize,
    /// Catalog index of the model.
    pub model: usize,
    /// Position of the model in [`Plan::models`].
    pub model_slot: usize,
    /// Per-token list price by month, before the price index (schedule, mix, batch).
    pub price: Vec<f64>,
}

/// One routing rule as pairs of segments.
#[derive(Debug, Clone)]
pub struct RouteStep {
    /// Share finally moved.
    pub share: Dist,
    /// Month index when it begins.
    pub start: i32,
    /// Month index when it completes.
    pub by: i32,
    /// (from segment, to segment) pairs it moves between.
    pub pairs: Vec<(usize, usize)>,
}

/// A model's retirement as pairs of segments: from month `from` on, every
/// token of each `a` runs on its `b`, `ratio` tokens for one.
#[derive(Debug, Clone)]
pub struct RetireStep {
    /// First month index on the successor (0 when it retired before the start).
    pub from: usize,
    /// Tokens on the successor per token of the retired model.
    pub ratio: f64,
    /// (retired segment, successor segment) pairs.
    pub pairs: Vec<(usize, usize)>,
}

/// Everything the engine needs, precomputed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The first month.
    pub start: crate::spec::month::Month,
    /// Months.
    pub horizon: usize,
    /// Days of each month.
    pub days: Vec<f64>,
    /// `damping^t` for t = 0..horizon, and beyond it by the age in month 0
    /// of the oldest event that began before the scenario.
    pub damp_pow: Vec<f64>,
    /// `sqrt(rho)` and `sqrt(1 - rho)`.
    pub corr: (f64, f64),
    /// Sources.
    pub sources: Vec<Source>,
    /// Segments; the first `sources.len()` are each source on its own model.
    pub segments: Vec<Segment>,
    /// Routing rules in order.
    pub routes: Vec<RouteStep>,
    /// Retirements within the horizon, each before its successor's (SPEC 6.1).
    pub retirements: Vec<RetireStep>,
    /// Per source: whether its volume buffer holds log-increments to be
    /// summed (every kind but fitted models).
    pub is_prefix: Vec<bool>,
    /// Catalog indices of the models that appear in segments.
    pub models: Vec<usize>,
    /// Annual list-price change.
    pub price_change: Dist,
    /// Step cuts: (annual probability, size).
    pub step_cut: Option<(f64, Dist)>,
    /// Number of paths.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Months of the price index before month 0 (`track`'s simulated months
    /// continue the contract's index: month 0 is then the index's month
    /// `index_offset`, and a step cut drawn for a month before month 0
    /// applies from month 0). 0 for every other command.
    pub index_offset: usize,
    /// How paths are drawn (antithetic pairs or not, SPEC 6.7).
    pub sampling: crate::spec::sampling::Sampling,
    /// The distinct base spends of the scenario's commit offers (SPEC 6.3),
    /// each a path of its own; a view's `base` indexes them.
    pub base_spends: Vec<crate::spec::offer::BaseSpend>,
}

impl Plan {
    /// Compiles a scenario.
    pub fn new(sc: &Scenario) -> Plan {
        Plan::subset(sc, None)
    }

    /// The plan of only the sources (workloads, then events) listed in
    /// `keep`; each keeps its own random stream, so its paths are those of the
    /// full plan. Forecasts of many series run in batches this way.
    pub fn subset(sc: &Scenario, keep: Option<&[usize]>) -> Plan {
        let h = sc.horizon;
        let days = (0..h).map(|t| f64::from(sc.start.plus(t as i32).days())).collect();
        // An event that began before the scenario is already `-start` months
        // old in month 0, so its growth reaches `damping^(h - 1 - start)`.
        let oldest = sc.events.iter().map(|e| (-e.start).max(0) as usize).max().unwrap_or(0);
        let damp_pow = (0..h + oldest).map(|t| sc.damping.powi(t as i32)).collect();
        let mut sources: Vec<Source> = sc
            .workloads
            .iter()
            .map(|w| Source {
                name: w.name.clone(),
                model: w.model,
                shares: w.shares,
                traffic: w.traffic,
                batch: w.batch_share,
                kind: SourceKind::Workload {
                    base: w.base_tokens,
                    log_base: w.base_tokens.ln(),
                    model: w.volume.clone(),
                },
                // Set below, for the kept sources only: a rate's table takes
                // time to build, and a sweep's pilot keeps one source of many.
                rate: GrowthRate::Const(0.0),
                stream: 0,
            })
            .collect();
        let event_growth = || Growth::Annual(sc.growth_annual.clone().unwrap_or(Dist::Fixed(0.0)));
        for e in &sc.events {
            let growth = event_growth();
            sources.push(Source {
                name: e.workload.clone(),
                model: e.model,
                shares: e.shares,
                traffic: e.traffic,
                batch: e.batch_share,
                kind: SourceKind::Event {
                    probability: e.probability,
                    start: e.start,
                    monthly: e.monthly_tokens.clone(),
                    ramp: e.ramp_months,
                    growth,
                    sigma: sc.volatility_monthly.unwrap_or(0.0),
                },
                rate: GrowthRate::Const(0.0),
                stream: 0,
            });
        }
        for (i, s) in sources.iter_mut().enumerate() {
            s.stream = i as u64;
        }
        let rate_of = |i: usize| match sc.workloads.get(i).map(|w| &w.volume) {
            Some(VolumeModel::Drift { growth, .. }) => GrowthRate::new(growth),
            Some(VolumeModel::Fitted(_)) => GrowthRate::Const(0.0),
            None => GrowthRate::new(&event_growth()),
        };
        // Every model any source or routing rule of the scenario touches, in
        // catalog order: the step-cut draws go model by model in this order, so
        // a plan of a subset of sources draws the same cuts as the full plan.
        let mut models: Vec<usize> =
            sources.iter().map(|s| s.model).chain(sc.routing.iter().flat_map(|r| [r.from, r.to])).collect();
        // And the successors their traffic moves to (none in release-1 files).
        let mut k = 0;
        while k < models.len() {
            if let Some(r) = sc.catalog.models[models[k]].retirement {
                if !models.contains(&r.successor) {
                    models.push(r.successor);
                }
            }
            k += 1;
        }
        models.sort_unstable();
        models.dedup();
        if let Some(keep) = keep {
            sources = keep.iter().map(|&i| sources[i].clone()).collect();
        }
        for s in &mut sources {
            s.rate = rate_of(s.stream as usize);
        }
        let mut pairs: Vec<(usize, usize)> = sources.iter().enumerate().map(|(i, s)| (i, s.model)).collect();
        let mut routes = Vec::new();
        for r in &sc.routing {
            let moved = move_pairs(&mut pairs, r.from, r.to);
            routes.push(RouteStep { share: r.share.clone(), start: r.start, by: r.by, pairs: moved });
        }
        let retirements = retirement_steps(sc, &models, &mut pairs);
        let segments = pairs
            .iter()
            .map(|&(src, model)| {
                let slot = models.iter().position(|&m| m == model).expect("every segment's model is listed");
                let m = &sc.catalog.models[model];
                let s = &sources[src];
                let price = (0..h)
                    .map(|t| m.list_cost(sc.start.plus(t as i32), s.shares.classes(), s.batch, &s.traffic))
                    .collect();
                Segment { source: src, model, model_slot: slot, price }
            })
            .collect();
        let step_cut = sc.step_cut.as_ref().map(|s| (s.annual_probability, s.size.clone()));
        let rho = sc.correlation;
        let is_prefix = sources
            .iter()
            .map(|s| !matches!(s.kind, SourceKind::Workload { model: VolumeModel::Fitted(_), .. }))
            .collect();
        Plan {
            is_prefix,
            horizon: h,
            days,
            damp_pow,
            corr: (rho.sqrt(), (1.0 - rho).sqrt()),
            sources,
            segments,
            routes,
            retirements,
            models,
            price_change: sc.price_change.clone(),
            step_cut,
            paths: sc.paths,
            seed: sc.seed,
            index_offset: 0,
            start: sc.start,
            sampling: sc.sampling,
            base_spends: super::base::of_offers(&sc.offers),
        }
    }

    /// Whether any token moves between models (routing or a retirement).
    pub fn moves_tokens(&self) -> bool {
        !self.routes.is_empty() || !self.retirements.is_empty()
    }

    /// Number of chunks.
    pub fn chunks(&self) -> u64 {
        self.paths.div_ceil(crate::math::rng::CHUNK as u64)
    }
}

/// The retirement steps of the models in `models` that retire before the
/// horizon ends, a model's step before its successor's (so traffic a
/// retirement moves onto a model that retires later moves on with it),
/// adding the successor segments to `pairs`.
fn retirement_steps(sc: &Scenario, models: &[usize], pairs: &mut Vec<(usize, usize)>) -> Vec<RetireStep> {
    let cat = &sc.catalog.models;
    // Steps to the end of a model's chain of successors: a model precedes
    // every model its traffic reaches. Chains have no cycle (the catalog checks).
    let depth = |mut m: usize| {
        let mut d = 0;
        while let Some(r) = cat[m].retirement {
            m = r.successor;
            d += 1;
        }
        d
    };
    let mut retiring: Vec<usize> = models.iter().copied().filter(|&m| cat[m].retirement.is_some()).collect();
    retiring.sort_by_key(|&m| (std::cmp::Reverse(depth(m)), m));
    let mut steps = Vec::new();
    for m in retiring {
        let r = cat[m].retirement.expect("filtered on retirement");
        let from = (r.last.since(sc.start) + 1).max(0) as usize;
        if from >= sc.horizon {
            continue;
        }
        steps.push(RetireStep { from, ratio: r.ratio, pairs: move_pairs(pairs, m, r.successor) });
    }
    steps
}

/// The (from segment, to segment) pairs of a move of traffic from model
/// `from` to model `to`: every (source, `from`) segment with its (source,
/// `to`) segment, added to `pairs` when it is not there yet.
fn move_pairs(pairs: &mut Vec<(usize, usize)>, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut moved = Vec::new();
    for a in 0..pairs.len() {
        let (src, model) = pairs[a];
        if model != from {
            continue;
        }
        let b = pairs.iter().position(|&p| p == (src, to)).unwrap_or_else(|| {
            pairs.push((src, to));
            pairs.len() - 1
        });
        moved.push((a, b));
    }
    moved
}
