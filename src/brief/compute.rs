//! Computing the brief in one pass over the futures.
//!
//! The run bills the scenario's offers (everything kept per path, as
//! `simulate` does) followed by every commit and provisioned offer at every
//! level of its default sweep (cost and risk per path, as `sweep` does), and
//! keeps each path's total tokens by month for the forecast fan.
//! [`simulate::report`] reads the first `offers.len()` billers and
//! [`SweepLayout::report`] each sweep's, then refines its recommended level
//! to a figure to propose and values the levers in small passes over the
//! offer's scope. Same seed, same paths, same billing: the numbers are those
//! of `simulate`, `sweep` and `forecast`.
//!
//! The recommendation is the choice with the highest expected saving within
//! the risk limit among every offer as written and every commitment at its
//! proposed figure (docs/brief.md): the best deal may be an offer that loses
//! as written. `--offer` limits the sweep to one offer.

use std::path::Path;

use rayon::prelude::*;

use super::assumptions::{describe, reproducibility, ChecklistSource};
use super::{Brief, CostBox, Fan, FirstAsk, Recommendation, RightSized, TopLever};
use crate::analysis::forecast::{Bands, HistoryPoint};
use crate::analysis::sensitivity;
use crate::analysis::simulate::{self, SimulateReport};
use crate::analysis::stats::percentiles;
use crate::analysis::sweep::{
    as_written_rule, current_level, find_offer, run_offers_with, Levels, SweepLayout, SweepReport,
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
    /// The date the brief is written (`YYYY-MM-DD`).
    pub written: String,
    /// A confidentiality line for the title and every page.
    pub confidential: Option<String>,
}

/// Builds the brief: one run, the reports, the fan, the recommendation.
pub fn build(input: BriefInput, progress: &(dyn Fn(u64) + Sync)) -> Result<Brief> {
    let sc = input.scenario;
    // Hash the inputs first: a file that vanished fails before any simulation.
    let reproducibility = reproducibility(sc, &input.contracts, input.checklist, input.command.clone())?;
    let plan = Plan::new(sc);
    let candidates: Vec<usize> =
        (0..sc.offers.len()).filter(|&i| !matches!(sc.offers[i].kind, OfferKind::Payg(_))).collect();
    let asked = input.offer.map(|n| find_offer(sc, n)).transpose()?;
    // Every commitment is swept (or the one asked for): the best deal may be
    // an offer that loses as written.
    let swept: Vec<usize> = asked.map_or_else(|| candidates.clone(), |i| vec![i]);
    let layouts: Vec<SweepLayout> =
        swept.iter().map(|&i| SweepLayout::new(sc, &plan, i, &Levels::Default)).collect::<Result<_>>()?;
    let mut offers: Vec<_> = sc.offers.iter().map(|o| (o.clone(), Keep::All, RiskRule::None)).collect();
    // A reservation as written over-commits as its sweep's levels do: its
    // utilisation below the break-even, from its sweep's pilot (the same as
    // `simulate`'s); a reservation not swept (`--offer`) gets its own pilot.
    let break_even: Vec<Option<f64>> = (0..sc.offers.len())
        .map(|i| {
            let rule = match swept.iter().position(|&j| j == i) {
                Some(k) => layouts[k].rule_for(sc, &sc.offers[i]),
                None if matches!(sc.offers[i].kind, OfferKind::Provisioned(_)) => as_written_rule(sc, &plan, i),
                None => RiskRule::None,
            };
            match rule {
                RiskRule::UtilBelow(u) => Some(u),
                _ => None,
            }
        })
        .collect();
    let mut offsets = Vec::new();
    for l in &layouts {
        offsets.push(offers.len());
        offers.extend(l.specs());
    }
    // Recording each path's input draws costs little and gives the tornado.
    let out = run_offers_with(sc, &plan, &offers, true, true, progress)?;
    out.check_finite(sc)?;
    let sim = simulate::report(sc, &out, &break_even);
    let base = &out.offers[sc.risk.baseline].cost;
    let mut sim = sim;
    simulate::attach_limits(sc, &plan, &mut sim)?;
    let limit_notes = crate::report::limit_notes(&sim);
    sim.portfolios = crate::analysis::portfolio::results(sc, &plan, base, &|_| {})?;
    let sweeps: Vec<SweepReport> = layouts
        .iter()
        .zip(&offsets)
        .map(|(l, &off)| l.report(sc, &plan, &out, off, base, progress))
        .collect::<Result<_>>()?;
    let walkaway = walkaways(sc, &candidates, input.confidence)?;
    let all = choices(sc, &sim, &sweeps);
    let picked = pick(&all, sc.risk.max_overcommit_probability);
    // The sweep shown: the recommended offer's, else the best right-sized commitment's.
    let shown = match &all[picked] {
        c if c.from_sweep => sweeps.iter().position(|s| s.offer == sc.offers[c.offer].name),
        _ => best_right_sized(&all).and_then(|k| sweeps.iter().position(|s| s.offer == sc.offers[all[k].offer].name)),
    }
    .or(if sweeps.is_empty() { None } else { Some(0) });
    let sweep = shown.map(|k| sweeps[k].clone());
    let mut recommendation = recommend(sc, &all, picked, sweep.as_ref(), input.score.as_ref());
    recommendation.counter_offers = walkaway.iter().map(|r| super::words::counter_offer(sc, r)).collect();
    // Whether the sweep shown is that of a commitment whose right-sized figure commits something.
    let shown_saves = sweep.as_ref().is_some_and(|s| s.recommend.as_ref().is_some_and(|r| r.level > 0.0));
    let sweep_note = sweep_note(sc, asked.is_some(), sweep.as_ref(), &sim, shown_saves);
    let mixes = mixes(sc, &sim, progress)?;
    let right_sized = right_sized(sc, &sweeps);
    let lever_notes = sweep.as_ref().map_or_else(Vec::new, |s| super::words::lever_notes(sc, s));
    let saving_boxes = saving_boxes(sc, &sim, &out);
    let fan = fan(sc, &out.monthly);
    // The same pass `forecast` makes: the same paths, the same numbers.
    let spend = if crate::analysis::spend::priced(sc) {
        Some(crate::analysis::spend::measure(sc, &plan, &|_| {})?)
    } else {
        None
    };
    let at_level = shown.map(|k| sweeps[k].proposed_cost.as_slice()).filter(|c| !c.is_empty());
    let drivers = recommended_drivers(sc, &plan, &out, &recommendation, at_level);
    // Unmapping the per-path columns (16 MB for the example) takes the kernel
    // milliseconds that the brief need not wait for.
    std::thread::spawn(move || drop(out));
    Ok(Brief {
        currency: sc.catalog.currency.clone(),
        written: input.written,
        confidential: input.confidential,
        recommendation,
        saving_boxes,
        sweep,
        right_sized,
        lever_notes,
        walkaway,
        mixes,
        sweep_note,
        limit_notes,
        fan,
        spend,
        drivers,
        score: input.score,
        assumptions: describe(sc, &plan),
        reproducibility,
        warnings: sc.warnings.iter().chain(&input.notes).cloned().collect(),
        simulate: sim,
    })
}

