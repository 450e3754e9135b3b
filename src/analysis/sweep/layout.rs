//! The sweep's run plan: which levels and levers are billed in the main
//! pass, from a prediction of the recommendation on a few hundred paths.

use super::*;

/// The billers of a sweep, appended to a run: every level, with its cost
/// and risk measure per path, then the levers at the level the first paths
/// predict will be recommended. When the full run recommends another level,
/// the levers are valued in a second, smaller pass ([`SweepLayout::levers`]).
pub struct SweepLayout {
    /// The offer swept.
    pub offer: Offer,
    /// The levels.
    pub levels: Vec<f64>,
    /// The offer at each level.
    pub variants: Vec<Offer>,
    /// What the pilot learned.
    pub pilot: Pilot,
    /// Each level's over-commitment rule.
    pub level_rules: Vec<RiskRule>,
    /// The levers at the predicted lever level, billed in the same run.
    pub predicted: Option<Predicted>,
}

/// Paths of the prediction: the run's first paths, billed at every level.
pub const PREDICT_PATHS: u64 = 512;

impl SweepLayout {
    /// Lays out the sweep of `offer` (index into `sc.offers`) at `levels`.
    pub fn new(sc: &Scenario, plan: &Plan, offer: usize, levels: &Levels) -> Result<SweepLayout> {
        let offer = sc.offers[offer].clone();
        let pilot = pilot(sc, plan, &offer);
        let levels = resolve_levels(sc, &offer, levels, &pilot)?;
        let variants: Vec<Offer> = levels.iter().map(|&l| at_level(&offer, l, sc.horizon)).collect();
        let level_rules = variants.iter().map(|o| risk_rule(sc, o, &pilot)).collect();
        let mut layout = SweepLayout { offer, levels, variants, pilot, level_rules, predicted: None };
        layout.predicted = Some(layout.predict(sc, plan)?);
        Ok(layout)
    }

    /// The offers and how to keep each, in layout order: the levels, then the
    /// predicted lever level's offer and its levers (sums only).
    pub fn specs(&self) -> Vec<(Offer, Keep, RiskRule)> {
        let mut out: Vec<_> = self.level_specs();
        if let Some(p) = &self.predicted {
            out.extend(p.offers().zip(&p.rules).map(|(o, r)| (o.clone(), Keep::Summary, *r)));
        }
        out
    }

    /// The over-commitment rule of `o` (the swept offer at some level), as the sweep's levels count it.
    pub fn rule_for(&self, sc: &Scenario, o: &Offer) -> RiskRule {
        risk_rule(sc, o, &self.pilot)
    }

    /// The levels' specs: cost per path, and their risk measure as sums under
    /// their over-commitment rule.
    fn level_specs(&self) -> Vec<(Offer, Keep, RiskRule)> {
        self.variants.iter().zip(&self.level_rules).map(|(o, r)| (o.clone(), Keep::CostSums, *r)).collect()
    }

    /// `base` (the offer at level `at`) and its levers, with their over-commitment rules.
    fn lever_set(&self, sc: &Scenario, at: f64, base: Offer) -> Predicted {
        let mut p = Predicted::new(at, base, sc.horizon);
        p.rules = p.offers().map(|o| risk_rule(sc, o, &self.pilot)).collect();
        p
    }

    /// Bills the baseline and every level on the run's first
    /// [`PREDICT_PATHS`] paths and predicts the level the levers will be
    /// valued at: the recommended level, or the offer's own when that is 0.
    fn predict(&self, sc: &Scenario, plan: &Plan) -> Result<Predicted> {
        let mut first = plan.clone();
        first.paths = sc.paths.min(PREDICT_PATHS);
        let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
        offers.extend(self.level_specs());
        let out = run_offers(sc, &first, &offers, false, &|_| {})?;
        let results = self.level_results(sc, &out, 1, &out.offers[0].cost);
        let (_, recommended) = choose(&results, sc.risk.max_overcommit_probability);
        let at = lever_level(&self.offer, recommended.map(|k| results[k].level), sc.horizon);
        Ok(self.lever_set(sc, at, at_level(&self.offer, at, sc.horizon)))
    }

    fn level_results(&self, sc: &Scenario, out: &RunOutput, offset: usize, base: &[f64]) -> Vec<LevelResult> {
        self.variants
            .par_iter()
            .zip(&self.levels)
            .zip(&out.offers[offset..offset + self.levels.len()])
            .map(|((o, &l), p)| level_result(sc, o, l, p, base))
            .collect()
    }

