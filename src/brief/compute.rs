//! Computing the brief in one pass over the futures.
//!
//! The run bills the scenario's offers (everything kept per path, as
//! `simulate` does) followed by the swept offer at every level (cost and risk
//! per path, as `sweep` does), and keeps each path's total tokens by month for
//! the forecast fan. [`simulate::report`] reads the first `offers.len()`
//! billers and [`SweepLayout::report`] the rest, then values the levers in
//! its own small pass over the offer's scope. Same seed, same paths, same
//! billing: the numbers are those of `simulate`, `sweep` and `forecast`.
//!
//! Which offer to sweep: `--offer`, else the commit or provisioned offer with
//! the highest expected saving in the full run. That is known only after the
//! run, so a cheap guess decides which levels to bill: the candidates billed
//! on the run's first 512 paths. If the full run then
//! disagrees, the right offer's levels are billed in a second pass on the
//! same futures: slower, never different.

use std::path::Path;

use rayon::prelude::*;

use super::assumptions::{describe, reproducibility, ChecklistSource};
use super::{Brief, CostBox, Fan, FirstAsk, Recommendation, TopLever};
use crate::analysis::forecast::{Bands, HistoryPoint};
use crate::analysis::sensitivity;
use crate::analysis::simulate::{self, SimulateReport};
use crate::analysis::stats::{mean, percentiles};
use crate::analysis::sweep::{
    current_level, find_offer, run_offers, run_offers_with, Levels, SweepLayout, SweepReport,
};
use crate::analysis::walkaway::{walkaway, WalkawayReport, WalkawayRequest};
use crate::checklist::ScoreReport;
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::engine::{Keep, RiskRule, RunOutput};
use crate::sim::Plan;
use crate::spec::offer::OfferKind;
use crate::units::{money, pct};

/// What the brief is built from.
pub struct BriefInput<'a> {
    /// The scenario, loaded.
    pub scenario: &'a Scenario,
    /// `--offer`: the offer to sweep.
    pub offer: Option<&'a str>,
    /// The contract scorecards, when contracts were given.
    pub score: Option<ScoreReport>,
    /// The contract files, for their hashes.
    pub contracts: Vec<&'a Path>,
    /// The checklist the contracts were scored against.
    pub checklist: Option<ChecklistSource<'a>>,
    /// The command line that reproduces the brief.
    pub command: String,
    /// Notes from reading the inputs beside the scenario's warnings (a
    /// contract for a provider the scenario does not use).
    pub notes: Vec<String>,
    /// The probability of saving the counter-offers are quoted at ("to be 90% sure").
    pub confidence: f64,
}

/// The swept offer's report, the 5th and 95th percentiles of the saving at
/// its recommended level, and the cost per path there.
type SweepResult = (Option<SweepReport>, Option<(f64, f64)>, Option<Vec<f64>>);

/// Builds the brief: one run, the reports, the fan, the recommendation.
pub fn build(input: BriefInput, progress: &(dyn Fn(u64) + Sync)) -> Result<Brief> {
    build_guessing(input, None, progress)
}

