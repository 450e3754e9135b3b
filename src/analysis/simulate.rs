//! The `simulate` results (SPEC 4.4): per offer, cost and savings statistics
//! against the baseline on the same paths, commitment and capacity risk.

use rayon::prelude::*;
use serde::Serialize;

use super::stats::{
    controlled_mean, design_std_error, mean, percentiles, prob_loss, share, std_error, summarize, units, Summary,
    ROUNDING,
};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::engine::{Keep, OfferPaths, RiskRule, RunOutput, Spec};
use crate::sim::view::billers_for;
use crate::sim::{run, Plan};
use crate::spec::offer::OfferKind;
use crate::spec::sampling::Sampling;

/// `scenario` block of the JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// First month.
    pub start: String,
    /// Months simulated.
    pub horizon_months: usize,
    /// Paths.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// The sampling method the figures were computed with (SPEC 6.7).
    pub sampling: String,
}

impl ScenarioInfo {
    /// The block for `sc`, whose reports use its paths as drawn: antithetic
    /// pairs or not, without control variates (which only `simulate`'s means
    /// use; it names them itself).
    pub fn of(sc: &Scenario) -> ScenarioInfo {
        ScenarioInfo {
            name: sc.name.clone(),
            start: sc.start.to_string(),
            horizon_months: sc.horizon,
            paths: sc.paths,
            seed: sc.seed,
            sampling: sc.sampling.without_control().name().into(),
        }
    }
}

/// Mean and percentiles of a volume.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quantiles {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// `volume` block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Volume {
    /// Total tokens over the horizon.
    pub total_tokens: Quantiles,
}

/// `cost` block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CostStats {
    /// Mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean of the costliest 5%.
    pub cvar95: f64,
}

/// `savings` block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SavingsStats {
    /// Mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Probability the offer costs more than the baseline.
    pub prob_negative: f64,
}

/// `commitment` block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Commitment {
    /// Sum of the period amounts within the horizon (in the commitment's unit).
    pub committed: f64,
    /// Mean unused commitment.
    pub unused_mean: f64,
    /// 95th percentile of unused commitment.
    pub unused_p95: f64,
    /// Probability that some commitment goes unused.
    pub prob_unused: f64,
    /// Probability that unused commitment exceeds the waste tolerance.
    pub prob_overcommit: f64,
    /// Mean utilisation.
    pub utilization_mean: f64,
    /// 5th percentile of utilisation.
    pub utilization_p5: f64,
    /// Mean overage billed ($).
    pub overage_mean: f64,
}

/// `provisioned` block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProvisionedStats {
    /// Mean utilisation of capacity.
    pub utilization_mean: f64,
    /// 5th percentile of utilisation.
    pub utilization_p5: f64,
    /// Mean share of effective tokens above capacity.
    pub spillover_share_mean: f64,
    /// Mean tokens not served (overflow = drop).
    pub unserved_tokens_mean: f64,
    /// The utilisation at which the capacity fee equals the list value of
    /// the tokens it serves (docs/sweep.md, "Break-even"); `null` with no
    /// units, and for a portfolio's layer.
    pub break_even_utilization: Option<f64>,
    /// The probability of over-commitment of a reservation: utilisation
    /// below `break_even_utilization` (the share of paths), as `sweep`
    /// counts it; `null` where that is.
    pub prob_overcommit: Option<f64>,
    /// A reservation given in limits (SPEC 6.2): each limit's utilisation
    /// and the months it binds; absent for capacity in effective tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Vec<LimitStats>>,
}

/// One limit of a reservation (`provisioned.limits[]`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitStats {
    /// The limit: a token class (`input`, `output`, ...) or `list_usd`.
    pub limit: String,
    /// Mean over paths of its served load over its capacity in the term.
    pub utilization_mean: f64,
    /// Mean over paths of the months in which it binds.
    pub binding_months: f64,
}

/// One offer's results.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OfferResult {
    /// Offer name.
    pub name: String,
    /// payg, commit or provisioned.
    pub kind: String,
    /// Cost over the horizon.
    pub cost: CostStats,
    /// Baseline cost minus this offer's, per path.
    pub savings: SavingsStats,
    /// Savings mean / baseline cost mean; None (null in the JSON) when the
    /// baseline costs nothing, where no rate is defined.
    pub effective_savings_rate: Option<f64>,
    /// Commitment risk (commit offers).
    pub commitment: Option<Commitment>,
    /// Capacity figures (provisioned offers; a portfolio's one provisioned layer).
    pub provisioned: Option<ProvisionedStats>,
    /// A portfolio's layers, in order (portfolios only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerResult>>,
}