/// Every portfolio of the scenario optimised at the scenario's risk limit,
/// as `optimize` does it (its own passes, the same seed and paths).
fn mixes(sc: &Scenario, sim: &SimulateReport, progress: &(dyn Fn(u64) + Sync)) -> Result<Vec<super::Mix>> {
    sc.portfolios
        .iter()
        .map(|p| {
            let r = crate::analysis::optimize::optimize(sc, &p.name, sc.risk.max_overcommit_probability, progress)?;
            let written = sim.portfolios.iter().find(|o| o.name == p.name);
            Ok(super::Mix {
                units: r.units.clone(),
                as_written_cost_mean: written.map_or(f64::NAN, |o| o.cost.mean),
                as_written_cost_cvar95: written.map_or(f64::NAN, |o| o.cost.cvar95),
                optimize: r,
            })
        })
        .collect()
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

/// Each swept commitment at the figure its sweep proposes.
fn right_sized(sc: &Scenario, sweeps: &[SweepReport]) -> Vec<RightSized> {
    sweeps
        .iter()
        .filter_map(|s| {
            let o = sc.offers.iter().find(|o| o.name == s.offer)?;
            let r = s.recommend.as_ref();
            Some(RightSized {
                offer: s.offer.clone(),
                kind: o.kind.name().into(),
                vendor: vendor_of(sc, o),
                offered_level: current_level(o, sc.horizon),
                level: r.map(|r| r.level),
                level_unit: s.level_unit.clone(),
                period_months: s.period_months,
                saving_mean: r.map(|r| r.at.savings_mean),
                saving_std_error: r.map(|r| r.at.savings_std_error),
                prob_overcommit: r.map(|r| r.at.prob_overcommit),
                prob_loss: r.map(|r| r.at.prob_negative),
                rounding_cost: r.map(|r| r.rounding_cost),
            })
        })
        .collect()
}

/// The providers whose usage `o` covers, in catalog order: one vendor's
/// name, or several joined with " + ".
pub fn vendor_of(sc: &Scenario, o: &crate::spec::offer::Offer) -> String {
    let mut names: Vec<&str> = Vec::new();
    for w in &sc.workloads {
        let Some(m) = sc.catalog.models.get(w.model) else { continue };
        if o.scope.covers(&m.provider, &m.id, &w.name) && !names.contains(&m.provider.as_str()) {
            names.push(&m.provider);
        }
    }
    names.join(" + ")
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

fn sweep_note(sc: &Scenario, asked: bool, sweep: Option<&SweepReport>, sim: &SimulateReport, saves: bool) -> String {
    match sweep {
        None => "The scenario has no commit or provisioned offer, so there is no commitment level to choose; \
                 every offer is pay as you go."
            .into(),
        Some(s) if asked => format!("The sweep re-bills {} at each level, as asked.", s.offer),
        Some(s) if !saves => format!(
            "Every commitment on offer was re-billed at each level on the same futures; none saves at a level \
             within the risk limit that commits something. This is {}'s.",
            s.offer
        ),
        Some(s) => {
            let saving = sim.offers.iter().find(|o| o.name == s.offer).map_or(f64::NAN, |o| o.savings.mean);
            format!(
                "Every commitment on offer was re-billed at each level on the same futures; this is {}, the one \
                 whose right-sized level saves most (as written it saves {}).",
                s.offer,
                money(saving, &sc.catalog.currency)
            )
        }
    }
}

/// Each offer's saving against the baseline, path by path, as a box: its
/// p5 and p95 (those of `simulate`), p25, p50 and p75 (type 7) and mean.
fn saving_boxes(sc: &Scenario, sim: &SimulateReport, out: &RunOutput) -> Vec<CostBox> {
    let base = &out.offers[sc.risk.baseline].cost;
    sim.offers
        .par_iter()
        .zip(out.offers.par_iter())
        .map(|(o, p)| {
            let savings: Vec<f64> = base.iter().zip(&p.cost).map(|(b, c)| b - c).collect();
            let q = percentiles(&savings, &[25.0, 50.0, 75.0]);
            CostBox {
                name: o.name.clone(),
                p5: o.savings.p5,
                p25: q[0],
                p50: q[1],
                p75: q[2],
                p95: o.savings.p95,
                mean: o.savings.mean,
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
    let backtest = crate::analysis::backtest::check_history(sc)
        .map(|c| crate::analysis::backtest::HistoryCheck { calibrated: sc.calibrate, ..c });
    Fan {
        months: (0..h).map(|t| sc.start.plus(t as i32).to_string()).collect(),
        total,
        history: hist.into_iter().map(|(m, tokens)| HistoryPoint { month: m.to_string(), tokens }).collect(),
        history_partial,
        backtest_words: backtest.as_ref().map(crate::report::history_check_words),
        backtest,
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

/// One way to sign: an offer as written, or a swept offer at the figure its sweep proposes.
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

/// The offers as written (a reservation's over-commitment as its sweep
/// counts it), then each swept offer at its proposed figure when that
/// commits something.
fn choices(sc: &Scenario, sim: &SimulateReport, sweeps: &[SweepReport]) -> Vec<Choice> {
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
            pover: r
                .commitment
                .as_ref()
                .map(|c| c.prob_overcommit)
                .or_else(|| r.provisioned.as_ref().and_then(|p| p.prob_overcommit)),
            ploss: r.savings.prob_negative,
        })
        .collect();
    for s in sweeps {
        let (Some(r), Some(i)) = (&s.recommend, sc.offers.iter().position(|o| o.name == s.offer)) else { continue };
        if r.level > 0.0 {
            out.push(Choice {
                offer: i,
                level: Some(r.level),
                from_sweep: true,
                mean: r.at.savings_mean,
                p5: r.savings_p5,
                p95: r.savings_p95,
                pover: Some(r.at.prob_overcommit),
                ploss: r.at.prob_negative,
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

/// The right-sized commitment with the highest expected saving.
fn best_right_sized(choices: &[Choice]) -> Option<usize> {
    (0..choices.len()).filter(|&i| choices[i].from_sweep).max_by(|&a, &b| choices[a].mean.total_cmp(&choices[b].mean))
}

/// Per vendor (the providers an offer covers; offers covering several are
/// left out), the choice within the risk limit with the highest expected
/// saving, when it saves: `(vendor, index into choices)`, in catalog order.
fn by_vendor(sc: &Scenario, choices: &[Choice]) -> Vec<(String, usize)> {
    let limit = sc.risk.max_overcommit_probability;
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, c) in choices.iter().enumerate() {
        if c.offer == sc.risk.baseline || c.mean <= 0.0 || c.pover.is_some_and(|p| p > limit) {
            continue;
        }
        let v = vendor_of(sc, &sc.offers[c.offer]);
        if v.is_empty() || v.contains(" + ") {
            continue;
        }
        match out.iter_mut().find(|(name, _)| *name == v) {
            Some(e) if choices[e.1].mean < c.mean => e.1 = i,
            Some(_) => {}
            None => out.push((v, i)),
        }
    }
    out
}

/// The best choice that commits nothing: a pay-as-you-go offer as written
/// (a reservation whose risk could not be counted commits all the same).
fn best_uncommitted(sc: &Scenario, choices: &[Choice]) -> Option<usize> {
    (0..choices.len())
        .filter(|&i| !choices[i].from_sweep && matches!(sc.offers[choices[i].offer].kind, OfferKind::Payg(_)))
        .max_by(|&a, &b| choices[a].mean.total_cmp(&choices[b].mean))
}

fn recommend(
    sc: &Scenario,
    all: &[Choice],
    picked: usize,
    sweep: Option<&SweepReport>,
    score: Option<&ScoreReport>,
) -> Recommendation {
    let c = &all[picked];
    let top_lever = top_lever(sweep);
    let first_asks = first_asks(score);
    let mut text =
        super::words::choice_sentence(sc, c.offer, c.level, c.from_sweep, (c.mean, c.p5, c.p95), c.pover, c.ploss);
    let cur = &sc.catalog.currency;
    let mut alternative = None;
    if c.pover.is_some() {
        // A commitment: what a buyer who wants none should take instead.
        if let Some(u) = best_uncommitted(sc, all).filter(|&u| u != picked && all[u].offer != sc.risk.baseline) {
            let u = &all[u];
            text.push(' ');
            text.push_str(&super::words::uncommitted_alternative(sc, u.offer, (u.mean, u.p5, u.p95)));
            alternative = Some(format!(
                "Without a commitment: {} saves {} on average.",
                sc.offers[u.offer].name,
                money(u.mean, cur)
            ));
        }
    } else if let Some(alt) = best_right_sized(all) {
        let alt = &all[alt];
        text.push(' ');
        text.push_str(&super::words::commit_alternative(
            sc,
            alt.offer,
            alt.level,
            (alt.mean, alt.p5, alt.p95),
            alt.pover,
        ));
        let o = &sc.offers[alt.offer];
        alternative = Some(format!(
            "To commit instead: {} right-sized to {} saves {} on average, with a {} probability of over-commitment.",
            o.name,
            alt.level.map_or_else(String::new, |l| super::words::level_text(o, l, cur)),
            money(alt.mean, cur),
            pct(alt.pover.unwrap_or(0.0))
        ));
    } else if let Some(s) = sweep {
        text.push(' ');
        text.push_str(&super::words::no_commitment(s, sc));
    }
    let by_vendor = by_vendor(sc, all);
    // With offers from several vendors, the choice per vendor is the alternative worth a line.
    if by_vendor.len() > 1 {
        alternative = None;
    }
    let summary = super::words::summary(
        sc,
        c.offer,
        c.level,
        c.from_sweep,
        (c.mean, c.p5, c.p95),
        alternative,
        top_lever.as_ref(),
        &first_asks,
        score,
    );
    let mut summary = summary;
    if by_vendor.len() > 1 {
        let each: Vec<String> = by_vendor
            .iter()
            .map(|v| {
                let o = &sc.offers[all[v.1].offer];
                let at = match (all[v.1].level, all[v.1].from_sweep) {
                    (Some(l), _) => format!(" at {}", super::words::level_text(o, l, cur)),
                    (None, _) => String::new(),
                };
                format!("{}: {}{at} (saves {})", v.0, o.name, money(all[v.1].mean, cur))
            })
            .collect();
        summary.insert(1, format!("By vendor, each on its own usage: {}.", each.join("; ")));
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
        summary,
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