/// [`build`], with the guess of the offer to sweep given (tests force a wrong one).
fn build_guessing(input: BriefInput, forced: Option<usize>, progress: &(dyn Fn(u64) + Sync)) -> Result<Brief> {
    let sc = input.scenario;
    // Hash the inputs first: a file that vanished fails before any simulation.
    let reproducibility = reproducibility(sc, &input.contracts, input.checklist, input.command.clone())?;
    let plan = Plan::new(sc);
    let candidates: Vec<usize> =
        (0..sc.offers.len()).filter(|&i| !matches!(sc.offers[i].kind, OfferKind::Payg(_))).collect();
    let asked = input.offer.map(|n| find_offer(sc, n)).transpose()?;
    let guess = match asked.or(forced) {
        Some(i) => Some(i),
        None => guess_best(sc, &plan, &candidates, progress)?,
    };
    let layout = guess.map(|i| SweepLayout::new(sc, &plan, i, &Levels::Default)).transpose()?;
    let mut offers: Vec<_> = sc.offers.iter().map(|o| (o.clone(), Keep::All, RiskRule::None)).collect();
    if let Some(l) = &layout {
        offers.extend(l.specs());
    }
    // Recording each path's input draws costs little and gives the tornado.
    let out = run_offers_with(sc, &plan, &offers, true, true, progress)?;
    out.check_finite(sc)?;
    let mut sim = simulate::report(sc, &out);
    let base = &out.offers[sc.risk.baseline].cost;
    sim.portfolios = crate::analysis::portfolio::results(sc, &plan, base, &|_| {})?;
    let best = best_candidate(&sim, &candidates);
    let (sweep, range, at_level) = match (asked, guess, layout) {
        // The guess was wrong: bill the right offer's levels on the same futures.
        (None, Some(g), Some(_)) if Some(g) != best => {
            let layout = SweepLayout::new(sc, &plan, best.expect("a guess implies candidates"), &Levels::Default)?;
            let again = run_offers(sc, &plan, &layout.specs(), false, progress)?;
            again.check_finite(sc)?;
            sweep_report(sc, &plan, &layout, &again, 0, base, progress)?
        }
        (_, _, Some(layout)) => sweep_report(sc, &plan, &layout, &out, sc.offers.len(), base, progress)?,
        _ => (None, None, None),
    };
    let sweep_note = sweep_note(sc, asked.is_some(), sweep.as_ref(), &sim);
    let walkaway = walkaways(sc, &candidates, input.confidence)?;
    let mut recommendation = recommend(sc, &sim, sweep.as_ref(), range, input.score.as_ref());
    recommendation.counter_offers = walkaway.iter().map(|r| super::words::counter_offer(sc, r)).collect();
    let cost_boxes = cost_boxes(&sim, &out);
    let fan = fan(sc, &out.monthly);
    let drivers = recommended_drivers(sc, &plan, &out, &recommendation, at_level.as_deref());
    // Unmapping the per-path columns (16 MB for the example) takes the kernel
    // milliseconds that the brief need not wait for.
    std::thread::spawn(move || drop(out));
    Ok(Brief {
        currency: sc.catalog.currency.clone(),
        recommendation,
        cost_boxes,
        sweep,
        walkaway,
        sweep_note,
        fan,
        drivers,
        score: input.score,
        assumptions: describe(sc, &plan),
        reproducibility,
        warnings: sc.warnings.iter().chain(&input.notes).cloned().collect(),
        simulate: sim,
    })
}

/// What drives the cost of the recommended offer on the run's futures: its
/// cost per path as written, or `at_level` when the level comes from the
/// sweep, ranked by the run's recorded draws.
fn recommended_drivers(
    sc: &Scenario,
    plan: &Plan,
    out: &RunOutput,
    rec: &Recommendation,
    at_level: Option<&[f64]>,
) -> Option<super::drivers::Drivers> {
    let cost = match (rec.level_from_sweep, at_level) {
        (true, Some(cost)) => cost,
        (true, None) => return None,
        (false, _) => &out.offers[sc.offers.iter().position(|o| o.name == rec.offer)?].cost,
    };
    let base = &out.offers[sc.risk.baseline].cost;
    super::drivers::from_report(&sensitivity::report(sc, plan, &out.draws, base, cost, &rec.offer))
}