/// One layer of a portfolio: what it charges itself, on the traffic it receives.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayerResult {
    /// The offer.
    pub offer: String,
    /// Its kind.
    pub kind: String,
    /// Mean of what the layer charges (fees, commitments and overage; for
    /// pay-as-you-go and credits, what it bills).
    pub cost_mean: f64,
    /// Commitment figures (commit and credits layers).
    pub commitment: Option<Commitment>,
    /// Capacity figures (provisioned layers).
    pub provisioned: Option<ProvisionedStats>,
}

/// The whole `simulate` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimulateReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// Baseline offer name.
    pub baseline: String,
    /// Token volume.
    pub volume: Volume,
    /// Per offer, in scenario order.
    pub offers: Vec<OfferResult>,
    /// Per portfolio, in scenario order, with the figures of an offer (SPEC 6.6).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub portfolios: Vec<OfferResult>,
    /// Currency of money figures (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
    /// Warnings from loading the scenario (not part of the JSON interface).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Each offer's over-commitment threshold as written: a reservation's
/// break-even utilisation, from the same pilot paths as its sweep's (so the
/// two count the same over-commitment); `None` for other offers and for a
/// reservation of no units.
pub fn break_evens(sc: &Scenario, plan: &Plan) -> Vec<Option<f64>> {
    (0..sc.offers.len())
        .map(|i| match crate::analysis::sweep::as_written_rule(sc, plan, i) {
            RiskRule::UtilBelow(u) => Some(u),
            _ => None,
        })
        .collect()
}

