//! `track` (SPEC 6.5, 6.10): a commitment followed through its term. The
//! months up to `as_of` are the actuals on every path; later months are
//! simulated from there. Per path the commitment's [`Balance`] settles the
//! whole term; the report gives the burn-down, what is left, the chance and
//! size of unused commitment and of overage per remaining period and at the
//! term's end, when the commitment runs out, and the catch-up (or the
//! headroom). Formulas: docs/track.md.

pub mod balance;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use self::balance::{Balance, CommitBalance, Settled, Usage};
use super::simulate::ScenarioInfo;
use super::stats::{mean, percentiles, share, std_error};
use crate::error::{closest, Error, Result};
use crate::ingest::History;
use crate::scenario::actuals::{continue_from, Continued};
use crate::scenario::Scenario;
use crate::sim::engine::{check_budget, map_paths};
use crate::sim::view::in_scope;
use crate::sim::Plan;
use crate::spec::month::Month;
use crate::spec::offer::{Offer, OfferKind};

/// What to track.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The scenario (its `start` is the contract's first month).
    pub scenario: &'a Scenario,
    /// The offer's name.
    pub offer: &'a str,
    /// The actuals, read.
    pub actuals: &'a History,
    /// The file they came from (for errors).
    pub actuals_file: &'a Path,
    /// `--as-of` (default: the actuals' last month, within the term).
    pub as_of: Option<Month>,
    /// `--alert-probability`.
    pub alert_probability: Option<f64>,
}

/// One month of the burn-down: cumulative consumption in the commitment's terms.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BurnDown {
    /// The month.
    pub month: String,
    /// Actual cumulative consumption (null after `as_of`).
    pub actual: Option<f64>,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// One commitment period that has not closed by `as_of`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeriodTrack {
    /// Its number, from 1.
    pub period: usize,
    /// First month.
    pub start: String,
    /// Last month.
    pub end: String,
    /// Its amount.
    pub committed: f64,
    /// Actual consumption in it so far.
    pub consumed_to_date: f64,
    /// Probability that its unused commitment exceeds the waste tolerance of its amount.
    pub prob_overcommit: f64,
    /// Expected unused commitment lost in it.
    pub unused_mean: f64,
    /// Expected overage billed in it.
    pub overage_mean: f64,
}

/// Quantiles of the month the commitment runs out (null: the quantile falls
/// among the paths that never run out).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunOutMonth {
    /// 10th percentile.
    pub p10: Option<String>,
    /// Median.
    pub p50: Option<String>,
    /// 90th percentile.
    pub p90: Option<String>,
}

/// The term's end.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermEnd {
    /// Probability that unused commitment exceeds the waste tolerance of the total.
    pub prob_overcommit: f64,
    /// Expected unused commitment.
    pub unused_mean: f64,
    /// Its standard error.
    pub unused_std_error: f64,
    /// Expected overage billed.
    pub overage_mean: f64,
    /// Its standard error.
    pub overage_std_error: f64,
    /// Probability that the commitment runs out before the term ends.
    pub prob_run_out: f64,
    /// When it runs out.
    pub run_out_month: RunOutMonth,
}