/// The sweep report from `run` (levels at `offset`) and the saving's p5 and
/// p95 at the recommended level.
fn sweep_report(
    sc: &Scenario,
    plan: &Plan,
    layout: &SweepLayout,
    run: &RunOutput,
    offset: usize,
    base: &[f64],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SweepResult> {
    let report = layout.report(sc, plan, run, offset, base, progress)?;
    let at = report.recommended.and_then(|l| layout.levels.iter().position(|&x| x == l));
    let range = at.map(|k| {
        let savings: Vec<f64> = base.iter().zip(&run.offers[offset + k].cost).map(|(b, c)| b - c).collect();
        let q = percentiles(&savings, &[5.0, 95.0]);
        (q[0], q[1])
    });
    Ok((Some(report), range, at.map(|k| run.offers[offset + k].cost.clone())))
}

/// The walk-away point of each candidate (commit or provisioned offer)
/// against the baseline: `walkaway`'s own computation with its default
/// levels, on the same futures (same seed, same paths), so the brief quotes
/// the command's numbers to the last digit.
fn walkaways(sc: &Scenario, candidates: &[usize], confidence: f64) -> Result<Vec<WalkawayReport>> {
    candidates
        .iter()
        .map(|&i| {
            let req = WalkawayRequest { offer: &sc.offers[i].name, against: None, confidence, levels: Levels::Default };
            walkaway(sc, &req, &|_| {})
        })
        .collect()
}

/// Paths of the guess: the run's first paths, enough to tell offers apart
/// whose savings differ by more than a few percent of cost.
const GUESS_PATHS: u64 = 256;

/// The candidate with the highest expected saving on the run's first
/// [`GUESS_PATHS`] paths (the first on ties); `None` without candidates.
fn guess_best(
    sc: &Scenario,
    plan: &Plan,
    candidates: &[usize],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Option<usize>> {
    if candidates.len() <= 1 {
        return Ok(candidates.first().copied());
    }
    let mut first = plan.clone();
    first.paths = sc.paths.min(GUESS_PATHS);
    let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
    offers.extend(candidates.iter().map(|&i| (sc.offers[i].clone(), Keep::Cost, RiskRule::None)));
    let out = run_offers(sc, &first, &offers, false, progress)?;
    let base = mean(&out.offers[0].cost);
    let saving = |k: usize| base - mean(&out.offers[k + 1].cost);
    let mut best = 0;
    for k in 1..candidates.len() {
        if saving(k) > saving(best) {
            best = k;
        }
    }
    Ok(Some(candidates[best]))
}

/// The candidate with the highest expected saving in the full run (the first on ties).
fn best_candidate(sim: &SimulateReport, candidates: &[usize]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &i in candidates {
        if best.is_none_or(|b| sim.offers[i].savings.mean > sim.offers[b].savings.mean) {
            best = Some(i);
        }
    }
    best
}

fn sweep_note(sc: &Scenario, asked: bool, sweep: Option<&SweepReport>, sim: &SimulateReport) -> String {
    match sweep {
        None => "The scenario has no commit or provisioned offer, so there is no commitment level to choose; \
                 every offer is pay as you go."
            .into(),
        Some(s) if asked => format!("The sweep re-bills {} at each level, as asked with --offer.", s.offer),
        Some(s) => {
            let saving = sim.offers.iter().find(|o| o.name == s.offer).map_or(f64::NAN, |o| o.savings.mean);
            format!(
                "The sweep re-bills {}, the commit or provisioned offer with the highest expected saving as written \
                 ({}), at each level. Choose another with --offer.",
                s.offer,
                money(saving, &sc.catalog.currency)
            )
        }
    }
}

fn cost_boxes(sim: &SimulateReport, out: &RunOutput) -> Vec<CostBox> {
    sim.offers
        .par_iter()
        .zip(out.offers.par_iter())
        .map(|(o, p)| {
            let q = percentiles(&p.cost, &[25.0, 75.0]);
            CostBox {
                name: o.name.clone(),
                p5: o.cost.p5,
                p25: q[0],
                p50: o.cost.p50,
                p75: q[1],
                p95: o.cost.p95,
                mean: o.cost.mean,
            }
        })
        .collect()
}

/// Quantiles of each month's total tokens over the paths (as `forecast`'s
/// `total`), and the history of the workloads that have one.
fn fan(sc: &Scenario, monthly: &[f64]) -> Fan {
    let h = sc.horizon;
    let n = monthly.len() / h.max(1);
    // One key buffer per worker, reused month after month.
    let stats: Vec<[f64; 6]> = (0..h)
        .into_par_iter()
        .map_init(Vec::new, |keys, t| {
            let column = || (0..n).map(|i| monthly[i * h + t]);
            let q = column_quantiles(column(), n, &[5.0, 10.0, 50.0, 90.0, 95.0], keys);
            // The mean as `stats::mean` sums it: in path order.
            let m = if n == 0 { f64::NAN } else { column().sum::<f64>() / n as f64 };
            [q[0], q[1], q[2], q[3], q[4], m]
        })
        .collect();
    let pick = |k: usize| stats.iter().map(|c| c[k]).collect::<Vec<f64>>();
    let total = Bands { p5: pick(0), p10: pick(1), p50: pick(2), p90: pick(3), p95: pick(4), mean: pick(5) };
    let mut hist: std::collections::BTreeMap<crate::spec::Month, f64> = Default::default();
    for w in &sc.workloads {
        for (m, v) in w.history.iter().flatten() {
            *hist.entry(*m).or_default() += v;
        }
    }
    let history_partial =
        !hist.is_empty() && (sc.workloads.iter().any(|w| w.history.is_none()) || !sc.events.is_empty());
    Fan {
        months: (0..h).map(|t| sc.start.plus(t as i32).to_string()).collect(),
        total,
        history: hist.into_iter().map(|(m, tokens)| HistoryPoint { month: m.to_string(), tokens }).collect(),
        history_partial,
    }
}

/// The same numbers as [`crate::analysis::stats::percentiles`] (type 7) of
/// the `n` values of `col`, found faster: the order statistics they need are
/// selected in one recursive pass over integer keys that sort like the
/// floats (`f64::total_cmp`'s order).
fn column_quantiles(col: impl Iterator<Item = f64>, n: usize, qs: &[f64], keys: &mut Vec<i64>) -> Vec<f64> {
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    let key = |x: f64| {
        let b = x.to_bits() as i64;
        b ^ ((((b >> 63) as u64) >> 1) as i64)
    };
    let unkey = |k: i64| f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64);
    keys.clear();
    keys.extend(col.map(key));
    let mut ranks: Vec<usize> = Vec::new();
    for &q in qs {
        let lo = (q / 100.0 * (n - 1) as f64).floor() as usize;
        ranks.push(lo);
        ranks.push((lo + 1).min(n - 1));
    }
    ranks.sort_unstable();
    ranks.dedup();
    let mut found = vec![0i64; ranks.len()];
    select_ranks(keys, 0, &ranks, &mut found);
    let at = |r: usize| unkey(found[ranks.binary_search(&r).expect("rank selected")]);
    qs.iter()
        .map(|&q| {
            let pos = q / 100.0 * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let frac = pos - lo as f64;
            let a = at(lo);
            let b = if frac > 0.0 && lo + 1 < n { at(lo + 1) } else { a };
            a + frac * (b - a)
        })
        .collect()
}

/// Puts into `out[i]` the `ranks[i]`-th smallest of `v` (whose first element
/// has rank `offset`): select the middle rank, then recurse on each side.
fn select_ranks(v: &mut [i64], offset: usize, ranks: &[usize], out: &mut [i64]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid];
    let (left, m, right) = v.select_nth_unstable(r - offset);
    out[mid] = *m;
    let (out_left, out_right) = out.split_at_mut(mid);
    select_ranks(left, offset, &ranks[..mid], out_left);
    select_ranks(right, r + 1, &ranks[mid + 1..], &mut out_right[1..]);
}