/// Simulates `sc` and summarises every offer.
pub fn simulate(sc: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Result<SimulateReport> {
    let plan = Plan::new(sc);
    let (views, billers) = billers_for(&sc.offers, &plan, &sc.catalog);
    let specs: Vec<_> = billers.into_iter().map(|b| Spec::new(b, Keep::All)).collect();
    let out = run(&plan, &views, &specs, false, progress)?;
    out.check_finite(sc)?;
    let mut r = report(sc, &out, &break_evens(sc, &plan));
    attach_limits(sc, &plan, &mut r)?;
    r.portfolios = super::portfolio::results(sc, &plan, &out.offers[sc.risk.baseline].cost, &|_| {})?;
    Ok(r)
}

/// Paths the per-limit figures of `provisioned.limits` are measured on.
pub const LIMIT_PATHS: usize = 20_000;

/// Fills `provisioned.limits` of every reservation given in limits, from
/// one more pass over the first [`LIMIT_PATHS`] paths of the same futures
/// (only when there is such a reservation).
pub fn attach_limits(sc: &Scenario, plan: &Plan, r: &mut SimulateReport) -> Result<()> {
    let with: Vec<usize> = (0..sc.offers.len())
        .filter(|&i| matches!(&sc.offers[i].kind, OfferKind::Provisioned(p) if !p.limits.is_empty()))
        .collect();
    if with.is_empty() {
        return Ok(());
    }
    let offers: Vec<_> = with.iter().map(|&i| sc.offers[i].clone()).collect();
    let (views, billers) = billers_for(&offers, plan, &sc.catalog);
    // The first LIMIT_PATHS paths of the run (the same futures): a second
    // pass over all of them would cost as much again as the simulation.
    let chunks = plan.chunks().min((LIMIT_PATHS as u64).div_ceil(crate::math::rng::CHUNK as u64));
    let per_path = crate::sim::engine::map_paths(plan, &views, 0..chunks, |_, data| {
        billers
            .iter()
            .map(|b| match &b.kind {
                OfferKind::Provisioned(p) => crate::pricing::provisioned::limit_use(p, &data[b.view], &b.fixed),
                _ => Vec::new(),
            })
            .collect::<Vec<_>>()
    });
    let n = per_path.len().max(1) as f64;
    for (k, &i) in with.iter().enumerate() {
        let OfferKind::Provisioned(p) = &sc.offers[i].kind else { continue };
        let stats = p
            .limits
            .iter()
            .enumerate()
            .map(|(j, l)| {
                let (mut util, mut binds) = (0.0, 0.0);
                for path in &per_path {
                    let (served, cap, b) = path[k][j];
                    util += if cap > 0.0 { served / cap } else { 0.0 };
                    binds += b;
                }
                LimitStats { limit: l.name.clone(), utilization_mean: util / n, binding_months: binds / n }
            })
            .collect();
        if let Some(prov) = r.offers[i].provisioned.as_mut() {
            prov.limits = Some(stats);
        }
    }
    Ok(())
}

/// Summarises a run whose billers are `sc.offers` in order; `break_even`
/// holds each offer's reservation threshold ([`break_evens`]).
pub fn report(sc: &Scenario, out: &RunOutput, break_even: &[Option<f64>]) -> SimulateReport {
    let base = &out.offers[sc.risk.baseline].cost;
    let mut design =
        Design { sampling: sc.sampling, out, baseline: sc.risk.baseline, units: Vec::new().into(), base_mean: 0.0 };
    if sc.sampling != Sampling::Random {
        if let Some(cs) = out.control_set.as_ref().filter(|_| sc.sampling.control()) {
            design.units = if sc.sampling.antithetic() {
                units(&out.controls, cs.width, true).into()
            } else {
                out.controls.as_slice().into()
            };
        }
        design.base_mean = design.estimate(base, &[sc.risk.baseline]).0;
    }
    let offers: Vec<OfferResult> = sc
        .offers
        .par_iter()
        .zip(out.offers.par_iter())
        .enumerate()
        .map(|(b, (o, paths))| offer_result(sc, o, paths, base, &design, b, break_even.get(b).copied().flatten()))
        .collect();
    let v = percentiles(&out.volume, &[5.0, 50.0, 95.0]);
    let mut scenario = ScenarioInfo::of(sc);
    let mut warnings = sc.warnings.clone();
    if sc.sampling.control() {
        if out.control_set.is_some() {
            scenario.sampling = sc.sampling.name().into();
        } else {
            warnings.push(format!(
                "sampling `{}`: control variates need the closed form of the list spend, which a scenario with \
                 events, routing, step cuts or fitted workloads does not have; the means are estimated with `{}`",
                sc.sampling.name(),
                sc.sampling.without_control().name()
            ));
        }
    }
    SimulateReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario,
        baseline: sc.offers[sc.risk.baseline].name.clone(),
        volume: Volume { total_tokens: Quantiles { mean: mean(&out.volume), p5: v[0], p50: v[1], p95: v[2] } },
        offers,
        portfolios: Vec::new(),
        currency: sc.catalog.currency.clone(),
        warnings,
    }
}

/// The cost and savings blocks of per-path costs `cost` against `base`,
/// and the effective savings rate, as Monte Carlo estimates without control
/// variates (portfolios use it). With `pairs` (antithetic sampling) the
/// standard errors are those of the pair means, the design's independent
/// units; the means are the same either way.
pub fn cost_savings(cost: &[f64], base: &[f64], pairs: bool) -> (CostStats, SavingsStats, Option<f64>) {
    let savings: Vec<f64> = base.iter().zip(cost).map(|(b, c)| b - c).collect();
    let (c, s): (Summary, Summary) = rayon::join(|| summarize(cost), || summarize(&savings));
    let (c_se, s_se) = if pairs {
        (design_std_error(cost, true), design_std_error(&savings, true))
    } else {
        (c.std_error, s.std_error)
    };
    let base_mean = mean(base);
    (
        CostStats { mean: c.mean, std_error: c_se, p5: c.p5, p50: c.p50, p95: c.p95, cvar95: c.cvar95 },
        SavingsStats {
            mean: s.mean,
            std_error: s_se,
            p5: s.p5,
            p50: s.p50,
            p95: s.p95,
            prob_negative: prob_loss(&savings, base),
        },
        (base_mean != 0.0).then(|| s.mean / base_mean).filter(|r| r.is_finite()),
    )
}

/// How a run's paths were drawn, for the means and their standard errors.
struct Design<'a> {
    sampling: Sampling,
    out: &'a RunOutput,
    baseline: usize,
    /// The controls of every unit (pair or path), all columns.
    units: std::borrow::Cow<'a, [f64]>,
    /// The estimate of the baseline's mean cost.
    base_mean: f64,
}

