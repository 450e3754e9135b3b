//! Compiling a scenario file into a [`Scenario`]: settings, workloads,
//! prices, offers and risk, each checked with errors that name the key.

use super::lint::{offer_warnings, stranding_warnings, usage_pairs, usage_warnings};
use super::*;
use crate::spec::sampling::Sampling;

pub(super) fn compile(path: &Path, raw: ScenarioFile, ov: Overrides) -> Result<Scenario> {
    let bad = |k: &str, m: String| Error::invalid(path, k, m);
    let mut warnings = Vec::new();
    if raw.name.trim().is_empty() {
        return Err(bad("name", "expected a non-empty scenario name".into()));
    }
    let start = Month::parse(&raw.start)
        .ok_or_else(|| bad("start", format!("expected a month as YYYY-MM, found `{}`", raw.start)))?;
    if !(1..=600).contains(&raw.horizon_months) {
        return Err(bad("horizon_months", format!("expected 1 to 600 months, found {}", raw.horizon_months)));
    }
    let horizon = raw.horizon_months as usize;
    if start.plus(raw.horizon_months as i32 - 1) > Month::LAST {
        return Err(bad(
            "horizon_months",
            format!(
                "{} months from {start} run past {}, the last month a report can name; start earlier or shorten the horizon",
                raw.horizon_months,
                Month::LAST
            ),
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let catalog_path = dir.join(&raw.catalog);
    if !catalog_path.is_file() {
        return Err(bad("catalog", format!("catalog file `{}` not found", catalog_path.display())));
    }
    let catalog = Catalog::load(&catalog_path)?;
    let mut inputs = vec![path.to_path_buf(), catalog_path];

    let fc = &raw.forecast;
    let correlation = unit_interval(fc.correlation.unwrap_or(0.0)).ok_or_else(|| {
        bad(
            "forecast.correlation",
            format!("expected a correlation in [0, 1], found {}", fc.correlation.unwrap_or(0.0)),
        )
    })?;
    let damping = fc.damping.unwrap_or(1.0);
    if !(damping.is_finite() && damping > 0.0 && damping <= 1.0) {
        return Err(bad("forecast.damping", format!("expected a factor in (0, 1], found {damping}")));
    }
    if let Some(g) = &fc.growth_annual {
        check_growth(g).map_err(|m| bad("forecast.growth_annual", m))?;
    }
    if let Some(v) = fc.volatility_monthly {
        check_volatility(v).map_err(|m| bad("forecast.volatility_monthly", m))?;
    }
    if let Some(m) = &fc.method {
        if !["auto", "drift"].contains(&m.as_str()) {
            return Err(bad("forecast.method", format!("expected `auto` or `drift`, found `{m}`")));
        }
    }

    let mut workloads = Vec::new();
    if let Some(h) = &raw.history {
        let fitted = history::workloads_from_history(path, h, &catalog, start, fc, &mut warnings)?;
        inputs.push(dir.join(&h.file));
        workloads.extend(fitted);
    }
    for (i, w) in raw.workloads.iter().enumerate() {
        workloads.push(compile_workload(path, i, w, &catalog, fc, &mut warnings)?);
    }
    for (i, w) in workloads.iter().enumerate() {
        if workloads[..i].iter().any(|o| o.name == w.name && o.model == w.model) {
            return Err(bad(
                &format!("workloads[{}].name", i),
                format!("workload `{}` on model `{}` appears twice", w.name, catalog.models[w.model].id),
            ));
        }
    }
    let events = events::compile_events(path, &fc.events, &catalog, start, &mut warnings)?;
    let routing = events::compile_routing(path, &fc.routing, &catalog, start)?;
    if workloads.is_empty() && events.is_empty() {
        return Err(bad("workloads", "the scenario has no usage: add [[workloads]] or a [history] file".into()));
    }

    let price_change = raw.prices.annual_change.clone().unwrap_or(Dist::Fixed(0.0));
    check_growth(&price_change).map_err(|m| bad("prices.annual_change", m.replace("growth", "price change")))?;
    let step_cut = match &raw.prices.step_cut {
        None => None,
        Some(s) => {
            unit_interval(s.annual_probability).ok_or_else(|| {
                bad(
                    "prices.step_cut.annual_probability",
                    format!("expected a probability in [0, 1], found {}", s.annual_probability),
                )
            })?;
            check_share_dist(&s.size).map_err(|m| bad("prices.step_cut.size", m))?;
            Some(StepCut { annual_probability: s.annual_probability, size: s.size.clone() })
        }
    };

    let (paths, seed) = simulation_settings(path, &raw, ov, horizon, workloads.len() + events.len())?;
    let sampling = sampling_setting(path, &raw, ov)?;
    let fiscal_year_start = match raw.simulation.fiscal_year_start {
        None => 1,
        Some(m @ 1..=12) => m as u32,
        Some(m) => {
            return Err(Error::invalid(
                path,
                "simulation.fiscal_year_start",
                format!("expected the fiscal year's first month, 1 (January) to 12 (December), found {m}"),
            ))
        }
    };
    let mut names: Vec<String> = workloads.iter().map(|w| w.name.clone()).collect();
    names.extend(events.iter().map(|e| e.workload.clone()));
    let offers = compile_offers(path, &raw, (start, horizon), &catalog, &names, &mut inputs)?;
    let risk = compile_risk(path, &raw, &offers)?;
    let portfolios = super::portfolio::compile(path, &raw.portfolios, &offers, horizon)?;
    warnings.extend(usage_warnings(&workloads, &events, &routing, &catalog, start, horizon));
    let pairs = usage_pairs(&workloads, &events, &routing, &catalog);
    warnings.extend(offer_warnings(&offers, &pairs, &catalog, horizon));
    warnings.extend(stranding_warnings(&offers, &pairs, &catalog, start, horizon));
    check_limits_used(path, &offers, &pairs, &workloads, &events, &catalog)?;
    for o in &offers {
        if let offer::OfferKind::Commit(c) = &o.kind {
            let covered = o.term_months.min(horizon);
            if covered % c.period_months != 0 && c.credits.is_none() {
                warnings.push(format!(
                    "offer `{}`: the last commitment period is cut short by the {} ({} of {} months); its full amount is charged",
                    o.name,
                    if o.term_months > horizon { "horizon" } else { "term" },
                    covered % c.period_months,
                    c.period_months
                ));
            }
            if let offer::DiscountRule::Tiers(t) = &c.discount {
                if c.amounts.iter().any(|&a| a < t[0].0) {
                    warnings.push(format!(
                        "offer `{}`: an amount is below the lowest discount tier; that period gets no discount",
                        o.name
                    ));
                }
            }
        }
    }
    Ok(Scenario {
        name: raw.name,
        file: path.to_path_buf(),
        start,
        horizon,
        paths,
        seed,
        sampling,
        fiscal_year_start,
        catalog,
        workloads,
        events,
        routing,
        correlation,
        damping,
        growth_annual: fc.growth_annual.clone(),
        volatility_monthly: fc.volatility_monthly,
        calibrate: fc.calibrate.unwrap_or(false),
        price_change,
        step_cut,
        risk,
        portfolios,
        offers,
        inputs,
        warnings,
    })
}

pub(super) fn simulation_settings(
    path: &Path,
    raw: &ScenarioFile,
    ov: Overrides,
    horizon: usize,
    streams: usize,
) -> Result<(u64, u64)> {
    let check = |paths: i128, key: &str| -> Result<u64> {
        if paths < 0 {
            return Err(Error::invalid(path, key, format!("expected a positive number of paths, found {paths}")));
        }
        if paths < 100 {
            return Err(Error::invalid(
                path,
                key,
                format!("expected at least 100 paths for usable statistics, found {paths}"),
            ));
        }
        let cells = paths as f64 * horizon as f64 * (streams as f64 + 1.0);
        if paths > MAX_PATHS as i128 || cells > MAX_CELLS {
            let most = (MAX_CELLS / (horizon as f64 * (streams as f64 + 1.0))).min(MAX_PATHS as f64) as u64;
            return Err(Error::invalid(
                path,
                key,
                format!("{paths} paths is too many to finish in reasonable time for {horizon} months and {streams} workloads; use at most {most}"),
            ));
        }
        Ok(paths as u64)
    };
    // The file must be valid on its own: `--paths` replaces a valid value for
    // one run; it does not hide a wrong one.
    let own = raw.simulation.paths.map(|p| check(p.into(), "simulation.paths")).transpose()?;
    let paths = match ov.paths {
        Some(p) => check(p.into(), "--paths")?,
        None => own.unwrap_or(20_000),
    };
    Ok((paths, ov.seed.or(raw.simulation.seed).unwrap_or(0)))
}

/// `[simulation] sampling`, replaced by `--sampling` (the file's value must be valid on its own).
fn sampling_setting(path: &Path, raw: &ScenarioFile, ov: Overrides) -> Result<Sampling> {
    let own = match &raw.simulation.sampling {
        None => None,
        Some(s) => Some(Sampling::parse(s).ok_or_else(|| {
            let names = Sampling::ALL.map(Sampling::name);
            let hint = crate::error::closest(s, names.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            Error::invalid(
                path,
                "simulation.sampling",
                format!("expected one of {}, found `{s}`{hint}", names.map(|n| format!("`{n}`")).join(", ")),
            )
        })?),
    };
    Ok(ov.sampling.or(own).unwrap_or_default())
}

pub(super) fn compile_offers(
    path: &Path,
    raw: &ScenarioFile,
    (start, horizon): (Month, usize),
    catalog: &Catalog,
    names: &[String],
    inputs: &mut Vec<PathBuf>,
) -> Result<Vec<Offer>> {
    if raw.offers.is_empty() {
        return Err(Error::invalid(path, "offers", "the scenario has no offers: add at least one [[offers]] (a payg offer at list price is the usual baseline)"));
    }
    let mut offers: Vec<Offer> = Vec::new();
    for (i, o) in raw.offers.iter().enumerate() {
        if o.name.trim().is_empty() {
            return Err(Error::invalid(path, format!("offers[{i}].name"), "expected a non-empty offer name"));
        }
        if offers.iter().any(|x| x.name == o.name) {
            return Err(Error::invalid(
                path,
                format!("offers[{i}].name"),
                format!("offer name `{}` is used twice; names must be unique", o.name),
            ));
        }
        let cx = OfferCtx { file: path, index: i, horizon, catalog, workloads: names, start };
        let compiled = offer_check::compile(o, &cx)?;
        if let offer::OfferKind::Provisioned(p) = &compiled.kind {
            if let offer::Load::Profile(pr) = &p.load {
                inputs.push(PathBuf::from(&pr.file));
            }
        }
        offers.push(compiled);
    }
    Ok(offers)
}

pub(super) fn compile_risk(path: &Path, raw: &ScenarioFile, offers: &[Offer]) -> Result<Risk> {
    let r = &raw.risk;
    let baseline = match &r.baseline {
        None => 0,
        Some(b) => offers.iter().position(|o| &o.name == b).ok_or_else(|| {
            let hint = closest(b, offers.iter().map(|o| o.name.as_str()))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            let all: Vec<String> = offers.iter().map(|o| format!("`{}`", o.name)).collect();
            Error::invalid(path, "risk.baseline", format!("no offer is named `{b}`{hint} (offers: {})", all.join(", ")))
        })?,
    };
    let waste_tolerance = r.waste_tolerance.unwrap_or(0.05);
    if !(waste_tolerance.is_finite() && (0.0..1.0).contains(&waste_tolerance)) {
        return Err(Error::invalid(
            path,
            "risk.waste_tolerance",
            format!("expected a share in [0, 1), found {waste_tolerance}"),
        ));
    }
    let max_overcommit_probability = r.max_overcommit_probability.unwrap_or(0.10);
    unit_interval(max_overcommit_probability).ok_or_else(|| {
        Error::invalid(
            path,
            "risk.max_overcommit_probability",
            format!("expected a probability in [0, 1], found {max_overcommit_probability}"),
        )
    })?;
    Ok(Risk { baseline, waste_tolerance, max_overcommit_probability })
}

pub(super) fn compile_workload(
    path: &Path,
    i: usize,
    w: &WorkloadSec,
    catalog: &Catalog,
    fc: &crate::spec::file::ForecastSec,
    warnings: &mut Vec<String>,
) -> Result<Workload> {
    let key = |k: &str| format!("workloads[{i}].{k}");
    let bad = |k: &str, m: String| Error::invalid(path, key(k), m);
    if w.name.trim().is_empty() {
        return Err(bad("name", "expected a non-empty workload name".into()));
    }
    let model = catalog.find(&w.model).map_err(|m| bad("model", m))?;
    if !(w.monthly_tokens.is_finite() && (0.0..=MAX_MONTHLY_TOKENS).contains(&w.monthly_tokens)) {
        return Err(bad(
            "monthly_tokens",
            format!("expected a token volume from 0 to {MAX_MONTHLY_TOKENS:e}, found {}", w.monthly_tokens),
        ));
    }
    let (shares, batch_share, traffic) = check_mix(&w.mix()).map_err(|(k, m)| bad(k, m))?;
    let growth = match (&w.growth_annual, &fc.growth_annual) {
        (Some(g), _) => {
            check_growth(g).map_err(|m| bad("growth_annual", m))?;
            g.clone()
        }
        (None, Some(g)) => g.clone(),
        (None, None) => {
            warnings.push(format!(
                "workload `{}` has no growth_annual (and [forecast] sets none): assuming no growth",
                w.name
            ));
            Dist::Fixed(0.0)
        }
    };
    let sigma = match (w.volatility_monthly, fc.volatility_monthly) {
        (Some(v), _) => {
            check_volatility(v).map_err(|m| bad("volatility_monthly", m))?;
            v
        }
        (None, Some(v)) => v,
        (None, None) => {
            warnings.push(format!(
                "workload `{}` has no volatility_monthly (and [forecast] sets none): assuming no month-to-month noise",
                w.name
            ));
            0.0
        }
    };
    if w.monthly_tokens == 0.0 {
        warnings.push(format!("workload `{}` has monthly_tokens = 0: it adds nothing", w.name));
    }
    Ok(Workload {
        name: w.name.clone(),
        model,
        base_tokens: w.monthly_tokens,
        shares,
        batch_share,
        traffic,
        volume: VolumeModel::Drift { growth: Growth::Annual(growth), sigma },
        history: None,
    })
}

/// A reservation's `limits_per_unit` may only limit classes its scope's
/// traffic uses: a limit no token counts toward is a typo or a wrong scope,
/// never a constraint (SPEC 6.2).
fn check_limits_used(
    path: &Path,
    offers: &[Offer],
    pairs: &[(String, usize)],
    workloads: &[Workload],
    events: &[Event],
    catalog: &Catalog,
) -> Result<()> {
    for (i, o) in offers.iter().enumerate() {
        let offer::OfferKind::Provisioned(p) = &o.kind else { continue };
        let mixes: Vec<[f64; 5]> = pairs
            .iter()
            .filter(|(w, m)| o.scope.covers(&catalog.models[*m].provider, &catalog.models[*m].id, w))
            .flat_map(|(w, _)| {
                let own = workloads.iter().filter(|x| &x.name == w).map(|x| x.shares.classes());
                own.chain(events.iter().filter(|e| &e.workload == w).map(|e| e.shares.classes())).collect::<Vec<_>>()
            })
            .collect();
        if mixes.is_empty() {
            continue; // a scope with no usage is warned about already
        }
        for l in p.limits.iter().filter(|l| !l.list_usd) {
            let used = mixes.iter().any(|m| m.iter().zip(&l.classes).any(|(s, c)| s * c > 0.0));
            if !used {
                return Err(Error::invalid(
                    path,
                    format!("offers[{i}].limits_per_unit.{}", l.name),
                    format!(
                        "no traffic in this offer's scope has {} tokens, so this limit never binds; drop it or check \
                         the scope and the workloads' shares",
                        l.name.replace('_', " ")
                    ),
                ));
            }
        }
    }
    Ok(())
}