/// One way to sign: an offer as written, or the swept offer at its recommended level.
struct Choice {
    offer: usize,
    level: Option<f64>,
    from_sweep: bool,
    mean: f64,
    p5: f64,
    p95: f64,
    pover: Option<f64>,
    ploss: f64,
}

fn choices(sc: &Scenario, sim: &SimulateReport, sweep: Option<&SweepReport>, range: Option<(f64, f64)>) -> Vec<Choice> {
    let mut out: Vec<Choice> = sc
        .offers
        .iter()
        .zip(&sim.offers)
        .enumerate()
        .map(|(i, (o, r))| Choice {
            offer: i,
            level: (!matches!(o.kind, OfferKind::Payg(_))).then(|| current_level(o, sc.horizon)),
            from_sweep: false,
            mean: r.savings.mean,
            p5: r.savings.p5,
            p95: r.savings.p95,
            pover: r.commitment.as_ref().map(|c| c.prob_overcommit),
            ploss: r.savings.prob_negative,
        })
        .collect();
    if let (Some(s), Some((p5, p95))) = (sweep, range) {
        let at = s.recommended.and_then(|l| s.levels.iter().find(|x| x.level == l)).filter(|l| l.level > 0.0);
        if let (Some(l), Some(i)) = (at, sc.offers.iter().position(|o| o.name == s.offer)) {
            out.push(Choice {
                offer: i,
                level: Some(l.level),
                from_sweep: true,
                mean: l.savings_mean,
                p5,
                p95,
                pover: Some(l.prob_overcommit),
                ploss: l.prob_negative,
            });
        }
    }
    out
}

/// The recommended choice: the highest expected saving among those within the
/// risk limit (all of them when none is); the first on ties.
fn pick(choices: &[Choice], limit: f64) -> usize {
    let within = |c: &Choice| c.pover.is_none_or(|p| p <= limit);
    let pool: Vec<usize> = if choices.iter().any(within) {
        (0..choices.len()).filter(|&i| within(&choices[i])).collect()
    } else {
        (0..choices.len()).collect()
    };
    let mut best = pool[0];
    for &i in &pool[1..] {
        if choices[i].mean > choices[best].mean {
            best = i;
        }
    }
    best
}