impl Design<'_> {
    /// The mean of the per-path values `y` and its standard error, using
    /// the controls of billers `of` (docs/model.md, "Sampling"): under
    /// `random` the plain mean and standard error; with antithetic pairs, the
    /// mean over paths with the standard error of the pair means; with
    /// controls, the regression estimate and its residual standard error.
    fn estimate(&self, y: &[f64], of: &[usize]) -> (f64, f64) {
        let pairs = self.sampling.antithetic();
        let yu = units(y, 1, pairs);
        let Some(cs) = self.out.control_set.as_ref().filter(|_| self.sampling.control()) else {
            return (mean(y), std_error(&yu));
        };
        let mut cols: Vec<usize> = of.iter().flat_map(|&b| cs.views[self.out.view_of[b]].columns()).collect();
        cols.sort_unstable();
        cols.dedup();
        controlled_mean(&yu, &self.units, cs.width, &cols)
    }
}

fn offer_result(
    sc: &Scenario,
    o: &crate::spec::Offer,
    p: &OfferPaths,
    base: &[f64],
    design: &Design,
    b: usize,
    break_even: Option<f64>,
) -> OfferResult {
    let savings: Vec<f64> = base.iter().zip(&p.cost).map(|(b, c)| b - c).collect();
    let (mut c, mut s): (Summary, Summary) = rayon::join(|| summarize(&p.cost), || summarize(&savings));
    if sc.sampling != Sampling::Random {
        (c.mean, c.std_error) = design.estimate(&p.cost, &[b]);
        (s.mean, s.std_error) =
            if b == design.baseline { (0.0, 0.0) } else { design.estimate(&savings, &[b, design.baseline]) };
    }
    let base_mean = if sc.sampling == Sampling::Random { mean(base) } else { design.base_mean };
    let cost = CostStats { mean: c.mean, std_error: c.std_error, p5: c.p5, p50: c.p50, p95: c.p95, cvar95: c.cvar95 };
    let effective_savings_rate = (base_mean != 0.0).then(|| s.mean / base_mean).filter(|r| r.is_finite());
    let savings = SavingsStats {
        mean: s.mean,
        std_error: s.std_error,
        p5: s.p5,
        p50: s.p50,
        p95: s.p95,
        prob_negative: prob_loss(&savings, base),
    };
    let commitment = match &o.kind {
        OfferKind::Commit(cm) => Some(commitment(cm, o.term_months.min(sc.horizon), p, sc.risk.waste_tolerance)),
        _ => None,
    };
    let provisioned = match &o.kind {
        OfferKind::Provisioned(_) => Some(ProvisionedStats {
            utilization_mean: mean(&p.util),
            utilization_p5: percentiles(&p.util, &[5.0])[0],
            spillover_share_mean: mean(&p.spill),
            unserved_tokens_mean: mean(&p.unserved),
            break_even_utilization: break_even,
            prob_overcommit: break_even.map(|u| share(&p.util, |x| x < u)),
            limits: None,
        }),
        _ => None,
    };
    OfferResult {
        name: o.name.clone(),
        kind: o.kind.name().into(),
        cost,
        savings,
        effective_savings_rate,
        commitment,
        provisioned,
        layers: None,
    }
}

/// The committed total of a commit offer over `term` months.
pub fn committed(c: &crate::spec::offer::Commit, term: usize) -> f64 {
    if let Some(cr) = &c.credits {
        return cr.committed(c);
    }
    (0..term.div_ceil(c.period_months)).map(|k| c.amount(k)).sum()
}

fn commitment(c: &crate::spec::offer::Commit, term: usize, p: &OfferPaths, tol: f64) -> Commitment {
    commitment_of(committed(c, term), p, tol)
}

/// The commitment block of a total commitment `committed` with per-path
/// waste, utilisation and overage in `p`.
pub fn commitment_of(committed: f64, p: &OfferPaths, tol: f64) -> Commitment {
    let w = percentiles(&p.waste, &[95.0]);
    Commitment {
        committed,
        unused_mean: mean(&p.waste),
        unused_p95: w[0],
        prob_unused: share(&p.waste, |x| x > ROUNDING * committed),
        prob_overcommit: share(&p.waste, |x| x > tol * committed),
        utilization_mean: mean(&p.util),
        utilization_p5: percentiles(&p.util, &[5.0])[0],
        overage_mean: mean(&p.overage),
    }
}