/// The whole `track` report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrackReport {
    /// Always "commitsim".
    pub tool: String,
    /// commitsim version.
    pub version: String,
    /// What was simulated.
    pub scenario: ScenarioInfo,
    /// Offer name.
    pub offer: String,
    /// Offer kind.
    pub kind: String,
    /// `usd` (money in the catalog's currency) or `tokens`.
    pub unit: String,
    /// The last actual month (the month before `start` at signature).
    pub as_of: String,
    /// Months of the term that are actual.
    pub months_actual: usize,
    /// First month of the term.
    pub term_start: String,
    /// Last month of the term (within the horizon).
    pub term_end_month: String,
    /// The term's total commitment.
    pub committed: f64,
    /// Commitment of the periods begun by `as_of`.
    pub committed_to_date: f64,
    /// Actual consumption to `as_of`.
    pub consumed_to_date: f64,
    /// `committed - consumed_to_date`.
    pub balance: f64,
    /// Cumulative consumption per month.
    pub burn_down: Vec<BurnDown>,
    /// The periods not closed by `as_of`.
    pub periods: Vec<PeriodTrack>,
    /// The term's end.
    pub term_end: TermEnd,
    /// `[risk] waste_tolerance`.
    pub waste_tolerance: f64,
    /// `[risk] max_overcommit_probability`.
    pub risk_limit: f64,
    /// Extra in-scope list spend per month from the month after `as_of`
    /// that brings `prob_overcommit` within the risk limit (0 when it is;
    /// null when no month is left to act in).
    pub catch_up_monthly: Option<f64>,
    /// When within the limit: the in-scope list spend per month that could
    /// move away while staying within it (0 when over the limit).
    pub headroom_monthly: Option<f64>,
    /// `--alert-probability`, if given.
    pub alert_probability: Option<f64>,
    /// Whether `prob_overcommit` exceeds it (exit status 3).
    pub alert: bool,
    /// Currency of money figures (not part of the JSON interface).
    #[serde(skip)]
    pub currency: String,
    /// Warnings (not part of the JSON interface).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One path over the term, kept for the figures and the catch-up search.
struct PathTrack {
    settled: Settled,
    /// Cumulative draw by month.
    cum: Vec<f64>,
    /// First month whose cumulative draw exceeds the total (the term's length: never).
    run_out: usize,
    /// Simulated months' quantities, from `as_of + 1` to the term's end.
    basis: Vec<f64>,
    tokens: Vec<f64>,
    /// Per simulated month: what one more list dollar adds to the counted quantity.
    per_dollar: Vec<f64>,
    /// Per period: the counted quantity's sum over its months, and the sum
    /// of `per_dollar` over its simulated months (the catch-up's fast path).
    sums: Vec<(f64, f64)>,
    /// The most list dollars a month that can move away before some
    /// simulated month's quantity would fall below zero.
    floor: f64,
}

impl PathTrack {
    /// Fills `sums` and `floor`: months `..a` are actual (`actual` holds
    /// their counted quantity), the later ones simulated.
    fn index(mut self, bal: &dyn Balance, a: usize, actual: &[f64]) -> PathTrack {
        let sim: &[f64] = if bal.counts_tokens() { &self.tokens } else { &self.basis };
        let counted = |t: usize| if t < a { actual[t] } else { sim[t - a] };
        self.sums = bal
            .periods()
            .iter()
            .map(|p| {
                let q: f64 = p.months.clone().map(counted).sum();
                let d: f64 = p.months.clone().filter(|&t| t >= a).map(|t| self.per_dollar[t - a]).sum();
                (q, d)
            })
            .collect();
        self.floor = (0..self.per_dollar.len())
            .filter(|&t| self.per_dollar[t] > 0.0)
            .map(|t| sim[t] / self.per_dollar[t])
            .fold(f64::INFINITY, f64::min);
        self
    }
}

