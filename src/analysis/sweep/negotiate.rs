//! The recommended level made negotiable: refined between the grid levels
//! around it on the same futures, then rounded to a figure a negotiator
//! proposes (two significant figures, a discount tier's threshold, or whole
//! purchasable units), with what the rounding costs. See docs/sweep.md,
//! "From the grid to a figure to propose".

use super::*;

/// Intervals of the fine grid between the recommended level's neighbours.
pub const REFINE_STEPS: usize = 32;

/// The most unit counts billed in a reservation's refinement.
const MAX_UNITS: usize = 64;

/// The figure to propose, and how it was found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommend {
    /// The figure to propose (a level: amount per period, or units).
    pub level: f64,
    /// What bounds it: `risk_limit` (a higher level would save more but
    /// over-commit too often) or `lowest_cost`.
    pub bound: String,
    /// How `level` was rounded from `refined`: `two_significant_figures`,
    /// `tier_threshold`, `whole_units`, `no_commitment` (the figure is 0:
    /// commit nothing, reserve nothing) or `none` (no round figure near the
    /// refined level is within the risk limit, so it is proposed as it is).
    pub rounding: String,
    /// The spacing of negotiable figures near `level` (a commit's two
    /// significant figures; a reservation's purchase increment).
    pub rounding_step: f64,
    /// Expected cost at `level` minus at the refined level (what rounding costs; 0 or more).
    pub rounding_cost: f64,
    /// The sweep's grid level it started from (`recommended`).
    pub grid_level: f64,
    /// The lowest expected cost within the risk limit among the levels billed
    /// between the grid levels around `grid_level`.
    pub refined: LevelResult,
    /// The figures at `level`.
    pub at: LevelResult,
    /// The 5th percentile of the saving at `level`.
    pub savings_p5: f64,
    /// The 95th percentile of the saving at `level`.
    pub savings_p95: f64,
    /// Levels billed in the refinement.
    pub levels_billed: usize,
}

/// The spacing of two-significant-figure numbers at `x` (> 0): 10,000 for 321,000.
pub fn round_step(x: f64) -> f64 {
    10f64.powf(x.log10().floor() - 1.0)
}

/// The multiples of the two-significant-figure spacing at `hi` from the
/// largest at or below `lo` to the smallest at or above `hi`: at most 102
/// figures, each with at most two significant figures. 0 (no commitment)
/// is a round figure when the range starts there.
fn round_figures(lo: f64, hi: f64) -> Vec<f64> {
    if hi.is_nan() || hi <= 0.0 {
        return Vec::new();
    }
    let s = round_step(hi);
    let first = (lo / s).floor().max(1.0) as u64;
    let last = (hi / s).ceil() as u64;
    let zero = (lo <= 0.0).then_some(0.0);
    zero.into_iter().chain((first..=last).map(|m| m as f64 * s)).collect()
}

/// The purchasable unit counts in `[lo, hi]` (every one, or an even stride
/// of at most [`MAX_UNITS`]); 0 (no reservation) is one when `lo` is 0,
/// whatever the minimum purchase.
fn unit_counts(lo: f64, hi: f64, min_units: f64, increment: f64) -> Vec<f64> {
    let zero = (lo <= 0.0 && hi >= 0.0).then_some(0.0);
    let first = (lo / increment).ceil().max((min_units / increment).ceil()).max(1.0);
    let last = (hi / increment).floor();
    if last < first {
        return zero.into_iter().collect();
    }
    let n = (last - first) as usize + 1;
    let stride = n.div_ceil(MAX_UNITS).max(1);
    zero.into_iter().chain((0..n).step_by(stride).map(|i| (first + i as f64) * increment)).collect()
}

/// What the refinement bills: the fine grid, the round figures and the
/// thresholds inside the bracket, each with its kind.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Fine,
    Round,
    Tier,
}