fn recommend(
    sc: &Scenario,
    sim: &SimulateReport,
    sweep: Option<&SweepReport>,
    range: Option<(f64, f64)>,
    score: Option<&ScoreReport>,
) -> Recommendation {
    let all = choices(sc, sim, sweep, range);
    let c = &all[pick(&all, sc.risk.max_overcommit_probability)];
    let top_lever = top_lever(sweep);
    let first_asks = first_asks(score);
    let mut text =
        super::words::choice_sentence(sc, c.offer, c.level, c.from_sweep, (c.mean, c.p5, c.p95), c.pover, c.ploss);
    if let Some(alt) = all.iter().find(|a| a.from_sweep).filter(|_| !c.from_sweep) {
        text.push(' ');
        text.push_str(&super::words::commit_alternative(
            sc,
            alt.offer,
            alt.level,
            (alt.mean, alt.p5, alt.p95),
            alt.pover,
        ));
    } else if let Some(s) = sweep.filter(|_| !c.from_sweep) {
        text.push(' ');
        text.push_str(&super::words::no_commitment(s, sc));
    }
    text.push_str(&super::words::asks_sentence(sc, top_lever.as_ref(), sweep, &first_asks, score));
    Recommendation {
        offer: sc.offers[c.offer].name.clone(),
        kind: sc.offers[c.offer].kind.name().into(),
        level: c.level,
        level_from_sweep: c.from_sweep,
        saving_mean: c.mean,
        saving_p5: c.p5,
        saving_p95: c.p95,
        prob_overcommit: c.pover,
        prob_loss: c.ploss,
        top_lever,
        first_asks,
        text,
        counter_offers: Vec::new(),
    }
}

/// The lever worth most at the sweep's level, when one saves money.
fn top_lever(sweep: Option<&SweepReport>) -> Option<TopLever> {
    let s = sweep?;
    s.levers.first().filter(|l| l.cost_mean_change < 0.0).map(|l| TopLever {
        id: l.id.clone(),
        label: l.label.clone(),
        offer: s.offer.clone(),
        saving: -l.cost_mean_change,
    })
}

/// Each contract's first ranked ask.
fn first_asks(score: Option<&ScoreReport>) -> Vec<FirstAsk> {
    let Some(r) = score else { return Vec::new() };
    r.contracts
        .iter()
        .filter_map(|k| {
            let a = k.asks.first()?;
            Some(FirstAsk { vendor: k.vendor.clone(), id: a.id.clone(), ask: a.ask.clone(), blocked: k.blocked })
        })
        .collect()
}

/// `12.3%` for the risk limit in sentences.
pub(super) fn limit_text(sc: &Scenario) -> String {
    pct(sc.risk.max_overcommit_probability)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(paths: u64) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example.toml");
        Scenario::load(&path, crate::scenario::Overrides { paths: Some(paths), seed: Some(3) }).unwrap()
    }

    fn input(sc: &Scenario) -> BriefInput<'_> {
        BriefInput {
            scenario: sc,
            offer: None,
            score: None,
            contracts: vec![],
            checklist: None,
            command: String::new(),
            notes: vec![],
            confidence: 0.9,
        }
    }

    #[test]
    fn a_wrong_guess_is_corrected_on_the_same_futures() {
        let sc = example(1500);
        let right = build(input(&sc), &|_| {}).unwrap();
        let swept = right.sweep.as_ref().unwrap().offer.clone();
        let other = sc.offers.iter().position(|o| o.name != swept && o.kind.name() != "payg").unwrap();
        let corrected = build_guessing(input(&sc), Some(other), &|_| {}).unwrap();
        assert_eq!(corrected.sweep, right.sweep, "the same sweep, to the last digit");
        assert_eq!(corrected.recommendation, right.recommendation);
        assert_eq!(corrected.fan, right.fan);
    }

    #[test]
    fn column_quantiles_are_the_type_7_percentiles() {
        let mut x: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 5003) as f64 * 1.5e9 + (i % 7) as f64).collect();
        x.extend([0.0, 0.0, 3.0e12, 1e-300]);
        let qs = [5.0, 10.0, 50.0, 90.0, 95.0];
        let mut keys = Vec::new();
        assert_eq!(column_quantiles(x.iter().copied(), x.len(), &qs, &mut keys), percentiles(&x, &qs));
        for n in [1, 2, 3, 10, 21] {
            let y: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64).collect();
            assert_eq!(column_quantiles(y.iter().copied(), n, &qs, &mut keys), percentiles(&y, &qs), "n = {n}");
        }
        let signed = [-2.0, 5.0, -0.0, 0.0, 3.5, -7.25, 1.0];
        assert_eq!(column_quantiles(signed.iter().copied(), signed.len(), &qs, &mut keys), percentiles(&signed, &qs));
        assert!(column_quantiles(std::iter::empty(), 0, &qs, &mut keys).iter().all(|v| v.is_nan()));
    }
}