/// Finds the offer to track: a commit offer.
fn find(sc: &Scenario, name: &str) -> Result<usize> {
    let Some(i) = sc.offers.iter().position(|o| o.name == name) else {
        let hint = closest(name, sc.offers.iter().map(|o| o.name.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let names = sc.offers.iter().map(|o| format!("`{}`", o.name)).collect::<Vec<_>>().join(", ");
        return Err(Error::Usage(format!(
            "--offer: no offer named `{name}` in {}{hint} (offers: {names})",
            sc.file.display()
        )));
    };
    match &sc.offers[i].kind {
        OfferKind::Commit(c) if c.credits.is_some() || c.base.is_some() || c.eligible_share != 1.0 => {
            Err(Error::Usage(format!(
                "--offer: `{name}` is {}, which track does not follow yet; track takes a stand-alone commit offer \
                 (credits and umbrella commitments come with a later release)",
                if c.credits.is_some() {
                    "a credits offer"
                } else {
                    "an umbrella commitment (base_spend or eligible_share)"
                }
            )))
        }
        OfferKind::Commit(_) => Ok(i),
        k => Err(Error::Usage(format!(
            "--offer: `{name}` is a {} offer, which has no commitment to track; track takes a commit offer \
             (credits offers and portfolios come with a later release)",
            k.name()
        ))),
    }
}

/// Months to `as_of` that are actual, checking `as_of` against the term.
fn months_actual(req: &Request, term: usize, warnings: &mut Vec<String>) -> Result<usize> {
    let sc = req.scenario;
    let (first, last) = (sc.start, sc.start.plus(term as i32 - 1));
    let data_last = req.actuals.series.iter().map(|s| s.last()).max();
    let as_of = match req.as_of {
        Some(m) => m,
        None => match data_last {
            Some(m) if m > last => {
                warnings
                    .push(format!("the actuals run to {m}, past the term's last month {last}: tracking as of {last}"));
                last
            }
            Some(m) => m,
            None => first.plus(-1),
        },
    };
    if as_of < first.plus(-1) || as_of > last {
        return Err(Error::Usage(format!(
            "--as-of {as_of} is outside the term of offer `{}` ({first} to {last}); give a month from {} (at \
             signature: nothing consumed yet) to {last}",
            req.offer,
            first.plus(-1)
        )));
    }
    if let Some(m) = data_last.filter(|m| *m < as_of) {
        warnings.push(format!("the actuals end at {m}: the months after it, to {as_of}, count as no usage"));
    }
    Ok((as_of.since(first) + 1) as usize)
}

/// The in-scope usage of the actual months: spend at the commitment's basis and tokens, by month.
fn actual_usage(sc: &Scenario, offer: &Offer, locked: bool, cont: &Continued) -> (Vec<f64>, Vec<f64>) {
    let a = cont.months;
    let (mut basis, mut tokens) = (vec![0.0; a], vec![0.0; a]);
    for s in &cont.series {
        let m = &sc.catalog.models[s.model];
        if !offer.scope.covers(&m.provider, &m.id, &s.workload) {
            continue;
        }
        for (t, (u, b)) in s.months.iter().enumerate() {
            let month = sc.start.plus(if locked { 0 } else { t as i32 });
            basis[t] += m.list_cost(month, u.classes(), *b, &s.traffic);
            tokens[t] += u.total();
        }
    }
    (basis, tokens)
}

/// Tracks the offer `req.offer` (SPEC 6.5).
pub fn track(req: &Request) -> Result<TrackReport> {
    let sc = req.scenario;
    let idx = find(sc, req.offer)?;
    let offer = &sc.offers[idx];
    let OfferKind::Commit(c) = &offer.kind else { unreachable!("find returns commit offers only") };
    let term = offer.term_months.min(sc.horizon);
    let mut warnings = Vec::new();
    let a = months_actual(req, term, &mut warnings)?;
    let cont = continue_from(sc, req.actuals, req.actuals_file, offer, a, sc.horizon - a)?;
    warnings.extend(cont.warnings.iter().cloned());
    let bal = CommitBalance::new(c, term);
    let (act_basis, act_tokens) = actual_usage(sc, offer, c.locked, &cont);
    let paths = simulate_rest(sc, offer, &bal, &cont, term, &act_basis, &act_tokens)?;
    Ok(report(req, offer, &bal, term, a, &act_basis, &act_tokens, &paths, warnings))
}

/// Settles `u` on `bal` and finds its run-out month.
fn settle(bal: &dyn Balance, u: Usage, term: usize) -> (Settled, Vec<f64>, usize) {
    let mut s = Settled::default();
    bal.settle(u, &mut s);
    let total = bal.total();
    let mut cum = Vec::with_capacity(term);
    let mut acc = 0.0;
    for &d in &s.draw {
        acc += d;
        cum.push(acc);
    }
    // Above the total by more than rounding.
    let run_out = cum.iter().position(|&x| x > total + 1e-9 * total.abs()).unwrap_or(term);
    (s, cum, run_out)
}

/// Every path's term: the actual months, then the simulated ones.
fn simulate_rest(
    sc: &Scenario,
    offer: &Offer,
    bal: &CommitBalance,
    cont: &Continued,
    term: usize,
    act_basis: &[f64],
    act_tokens: &[f64],
) -> Result<Vec<PathTrack>> {
    let a = cont.months;
    let left = term - a;
    let OfferKind::Commit(c) = &offer.kind else { unreachable!("a commit offer") };
    let Some(rest) = cont.rest.as_ref().filter(|_| left > 0) else {
        let (settled, cum, run_out) = settle(bal, Usage { basis: act_basis, tokens: act_tokens }, term);
        let no = Vec::new();
        return Ok(vec![PathTrack {
            settled,
            cum,
            run_out,
            basis: no.clone(),
            tokens: no.clone(),
            per_dollar: no,
            sums: Vec::new(),
            floor: f64::INFINITY,
        }]);
    };
    let mut plan = Plan::new(rest);
    plan.index_offset = a;
    let segs = in_scope(&offer.scope, &plan, &rest.catalog);
    let periods = bal.periods().len();
    let per_path = (term + 2 * periods + 3 * left + 4) as u64;
    check_budget(plan.paths, per_path, "months of the term per path")?;
    // Per in-scope segment: its per-token list price in the contract's start
    // month (locked rates), from the segment's own mix and batch share.
    let price0: Vec<f64> = segs
        .iter()
        .map(|&s| {
            let seg = &plan.segments[s];
            let m = &rest.catalog.models[seg.model];
            let src = &plan.sources[seg.source];
            m.list_cost(sc.start, src.shares.classes(), src.batch, &src.traffic)
        })
        .collect();
    let counts_tokens = bal.counts_tokens();
    let out = map_paths(&plan, &[], 0..plan.chunks(), |ps, _| {
        let (mut list, mut locked, mut tok) = (vec![0.0; left], vec![0.0; left], vec![0.0; left]);
        for (i, &s) in segs.iter().enumerate() {
            let (st, sc_) = (&ps.seg_tokens(s)[..left], &ps.seg_cost(s)[..left]);
            // At signature the start month is this plan's month 0, whose
            // price (with its step cut, as `simulate` bills it) is the lock.
            let p0 = if a == 0 { ps.seg_price(&plan, s, 0) } else { price0[i] };
            for t in 0..left {
                list[t] += sc_[t];
                tok[t] += st[t];
                locked[t] += st[t] * p0;
            }
        }
        let basis_rest = if c.locked { locked } else { list.clone() };
        let per_dollar: Vec<f64> = (0..left)
            .map(|t| {
                let q = if counts_tokens { tok[t] } else { basis_rest[t] };
                if list[t] > 0.0 && q.is_finite() {
                    q / list[t]
                } else {
                    // No in-scope spend this month on this path: the mean over
                    // the in-scope segments of what a list dollar buys.
                    let n = segs.len().max(1) as f64;
                    segs.iter()
                        .enumerate()
                        .map(|(i, &s)| {
                            let p = ps.seg_price(&plan, s, t);
                            let per = if counts_tokens {
                                1.0
                            } else if c.locked {
                                price0[i]
                            } else {
                                p
                            };
                            if p > 0.0 {
                                per / p
                            } else {
                                0.0
                            }
                        })
                        .sum::<f64>()
                        / n
                }
            })
            .collect();
        let mut basis = act_basis.to_vec();
        basis.extend_from_slice(&basis_rest);
        let mut tokens = act_tokens.to_vec();
        tokens.extend_from_slice(&tok);
        let (settled, cum, run_out) = settle(bal, Usage { basis: &basis, tokens: &tokens }, term);
        let track = PathTrack {
            settled,
            cum,
            run_out,
            basis: basis_rest,
            tokens: tok,
            per_dollar,
            sums: Vec::new(),
            floor: f64::INFINITY,
        };
        track.index(bal, a, if counts_tokens { act_tokens } else { act_basis })
    });
    if out.iter().any(|p| p.cum.iter().any(|x| !x.is_finite() || x.abs() > 1e300)) {
        let message = crate::scenario::history::overflow_hint(rest).unwrap_or_else(|| {
            "simulated volumes or costs overflow the range of numbers: monthly_tokens, growth_annual or \
             volatility_monthly are too large for this horizon"
                .into()
        });
        return Err(Error::invalid(&sc.file, "workloads", message));
    }
    Ok(out)
}

/// Term-end over-commitment probability when every simulated month of
/// every path gets `x` more list dollars of in-scope spend (negative: moved
/// away, never below no spend).
fn prob_at(bal: &dyn Balance, paths: &[PathTrack], a: usize, act: (&[f64], &[f64]), limit: f64, x: f64) -> f64 {
    let hit: usize = paths
        .par_iter()
        .map_init(
            || (act.0.to_vec(), act.1.to_vec()),
            |(basis, tokens), p| {
                // Per-period sums suffice while no month's quantity would fall below zero.
                if x >= -p.floor {
                    let mut sums = p.sums.iter().map(|&(q, d)| q + x * d);
                    if let Some(w) = bal.waste_of_sums(&mut sums) {
                        return usize::from(w > limit);
                    }
                }
                basis.truncate(a);
                tokens.truncate(a);
                for t in 0..p.basis.len() {
                    let add = x * p.per_dollar[t];
                    if bal.counts_tokens() {
                        basis.push(p.basis[t]);
                        tokens.push((p.tokens[t] + add).max(0.0));
                    } else {
                        basis.push((p.basis[t] + add).max(0.0));
                        tokens.push(p.tokens[t]);
                    }
                }
                usize::from(bal.waste(Usage { basis, tokens }) > limit)
            },
        )
        .sum();
    hit as f64 / paths.len() as f64
}

/// The catch-up and the headroom (SPEC 6.10): bisection to half a cent on
/// a probability that falls as spend rises.
fn catch_up(
    bal: &dyn Balance,
    paths: &[PathTrack],
    a: usize,
    act: (&[f64], &[f64]),
    tol: f64,
    risk: f64,
    p0: f64,
) -> (Option<f64>, Option<f64>) {
    let left = paths.first().map_or(0, |p| p.basis.len());
    let waste_limit = tol * bal.total();
    let ok = |x: f64| prob_at(bal, paths, a, act, waste_limit, x) <= risk;
    if left == 0 {
        return if p0 <= risk { (Some(0.0), Some(0.0)) } else { (None, None) };
    }
    if p0 <= risk {
        // Headroom: the most spend that can move away. At `hi` every
        // simulated month's spend is gone on every path.
        let hi = paths
            .iter()
            .flat_map(|p| p.basis.iter().zip(&p.tokens).zip(&p.per_dollar))
            .map(|((&b, &k), &d)| if d > 0.0 { (if bal.counts_tokens() { k } else { b }) / d } else { 0.0 })
            .fold(0.0, f64::max);
        if ok(-hi) {
            return (Some(0.0), Some((hi * 100.0).floor() / 100.0));
        }
        let (mut lo, mut hi) = (0.0, hi);
        while hi - lo > 0.005 {
            let mid = 0.5 * (lo + hi);
            if ok(-mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // The largest whole cent that is still within the limit.
        let mut y = (hi * 100.0).ceil() / 100.0;
        while y > 0.0 && !ok(-y) {
            y = ((y * 100.0).round() - 1.0) / 100.0;
        }
        return (Some(0.0), Some(y.max(0.0)));
    }
    let mut hi = (bal.total() / left as f64).max(1.0);
    let mut tries = 0;
    while !ok(hi) {
        hi *= 2.0;
        tries += 1;
        // No spend helps: what closed periods left unused is already above
        // the tolerance on too many paths.
        if tries > 60 {
            return (None, Some(0.0));
        }
    }
    let mut lo = 0.0;
    while hi - lo > 0.005 {
        let mid = 0.5 * (lo + hi);
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // The smallest whole cent that is within the limit.
    let mut x = (lo * 100.0).floor() / 100.0;
    while !ok(x) {
        x = ((x * 100.0).round() + 1.0) / 100.0;
    }
    (Some(x), Some(0.0))
}

/// Nearest-rank quantile `q` of run-out months (the term's length: never).
fn run_out_quantile(sorted: &[usize], q: f64, term: usize, start: Month) -> Option<String> {
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    let t = sorted[rank - 1];
    (t < term).then(|| start.plus(t as i32).to_string())
}

#[allow(clippy::too_many_arguments)]
fn report(
    req: &Request,
    offer: &Offer,
    bal: &CommitBalance,
    term: usize,
    a: usize,
    act_basis: &[f64],
    act_tokens: &[f64],
    paths: &[PathTrack],
    warnings: Vec<String>,
) -> TrackReport {
    let sc = req.scenario;
    let tol = sc.risk.waste_tolerance;
    let committed = bal.total();
    let start = sc.start;
    // The actual months: the same on every path (there is at least one).
    let first = &paths[0].settled;
    let actual_cum: Vec<f64> = first.draw[..a]
        .iter()
        .scan(0.0, |acc, d| {
            *acc += d;
            Some(*acc)
        })
        .collect();
    let consumed_to_date = actual_cum.last().copied().unwrap_or(0.0);
    let committed_to_date: f64 = bal.periods().iter().filter(|p| p.months.start < a).map(|p| p.amount).sum();
    let burn_down = (0..term)
        .map(|t| {
            let month = start.plus(t as i32).to_string();
            if t < a {
                let v = actual_cum[t];
                BurnDown { month, actual: Some(v), p5: v, p50: v, p95: v }
            } else {
                let col: Vec<f64> = paths.iter().map(|p| p.cum[t]).collect();
                let q = percentiles(&col, &[5.0, 50.0, 95.0]);
                BurnDown { month, actual: None, p5: q[0], p50: q[1], p95: q[2] }
            }
        })
        .collect();
    let periods = bal
        .periods()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.months.end > a)
        .map(|(k, p)| {
            let waste: Vec<f64> = paths.iter().map(|x| x.settled.waste[k]).collect();
            let over: Vec<f64> = paths.iter().map(|x| x.settled.overage[k]).collect();
            PeriodTrack {
                period: k + 1,
                start: start.plus(p.months.start as i32).to_string(),
                end: start.plus(p.months.end as i32 - 1).to_string(),
                committed: p.amount,
                consumed_to_date: first.draw[p.months.start.min(a)..p.months.end.min(a)].iter().sum(),
                prob_overcommit: share(&waste, |w| w > tol * p.amount),
                unused_mean: mean(&waste),
                overage_mean: mean(&over),
            }
        })
        .collect();
    let waste: Vec<f64> = paths.iter().map(|p| p.settled.waste_total).collect();
    let over: Vec<f64> = paths.iter().map(|p| p.settled.overage_total).collect();
    let mut runs: Vec<usize> = paths.iter().map(|p| p.run_out).collect();
    runs.sort_unstable();
    let prob_overcommit = share(&waste, |w| w > tol * committed);
    let se = |x: &[f64]| if x.len() < 2 { 0.0 } else { std_error(x) };
    let term_end = TermEnd {
        prob_overcommit,
        unused_mean: mean(&waste),
        unused_std_error: se(&waste),
        overage_mean: mean(&over),
        overage_std_error: se(&over),
        prob_run_out: runs.iter().filter(|&&t| t < term).count() as f64 / runs.len() as f64,
        run_out_month: RunOutMonth {
            p10: run_out_quantile(&runs, 0.1, term, start),
            p50: run_out_quantile(&runs, 0.5, term, start),
            p90: run_out_quantile(&runs, 0.9, term, start),
        },
    };
    let risk_limit = sc.risk.max_overcommit_probability;
    let (catch_up_monthly, headroom_monthly) =
        catch_up(bal, paths, a, (act_basis, act_tokens), tol, risk_limit, prob_overcommit);
    let alert = req.alert_probability.is_some_and(|p| prob_overcommit > p);
    TrackReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo::of(sc),
        offer: offer.name.clone(),
        kind: offer.kind.name().into(),
        unit: if bal.counts_tokens() { "tokens" } else { "usd" }.into(),
        as_of: start.plus(a as i32 - 1).to_string(),
        months_actual: a,
        term_start: start.to_string(),
        term_end_month: start.plus(term as i32 - 1).to_string(),
        committed,
        committed_to_date,
        consumed_to_date,
        balance: committed - consumed_to_date,
        burn_down,
        periods,
        term_end,
        waste_tolerance: tol,
        risk_limit,
        catch_up_monthly,
        headroom_monthly,
        alert_probability: req.alert_probability,
        alert,
        currency: sc.catalog.currency.clone(),
        warnings,
    }
}