impl SweepLayout {
    /// The negotiable figure near the recommended level `results[k]`: the
    /// levels between its grid neighbours billed on the same futures (only
    /// the sources in the offer's scope are generated, each from its own
    /// stream, so the paths are the run's; what lies outside the scope is
    /// the same at every level and is carried over from `full`, the run's
    /// cost per path at the grid level).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn recommend(
        &self,
        sc: &Scenario,
        plan: &Plan,
        results: &[LevelResult],
        k: usize,
        full: &[f64],
        base: &[f64],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<(Recommend, Vec<f64>)> {
        let limit = sc.risk.max_overcommit_probability;
        let grid = self.levels[k];
        let lo = self.levels[k.saturating_sub(1)];
        let hi = self.levels[(k + 1).min(self.levels.len() - 1)];
        let mut cands: Vec<(f64, Kind)> = vec![(grid, Kind::Fine)];
        let provisioned = match &self.offer.kind {
            OfferKind::Provisioned(p) => Some(p),
            _ => None,
        };
        match provisioned {
            Some(p) => {
                cands.extend(unit_counts(lo, hi, p.min_units, p.increment).into_iter().map(|u| (u, Kind::Round)))
            }
            None if hi > lo => {
                cands.extend((0..=REFINE_STEPS).map(|i| (lo + (hi - lo) * i as f64 / REFINE_STEPS as f64, Kind::Fine)));
                cands.extend(round_figures(lo, hi).into_iter().map(|x| (x, Kind::Round)));
                let top = hi.max(grid);
                cands.extend(
                    tier_levels(&self.offer, top).into_iter().filter(|&(t, _)| t >= lo).map(|(t, _)| (t, Kind::Tier)),
                );
            }
            None => {}
        }
        // One biller per distinct level; a level both round and a threshold is a threshold.
        cands.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut levels: Vec<(f64, Kind)> = Vec::new();
        for (l, kind) in cands {
            if l > largest_level(&self.offer) {
                continue;
            }
            match levels.last_mut() {
                Some(last) if last.0 == l => {
                    if kind == Kind::Tier || (kind == Kind::Round && last.1 == Kind::Fine) {
                        last.1 = kind;
                    }
                }
                _ => levels.push((l, kind)),
            }
        }
        let variants: Vec<Offer> = levels.iter().map(|&(l, _)| at_level(&self.offer, l, sc.horizon)).collect();
        let specs: Vec<(Offer, Keep, RiskRule)> =
            variants.iter().map(|o| (o.clone(), Keep::CostSums, risk_rule(sc, o, &self.pilot))).collect();
        let sub = scope_plan(sc, plan, &self.offer);
        let out = run_offers(sc, &sub, &specs, false, progress)?;
        out.check_finite(sc)?;
        let g = levels.iter().position(|&(l, _)| l == grid).expect("the grid level is billed");
        // What the offer bills outside its scope, path by path (the same at every level).
        let outside: Vec<f64> = full.iter().zip(&out.offers[g].cost).map(|(f, s)| f - s).collect();
        let costs: Vec<Vec<f64>> =
            out.offers.par_iter().map(|p| p.cost.iter().zip(&outside).map(|(s, x)| s + x).collect()).collect();
        let mut rows: Vec<LevelResult> = variants
            .par_iter()
            .zip(&levels)
            .zip(out.offers.par_iter().zip(&costs))
            .map(|((o, &(l, _)), (p, cost))| {
                let paths =
                    OfferPaths { cost: cost.clone(), at_risk: p.at_risk, risk_sum: p.risk_sum, ..Default::default() };
                level_result(sc, o, l, &paths, base)
            })
            .collect();
        // The grid level's own figures are the sweep's.
        rows[g] = results[k].clone();
        let within = |i: usize| rows[i].prob_overcommit <= limit;
        let cheapest = |ok: &dyn Fn(usize) -> bool| {
            (0..rows.len()).filter(|&i| ok(i)).min_by(|&a, &b| rows[a].cost_mean.total_cmp(&rows[b].cost_mean))
        };
        let refined = cheapest(&within).unwrap_or(g);
        let any = cheapest(&|_| true).unwrap_or(g);
        let bound =
            if any != refined && rows[any].cost_mean < rows[refined].cost_mean { "risk_limit" } else { "lowest_cost" };
        let r = rows[refined].level;
        // The round figures on either side of the refined level, then any threshold in reach.
        let is = |i: usize, k: Kind| levels[i].1 == k && within(i);
        let below = (0..rows.len()).rfind(|&i| is(i, Kind::Round) && rows[i].level <= r);
        let above = (0..rows.len()).find(|&i| is(i, Kind::Round) && rows[i].level >= r);
        let mut pick = [below, above]
            .into_iter()
            .flatten()
            .min_by(|&a, &b| rows[a].cost_mean.total_cmp(&rows[b].cost_mean).then(a.cmp(&b)));
        let tier = (0..rows.len())
            .filter(|&i| is(i, Kind::Tier))
            .min_by(|&a, &b| rows[a].cost_mean.total_cmp(&rows[b].cost_mean));
        let mut rounding = if provisioned.is_some() { "whole_units" } else { "two_significant_figures" };
        if let Some(t) = tier {
            if pick.is_none_or(|p| rows[t].cost_mean <= rows[p].cost_mean) {
                pick = Some(t);
                rounding = "tier_threshold";
            }
        }
        // Without a round figure within the risk limit the refined level is proposed as it is.
        if pick.is_none() {
            rounding = "none";
        }
        let at = pick.unwrap_or(refined);
        if rows[at].level <= 0.0 {
            rounding = "no_commitment";
        }
        let step = match provisioned {
            _ if rounding == "no_commitment" || rounding == "none" => 0.0,
            Some(p) => p.increment,
            None => round_step(rows[at].level),
        };
        // The two levels reported are billed once more on the full plan, so
        // that their figures are those of `simulate` with the level written
        // in, to the last digit (the search's carried-over outside cost is
        // exact only up to rounding). The grid level's are the run's own.
        let mut cost = full.to_vec();
        let mut exact: Vec<usize> = [at, refined].into_iter().filter(|&i| i != g).collect();
        exact.dedup();
        if !exact.is_empty() {
            let specs: Vec<(Offer, Keep, RiskRule)> = exact.iter().map(|&i| specs[i].clone()).collect();
            let again = run_offers(sc, plan, &specs, false, progress)?;
            again.check_finite(sc)?;
            for (&i, p) in exact.iter().zip(&again.offers) {
                rows[i] = level_result(sc, &variants[i], levels[i].0, p, base);
                if i == at {
                    cost = p.cost.clone();
                }
            }
        }
        let savings: Vec<f64> = base.iter().zip(&cost).map(|(b, c)| b - c).collect();
        let q = percentiles(&savings, &[5.0, 95.0]);
        let rec = Recommend {
            level: rows[at].level,
            bound: bound.into(),
            rounding: rounding.into(),
            rounding_step: step,
            rounding_cost: (rows[at].cost_mean - rows[refined].cost_mean).max(0.0),
            grid_level: grid,
            refined: rows[refined].clone(),
            at: rows[at].clone(),
            levels_billed: levels.len(),
            savings_p5: q[0],
            savings_p95: q[1],
        };
        Ok((rec, cost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_figures_have_two_significant_figures_and_bracket_the_range() {
        assert_eq!(round_step(321_000.0), 10_000.0);
        assert_eq!(round_step(99_999.0), 1_000.0);
        assert_eq!(round_step(100_000.0), 10_000.0);
        assert_eq!(round_figures(297_000.0, 346_000.0), vec![290e3, 300e3, 310e3, 320e3, 330e3, 340e3, 350e3]);
        // The spacing is the top's: coarser figures below a power of ten.
        assert_eq!(round_figures(97_500.0, 103_000.0), vec![90e3, 100e3, 110e3]);
        // From 0, no commitment is a figure too.
        let from_zero = round_figures(0.0, 40_000.0);
        assert_eq!((from_zero.len(), from_zero[0], from_zero[1], from_zero[40]), (41, 0.0, 1e3, 40e3));
        assert!(round_figures(0.0, 0.0).is_empty());
    }

    #[test]
    fn unit_counts_are_purchasable() {
        assert_eq!(unit_counts(40.0, 60.0, 50.0, 5.0), vec![50.0, 55.0, 60.0]);
        assert_eq!(unit_counts(0.0, 3.0, 1.0, 1.0), vec![0.0, 1.0, 2.0, 3.0]);
        // No reservation is purchasable below the minimum purchase.
        assert_eq!(unit_counts(0.0, 40.0, 50.0, 5.0), vec![0.0]);
        assert!(unit_counts(61.0, 64.0, 50.0, 5.0).is_empty());
        let many = unit_counts(0.0, 1000.0, 1.0, 1.0);
        assert!(many.len() <= MAX_UNITS + 1 && many[0] == 0.0 && many[1] == 1.0, "{}", many.len());
    }
}