    /// The sweep report from a run whose billers `offset..` are [`Self::specs`];
    /// `base` is the baseline's cost per path.
    /// The levers are valued in a second pass over the same futures (see
    /// [`SweepLayout::levers`]).
    pub fn report(
        &self,
        sc: &Scenario,
        plan: &Plan,
        out: &RunOutput,
        offset: usize,
        base: &[f64],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<SweepReport> {
        let offer = &self.offer;
        let results = self.level_results(sc, out, offset, base);
        let limit = sc.risk.max_overcommit_probability;
        let (optimum, recommended) = choose(&results, limit);
        let (optimum, recommended) = (&results[optimum], recommended.map(|k| (k, &results[k])));
        let mut warnings = Vec::new();
        if recommended.is_none() {
            warnings.push(format!(
                "no level keeps the probability of over-commitment within {limit}; include lower levels"
            ));
        }
        let lever_level = lever_level(offer, recommended.map(|(_, r)| r.level), sc.horizon);
        let own = || crate::units::level(lever_level, level_unit(offer), &sc.catalog.currency);
        match recommended {
            Some((_, r)) if r.level > 0.0 => {}
            Some(_) => warnings.push(format!(
                "the recommended level is no commitment, where a concession is worth nothing; the levers are \
                 valued at the offer's own level, {}",
                own()
            )),
            None => warnings
                .push(format!("with no level recommended, the levers are valued at the offer's own level, {}", own())),
        }
        let newsvendor = newsvendor(sc, offer, &self.pilot, optimum.level);
        if let Some(n) = &newsvendor {
            if diverges(n.level, optimum.level, &self.levels) {
                warnings.push(format!(
                    "the unconstrained optimum ({}) and the newsvendor reference ({}) diverge: {}",
                    crate::units::level(optimum.level, level_unit(offer), &sc.catalog.currency),
                    crate::units::level(n.level, level_unit(offer), &sc.catalog.currency),
                    divergence_reason(offer)
                ));
            }
        }
        let (recommend, proposed_cost) = match recommended {
            Some((k, _)) => {
                let (r, cost) = self.recommend(sc, plan, &results, k, &out.offers[offset + k].cost, base, progress)?;
                (Some(r), cost)
            }
            None => (None, Vec::new()),
        };
        let rec_offer = at_level(offer, lever_level, sc.horizon);
        let levers = match &self.predicted {
            // The prediction held: the levers were billed in this run.
            Some(p) if p.at == lever_level => p.results(out, offset + self.levels.len()),
            _ => self.levers(sc, plan, &rec_offer, progress)?,
        };
        Ok(SweepReport {
            tool: "commitsim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: ScenarioInfo::of(sc),
            offer: offer.name.clone(),
            parameter: if matches!(offer.kind, OfferKind::Commit(_)) { "amount" } else { "units" }.into(),
            level_unit: level_unit(offer).into(),
            period_months: match &offer.kind {
                OfferKind::Commit(c) => Some(c.period_months),
                _ => None,
            },
            baseline: sc.offers[sc.risk.baseline].name.clone(),
            risk_limit: limit,
            recommended: recommended.map(|(_, r)| r.level),
            min_expected_cost: recommended.map(|(_, r)| r.cost_mean),
            recommend,
            proposed_cost,
            optimum: Optimum { level: optimum.level, cost_mean: optimum.cost_mean },
            newsvendor,
            break_even: break_even(&rec_offer, &self.pilot),
            levers_at: lever_level,
            levers,
            tiers: tier_steps(offer, &results),
            levels: results.clone(),
            warnings,
            currency: sc.catalog.currency.clone(),
        })
    }

    /// Values the levers of `base` (the offer at the level they are valued
    /// at): the offer and each concession billed on the same futures. Only
    /// the sources in the offer's scope are generated, each from its own
    /// random stream, so the paths are those of the full scenario; what lies
    /// outside the scope is the same for every variant and cancels in the
    /// changes. Each change is the difference of two means over the same
    /// paths, summed in the same order.
    pub fn levers(
        &self,
        sc: &Scenario,
        plan: &Plan,
        base: &Offer,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<LeverResult>> {
        let p = self.lever_set(sc, current_level(base, sc.horizon), base.clone());
        let sub = scope_plan(sc, plan, base);
        let offers: Vec<(Offer, Keep, RiskRule)> =
            p.offers().zip(&p.rules).map(|(o, r)| (o.clone(), Keep::Summary, *r)).collect();
        let out = run_offers(sc, &sub, &offers, false, progress)?;
        Ok(p.results(&out, 0))
    }
}

/// The tier cliffs among `results`: each threshold of `offer`'s tiers whose
/// level and the level just below it were both billed.
fn tier_steps(offer: &Offer, results: &[LevelResult]) -> Vec<TierStep> {
    let OfferKind::Commit(c) = &offer.kind else { return Vec::new() };
    let top = results.last().map_or(0.0, |r| r.level);
    let at = |x: f64| results.iter().find(|r| r.level == x);
    tier_levels(offer, top)
        .into_iter()
        .filter_map(|(t, b)| {
            let (hi, lo) = (at(t)?, at(b)?);
            Some(TierStep {
                threshold: t,
                discount: c.discount.at(t),
                below: b,
                discount_below: c.discount.at(b),
                cost_mean: hi.cost_mean,
                cost_mean_below: lo.cost_mean,
            })
        })
        .collect()
}
